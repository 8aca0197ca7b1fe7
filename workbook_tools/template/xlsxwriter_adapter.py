"""The one module that reaches into xlsxwriter's internals, and what it does when they change.

xlsxwriter has no public way to append ready ``<row>`` XML to a worksheet, to skip its ``_xlfn.``
rewriting of formulas it was given as Excel stores them, to know the style number a format will
get, or to add a comment, a hyperlink, a merged range or a formula to a row a constant-memory
sheet has already streamed. The fast row writer (rowxml.py), the formula fill (fill.py) and what a
rebuilt book carries over (carry.py) need those, so this module does them, and nothing else does:

- :func:`internals_ok` checks, at each use, that every private member relied on is there with the
  parameters it had when this module was written (xlsxwriter 3.3). A release that renamed or
  changed one makes it False, with :func:`internals_problem` saying which.
- Then the row writer and the fill take xlsxwriter's public API (``write_string``,
  ``write_formula``, …) cell by cell — slower, the same file (tests/test_xlsxwriter_adapter.py
  forces this and compares). What has no public equivalent in constant-memory mode (a staff
  comment, hyperlink, merged range or look carried over by ``regenerate``) raises
  :class:`XlsxwriterChanged`: the book is not written (atomic), nothing is lost silently.

The escaping of cell text is our own (rowxml.py), checked byte for byte against xlsxwriter's
output on the pinned and on the newest release (.ci/run).
"""

from __future__ import annotations

import contextlib
import inspect
import re
from typing import Any

import xlsxwriter
from xlsxwriter import worksheet as _worksheet_module
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..errors import WorkbookToolsError

#: Private methods relied on, with their parameters after ``self`` (xlsxwriter 3.3).
_METHODS: dict[tuple[type, str], tuple[str, ...]] = {
    (Worksheet, "_write_single_row"): ("current_row_num",),
    (Worksheet, "_check_dimensions"): ("row", "col", "ignore_row", "ignore_col"),
    (Worksheet, "_prepare_formula"): ("formula", "expand_future_functions"),
    (Format, "_get_xf_index"): (),
}
#: Worksheet attributes relied on (set by xlsxwriter when a workbook adds the sheet).
_SHEET_ATTRIBUTES = (
    "constant_memory",
    "row_data_fh",
    "fh",
    "excel_version",
    "default_row_height",
    "original_row_height",
    "previous_row",
    "table",
    "col_info",
    "comments",
    "hyperlinks",
    "hlink_count",
    "has_vml",
    "has_comments",
    "merge",
    "xls_rowmax",
    "xls_colmax",
)
#: Names in xlsxwriter's modules relied on.
_MODULE_NAMES = (
    ("worksheet", "CellFormulaTuple"),
    ("worksheet", "CellArrayFormulaTuple"),
    ("comments", "CommentType"),
    ("url", "Url"),
    ("url", "UrlTypes"),
)
#: Url attributes a hyperlink's target is set through (no public way to keep it exactly as stored).
_URL_ATTRIBUTES = ("_link_type", "_original_url", "_link", "_relationship_link", "_anchor", "_text", "_tip")
#: Format attributes that make a format's identity in its workbook (not copied to a new format).
_FORMAT_INDEXES = frozenset({"xf_format_indices", "dxf_format_indices", "xf_index", "dxf_index", "_format_key"})

_checked: dict[tuple[Any, ...], str | None] = {}


class XlsxwriterChanged(WorkbookToolsError):
    """The installed xlsxwriter does not have an internal that carrying something over needs (and
    its public API cannot do it): nothing was written."""

    def __init__(self, what: str, problem: str):
        super().__init__(
            f"xlsxwriter {xlsxwriter.__version__}: 无法写入{what}（{problem}），未写入任何文件；请安装 xlsxwriter 3.3 / "
            f"cannot write {what} with this release ({problem}); nothing was written: "
            f"install xlsxwriter 3.3 (pip install 'xlsxwriter>=3.3,<3.4'), or report the release"
        )


def _parameters(fn: Any) -> tuple[str, ...] | None:
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None
    return tuple(params[1:]) if params and params[0] == "self" else tuple(params)


def internals_problem(ws: Worksheet | None = None) -> str | None:
    """What is not as this module expects (None: everything is). ``ws``: also the sheet's attributes."""
    key = tuple(getattr(owner, name, None) for owner, name in _METHODS) + tuple(
        getattr(getattr(xlsxwriter, mod, None), name, None) for mod, name in _MODULE_NAMES
    )
    if key not in _checked:
        _checked[key] = _static_problem()
    problem = _checked[key]
    if problem is None and ws is not None:
        missing = [name for name in _SHEET_ATTRIBUTES if not hasattr(ws, name)]
        if missing:
            problem = f"worksheets have no {', '.join(missing)}"
    return problem


def _static_problem() -> str | None:
    import importlib

    for (owner, name), expected in _METHODS.items():
        found = getattr(owner, name, None)
        if found is None:
            return f"{owner.__name__}.{name} is gone"
        if _parameters(found) != expected:
            return f"{owner.__name__}.{name}{_parameters(found)} is not {owner.__name__}.{name}{expected}"
    for mod, name in _MODULE_NAMES:
        try:
            module = importlib.import_module(f"xlsxwriter.{mod}")
        except ImportError:
            return f"xlsxwriter.{mod} is gone"
        if not hasattr(module, name):
            return f"xlsxwriter.{mod}.{name} is gone"
    return None


def internals_ok(ws: Worksheet | None = None) -> bool:
    return internals_problem(ws) is None


def _require(what: str, ws: Worksheet | None = None) -> None:
    problem = internals_problem(ws)
    if problem is not None:
        raise XlsxwriterChanged(what, problem)


# --------------------------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------------------------

#: xlsxwriter's own list when it has one (it makes such formulas dynamic arrays); ours otherwise.
_DYNAMIC = getattr(_worksheet_module, "re_dynamic_function", None) or re.compile(
    r"\b(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|MAKEARRAY|MAP|"
    r"RANDARRAY|REDUCE|SCAN|SEQUENCE|SINGLE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE|VSTACK|"
    r"WRAPCOLS|WRAPROWS|XLOOKUP)\("
)


def is_dynamic(formula: str) -> bool:
    """Whether xlsxwriter's ``write_formula`` would make ``formula`` a dynamic array formula."""
    return _DYNAMIC.search(formula) is not None


class PlainFormulaSheet(Worksheet):  # type: ignore[misc]  # xlsxwriter ships no types: Worksheet is Any
    """A worksheet whose cell formulas are written as given (minus the leading ``=``), skipping the
    some 30 regular expressions xlsxwriter runs over each one looking for functions newer than
    Excel 2010 (ours have none: tests/test_template_fill.py). When xlsxwriter's hook is not the one
    expected, every formula goes through xlsxwriter's own rewriting."""

    def _prepare_formula(self, formula: str, *args: Any, **kwargs: Any) -> str:
        if args or kwargs or formula.startswith("{") or not _formula_hook_ok():
            prepared: str = super()._prepare_formula(formula, *args, **kwargs)
            return prepared
        return formula.removeprefix("=")


_PREPARE = (Worksheet, "_prepare_formula")


def _formula_hook_ok() -> bool:
    """The one internal PlainFormulaSheet relies on (the rest may change without slowing formulas)."""
    found = getattr(Worksheet, "_prepare_formula", None)
    ok = _checked.get(("prepare", found))
    if ok is None:
        ok = _checked[("prepare", found)] = (
            "" if found is not None and _parameters(found) == _METHODS[_PREPARE] else "changed"
        )
    return ok == ""


def prepared_array_formula(ws: Worksheet, text: str) -> str:
    """An array formula's text as xlsxwriter stores it (dynamic functions given their prefix)."""
    _require("an array formula", ws)
    prepared: str = Worksheet._prepare_formula(ws, "{=" + text + "}")
    return prepared


def put_formula(ws: Worksheet, r: int, c: int, text: str, fmt: Format | None, value: Any) -> None:
    """A formula exactly as a book stored it (no ``_xlfn.`` rewriting, never made a dynamic array);
    through ``write_formula`` when the internals are not the expected ones."""
    if not internals_ok(ws):
        ws.write_formula(r, c, text, fmt, value)
        return
    if ws.constant_memory and r > ws.previous_row:
        ws._write_single_row(r)
    ws._check_dimensions(r, c)
    ws.table[r][c] = _worksheet_module.CellFormulaTuple(text, fmt, value)


def put_array_formula(ws: Worksheet, r: int, c: int, text: str, fmt: Format | None, value: str, ref: str) -> None:
    """An array (Ctrl+Shift+Enter) formula over ``ref`` whose top-left cell is (r, c), stored in
    that cell only; through ``write_array_formula`` when the internals are not the expected ones."""
    if not internals_ok(ws):
        ws.write_array_formula(ref, "{=" + text + "}", fmt, value)
        return
    if ws.constant_memory and r > ws.previous_row:
        ws._write_single_row(r)
    ws._check_dimensions(r, c)
    ws.table[r][c] = _worksheet_module.CellArrayFormulaTuple(
        prepared_array_formula(ws, text), fmt, value, ref, "static"
    )


# --------------------------------------------------------------------------------------------
# Rows written as XML (rowxml.py renders them)
# --------------------------------------------------------------------------------------------


class RowStreamSheet(PlainFormulaSheet):
    """A worksheet that also takes whole rows as ready XML (constant-memory mode only); rowxml's
    BulkSheet renders them."""

    def bulk_ready(self) -> bool:
        """Whether rows can be written as XML: the internals are the expected ones, constant-memory
        mode, no default row height and no Excel 2010 row attributes (xlsxwriter would give every
        row attributes then). False: write cell by cell through the public API."""
        return bool(
            internals_ok(self)
            and self.constant_memory
            and self.row_data_fh is not None
            and self.fh is self.row_data_fh
            and self.excel_version != 2010
            and self.default_row_height == self.original_row_height
        )

    def flush_rows(self, next_row: int) -> None:
        """Finish the row xlsxwriter holds (the header, say) before rows from ``next_row`` on
        follow as XML — and before their formats are numbered, as xlsxwriter numbers formats in
        the order cells use them. Nothing when rows are written cell by cell."""
        if internals_ok(self) and self.constant_memory and next_row > self.previous_row:
            self._write_single_row(next_row)

    def write_xml_rows(self, first_row: int, last_row: int, first_col: int, last_col: int, xml: str) -> None:
        """Append rows rendered as ``<row>`` elements after every row written so far; their cells
        lie within rows ``first_row``–``last_row`` and columns ``first_col``–``last_col`` (0-based,
        for the sheet's dimension). Rows must come in order, as in constant-memory mode anyway.
        Only when :meth:`bulk_ready`."""
        if not self.bulk_ready():
            raise RuntimeError("write_xml_rows needs bulk_ready()")
        if first_row < self.previous_row or (first_row == self.previous_row and self.table):
            raise ValueError(
                f"rows must be written in order: row {first_row + 1} comes after row {self.previous_row + 1}"
            )
        if not xml:
            return
        self._check_dimensions(first_row, first_col)
        self._check_dimensions(last_row, last_col)
        self._write_single_row(last_row + 1)  # finishes the row xlsxwriter holds; the next is below ours
        self.fh.write(xml)

    def style(self, fmt: Format | None, col: int) -> str:
        """The `` s="…"`` attribute of a cell: its format, else its column's, as xlsxwriter does
        (rows written as XML have no row format). Only when :meth:`bulk_ready`."""
        if fmt is None:
            info = self.col_info.get(col)
            fmt = getattr(info, "column_format", None) if info is not None else None
            if fmt is None:
                return ""
        return f' s="{fmt._get_xf_index()}"'


def number_format(fmt: Format | None) -> None:
    """Give ``fmt`` its style number now (xlsxwriter numbers formats in the order cells first use
    them, so both row writers must meet them in the same order). Nothing when the internals are not
    the expected ones: then only the public writer runs, which numbers them itself."""
    if fmt is not None and internals_ok():
        fmt._get_xf_index()


def xf_attribute(fmt: Format | None) -> str:
    """`` s="…"`` for a cell of format ``fmt`` ("" for none), for rows written as XML."""
    _require("a cell's format")
    return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""


# --------------------------------------------------------------------------------------------
# What a rebuilt book carries over (carry.py): no public equivalent in constant-memory mode
# --------------------------------------------------------------------------------------------


def restyle(ws: Worksheet, r: int, c: int, fmt: Format | None) -> None:
    """Put ``fmt`` on the cell (r, c) of the row being written, or a blank cell with it."""
    _require("a staff cell's format", ws)
    found = ws.table.get(r, {}).get(c)
    if found is not None:
        ws.table[r][c] = found._replace(format=fmt)
    else:
        ws.write_blank(r, c, None, fmt)


def copy_format(base: Format, into: Format) -> None:
    """Everything ``base`` sets, set on ``into`` (a new format of the same workbook)."""
    _require("a staff cell's format")
    for name, value in vars(base).items():
        if name not in _FORMAT_INDEXES:
            setattr(into, name, value)


def add_comment(ws: Worksheet, r: int, c: int, text: str, author: str | None) -> None:
    """A cell comment, on a row already written (xlsxwriter keeps comments until the sheet closes)."""
    _require("a staff comment", ws)
    if r >= ws.xls_rowmax or c >= ws.xls_colmax:
        return
    from xlsxwriter.comments import CommentType

    ws.comments[r][c] = CommentType(r, c, text, {"author": author} if author else None)
    ws.has_vml = ws.has_comments = True


def add_link(ws: Worksheet, r: int, c: int, url: str | None, location: str | None, tip: str | None) -> None:
    """A hyperlink on a cell already written, its target exactly as the old book stored it: ``url``
    (web, mailto:, a file) with ``location`` as its anchor, or ``location`` alone (a place in the book)."""
    _require("a staff hyperlink", ws)
    from xlsxwriter.url import Url, UrlTypes

    if url:
        link = Url("https://example.invalid")
        missing = [name for name in _URL_ATTRIBUTES if not hasattr(link, name)]
        if missing:
            raise XlsxwriterChanged("a staff hyperlink", f"Url has no {', '.join(missing)}")
        link._link_type = UrlTypes.URL
        link._original_url = link._link = link._relationship_link = url
        link._anchor = location or ""
    elif location:
        link = Url("internal:" + location)
    else:
        return
    link._text = ""
    if tip:
        link._tip = tip[:255]
    ws.hyperlinks[r][c] = link
    ws.hlink_count += 1


def add_merged(ws: Worksheet, r0: int, c0: int, r1: int, c1: int) -> None:
    """A merged range over cells written on their own (``merge_range`` would write its first cell)."""
    _require("a staff sheet's merged cells", ws)
    ws.merge.append([r0, c0, r1, c1])


# --------------------------------------------------------------------------------------------
# A workbook given up (outputs.xlsx_workbook, when writing it failed)
# --------------------------------------------------------------------------------------------


def discard(wb: Any) -> None:
    """Close the row files of a workbook's constant-memory sheets, and mark it closed so that
    xlsxwriter does not try to write it when it is collected. Without the expected attributes
    there is nothing more to do than leave the files to the garbage collector."""
    for ws in wb.worksheets():
        fh = getattr(ws, "row_data_fh", None)
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
    if hasattr(wb, "fileclosed"):
        wb.fileclosed = True


__all__ = [
    "PlainFormulaSheet",
    "RowStreamSheet",
    "XlsxwriterChanged",
    "add_comment",
    "add_link",
    "add_merged",
    "copy_format",
    "discard",
    "internals_ok",
    "internals_problem",
    "is_dynamic",
    "number_format",
    "prepared_array_formula",
    "put_array_formula",
    "put_formula",
    "restyle",
    "xf_attribute",
]
