"""One data sheet: header, column formats, the rows, formulas down the prepared rows, validation,
conditional formats and protection.

Rows are written strictly top to bottom (the workbook may be in constant-memory mode). The per-cell
path is a tuple of prepared (key, column, writer, format) per input column and (column, formula
maker, format, cached values) per formula column: no dicts or formats are built per cell.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..book import Row
from ..cells import MAX_ROW, col_letter
from ..choices import Choice
from ..config import Config
from ..derive import serial
from ..formulas import FormulaContext
from ..schema import TEXT_TYPES, Column, Sheet, T
from .conditional import add_conditional_formats
from .fill import row_formula
from .styles import Styles
from .validation import add_validations

#: What staff may still do on the protected sheets (no password).
PROTECTION = {
    "autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
    "insert_rows": True, "delete_rows": True, "select_locked_cells": True, "select_unlocked_cells": True,
}
HEADER_HEIGHT = 32
#: Rows printed at least (the prepared formula rows below would print as hundreds of blank pages).
PRINT_ROWS = 40
#: Columns right of the schema's left unlocked for staff's own notes. Few: xlsxwriter visits every
#: column up to the last formatted one on every row it writes.
FREE_COLUMNS = 10
PROGRESS_EVERY = 10_000

Put = Callable[[int, int, Any, Any], Any]


def layout(sheet: Sheet) -> list[tuple[int, Column]]:
    """Where each column goes: the schema's columns in order from column A.

    The one place that decides column positions (the formulas assume the same order). Columns
    staff added to a book would be carried over after these.
    """
    return [(sheet.col(c.key), c) for c in sheet.columns]


def _labels(col: Column, lists: dict[str, tuple[Choice, ...]], lang: str) -> dict[str, str]:
    return {c.value: c.label(lang) for c in lists[col.choices]} if col.choices else {}


def _writer(ws: Worksheet, col: Column, labels: dict[str, str]) -> Put:
    """The function that writes one typed value of ``col`` (never through ``write()``: a text
    starting with ``=`` stays text)."""
    write_string, write_number = ws.write_string, ws.write_number

    def text(r, c, v, fmt):
        write_string(r, c, v if type(v) is str else str(v), fmt)

    def choice(r, c, v, fmt):
        write_string(r, c, labels.get(v, v) if type(v) is str else str(v), fmt)

    def number(r, c, v, fmt):
        t = type(v)
        if t is int or t is float:
            write_number(r, c, v, fmt)
        elif t is Decimal:
            write_number(r, c, float(v), fmt)
        else:
            write_string(r, c, str(v), fmt)

    def when(r, c, v, fmt):
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
    ws: Worksheet, sheet: Sheet, rows: list[Row], derived: dict[str, list[Any]], ctx: FormulaContext,
    config: Config, lists: dict[str, tuple[Choice, ...]], styles: Styles, tick: Callable[[int], None],
) -> None:
    lang, last_row = ctx.lang, ctx.last_row[sheet.key]
    columns = layout(sheet)
    for c, col in columns:
        ws.set_column(c, c, col.width, styles.column(col))
    ws.set_column(len(columns), len(columns) + FREE_COLUMNS - 1, None, styles.free)
    ws.set_row(0, HEADER_HEIGHT)
    for c, col in columns:
        ws.write_string(0, c, col.header(lang), styles.header(col))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last_row - 1, len(columns) - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.print_area(0, 0, max(len(rows), PRINT_ROWS), len(columns) - 1)

    inputs = tuple((col.key, c, _writer(ws, col, _labels(col, lists, lang)), styles.cell(col))
                   for c, col in columns if not col.derived)
    formulas = tuple((c, row_formula(ctx, sheet.key, col.key), styles.cell(col),
                      cached_values(derived[col.key], _labels(col, lists, lang)))
                     for c, col in columns if col.derived)
    write_formula = ws.write_formula
    for i, row in enumerate(rows):
        r = i + 1
        for key, c, put, fmt in inputs:
            v = row.get(key)
            if v is not None and v != "":
                put(r, c, v, fmt)
        for c, at, fmt, cached in formulas:
            write_formula(r, c, at(r + 1), fmt, cached[i])
        if r % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
    tick(len(rows) % PROGRESS_EVERY)
    if formulas:
        for r in range(len(rows) + 1, last_row):
            for c, at, fmt, _ in formulas:
                write_formula(r, c, at(r + 1), fmt, "")

    add_validations(ws, sheet, lang)
    add_conditional_formats(ws, sheet, lang, config, last_row, styles)
    text_columns = " ".join(f"{col_letter(c)}2:{col_letter(c)}{MAX_ROW}"
                            for c, col in columns if not col.derived and col.type in TEXT_TYPES)
    if text_columns:
        ws.ignore_errors({"number_stored_as_text": text_columns})
    ws.protect("", PROTECTION)
