"""Cached formula results are never trusted: where one differs from the recomputed value,
someone typed over a formula (or the book was saved by a program that computes differently).

Where the book's XML can be read (prepared.py), a cell that still holds its formula is not called
overwritten while some sheet has rows without their formulas or data below its prepared rows: its
result then misses those rows until the book is extended and recalculated, and ``formula-missing``
/ ``prepared-rows-low`` say so. A derived cell with neither formula nor value is
``formula-missing``'s, not this check's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from ..choices import label_of
from ..derive import EXCEL_EPOCH
from ..schema import SHEETS, T
from . import prepared
from .context import Context

CODES = ("formula-overwritten",)


def matches(col, cached, expected, lists) -> bool:
    """Whether a cached formula result shows the value Python computed (numbers to the cent)."""
    if col.type in (T.MONEY, T.INT, T.PERCENT):
        try:
            return abs(float(cached) - float(expected or 0)) < 0.005
        except (TypeError, ValueError):
            return False
    if col.type == T.DATE:
        if isinstance(cached, (int, float)) and not isinstance(cached, bool):
            cached = EXCEL_EPOCH.fromordinal(EXCEL_EPOCH.toordinal() + int(cached))
        if isinstance(cached, datetime):
            cached = cached.date()
        return cached == expected
    if col.type == T.CHOICE:
        c = lists[col.choices]
        return str(cached) in (expected, label_of(c, expected, "zh"), label_of(c, expected, "en"))
    return str(cached).strip() == str(expected).strip()


def _shown(v):
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, date):
        return v.isoformat()
    return v


def check(ctx: Context) -> Iterator:
    differ = []  # (sheet, record index, column, cached, expected)
    for sheet in SHEETS:
        table = ctx.table(sheet.key)
        for col in sheet.derived:
            cached = table.cached.get(col.key)
            if not cached or col.volatile:  # a result of TODAY() is the day's it was computed on
                continue
            expected = ctx.derived[sheet.key][col.key]
            numeric = col.type in (T.MONEY, T.INT, T.PERCENT)
            for i, (c, e) in enumerate(zip(cached, expected)):
                # a blank cache is a formula nobody calculated yet (files written by libraries), not a typed value
                if c is None or c == "" or c == e:
                    continue
                if numeric and c.__class__ is float and e != "" and abs(c - float(e)) < 0.005:
                    continue
                if not matches(col, c, e, ctx.lists):
                    differ.append((sheet, i, col, c, e))
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
        if unsettled and f is not None and col.key in table.columns \
                and f.has_formula(table.columns[col.key], table.row_numbers[i]):
            continue  # a formula over rows it cannot see yet, not a typed value
        shown = label_of(ctx.lists[col.choices], e, ctx.book.lang) if col.choices else _shown(e)
        yield ctx.at("formula-overwritten", sheet.key, i, col.key, c, expected=shown)
