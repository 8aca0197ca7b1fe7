"""Formulas filled down many rows, fast.

``formulas.formula()`` builds a formula from the schema in about 16 µs, and xlsxwriter then runs
some 30 regular expressions over it looking for post-2010 functions to prefix with ``_xlfn.``
(about 90 µs). Over the million formula cells of a large book that is minutes, so:

* ``row_formula()`` builds a column's formula once with a probe row number and makes each row's
  formula by joining the pieces with the row number (checked against ``formulas.formula``);
* ``PlainFormulaSheet`` (xlsxwriter_adapter.py, which owns every use of xlsxwriter's internals)
  skips the ``_xlfn.`` rewriting of cell formulas. Ours use Excel 2010 functions only; a test
  proves the rewriting leaves every one of them unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..formulas import FormulaContext, formula
from .xlsxwriter_adapter import PlainFormulaSheet

_PROBE = 987654321  # a row number no formula can contain otherwise (Excel stops at 1,048,576)


def row_formula(ctx: FormulaContext, sheet: str, key: str) -> Callable[[int], str]:
    """``f(row) == formulas.formula(ctx, sheet, key, row)`` for any 1-based Excel row, built once."""
    parts = formula(ctx, sheet, key, _PROBE).split(str(_PROBE))

    def at(row: int) -> str:
        return str(row).join(parts)

    if all(at(row) == formula(ctx, sheet, key, row) for row in (2, 9, ctx.last_row[sheet])):
        return at
    return partial(formula, ctx, sheet, key)  # a formula whose text depends on the row otherwise


__all__ = ["PlainFormulaSheet", "row_formula"]
