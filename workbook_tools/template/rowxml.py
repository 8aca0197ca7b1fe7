"""Rows written as worksheet XML in bulk: the fast path of the data sheets.

xlsxwriter spends some 8 µs on each cell (argument checks, a cell tuple, an attribute list, two
escaping regexes, one write call); a 100,000-order book has eight million cells. In constant-memory
mode a worksheet streams its finished rows into a temporary file, so :class:`BulkSheet` can put
rows rendered here into the same stream instead: a column at a time, with list comprehensions,
memoised number texts and one escaping check per column. The XML is what xlsxwriter writes for the
same calls (tests/test_regenerate.py compares the two paths cell by cell and the empty template
byte for byte).

A cell renderer turns one value into the part of a ``<c>`` element after its ``r="A2"``.
Blank values (None or "") give no cell, as the per-cell writers skip them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace
from xlsxwriter.worksheet import re_dynamic_function

from ..derive import serial
from .fill import PlainFormulaSheet

#: One cell's XML after ``<c r="A2"`` (attributes from `` s=…`` to ``</c>``).
Body = Callable[[Any], str]

_SEP = "\x00"
#: Anything that needs more than a plain copy into <t>: XML specials, control characters (and
#: Excel's _xHHHH_ escape itself), the two non-characters, and whitespace at either end.
_SPECIAL = re.compile(r"[&<>\x01-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|(?:^|\x00)\s|\s(?:\x00|$)")
_STR_MAX = 32767
_ERROR_CODES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


class BulkSheet(PlainFormulaSheet):
    """A worksheet that also takes whole rows as ready XML (constant-memory mode only)."""

    def bulk_ready(self) -> bool:
        """Whether rows can be written as XML: constant-memory mode, no default row height and no
        Excel 2010 row attributes (xlsxwriter would give every row attributes then)."""
        return bool(
            self.constant_memory
            and getattr(self, "row_data_fh", None) is not None
            and self.fh is self.row_data_fh
            and self.excel_version != 2010
            and self.default_row_height == self.original_row_height
        )

    def flush_rows(self, next_row: int) -> None:
        """Finish the row xlsxwriter holds (the header, say) before rows from ``next_row`` on
        follow as XML — and before their formats are numbered, as xlsxwriter numbers formats in
        the order cells use them."""
        if next_row > self.previous_row:
            self._write_single_row(next_row)

    def write_xml_rows(self, first_row: int, last_row: int, first_col: int, last_col: int, xml: str) -> None:
        """Append rows rendered as ``<row>`` elements after every row written so far; their cells
        lie within rows ``first_row``–``last_row`` and columns ``first_col``–``last_col`` (0-based,
        for the sheet's dimension). Rows must come in order, as in constant-memory mode anyway."""
        if first_row < self.previous_row or (first_row == self.previous_row and self.table):
            raise ValueError(f"rows must be written in order: row {first_row + 1} comes after row {self.previous_row + 1}")
        if not xml:
            return
        self._check_dimensions(first_row, first_col)
        self._check_dimensions(last_row, last_col)
        self._write_single_row(last_row + 1)  # finishes the row xlsxwriter holds; the next is below ours
        self.fh.write(xml)

    # ----- cell XML, as xlsxwriter writes it -----

    def lazy_style(self, fmt: Format | None, col: int) -> "LazyStyle":
        return LazyStyle(self, fmt, col)

    def style(self, fmt: Format | None, col: int) -> str:
        """The `` s="…"`` attribute of a cell: its format, else its column's, as xlsxwriter does
        (rows written here have no row format)."""
        if fmt is None:
            info = self.col_info.get(col)
            fmt = info.column_format if info is not None else None
            if fmt is None:
                return ""
        return f' s="{fmt._get_xf_index()}"'

    def inline_text(self, style: str, text: str) -> str:
        """A text cell (an inline string in constant-memory mode), escaped as xlsxwriter escapes it."""
        if len(text) > _STR_MAX // 2 and len(text.encode("utf-16-le")) > 2 * _STR_MAX:
            text = text.encode("utf-16-le")[: 2 * _STR_MAX].decode("utf-16-le", "ignore")
        text = self._escape_control_characters(text)
        space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        return f'{style} t="inlineStr"><is><t{space}>{self._escape_data(text)}</t></is></c>'


class LazyStyle:
    """A cell's `` s="…"`` attribute, numbered only when a cell first uses the format (numbering
    a format adds it to the file: an unused one would change the bytes of the empty template)."""

    __slots__ = ("ws", "fmt", "col", "text")

    def __init__(self, ws: BulkSheet, fmt: Format | None, col: int):
        self.ws, self.fmt, self.col, self.text = ws, fmt, col, None

    def __call__(self) -> str:
        if self.text is None:
            self.text = self.ws.style(self.fmt, self.col)
        return self.text


class LazyStyles(dict):
    """``styles[kind]``: the lazily numbered style of each kind of value (see value_body)."""

    def __init__(self, ws: BulkSheet, formats: dict[str, Format | None], col: int):
        super().__init__()
        self.ws, self.formats, self.col = ws, formats, col

    def __missing__(self, kind: str) -> str:
        text = self[kind] = self.ws.style(self.formats[kind], self.col)
        return text


def _finite(v: Any) -> bool:
    return not (type(v) is float and (math.isnan(v) or math.isinf(v)))


class Memo(dict):
    """``memo(v)`` is ``make(v)``, computed once per distinct value (values repeat down a column:
    dates, prices, statuses). Booleans are never memoised: ``True == 1`` would share a slot."""

    def __init__(self, make: Body):
        super().__init__()
        self.make = make

    def __missing__(self, v: Any) -> str:
        body = self[v] = self.make(v)
        return body

    def __call__(self, v: Any) -> str:
        if v.__class__ is bool:
            return self.make(v)
        try:
            return self[v]
        except TypeError:  # unhashable: nothing we write, but never a crash
            return self.make(v)


def cells(letter: str, nums: Sequence[str], values: Sequence[Any], body: Body) -> list[str]:
    """The cells of one column over a run of rows: ``nums`` are the Excel row numbers as text."""
    return [f'<c r="{letter}{n}"{body(v)}' if v is not None and v != "" else "" for n, v in zip(nums, values)]


def text_cells(ws: BulkSheet, letter: str, nums: Sequence[str], texts: Sequence[str], style: LazyStyle) -> list[str]:
    """A column of text ("" for blank), with one escaping check for the whole column."""
    if not any(texts):
        return [""] * len(texts)
    style = style()
    try:
        big = _SEP.join(texts)
    except TypeError:
        big = None
    plain = (big is not None and big.count(_SEP) == len(texts) - 1 and not _SPECIAL.search(big)
             and (not texts or max(map(len, texts)) <= _STR_MAX // 2))
    if not plain:
        return cells(letter, nums, texts, lambda t: ws.inline_text(style, t))
    head = f'{style} t="inlineStr"><is><t>'
    return [f'<c r="{letter}{n}"{head}{t}</t></is></c>' if t else "" for n, t in zip(nums, texts)]


def rows_xml(nums: Sequence[str], columns: list[list[str]]) -> str:
    """``<row>`` elements from cell columns (in column order); rows without a cell are left out,
    as xlsxwriter leaves them out."""
    if not columns:
        return ""
    joined = map("".join, zip(*columns)) if len(columns) > 1 else iter(columns[0])
    return "".join([f'<row r="{n}">{c}</row>' for n, c in zip(nums, joined) if c])


# --------------------------------------------------------------------------------------------
# Typed input columns: the bodies of the per-cell writers in data_sheet.py
# --------------------------------------------------------------------------------------------


def as_texts(values: Sequence[Any], labels: dict[str, str] | None = None) -> list[str]:
    """TEXT / ID / CHOICE columns as the text each cell gets ("" for blank): a choice as its
    label, anything that is not a string as ``str(v)`` (as the per-cell writer does)."""
    if labels:
        return ["" if v is None else labels.get(v, v) if type(v) is str else str(v) for v in values]
    return [v if type(v) is str else "" if v is None else str(v) for v in values]


def number_body(ws: BulkSheet, style: LazyStyle) -> Body:
    """INT / MONEY / PERCENT columns: numbers (Decimal as float); anything else as text."""
    def make(v: Any) -> str:
        t = type(v)
        if (t is int or t is float) and _finite(v):
            return f"{style()}><v>{v:.16G}</v></c>"
        if t is Decimal and v.is_finite():
            return f"{style()}><v>{float(v):.16G}</v></c>"
        return ws.inline_text(style(), str(v))
    return Memo(make)


def date_body(ws: BulkSheet, style: LazyStyle) -> Body:
    """DATE / DATETIME columns: Excel serial numbers; anything else as text."""
    def make(v: Any) -> str:
        if isinstance(v, date):
            return f"{style()}><v>{serial(v):.16G}</v></c>"
        return ws.inline_text(style(), str(v))
    return Memo(make)


def formula_cells(ws: BulkSheet, letter: str, nums: Sequence[str], style: str, at: Callable[[int], str],
                  parts: list[str] | None, cached: Sequence[Any]) -> list[str]:
    """A formula column: the formula of each row with its cached result (as ``write_formula``).
    ``parts``: the escaped formula split at its row number, when it depends on nothing else."""
    heads = Memo(lambda v: _formula_head(style, v))
    tails = Memo(_formula_tail)
    if parts is not None:
        return [f'<c r="{letter}{n}"{heads(v)}><f>{n.join(parts)}</f><v>{tails(v)}</v></c>'
                for n, v in zip(nums, cached)]
    return [f'<c r="{letter}{n}"{heads(v)}><f>{ws._escape_data(_strip(at(int(n))))}</f><v>{tails(v)}</v></c>'
            for n, v in zip(nums, cached)]


def formula_parts(ws: BulkSheet, at: Callable[[int], str]) -> list[str] | None:
    """The escaped text of a row formula split at its row number, or None when the formula is not
    a plain function of the row (or would be an array formula that xlsxwriter treats apart)."""
    probe = 987654321
    text = at(probe)
    if re_dynamic_function.search(text) or text.startswith("{"):
        raise ValueError(f"formula {text!r} needs xlsxwriter's array-formula handling")
    parts = ws._escape_data(_strip(text)).split(str(probe))
    for row in (2, 10, 54321):
        if str(row).join(parts) != ws._escape_data(_strip(at(row))):
            return None
    return parts


def _strip(formula: str) -> str:
    return formula[1:] if formula.startswith("=") else formula


def _formula_head(style: str, v: Any) -> str:
    if isinstance(v, bool):
        return f'{style} t="b"'
    if isinstance(v, str) and v != "":
        return f'{style} t="e"' if v in _ERROR_CODES else f'{style} t="str"'
    return style


def _formula_tail(v: Any) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, str):
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"{v}"


# --------------------------------------------------------------------------------------------
# Values of any type: staff columns, staff sheets, values the reader could not type
# --------------------------------------------------------------------------------------------

def typed_value(v: Any) -> tuple[str, Any]:
    """``(kind, what the cell holds)`` for a value of any type: ("text", str), ("bool", bool),
    ("number", float | int), or a kind of styles.VALUE_FORMATS with its serial number. Written so,
    python-calamine reads back the same value and type (a datetime at midnight comes back as a
    date, as it did from the book it was read from)."""
    t = type(v)
    if t is str:
        return "text", v
    if t is bool:
        return "bool", v
    if (t is int or t is float) and _finite(v):
        return "number", v
    if t is Decimal and v.is_finite():
        return "number", float(v)
    if t is datetime:
        return ("date" if v.hour == v.minute == v.second == v.microsecond == 0 else "datetime"), serial(v)
    if t is date:
        return "date", serial(v)
    if t is time:
        return "time", (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    if t is timedelta:
        return "duration", v.total_seconds() / 86400
    return "text", str(v)


def value_body(ws: BulkSheet, styles: dict[str, str]) -> Body:
    """A value as itself (see :func:`typed_value`). ``styles``: the `` s=…`` attribute per kind,
    "general" for text, numbers and booleans (a :class:`LazyStyles`)."""
    def make(v: Any) -> str:
        kind, x = typed_value(v)
        if kind == "text":
            return ws.inline_text(styles["general"], x)
        if kind == "bool":
            return f'{styles["general"]} t="b"><v>{1 if x else 0}</v></c>'
        return f'{styles["general" if kind == "number" else kind]}><v>{x:.16G}</v></c>'
    return Memo(make)
