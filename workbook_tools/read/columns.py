"""Reading a whole column at once: the converters of coerce.py, run fast.

A column repeats itself (statuses, dates, prices, the same customer's id): each converter then
runs once per distinct value, and the rest is set and dict work done in C. A column of mostly
distinct text (order numbers, addresses) is cleaned with whole-column string operations; other
mostly distinct columns (amounts, timestamps) call the converter on each value. Every path gives
the same answer as calling the converter cell by cell (tests/test_coerce.py checks it).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from .coerce import EXCEL_ERRORS, NULLS, Bad, Converter, Dates, ExcelError, to_ascii_text, to_id, to_text

#: A problem found in a column: (index in the column, raw value, reason).
Problem = tuple[int, Any, str]

_SAMPLE = 1024


def _raw(v: Any) -> Any:
    return v.text if type(v) is ExcelError else v


#: Converters whose all-text columns take the fast path: fn -> (fold full-width to ASCII, is an identifier).
_TEXT_FAST: dict[Converter, tuple[bool, bool]] = {
    to_text: (False, False),
    to_ascii_text: (True, False),
    to_id: (True, True),
}
#: Converters that give a value of one type back as it is (read/coerce.py): a column of nothing else
#: is its own output, told in C (a large book's status log has a million timestamps).
_AS_IS: dict[Any, type] = {Dates.to_date: date, Dates.to_datetime: datetime}
_SEP = "\x00"  # never inside a cell: XML 1.0 cannot hold it
_SCIENTIFIC_IN = re.compile(r"(?:^|\x00)\s*[+-]?\d+(?:\.\d+)?[eE][+-]?\d+\s*(?:\x00|$)")


def _text_fast(values: list[Any] | tuple[Any, ...], fold: bool, ident: bool) -> list[Any] | None:
    """A column of nothing but ordinary text, cleaned with whole-column string operations (in C);
    None as soon as any value needs the careful path (a number, an error, NULL, 1.38E+10 …)."""
    try:
        big = _SEP.join(values)
    except TypeError:  # a number, date, bool or ExcelError somewhere
        return None
    if "\xa0" in big:
        big = big.replace("\xa0", " ")
    if fold and not big.isascii():
        big = unicodedata.normalize("NFKC", big)
    stripped = list(map(str.strip, big.split(_SEP)))
    if "#" in big and not EXCEL_ERRORS.isdisjoint(stripped):
        return None
    if ("ull" in big or "ULL" in big) and not NULLS.isdisjoint(stripped):
        return None
    if ident and ("e" in big or "E" in big) and _SCIENTIFIC_IN.search(big):
        return None
    return [s or None for s in stripped] if "" in stripped else stripped


def _convert_each(values: list[Any] | tuple[Any, ...], fn: Converter) -> tuple[list[Any], list[Problem]]:
    """The plain loop, for a column holding booleans (True == 1.0 would share a memo slot)."""
    out: list[Any] = []
    problems: list[Problem] = []
    for i, v in enumerate(values):
        r = fn(v)
        if type(r) is Bad:
            problems.append((i, _raw(v), r.reason))
            r = None
        out.append(r)
    return out, problems


def convert_column(values: list[Any] | tuple[Any, ...], fn: Converter) -> tuple[list[Any], list[Problem]]:
    """Read a whole column: ``(typed values, problems)``; a problem's value is None in the output.

    A column repeats itself (statuses, dates, prices, the same customer's id): ``fn`` then runs
    once per distinct value and the rest is set and dict work done in C. A column of mostly
    distinct text takes the whole-column string path; other mostly distinct columns (amounts,
    timestamps) call ``fn`` on each value.
    """
    as_is = _AS_IS.get(getattr(fn, "__func__", fn))
    if as_is is not None and set(map(type, values)) == {as_is}:
        return list(values), []
    sampled = len(set(values[:_SAMPLE])) if len(values) > 2 * _SAMPLE else 0
    fast = _TEXT_FAST.get(fn) if sampled > _SAMPLE // 8 else None
    if fast is not None:
        out = _text_fast(values, *fast)
        if out is not None:
            return out, []
    if sampled > _SAMPLE // 2:
        # mostly distinct values (amounts, timestamps): a memo would cost more than it saves
        out = list(map(fn, values))
        if Bad not in set(map(type, out)):
            return out, []
        found: list[Problem] = [(i, _raw(v), r.reason) for i, (v, r) in enumerate(zip(values, out)) if type(r) is Bad]
        for i, _, _ in found:
            out[i] = None
        return out, found
    distinct = set(values)
    if (True in distinct or False in distinct) and bool in set(map(type, values)):
        return _convert_each(values, fn)
    table = {v: fn(v) for v in distinct}
    bad = {v: r.reason for v, r in table.items() if type(r) is Bad}
    problems: list[Problem] = []
    if bad:
        for v in bad:
            table[v] = None
        problems = [(i, _raw(v), bad[v]) for i, v in enumerate(values) if v in bad]
    return list(map(table.__getitem__, values)), problems
