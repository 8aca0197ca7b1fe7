"""One cell as worksheet XML: a typed value, or a formula's cached result."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ..cells import col_letter
from ..dates import serial

#: Characters XML 1.0 cannot hold: Excel writes them as ``_xHHHH_`` (and so does xlsxwriter).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})


def xml_text(text: str) -> str:
    text = _ESCAPED.sub(lambda m: "_x005F_" + m[0][1:], text)  # a literal "_x0041_" stays literal
    text = _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ref(row: int, col: int) -> str:
    """``ref(2, 0) == "A2"`` (1-based row, 0-based column)."""
    return f"{col_letter(col)}{row}"


def _number(v: float | int) -> str:
    return f"{v:.16G}" if isinstance(v, float) else str(v)


def value_cell(row: int, col: int, value: Any, style: int | None, *, date1904: bool = False) -> str:
    """A cell holding ``value`` as itself: text as an inline string (a text starting with ``=``
    stays text), numbers, booleans, dates and datetimes as serial numbers; None: an empty cell
    that keeps its style (or no cell at all)."""
    s = f' s="{style}"' if style else ""
    r = ref(row, col)
    if value is None or value == "":
        return f'<c r="{r}"{s}/>' if s else ""
    if isinstance(value, bool):
        return f'<c r="{r}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, (int, float)) and math.isfinite(value):
        return f'<c r="{r}"{s}><v>{_number(value)}</v></c>'
    if isinstance(value, (date, datetime)):
        return f'<c r="{r}"{s}><v>{_number(serial(value, date1904))}</v></c>'
    if isinstance(value, time):
        return f'<c r="{r}"{s}><v>{_number((value.hour * 3600 + value.minute * 60 + value.second) / 86400)}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c r="{r}"{s} t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'


def cached_parts(value: Any, date1904: bool = False) -> tuple[str | None, str]:
    """(the ``t`` attribute or None, the ``<v>`` text) of a formula's cached result."""
    if isinstance(value, bool):
        return "b", str(int(value))
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, (int, float)) and math.isfinite(value):
        return None, _number(value)
    if isinstance(value, (date, datetime)):
        return None, _number(serial(value, date1904))
    if value is None or value == "":
        return None, ""
    text = str(value)
    return ("e" if text in ERROR_CODES else "str"), xml_text(text)
