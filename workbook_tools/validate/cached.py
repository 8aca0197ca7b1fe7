"""Cached formula results are never trusted: where one differs from the recomputed value,
someone typed over a formula (or the book was saved by a program that computes differently).

Where the book's XML can be read (prepared.py), a cell that still holds its formula is not called
overwritten while some sheet has rows without their formulas or data below its prepared rows: its
result then misses those rows until the book is extended and recalculated, and ``formula-missing``
/ ``prepared-rows-low`` say so. A derived cell with neither formula nor value is
``formula-missing``'s, not this check's.

A key typed with spaces or in full-width letters (``key-spelling``) makes the formulas miss rows
Python counts: where a cached result is what the formulas compute with the keys as typed
(derive with ``keys.as_formulas_compare``), the key is to blame, not a typed-over formula."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..book import Row
from ..choices import Choice, label_of
from ..dates import date_of_serial
from ..derive import Derived, derive
from ..findings import Finding
from ..keys import as_formulas_compare
from ..schema import NUMERIC_TYPES, SHEETS, Column, Sheet, T
from . import prepared
from .context import Context

CODES = ("formula-overwritten",)


def matches(col: Column, cached: Any, expected: Any, lists: Mapping[str, tuple[Choice, ...]]) -> bool:
    """Whether a cached formula result shows the value Python computed (numbers to the cent)."""
    if col.type in NUMERIC_TYPES:
        try:
            return abs(float(cached) - float(expected or 0)) < 0.005
        except (TypeError, ValueError):
            return False
    if col.type == T.DATE:
        if isinstance(cached, (int, float)) and not isinstance(cached, bool):
            cached = date_of_serial(int(cached))
        if isinstance(cached, datetime):
            cached = cached.date()
        return bool(cached == expected)
    if col.type == T.CHOICE and col.choices is not None:
        c = lists[col.choices]
        return str(cached) in (expected, label_of(c, expected, "zh"), label_of(c, expected, "en"))
    return str(cached).strip() == str(expected).strip()


def mismatches(
    col: Column,
    cached: list[Any],
    expected: list[Any],
    lists: Mapping[str, tuple[Choice, ...]],
    *,
    blank_cache: bool,
    rows: Iterable[int] | None = None,
) -> Iterator[int]:
    """The rows whose cached result does not show Python's value (``matches``). A blank cache (None
    or "") counts as a mismatch where Python's value is not blank when ``blank_cache``, else never.
    Cached numbers are floats as read (read/sheets.py): compared to the cent without a Decimal.
    ``rows``: the indices to look at (default: all of ``expected``)."""
    numeric = col.type in NUMERIC_TYPES
    for i in range(len(expected)) if rows is None else rows:
        e = expected[i]
        c = cached[i] if i < len(cached) else None
        if c is None or c == "":
            if blank_cache and e is not None and e != "":
                yield i
            continue
        if numeric and (c.__class__ is float or c.__class__ is int) and e.__class__ is not str:
            if abs(c - float(e)) < 0.005:
                continue
        elif c == e:
            continue
        if not matches(col, c, e, lists):
            yield i


def _as_typed(ctx: Context) -> Derived | None:
    """What the formulas compute when some key is misspelt (None when none is): derive over the
    rows with each such key as typed, keys compared as MATCH and SUMIFS compare them."""
    tables = ctx.book.tables
    if not any(t.spelling for t in tables.values()):
        return None
    data: dict[str, list[Row]] = {}
    for k, t in tables.items():
        rows = t.rows
        if t.spelling:
            rows = list(rows)
            for i, column, typed in t.spelling:
                rows[i] = {**rows[i], column: typed}
        data[k] = rows
    return derive(data, ctx.config, ctx.today, keys=as_formulas_compare)


def _shown(v: Any) -> Any:
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, date):
        return v.isoformat()
    return v


def check(ctx: Context) -> Iterator[Finding]:
    differ: list[tuple[Sheet, int, Column, Any, Any]] = []  # (sheet, record index, column, cached, expected)
    for sheet in SHEETS:
        table = ctx.table(sheet.key)
        for col in sheet.derived:
            cached = table.cached.get(col.key)
            if not cached or col.volatile:  # a result of TODAY() is the day's it was computed on
                continue
            expected = ctx.derived[sheet.key][col.key]
            # a blank cache is a formula nobody calculated yet (files written by libraries), not a typed value
            differ += [
                (sheet, i, col, cached[i], expected[i])
                for i in mismatches(col, cached, expected, ctx.lists, blank_cache=False)
            ]
    if differ and (typed := _as_typed(ctx)) is not None:
        differ = [d for d in differ if not matches(d[2], d[3], typed[d[0].key][d[2].key][d[1]], ctx.lists)]
    mismatched: dict[str, dict[int, list[int]]] = {}
    for sheet, i, col, _c, _e in differ:
        table = ctx.table(sheet.key)
        if col.key in table.columns:
            mismatched.setdefault(sheet.key, {}).setdefault(table.columns[col.key], []).append(table.row_numbers[i])
    found = prepared.facts(ctx, mismatched)
    unsettled = found is not None and prepared.past_end(ctx)
    for sheet, i, col, c, e in differ:
        table = ctx.table(sheet.key)
        f = found.sheets.get(sheet.key) if found is not None else None
        if (
            unsettled
            and f is not None
            and col.key in table.columns
            and f.has_formula(table.columns[col.key], table.row_numbers[i])
        ):
            continue  # a formula over rows it cannot see yet, not a typed value
        shown = label_of(ctx.lists[col.choices], e, ctx.book.lang) if col.choices else _shown(e)
        yield ctx.at("formula-overwritten", sheet.key, i, col.key, c, expected=shown)
