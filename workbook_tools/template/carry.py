"""What a rewritten book carries over from the book it replaces, besides its typed rows.

``orderbook regenerate`` and ``orderbook merge`` write a book on the current template from data
that was read from books staff kept. What the schema does not describe still belongs to the staff:

- columns they added to a data sheet: written after the schema's columns, header kept, each value
  as read (text stays text, numbers numbers, dates dates), cells unlocked;
- values the reader could not type (text in a quantity cell, an Excel error, a phone number that
  lost digits): written into their cell as found, so that validation flags them again;
- sheets they added: written after the order book's sheets, cell values only (no formulas,
  formatting, merged cells or charts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..book import OtherSheet
from ..cells import col_letter
from .rowxml import BulkSheet, LazyStyles, cells, rows_xml, typed_value, value_body
from .styles import Styles

#: Width of a carried-over column (its header's own width is unknown).
EXTRA_WIDTH = 14
CHUNK = 10_000


@dataclass
class ExtraColumn:
    """A column staff added to a data sheet."""

    #: The header as it stood (None: the column had none).
    header: str | None
    #: One value per data row written (None for blank).
    values: list[Any]


@dataclass
class SheetCarry:
    """What one data sheet carries over."""

    columns: list[ExtraColumn] = field(default_factory=list)
    #: Row index -> {column key: raw value}: cells the reader could not type. A raw value is
    #: written only where the row's own value is blank.
    raw: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Carry:
    """Everything a rewritten book carries over: per data sheet (by key), and the staff's sheets."""

    sheets: dict[str, SheetCarry] = field(default_factory=dict)
    #: Written after the order book's own sheets, under these names (which must be free).
    other_sheets: list[OtherSheet] = field(default_factory=list)

    def sheet(self, key: str) -> SheetCarry | None:
        return self.sheets.get(key)


def put_value(ws: Worksheet, r: int, c: int, v: Any, formats: dict[str, Any]) -> None:
    """Write one value of any type, cell by cell (the reference for rowxml.value_body)."""
    kind, x = typed_value(v)
    if kind == "text":
        ws.write_string(r, c, x, formats["general"])
    elif kind == "bool":
        ws.write_boolean(r, c, x, formats["general"])
    else:
        ws.write_number(r, c, x, formats["general" if kind == "number" else kind])


def value_formats(styles: Styles, general: Any = None) -> dict[str, Any]:
    """Formats per kind of value: unlocked (a data sheet is protected; staff keep editing them)."""
    out = {kind: styles.free_value(kind) for kind in ("date", "datetime", "time", "duration")}
    out["general"] = styles.free if general is None else general
    return out


def write_other_sheet(wb: Workbook, sheet: OtherSheet, styles: Styles) -> None:
    """One of the staff's own sheets, values only."""
    ws = wb.add_worksheet(sheet.name, worksheet_class=BulkSheet)
    formats = value_formats(styles)
    width = max((len(row) for row in sheet.rows), default=0)
    if isinstance(ws, BulkSheet) and ws.bulk_ready():
        body = value_body(ws, LazyStyles(ws, formats, 0))
        letters = [col_letter(c) for c in range(width)]
        for start in range(0, len(sheet.rows), CHUNK):
            chunk = sheet.rows[start:start + CHUNK]
            filled = [(start + i, c) for i, row in enumerate(chunk) for c, v in enumerate(row) if v is not None and v != ""]
            if not filled:
                continue
            nums = [str(start + i + 1) for i in range(len(chunk))]
            columns = [cells(letters[c], nums, [row[c] if c < len(row) else None for row in chunk], body)
                       for c in range(width)]
            ws.write_xml_rows(filled[0][0], filled[-1][0], min(c for _, c in filled), max(c for _, c in filled),
                              rows_xml(nums, columns))
    else:
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if v is not None and v != "":
                    put_value(ws, r, c, v, formats)
    if sheet.hidden:
        ws.hide()
