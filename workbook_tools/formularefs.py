"""Cell references inside formulas: shifted (Excel's shared formulas) and remapped (a rebuilt book).

A formula is split into tokens by openpyxl's formula tokenizer (pure Python; the workbook is never
loaded). Only operand tokens that are references are touched — ``H2``, ``$A$1:B5``, ``H:H``,
``1:1``, each with an optional sheet (``订单!H2``, ``'My sheet'!A1``) — everything else (text in
quotes, numbers, names, functions, spaces) is copied as it was.

- ``shift(text, rows, cols)``: what Excel does when a formula is filled down or across: relative
  parts move, ``$`` parts stay. Excel stores a column filled down as one *shared* formula and
  the other cells as "same as the first"; the reader expands them with this.
- ``Remap``: a rebuilt book puts the schema's columns in the template's order, drops title rows
  and blank rows, and may rename sheets (another language, a name the template now uses). A
  formula staff wrote keeps pointing at the same cells: each reference is mapped from where the
  cell was to where it is now. A reference to a cell that is not kept raises ``Unmappable``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .cells import col_index, col_letter, quote_sheet

MAX_ROW = 1_048_576
MAX_COL = 16_384

_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)"
_AREA = re.compile(rf"{_CELL}(?::{_CELL})?")
_COLS = re.compile(r"(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})")
_ROWS = re.compile(r"(\$?)([0-9]+):(\$?)([0-9]+)")
_SHEET = re.compile(r"^((?:'(?:[^']|'')+'|[^'!]+))!(.*)$", re.S)


class Unmappable(Exception):
    """A reference to a cell the rebuilt book does not have."""


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[tuple[str, bool], ...]:
    """The formula as (piece, is a reference operand) pieces that join back to ``text``."""
    from openpyxl.formula.tokenizer import Tokenizer, TokenizerError

    try:
        items = Tokenizer("=" + text).items
    except TokenizerError:  # a formula it cannot split
        return ((text, False),)
    out = tuple((t.value, t.type == "OPERAND" and t.subtype == "RANGE") for t in items)
    if "".join(p for p, _ in out) != text:
        return ((text, False),)
    return out


def split_sheet(operand: str) -> tuple[str | None, str]:
    """``("订单", "H2")`` for ``订单!H2``, ``(None, "H2")`` for ``H2``; the sheet unquoted."""
    m = _SHEET.match(operand)
    if not m:
        return None, operand
    sheet = m.group(1)
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, m.group(2)


# --------------------------------------------------------------------------------------------
# Shift
# --------------------------------------------------------------------------------------------


def shift(text: str, rows: int, cols: int) -> str:
    """``text`` as Excel writes it ``rows`` rows down and ``cols`` columns right (a reference that
    would leave the sheet becomes ``#REF!``)."""
    if rows == 0 and cols == 0:
        return text
    return "".join(_shift_operand(piece, rows, cols) if ref else piece for piece, ref in tokens(text))


def _shift_operand(operand: str, dr: int, dc: int) -> str:
    m = _SHEET.match(operand)
    prefix, ref = (operand[: len(operand) - len(m.group(2))], m.group(2)) if m else ("", operand)
    if "[" in prefix or "[" in ref:
        return operand

    def row(abs_: str, n: str) -> str:
        r = int(n) + (0 if abs_ else dr)
        if not 1 <= r <= MAX_ROW:
            raise Unmappable
        return f"{abs_}{r}"

    def col(abs_: str, letters: str) -> str:
        c = col_index(letters) + (0 if abs_ else dc)
        if not 0 <= c < MAX_COL:
            raise Unmappable
        return f"{abs_}{col_letter(c)}"

    try:
        m2 = _AREA.fullmatch(ref)
        if m2:
            out = col(m2.group(1), m2.group(2)) + row(m2.group(3), m2.group(4))
            if m2.group(5) is not None:
                out += ":" + col(m2.group(5), m2.group(6)) + row(m2.group(7), m2.group(8))
            return prefix + out
        m2 = _COLS.fullmatch(ref)
        if m2:
            return prefix + col(m2.group(1), m2.group(2)) + ":" + col(m2.group(3), m2.group(4))
        m2 = _ROWS.fullmatch(ref)
        if m2:
            return prefix + row(m2.group(1), m2.group(2)) + ":" + row(m2.group(3), m2.group(4))
    except Unmappable:
        return prefix + "#REF!"
    return operand


# --------------------------------------------------------------------------------------------
# Remap
# --------------------------------------------------------------------------------------------


@dataclass
class SheetMap:
    """Where the cells of one old sheet are in the new book (rows 1-based, columns 0-based)."""

    #: Old row -> new row, for every row kept (the header, records, …), ascending.
    rows: list[tuple[int, int]] = field(default_factory=list)
    #: Old column -> new column.
    cols: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows.sort()
        self._old = [o for o, _ in self.rows]

    @property
    def identity(self) -> bool:
        return all(o == n for o, n in self.rows) and all(o == n for o, n in self.cols.items())

    def _below(self) -> int:
        """The shift of rows below the last row kept."""
        return self.rows[-1][1] - self.rows[-1][0] if self.rows else 0

    def row(self, r: int, side: int = 0) -> int:
        """New row of old row ``r``: exactly (side 0), or the first kept at or after it (side 1,
        a range's start) / the last kept at or before it (side -1, a range's end)."""
        if not self.rows:
            return r
        last = self._old[-1]
        if r > last:
            return r + self._below()
        i = bisect_left(self._old, r)
        if i < len(self._old) and self._old[i] == r:
            return self.rows[i][1]
        if side > 0 and i < len(self._old):
            return self.rows[i][1]
        if side < 0 and i > 0:
            return self.rows[bisect_right(self._old, r) - 1][1]
        raise Unmappable

    def col(self, c: int) -> int:
        if c in self.cols:
            return self.cols[c]
        raise Unmappable


class Remap:
    """Rewrites references for the new book: ``renames`` old sheet name -> new name (sheets kept
    under another name), ``maps`` old sheet name -> SheetMap (sheets whose cells moved), ``gone``
    sheets not in the new book at all."""

    def __init__(self, renames: dict[str, str], maps: dict[str, SheetMap], gone: Iterable[str] = frozenset()):
        self.renames = {k: v for k, v in renames.items() if k != v}
        self.maps = {k: m for k, m in maps.items() if not m.identity}
        self.gone = set(gone)
        touched = set(self.renames) | set(self.maps) | self.gone
        self._needles = sorted({n for name in touched for n in (name, name.replace("'", "''"))}, key=len, reverse=True)
        self._folded = {k.casefold(): k for k in (*touched, *renames)}

    def __bool__(self) -> bool:
        return bool(self.renames or self.maps or self.gone)

    def formula(self, text: str, sheet: str | None) -> str:
        """``text`` (a formula on old sheet ``sheet``; None for a defined name) for the new book.
        Raises Unmappable — also for a reference to another workbook (``[1]Sheet1!A1``) or to a
        table (``表1[金额]``): neither is in the rebuilt book."""
        if "[" in text and any(ref and "[" in piece for piece, ref in tokens(text)):
            raise Unmappable
        if not self or not (sheet in self.maps or any(n in text for n in self._needles)):
            return text
        return "".join(self._operand(piece, sheet) if ref else piece for piece, ref in tokens(text))

    def _old_name(self, name: str) -> str:
        return self._folded.get(name.casefold(), name)

    def _operand(self, operand: str, own: str | None) -> str:
        named, ref = split_sheet(operand)
        if named is not None and "[" in named:
            raise Unmappable  # another workbook
        sheet = self._old_name(named) if named is not None else own
        if sheet in self.gone:
            raise Unmappable
        mapping = self.maps.get(sheet) if sheet is not None else None
        prefix = ""
        if named is not None:
            new_name = self.renames.get(sheet, named) if sheet is not None else named
            prefix = (quote_sheet(new_name) if new_name != named else operand[: len(operand) - len(ref) - 1]) + "!"
        if mapping is None:
            return prefix + ref
        m = _AREA.fullmatch(ref)
        if m:
            if m.group(5) is None:
                return (
                    prefix
                    + _c(m.group(1), mapping.col(col_index(m.group(2))))
                    + _r(m.group(3), mapping.row(int(m.group(4))))
                )
            r0, r1 = int(m.group(4)), int(m.group(8))
            lo, hi = (1, -1) if r0 <= r1 else (-1, 1)
            return (
                prefix
                + _c(m.group(1), mapping.col(col_index(m.group(2))))
                + _r(m.group(3), mapping.row(r0, lo))
                + ":"
                + _c(m.group(5), mapping.col(col_index(m.group(6))))
                + _r(m.group(7), mapping.row(r1, hi))
            )
        m = _COLS.fullmatch(ref)
        if m:
            return (
                prefix
                + _c(m.group(1), mapping.col(col_index(m.group(2))))
                + ":"
                + _c(m.group(3), mapping.col(col_index(m.group(4))))
            )
        m = _ROWS.fullmatch(ref)
        if m:
            return (
                prefix
                + _r(m.group(1), mapping.row(int(m.group(2)), 1))
                + ":"
                + _r(m.group(3), mapping.row(int(m.group(4)), -1))
            )
        if ref.startswith("#REF!"):
            return prefix + ref
        if named is not None or "[" in ref:
            raise Unmappable  # a name local to a sheet whose cells moved, a table column …
        return ref  # a defined name


def _c(abs_: str, c: int) -> str:
    return f"{abs_}{col_letter(c)}"


def _r(abs_: str, r: int) -> str:
    return f"{abs_}{r}"
