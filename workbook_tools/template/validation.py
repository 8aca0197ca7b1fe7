"""Data validation of every input column, derived from the schema.

Each rule covers the whole column from row 2 to the last row of the sheet (1,048,576): cheap in the
file, and it still holds on rows staff add below the prepared ones. Dropdowns point at defined
names (lists.py); formulas are relative to row 2, the top-left cell of the range.

Key uniqueness and references use MATCH rather than COUNTIF: COUNTIF reads a text such as a
22-digit transaction reference as a number and matches every reference that shares its first 15
digits; MATCH with a text value compares text exactly.

An ID pattern of the settings is checked in the sheet too when Excel 2010 can say it without
regular expressions (:func:`pattern_check`: a fixed prefix, a run of digits, a fixed suffix, as
the default order numbers and customer IDs); any other pattern (the default SKU one) is checked by
``orderbook validate`` only, and docs/fields.md says which.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..cells import MAX_ROW, col_letter, fit_utf16
from ..config import Config
from ..errors import SchemaError
from ..schema import SHEET_BY_KEY, Column, Sheet, T, resolve_ref
from .lists import PICKS, column_name, keys_name, list_name, picks_name
from .texts import tr

FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)
#: Whole numbers with no limit in the schema still have to be whole.
INT_LIMIT = 999_999_999

#: Date columns that may not precede another date of the same row.
NOT_BEFORE: dict[tuple[str, str], str] = {
    ("orders", "due_date"): "order_date",
    ("shipments", "delivered_on"): "ship_date",
}
#: Date columns that may not precede the date of the order they name (sheet, column) -> order_no column.
NOT_BEFORE_ORDER: dict[tuple[str, str], str] = {
    ("shipments", "ship_date"): "order_no",
}


#: Excel's limit on a validation formula's length.
FORMULA_LIMIT = 255
_LITERAL = r"(?:[A-Za-z0-9_]|\\[-._/]|-)*"
_SIMPLE_PATTERN = re.compile(
    rf"\^(?P<prefix>{_LITERAL})(?:\\d|\[0-9\])(?:\{{(?P<m>\d+)(?:,(?P<n>\d+))?\}})?(?P<suffix>{_LITERAL})\$"
)
#: Digits compared as text through a number: TEXT keeps 15 significant digits.
_MAX_DIGITS = 15


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def pattern_check(pattern: str, cell: str) -> str | None:
    r"""``pattern`` (a regular expression of the settings) as an Excel 2010 condition on ``cell``, or
    None when it is not one of the shapes this can say: ``^PREFIX\d{m,n}SUFFIX$`` (``\d``, ``\d{m}``
    or ``[0-9]…``, at most 15 digits: not ``\d+``; prefix and suffix letters, digits, ``_``, ``-`` and
    escaped ``.-_/``).

    The digits are checked as Excel sees them: the number they make, written back with as many
    zeros as the run is long, gives the same text (``1e3``, `` 12``, ``1.5``, ``-12``, ``１２`` do not)."""
    m = _SIMPLE_PATTERN.fullmatch(pattern)
    if m is None:
        return None
    prefix, suffix = _unescape(m["prefix"]), _unescape(m["suffix"])
    if m["m"] is None:
        lo = hi = 1
    else:
        lo = int(m["m"])
        hi = int(m["n"]) if m["n"] is not None else lo
    if lo < 1 or hi < lo or hi > _MAX_DIGITS:
        return None
    p, q = len(prefix), len(suffix)
    parts = [f"LEN({cell})={p + lo + q}" if lo == hi else f"LEN({cell})>={p + lo + q},LEN({cell})<={p + hi + q}"]
    if prefix:
        parts.append(f'EXACT(LEFT({cell},{p}),"{prefix}")')
    if suffix:
        parts.append(f'EXACT(RIGHT({cell},{q}),"{suffix}")')
    digits = f"MID({cell},{p + 1},{lo})" if lo == hi else f"MID({cell},{p + 1},LEN({cell})-{p + q})"
    zeros = f'"{"0" * lo}"' if lo == hi else f'REPT("0",LEN({cell})-{p + q})'
    parts.append(f"EXACT(TEXT(0+{digits},{zeros}),{digits})")
    return ",".join(parts)


def _key_rule(sheet: Sheet, col: Column, lang: str, config: Config | None) -> dict[str, Any]:
    """A unique key: not above, not below, at most ``max_len`` long, and of its pattern when Excel can say it."""
    letter = col_letter(sheet.col(col.key))
    cell = f"{letter}2"
    above, below = f"${letter}$1:${letter}1", f"${letter}3:${letter}${MAX_ROW}"
    length = f"LEN({cell})<={col.max_len}," if col.max_len else ""
    unique = f"ISNA(MATCH({cell},{above},0)),ISNA(MATCH({cell},{below},0))"
    limit = tr("err_len_max", lang, n=col.max_len) if col.max_len else ""
    check = in_sheet_pattern(col, config)
    if check is not None:
        value = f"=AND({length}{check},{unique})"
        if len(value) - 1 <= FORMULA_LIMIT:
            return {
                "validate": "custom",
                "value": value,
                "error_message": tr("err_key", lang, what=col.header(lang), example=_example(col, config)) + limit,
            }
    return {
        "validate": "custom",
        "value": f"=AND({length}{unique})",
        "error_message": tr("err_unique", lang, what=col.header(lang)) + limit,
    }


def _example(col: Column, config: Config | None) -> str:
    """An example of the key as the settings' pattern has it (hints.pattern_example: the schema's when
    it matches, else built from the pattern), so a changed pattern never shows a stale example."""
    from ..hints import pattern_example

    name = col.pattern
    if not name:  # only keys with a pattern have an example of it (in_sheet_pattern)
        return col.example
    return pattern_example(name, getattr((config or Config()).patterns, name)) or col.example


def in_sheet_pattern(col: Column, config: Config | None) -> str | None:
    """The sheet's condition for ``col``'s pattern of the settings (relative to row 2), or None when
    only ``orderbook validate`` checks it (not a shape Excel 2010 can say, or too long)."""
    if not col.pattern:
        return None
    pattern = getattr((config or Config()).patterns, col.pattern)
    return pattern_check(pattern, f"{col_letter(_column_index(col))}2")


def _column_index(col: Column) -> int:
    for sheet in SHEET_BY_KEY.values():
        if any(c is col for c in sheet.columns):
            return sheet.col(col.key)
    raise SchemaError(f"column {col.key} is on no sheet")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _range(col: Column, lang: str) -> str:
    lo, hi = col.min, col.max
    if lo is not None and hi is not None:
        return tr("range_between", lang, lo=_num(lo), hi=_num(hi))
    if lo is not None:
        return tr("range_ge", lang, lo=_num(lo))
    if hi is not None:
        return tr("range_le", lang, hi=_num(hi))
    return tr("range_any", lang)


def _bounds(col: Column, default: float) -> dict[str, Any]:
    lo, hi = col.min, col.max
    if lo is not None and hi is not None:
        return {"criteria": "between", "minimum": lo, "maximum": hi}
    if lo is not None:
        return {"criteria": ">=", "value": lo}
    if hi is not None:
        return {"criteria": "<=", "value": hi}
    return {"criteria": "between", "minimum": -default, "maximum": default}


def _date_bounds(cell: str) -> str:
    return (
        f"ISNUMBER({cell}),{cell}>=DATE({FIRST_DATE.year},1,1),"
        f"{cell}<=DATE({LAST_DATE.year},{LAST_DATE.month},{LAST_DATE.day})"
    )


def rule(sheet: Sheet, col: Column, lang: str, config: Config | None = None) -> dict[str, Any]:
    """The validation rule of input column ``col`` as xlsxwriter ``data_validation`` options, with
    its ``error_message`` ("error_type" "warning" where other values are allowed after a question).
    ``options()`` adds the input message and the alert title."""
    letter = col_letter(sheet.col(col.key))
    cell = f"{letter}2"
    if col.choices:
        if col.strict:
            return {"validate": "list", "source": f"={list_name(col.choices)}", "error_message": tr("err_list", lang)}
        return {
            "validate": "list",
            "source": f"={list_name(col.choices)}",
            "error_type": "warning",
            "error_message": tr("warn_list", lang),
        }
    if col.ref in PICKS:  # entries "C0001 杭州明远贸易有限公司"; a code typed alone is asked about, then kept
        target_sheet, target = resolve_ref(col.ref)
        return {
            "validate": "list",
            "source": f"={picks_name(col.ref)}",
            "error_type": "warning",
            "error_message": tr("err_ref", lang, what=target.header(lang), sheet=target_sheet.name(lang))
            + tr("warn_pick", lang),
        }
    if col.ref:
        target_sheet, target = resolve_ref(col.ref)
        return {
            "validate": "list",
            "source": f"={keys_name(col.ref)}",
            "error_message": tr("err_ref", lang, what=target.header(lang), sheet=target_sheet.name(lang)),
        }
    if col.unique:
        return _key_rule(sheet, col, lang, config)
    if col.type == T.INT:
        return {
            "validate": "integer",
            **_bounds(col, INT_LIMIT),
            "error_message": tr("err_int", lang, range=_range(col, lang)),
        }
    if col.type == T.MONEY:
        if col.nonzero:
            return {
                "validate": "custom",
                "value": f"=AND(ISNUMBER({cell}),{cell}<>0)",
                "error_message": tr("err_nonzero", lang),
            }
        return {
            "validate": "decimal",
            **_bounds(col, 1e12),
            "error_message": tr("err_dec", lang, range=_range(col, lang)),
        }
    if col.type == T.PERCENT:
        return {
            "validate": "decimal",
            **_bounds(col, 1),
            "error_message": tr("err_pct", lang, lo=f"{(col.min or 0):.0%}", hi=f"{(col.max or 1):.0%}"),
        }
    if col.type == T.DATE:
        return _date_rule(sheet, col, cell, lang)
    if col.type == T.DATETIME:
        return {
            "validate": "custom",
            "value": f"=AND(ISNUMBER({cell}),{cell}>=DATE({FIRST_DATE.year},1,1),"
            f"{cell}<DATE({LAST_DATE.year + 1},1,1))",
            "error_message": tr("err_datetime", lang, lo=f"{FIRST_DATE} 00:00", hi=f"{LAST_DATE} 23:59"),
        }
    if col.type == T.TAX_ID and col.max_len:
        return {
            "validate": "length",
            "criteria": "==",
            "value": col.max_len,
            "error_message": tr("err_len_eq", lang, n=col.max_len),
        }
    if col.type == T.EMAIL and col.max_len:
        return {
            "validate": "custom",
            "value": f'=AND(LEN({cell})<={col.max_len},ISNUMBER(FIND("@",{cell})))',
            "error_message": tr("err_email", lang) + tr("err_len_max", lang, n=col.max_len),
        }
    if col.max_len:
        return {
            "validate": "length",
            "criteria": "<=",
            "value": col.max_len,
            "error_message": tr("err_len_max", lang, n=col.max_len),
        }
    return {"validate": "any"}


def _date_rule(sheet: Sheet, col: Column, cell: str, lang: str) -> dict[str, Any]:
    message = tr("err_date", lang, lo=FIRST_DATE, hi=LAST_DATE)
    other = NOT_BEFORE.get((sheet.key, col.key))
    if other:
        o = f"${sheet.letter(other)}2"
        return {
            "validate": "custom",
            "value": f'=AND({_date_bounds(cell)},OR({o}="",{cell}>={o}))',
            "error_message": message + tr("not_before", lang, what=sheet.column(other).header(lang)),
        }
    order_key = NOT_BEFORE_ORDER.get((sheet.key, col.key))
    if order_key:
        orders = SHEET_BY_KEY["orders"]
        o = f"${sheet.letter(order_key)}2"
        order_date = f"INDEX({column_name('orders', 'order_date')},MATCH({o},{column_name('orders', 'order_no')},0))"
        return {
            "validate": "custom",
            "value": f"=AND({_date_bounds(cell)},IFERROR({cell}>={order_date},TRUE))",
            "error_message": message + tr("not_before_order", lang, what=orders.column("order_date").header(lang)),
        }
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": FIRST_DATE,
        "maximum": LAST_DATE,
        "error_message": message,
    }


def options(sheet: Sheet, col: Column, lang: str, config: Config | None = None) -> dict[str, Any]:
    """The complete ``data_validation`` options of ``col``: rule, input message and error alert."""
    opts = rule(sheet, col, lang, config)
    message = col.help(lang) + (tr("required", lang) if col.required else "")
    opts["input_title"] = fit_utf16(col.header(lang), 32)
    opts["input_message"] = fit_utf16(message, 255)
    if opts["validate"] != "any":
        warning = opts.get("error_type") == "warning"
        opts["error_title"] = tr("warn_title" if warning else "err_title", lang)
        opts["error_message"] = fit_utf16(opts["error_message"], 255)
    return opts


def add_validations(ws: Worksheet, sheet: Sheet, lang: str, config: Config | None = None) -> None:
    for col in sheet.inputs:
        c = sheet.col(col.key)
        if ws.data_validation(1, c, MAX_ROW - 1, c, options(sheet, col, lang, config)) != 0:
            raise SchemaError(f"{sheet.key}.{col.key}: xlsxwriter refused the data validation")
