"""One cell as python-calamine returns it → the typed value of ``BookData``, or why not.

calamine gives ``''`` for an empty cell, ``float`` for every number (``44.0``), ``date`` /
``datetime`` / ``time`` / ``timedelta`` for cells formatted as dates or durations, ``bool`` and
``str``. Error cells (#N/A …) also come back as ``''``; the reader marks them beforehand as
:class:`ExcelError` (see xlsxparts.py).

Each column type gets one converter, ``value -> typed value | Bad`` (columns.py runs it down a
whole column). A value that cannot be read becomes ``None`` plus a problem with a reason, one of
the short slugs of :data:`REASONS`. Nothing is guessed: a phone number that Excel turned into
``1.38E+10`` is a problem, not a number with zeros made up; ``06/25/16`` is not read as a date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .. import dates
from ..choices import Choice
from ..choices import lookup as choices_lookup
from ..schema import Column, T

CENT = Decimal("0.01")
BASIS_POINT = Decimal("0.0001")

#: Why a value could not be read: reason slug -> (中文, English). Validation turns them into findings.
REASONS: dict[str, tuple[str, str]] = {
    "wrong-type": ("不是该列要求的类型", "not of the column's type"),
    "not-integer": ("不是整数", "not a whole number"),
    "bad-date": ("日期不存在", "not a real date"),
    "lost-digits": ("号码被存成数字，可能已丢失位数", "a number stored as a number may have lost digits"),
    "excel-error": ("单元格是 Excel 错误值", "the cell holds an Excel error value"),
}

#: Excel's error values, as shown in cells.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


#: Literal NULLs that SQL exports leave in cells: blank, not text.
NULLS = frozenset({"NULL", "null", "Null"})


class ExcelError:
    """An error value (``#N/A``, ``#REF!`` …) that the file stores in a cell.

    Deliberately not a ``str``: a column holding one fails the all-text fast path of
    :func:`convert_column` and goes through the careful one."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"ExcelError({self.text!r})"


class Bad:
    """A value that cannot be read as its column's type, and why (a key of REASONS)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"Bad({self.reason!r})"


WRONG_TYPE, NOT_INTEGER, BAD_DATE = Bad("wrong-type"), Bad("not-integer"), Bad("bad-date")
LOST_DIGITS, EXCEL_ERROR = Bad("lost-digits"), Bad("excel-error")

Converter = Callable[[Any], Any]

# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------


def _nfkc(s: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (１２３ → 123, ＠ → @)."""
    return s if s.isascii() else unicodedata.normalize("NFKC", s)


def clean_text(s: str) -> str | Bad | None:
    """Trimmed text; None for blank, space-only or literal ``NULL``; Bad for an error literal."""
    s = s.strip()
    if not s:
        return None
    if s[0] == "#" and s in EXCEL_ERRORS:
        return EXCEL_ERROR
    if s in NULLS:
        return None
    return s.replace("\xa0", " ") if "\xa0" in s else s


def _number_as_text(v: float) -> str:
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def to_text(v: Any) -> Any:
    """TEXT: anything readable as text, as the cell would show it."""
    t = type(v)
    if t is str:
        return clean_text(v)
    if t is float or t is int:
        return _number_as_text(float(v))
    if t is ExcelError:
        return EXCEL_ERROR
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is datetime:
        return v.isoformat(sep=" ", timespec="minutes" if not v.second and not v.microsecond else "seconds")
    if t is date or t is time:
        return v.isoformat()
    if t is timedelta:
        return str(v)
    return WRONG_TYPE


def to_ascii_text(v: Any) -> Any:
    """EMAIL: text, with full-width characters folded to ASCII."""
    return clean_text(_nfkc(v)) if type(v) is str else to_text(v)


#: Scientific notation as Excel shows a long number: 1.38E+10, 1.3812E10, 5E+17.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")


def to_id(v: Any) -> Any:
    """ID, PHONE, TAX_ID: identifiers kept as text. A number is accepted only when no digit can be lost."""
    t = type(v)
    if t is str:
        s = clean_text(_nfkc(v))
        if type(s) is not str:
            return s
        if s[-1].isdigit() and ("e" in s or "E" in s) and _SCIENTIFIC.fullmatch(s):
            return LOST_DIGITS
        return s
    if t is float or t is int:
        v = float(v)
        # Excel keeps 15 significant digits: from 10**15 up, the tail of the number is gone.
        if abs(v) >= 1e15:
            return LOST_DIGITS
        return _number_as_text(v)
    if t is ExcelError:
        return EXCEL_ERROR
    # a date or a boolean in an ID column is a value Excel converted (SKU "1-2" became 2 Jan): lost
    return WRONG_TYPE


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_CURRENCY = re.compile(r"([+-]?)\s*(?:[¥$€£]|RMB|CNY|USD)?\s*(.*?)\s*(?:元|RMB|CNY)?")


def parse_decimal(s: str) -> Decimal | None:
    """A number typed as text: full-width digits, thousands separators, (accounting negatives)."""
    s = _nfkc(s).replace(" ", "")
    negative = False
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        negative, s = True, s[1:-1]
    if "," in s:
        if not _THOUSANDS.fullmatch(s):
            return None
        s = s.replace(",", "")
    if not s or "_" in s:
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    return -d if negative else d


def to_int(v: Any) -> Any:
    t = type(v)
    if t is float:
        return int(v) if v.is_integer() else NOT_INTEGER
    if t is int:
        return v
    if t is str:
        s = clean_text(v)
        if type(s) is not str:
            return s
        if s.isdigit() and s.isascii():
            return int(s)
        d = parse_decimal(s)
        if d is None:
            return WRONG_TYPE
        return int(d) if d == d.to_integral_value() else NOT_INTEGER
    if t is ExcelError:
        return EXCEL_ERROR
    return WRONG_TYPE


def _decimal_of(v: float) -> Decimal:
    # repr gives the shortest text that reads back as the same float: 0.1 -> "0.1", not 0.1000000000000000055…
    return Decimal(repr(v))


def to_money(v: Any) -> Any:
    t = type(v)
    try:
        if t is float:
            return _decimal_of(v).quantize(CENT, ROUND_HALF_UP)
        if t is int:
            return Decimal(v).quantize(CENT)
        if t is str:
            s = clean_text(v)
            if type(s) is not str:
                return s
            m = _CURRENCY.fullmatch(_nfkc(s))
            d = parse_decimal(m.group(1) + m.group(2)) if m else None
            return WRONG_TYPE if d is None else d.quantize(CENT, ROUND_HALF_UP)
    except InvalidOperation:  # beyond Decimal's 28 digits: nothing anybody typed on purpose
        return WRONG_TYPE
    if t is ExcelError:
        return EXCEL_ERROR
    return WRONG_TYPE


def _fraction(d: Decimal) -> Decimal:
    """Four places at most, trailing zeros dropped: 0.05 -> Decimal("0.05"), 1 -> Decimal("1")."""
    d = d.quantize(BASIS_POINT, ROUND_HALF_UP)
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def to_percent(v: Any) -> Any:
    """PERCENT: a fraction (0.05 for 5%). A number is taken as stored; text with % is divided by 100."""
    t = type(v)
    try:
        if t is float:
            return _fraction(_decimal_of(v))
        if t is int:
            return Decimal(v)
        if t is str:
            s = clean_text(v)
            if type(s) is not str:
                return s
            s = _nfkc(s).replace(" ", "")
            percent = s.endswith("%")
            d = parse_decimal(s[:-1] if percent else s)
            if d is None:
                return WRONG_TYPE
            return _fraction(d / 100 if percent else d)
    except InvalidOperation:
        return WRONG_TYPE
    if t is ExcelError:
        return EXCEL_ERROR
    return WRONG_TYPE


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

#: 2026-11-27, 2026/11/27, 2026.11.27, 2026年11月27日, each optionally followed by a time.
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*T?\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _parse_date_text(s: str) -> datetime | Bad:
    s = _nfkc(s)
    m = _DATE_TEXT.fullmatch(s) or _COMPACT_DATE.fullmatch(s)
    if m is None:
        return WRONG_TYPE
    parts = [int(p) if p else 0 for p in m.groups()]
    if len(parts) > 6 and m.group(7):
        parts[6] = int(m.group(7).ljust(6, "0"))
    try:
        y, mo, d, h, mi, sec, us = (parts + [0] * 7)[:7]  # year … microsecond
        return datetime(y, mo, d, h, mi, sec, us)
    except ValueError:
        return BAD_DATE


class Dates:
    """Date and datetime converters for one workbook's date system (1900, or 1904 on old Macs)."""

    def __init__(self, date1904: bool = False):
        self.date1904 = date1904

    def _serial(self, v: float) -> datetime | Bad:
        """An Excel serial number typed into a date column (the cell lost its date format)."""
        if v.is_integer() and 19000101 <= v <= 99991231:  # 20261127 typed as a number
            return _parse_date_text(str(int(v)))
        if not dates.in_range(v, self.date1904):
            return WRONG_TYPE
        d = dates.from_serial(v, self.date1904)
        return BAD_DATE if d is None else d  # None: 29 Feb 1900, a day Excel believes in and the calendar does not

    def to_date(self, v: Any) -> Any:
        t = type(v)
        if t is date:
            return v
        if t is datetime:
            return v.date()
        if t is float or t is int:
            r = self._serial(float(v))
        elif t is str:
            s = clean_text(v)
            if type(s) is not str:
                return s
            r = _parse_date_text(s)
        elif t is ExcelError:
            return EXCEL_ERROR
        else:
            return WRONG_TYPE
        return r if isinstance(r, Bad) else r.date()

    def to_datetime(self, v: Any) -> Any:
        t = type(v)
        if t is datetime:
            return v
        if t is date:
            return datetime(v.year, v.month, v.day)
        if t is float or t is int:
            return self._serial(float(v))
        if t is str:
            s = clean_text(v)
            if type(s) is not str:
                return s
            return _parse_date_text(s)
        if t is ExcelError:
            return EXCEL_ERROR
        return WRONG_TYPE


# --------------------------------------------------------------------------------------------
# Choices
# --------------------------------------------------------------------------------------------


def choice_key(s: str) -> str:
    """How a choice is matched: full-width folded, case-folded, all spaces removed."""
    return "".join(unicodedata.normalize("NFKC", s).casefold().split())


def choice_converter(choices: tuple[Choice, ...]) -> Converter:
    """CHOICE: either language's label (or the canonical value) -> the canonical value.
    Unknown text is kept as typed: validation reports it as not in the list."""
    lookup: dict[str, str] = {}
    for word, value in choices_lookup(choices).items():
        lookup.setdefault(choice_key(word), value)
    yes_no = "yes" in lookup and "no" in lookup

    def to_choice(v: Any) -> Any:
        if type(v) is bool and yes_no:
            return "yes" if v else "no"
        s = to_text(v)
        if type(s) is not str:
            return s
        return lookup.get(choice_key(s), s)

    return to_choice


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


#: Columns naming a customer or a product, whose dropdowns list "code name" entries (formulas.LABELLED).
LABELLED_REFS = frozenset({"customers.customer_id", "products.sku"})


def to_key(v: Any) -> Any:
    """A customer ID or SKU naming another sheet's row: as :func:`to_id`, and of a dropdown entry
    "C0001 杭州明远贸易有限公司" (the code, a space, the name) the code (formulas.code_of)."""
    s = to_id(v)
    if type(s) is str and " " in s:
        return s.split(" ", 1)[0]
    return s


def converter(col: Column, *, lists: dict[str, tuple[Choice, ...]], dates: Dates) -> Converter:
    """The function that reads one cell of ``col``."""
    t = col.type
    if t == T.CHOICE and col.choices is not None:
        return choice_converter(lists[col.choices])
    if t == T.ID and col.ref in LABELLED_REFS:
        return to_key
    return {
        T.TEXT: to_text,
        T.ID: to_id,
        T.PHONE: to_id,
        T.TAX_ID: to_id,
        T.EMAIL: to_ascii_text,
        T.INT: to_int,
        T.MONEY: to_money,
        T.PERCENT: to_percent,
        T.DATE: dates.to_date,
        T.DATETIME: dates.to_datetime,
    }[t]
