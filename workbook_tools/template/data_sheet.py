"""One data sheet: header, column formats, the rows, formulas down the prepared rows, validation,
conditional formats and protection.

Rows are written strictly top to bottom (the workbook is in constant-memory mode). Two paths give
the same file byte for byte: rows rendered as XML a column and 10,000 rows at a time (rowxml.py,
the one used), and the reference that writes each cell through xlsxwriter — a tuple of prepared
(key, column, writer, format) per input column and (column, formula maker, format, cached values)
per formula column, so no dicts or formats are built per cell.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..book import Row
from ..cells import col_letter
from ..choices import Choice
from ..config import Config
from ..dates import serial
from ..formulas import FormulaContext
from ..schema import TEXT_TYPES, Column, Sheet, T
from .carry import EXTRA_WIDTH, CellPlan, ExtraColumn, SheetCarry, data_plan, put_value, value_formats
from .conditional import add_conditional_formats
from .fill import row_formula
from .printing import data_print_area, page_setup
from .rowxml import (
    BulkSheet,
    LazyStyles,
    as_texts,
    cells,
    date_body,
    formula_cells,
    formula_parts,
    number_body,
    rows_xml,
    text_cells,
    value_body,
)
from .styles import Styles
from .validation import add_validations

#: What staff may still do on the protected sheets (no password).
PROTECTION = {
    "autofilter": True,
    "sort": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "delete_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}
HEADER_HEIGHT = 32
#: Columns right of the schema's left unlocked for staff's own notes. Few: xlsxwriter visits every
#: column up to the last formatted one on every row it writes.
FREE_COLUMNS = 10
PROGRESS_EVERY = 10_000

Put = Callable[[int, int, Any, Any], Any]


def layout(sheet: Sheet) -> list[tuple[int, Column]]:
    """Where each column goes: the schema's columns in order from column A.

    The one place that decides column positions (the formulas assume the same order). Columns
    staff added to a book are carried over after these (``write_data_sheet(carry=…)``).
    """
    return [(sheet.col(c.key), c) for c in sheet.columns]


def _labels(col: Column, lists: dict[str, tuple[Choice, ...]], lang: str) -> dict[str, str]:
    return {c.value: c.label(lang) for c in lists[col.choices]} if col.choices else {}


def _writer(ws: Worksheet, col: Column, labels: dict[str, str]) -> Put:
    """The function that writes one typed value of ``col`` (never through ``write()``: a text
    starting with ``=`` stays text)."""
    write_string, write_number = ws.write_string, ws.write_number

    def text(r: int, c: int, v: Any, fmt: Any) -> None:
        write_string(r, c, v if type(v) is str else str(v), fmt)

    def choice(r: int, c: int, v: Any, fmt: Any) -> None:
        write_string(r, c, labels.get(v, v) if type(v) is str else str(v), fmt)

    def number(r: int, c: int, v: Any, fmt: Any) -> None:
        t = type(v)
        if t is int or t is float:
            write_number(r, c, v, fmt)
        elif t is Decimal:
            write_number(r, c, float(v), fmt)
        else:
            write_string(r, c, str(v), fmt)

    def when(r: int, c: int, v: Any, fmt: Any) -> None:
        if isinstance(v, date):
            write_number(r, c, serial(v), fmt)
        else:
            write_string(r, c, str(v), fmt)

    if col.choices:
        return choice
    if col.type in TEXT_TYPES:
        return text
    if col.type in (T.DATE, T.DATETIME):
        return when
    return number


def cached_values(values: list[Any], labels: dict[str, str]) -> list[Any]:
    """Python's derived values as xlsxwriter cached formula results: numbers for dates and money,
    labels for choices, "" for blank (written as an empty ``<v/>``, never shown as 0)."""
    out: list[Any] = []
    for v in values:
        if v is None or v == "":
            out.append("")
        elif isinstance(v, Decimal):
            out.append(float(v))
        elif isinstance(v, date):
            out.append(serial(v))
        elif isinstance(v, str):
            out.append(labels.get(v, v))
        else:
            out.append(v)
    return out


def write_data_sheet(
    ws: Worksheet,
    sheet: Sheet,
    rows: list[Row],
    derived: dict[str, list[Any]],
    ctx: FormulaContext,
    config: Config,
    lists: dict[str, tuple[Choice, ...]],
    styles: Styles,
    tick: Callable[[int], None],
    carry: SheetCarry | None = None,
) -> None:
    """``carry``: columns staff added (written after the schema's) and values the reader could not
    type (written into their cells as found); see carry.py."""
    lang, last_row = ctx.lang, ctx.last_row[sheet.key]
    columns = layout(sheet)
    extras = carry.columns if carry else []
    for extra in extras:
        if len(extra.values) != len(rows):
            raise ValueError(
                f"{sheet.key}: carried column {extra.header!r} has {len(extra.values)} values for {len(rows)} rows"
            )
    width = len(columns) + len(extras)
    for c, col in columns:
        ws.set_column(c, c, col.width, styles.column(col))
    if extras:
        ws.set_column(len(columns), width - 1, EXTRA_WIDTH, styles.free)
    ws.set_column(width, width + FREE_COLUMNS - 1, None, styles.free)
    ws.set_row(0, HEADER_HEIGHT)
    for c, col in columns:
        ws.write_string(0, c, col.header(lang), styles.header(col))
    for j, extra in enumerate(extras):
        if extra.header:
            ws.write_string(0, len(columns) + j, extra.header, styles.header_optional)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last_row - 1, width - 1)
    page_setup(
        ws,
        [col.width for _c, col in columns] + [EXTRA_WIDTH] * len(extras),
        company=config.company_name,
        lang=lang,
        key_columns=2,
    )
    data_print_area(ws, sheet, len(rows), width)

    write = _write_rows_xml if isinstance(ws, BulkSheet) and ws.bulk_ready() else _write_rows_cells
    plan = data_plan(ws, sheet, rows, carry, styles) if carry is not None else None
    write(ws, sheet, rows, derived, ctx, lists, styles, tick, extras, carry.raw if carry else {}, plan)
    if plan is not None:
        plan.finish()

    add_validations(ws, sheet, lang, config)
    add_conditional_formats(ws, sheet, lang, config, last_row, styles)
    # no <ignoredErrors> (Excel's "number stored as text" triangles on the text columns): Gnumeric
    # warns about the element on every sheet as it loads the book
    ws.protect("", PROTECTION)


def _raw_formats(col: Column, styles: Styles) -> dict[str, Any]:
    """Formats of a raw value in ``col``, by kind: text, numbers and booleans in the column's own
    format — except in a date column, where a number that is no date (negative, past 9999) must
    not be shown as one, or read back as one."""
    if col.type in (T.DATE, T.DATETIME):
        return value_formats(styles)
    return value_formats(styles, general=styles.cell(col))


def _write_rows_cells(
    ws: Worksheet,
    sheet: Sheet,
    rows: list[Row],
    derived: dict[str, list[Any]],
    ctx: FormulaContext,
    lists: dict[str, tuple[Choice, ...]],
    styles: Styles,
    tick: Callable[[int], None],
    extras: list[ExtraColumn],
    raw: dict[int, dict[str, Any]],
    plan: CellPlan | None = None,
) -> None:
    """The rows cell by cell through xlsxwriter: the reference for :func:`_write_rows_xml`."""
    lang, last_row = ctx.lang, ctx.last_row[sheet.key]
    columns = layout(sheet)
    inputs = tuple(
        (col.key, c, _writer(ws, col, _labels(col, lists, lang)), styles.cell(col))
        for c, col in columns
        if not col.derived
    )
    formulas = tuple(
        (
            c,
            row_formula(ctx, sheet.key, col.key),
            styles.cell(col),
            cached_values(derived[col.key], _labels(col, lists, lang)),
        )
        for c, col in columns
        if col.derived
    )
    raw_formats = {col.key: _raw_formats(col, styles) for c, col in columns if not col.derived}
    extra_formats = value_formats(styles)
    first_extra = len(columns)
    write_formula = ws.write_formula
    for i, row in enumerate(rows):
        r = i + 1
        found = raw.get(i)
        for key, c, put, fmt in inputs:
            v = row.get(key)
            if v is not None and v != "":
                put(r, c, v, fmt)
            elif found and found.get(key) not in (None, ""):
                put_value(ws, r, c, found[key], raw_formats[key])
        for c, at, fmt, cached in formulas:
            write_formula(r, c, at(r + 1), fmt, cached[i])
        for j, extra in enumerate(extras):
            v = extra.values[i]
            if v is not None and v != "":
                put_value(ws, r, first_extra + j, v, extra_formats)
        if plan is not None:
            plan.put_row(r)
        if r % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
    tick(len(rows) % PROGRESS_EVERY)
    if formulas:
        for r in range(len(rows) + 1, last_row):
            for c, at, fmt, _ in formulas:
                write_formula(r, c, at(r + 1), fmt, "")


def _write_rows_xml(
    ws: BulkSheet,
    sheet: Sheet,
    rows: list[Row],
    derived: dict[str, list[Any]],
    ctx: FormulaContext,
    lists: dict[str, tuple[Choice, ...]],
    styles: Styles,
    tick: Callable[[int], None],
    extras: list[ExtraColumn],
    raw: dict[int, dict[str, Any]],
    plan: CellPlan | None = None,
) -> None:
    """The same rows as :func:`_write_rows_cells`, rendered as XML a column and 10,000 rows at a time."""
    lang, last_row = ctx.lang, ctx.last_row[sheet.key]
    columns = layout(sheet)
    ws.flush_rows(1)  # the header row first: xlsxwriter numbers formats in the order cells use them
    last_col = len(columns) + len(extras) - 1
    plans = {}
    for c, col in columns:
        style, letter, labels = ws.lazy_style(styles.cell(col), c), col_letter(c), _labels(col, lists, lang)
        raw_body = value_body(ws, LazyStyles(ws, _raw_formats(col, styles), c))
        if col.derived:
            at = row_formula(ctx, sheet.key, col.key)
            how: Any = (at, formula_parts(ws, at), cached_values(derived[col.key], labels))
        elif col.type in TEXT_TYPES:
            how = labels or None
        elif col.type in (T.DATE, T.DATETIME):
            how = date_body(ws, style)
        else:
            how = number_body(ws, style)
        plans[col.key] = (col, letter, style, how, raw_body)
    extra_body = value_body(ws, LazyStyles(ws, value_formats(styles), len(columns)))
    extra_letters = [col_letter(len(columns) + j) for j in range(len(extras))]
    raw_rows = sorted(raw)

    for start in range(0, len(rows), PROGRESS_EVERY):
        chunk = rows[start : start + PROGRESS_EVERY]
        end = start + len(chunk)
        nums = [str(i + 2) for i in range(start, end)]
        out: list[list[str]] = []
        by_key: dict[str, list[str]] = {}
        for col, letter, style, how, _raw_body in plans.values():
            if col.derived:
                at, parts, cached = how
                out.append(formula_cells(ws, letter, nums, style(), at, parts, cached[start:end]))
                continue
            values = [row.get(col.key) for row in chunk]
            if col.type in TEXT_TYPES:
                column = text_cells(ws, letter, nums, as_texts(values, how), style)
            else:
                column = cells(letter, nums, values, how)
            out.append(column)
            by_key[col.key] = column
        for i in raw_rows[bisect_left(raw_rows, start) : bisect_left(raw_rows, end)]:
            for key, v in raw[i].items():
                found = by_key.get(key)
                if found is not None and not found[i - start] and v is not None and v != "":
                    _col, letter, _style, _how, raw_body = plans[key]
                    found[i - start] = f'<c r="{letter}{i + 2}"{raw_body(v)}'
        for letter, extra in zip(extra_letters, extras):
            out.append(cells(letter, nums, extra.values[start:end], extra_body))
        if plan is not None:
            plan.patch(out, start + 1, range(start + 1, end + 1))
        ws.write_xml_rows(start + 1, end, 0, last_col, rows_xml(nums, out))
        tick(len(chunk))
    if not rows:
        tick(0)
    formulas = [(letter, style, how) for col, letter, style, how, _ in plans.values() if col.derived]
    if formulas:
        first_formula, last_formula = (
            min(sheet.col(c.key) for c in sheet.derived),
            max(sheet.col(c.key) for c in sheet.derived),
        )
        for start in range(len(rows) + 1, last_row, PROGRESS_EVERY):
            end = min(start + PROGRESS_EVERY, last_row)
            nums = [str(r + 1) for r in range(start, end)]
            blank = [""] * len(nums)
            out = [
                formula_cells(ws, letter, nums, style(), at, parts, blank)
                for letter, style, (at, parts, _cached) in formulas
            ]
            ws.write_xml_rows(start, end - 1, first_formula, last_formula, rows_xml(nums, out))
