"""Rows written as worksheet XML in bulk: the fast path of the data sheets.

xlsxwriter spends some 8 µs on each cell (argument checks, a cell tuple, an attribute list, two
escaping regexes, one write call); a 100,000-order book has eight million cells. In constant-memory
mode a worksheet streams its finished rows into a temporary file, so :class:`BulkSheet` can put
rows rendered here into the same stream instead: a column at a time, with list comprehensions,
memoised number texts and one escaping check per column. The XML is what xlsxwriter writes for the
same calls: tests/test_xlsxwriter_adapter.py compares it byte for byte with a stock xlsxwriter
worksheet given the same cells, tests/test_regenerate.py the two paths of a whole book. Writing the
rows into the sheet's stream is xlsxwriter_adapter.py's job (the only module that touches
xlsxwriter's internals); it says when rows must go cell by cell instead.

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

from ..dates import serial
from .xlsxwriter_adapter import RowStreamSheet, is_dynamic

#: One cell's XML after ``<c r="A2"`` (attributes from `` s=…`` to ``</c>``).
Body = Callable[[Any], str]

_SEP = "\x00"
#: Anything that needs more than a plain copy into <t>: XML specials, control characters (and
#: Excel's _xHHHH_ escape itself), the two non-characters, and whitespace at either end.
_SPECIAL = re.compile(r"[&<>\x01-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|(?:^|\x00)\s|\s(?:\x00|$)")
_STR_MAX = 32767
_ERROR_CODES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


class BulkSheet(RowStreamSheet):
    """The sheet class of every sheet write_book writes: rows as XML when ``bulk_ready()``."""

    def lazy_style(self, fmt: Format | None, col: int) -> LazyStyle:
        return LazyStyle(self, fmt, col)

    def inline_text(self, style: str, text: str) -> str:
        return inline_text(style, text)


def escape_data(text: str) -> str:
    """XML's three specials in a text element, as xlsxwriter escapes them (quotes stay)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


_X_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING_SPACE = re.compile(r"^\s")
_TRAILING_SPACE = re.compile(r"\s$")


def escape_control_characters(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes: of control characters and the two non-characters, and of text
    that looks like such an escape (its underscore escaped), as xlsxwriter writes them."""
    text = _X_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def inline_text(style: str, text: str) -> str:
    """A text cell (an inline string in constant-memory mode), cut to Excel's 32,767 UTF-16 units
    and escaped as xlsxwriter does it."""
    if len(text) > _STR_MAX // 2 and len(text.encode("utf-16-le")) > 2 * _STR_MAX:
        text = text.encode("utf-16-le")[: 2 * _STR_MAX].decode("utf-16-le", "ignore")
    text = escape_control_characters(text)
    space = ' xml:space="preserve"' if _LEADING_SPACE.search(text) or _TRAILING_SPACE.search(text) else ""
    return f'{style} t="inlineStr"><is><t{space}>{escape_data(text)}</t></is></c>'


class LazyStyle:
    """A cell's `` s="…"`` attribute, numbered only when a cell first uses the format (numbering
    a format adds it to the file: an unused one would change the bytes of the empty template)."""

    __slots__ = ("col", "fmt", "text", "ws")

    def __init__(self, ws: BulkSheet, fmt: Format | None, col: int):
        self.ws, self.fmt, self.col = ws, fmt, col
        self.text: str | None = None

    def __call__(self) -> str:
        if self.text is None:
            self.text = text = self.ws.style(self.fmt, self.col)
            return text
        return self.text


class LazyStyles(dict[str, str]):
    """``styles[kind]``: the lazily numbered style of each kind of value (see value_body)."""

    def __init__(self, ws: BulkSheet, formats: dict[str, Format | None], col: int):
        super().__init__()
        self.ws, self.formats, self.col = ws, formats, col

    def __missing__(self, kind: str) -> str:
        text = self[kind] = self.ws.style(self.formats[kind], self.col)
        return text


def _finite(v: Any) -> bool:
    return not (type(v) is float and (math.isnan(v) or math.isinf(v)))


class Memo(dict[Any, str]):
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
    attr = style()
    big: str | None
    try:
        big = _SEP.join(texts)
    except TypeError:
        big = None
    plain = (
        big is not None
        and big.count(_SEP) == len(texts) - 1
        and not _SPECIAL.search(big)
        and (not texts or max(map(len, texts)) <= _STR_MAX // 2)
    )
    if not plain:
        return cells(letter, nums, texts, lambda t: inline_text(attr, t))
    head = f'{attr} t="inlineStr"><is><t>'
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
        return inline_text(style(), str(v))

    return Memo(make)


def date_body(ws: BulkSheet, style: LazyStyle) -> Body:
    """DATE / DATETIME columns: Excel serial numbers; anything else as text."""

    def make(v: Any) -> str:
        if isinstance(v, date):
            return f"{style()}><v>{serial(v):.16G}</v></c>"
        return inline_text(style(), str(v))

    return Memo(make)


def formula_cells(
    ws: BulkSheet,
    letter: str,
    nums: Sequence[str],
    style: str,
    at: Callable[[int], str],
    parts: list[str] | None,
    cached: Sequence[Any],
) -> list[str]:
    """A formula column: the formula of each row with its cached result (as ``write_formula``).
    ``parts``: the escaped formula split at its row number, when it depends on nothing else."""
    heads = Memo(lambda v: _formula_head(style, v))
    tails = Memo(_formula_tail)
    if parts is not None:
        return [
            f'<c r="{letter}{n}"{heads(v)}><f>{n.join(parts)}</f><v>{tails(v)}</v></c>' for n, v in zip(nums, cached)
        ]
    return [
        f'<c r="{letter}{n}"{heads(v)}><f>{escape_data(_strip(at(int(n))))}</f><v>{tails(v)}</v></c>'
        for n, v in zip(nums, cached)
    ]


def formula_parts(ws: BulkSheet, at: Callable[[int], str]) -> list[str] | None:
    """The escaped text of a row formula split at its row number, or None when the formula is not
    a plain function of the row (or would be an array formula that xlsxwriter treats apart)."""
    probe = 987654321
    text = at(probe)
    if is_dynamic(text) or text.startswith("{"):
        raise ValueError(f"formula {text!r} needs xlsxwriter's array-formula handling")
    parts = escape_data(_strip(text)).split(str(probe))
    for row in (2, 10, 54321):
        if str(row).join(parts) != escape_data(_strip(at(row))):
            return None
    return parts


def _strip(formula: str) -> str:
    return formula.removeprefix("=")


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
            return inline_text(styles["general"], x)
        if kind == "bool":
            return f'{styles["general"]} t="b"><v>{1 if x else 0}</v></c>'
        return f"{styles['general' if kind == 'number' else kind]}><v>{x:.16G}</v></c>"

    return Memo(make)
