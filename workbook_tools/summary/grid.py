"""Cells collected in memory, then written row by row.

The order book is written in xlsxwriter's constant-memory mode, where a worksheet takes its rows
top to bottom only (a cell written above the current row is silently lost). The summary sheet lays
out its tables side by side, so it collects every cell here first and writes them in row order: the
same sheet then works in any workbook.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..dates import serial


class Grid:
    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[Any, Format | None]] = {}
        self.heights: dict[int, float] = {}

    def put(self, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
        self.cells[(row, col)] = (value, fmt)

    def fill(self, row: int, first: int, last: int, fmt: Format) -> None:
        """Blank cells with ``fmt`` where nothing is written yet (a heading's band)."""
        for c in range(first, last + 1):
            self.cells.setdefault((row, c), (None, fmt))

    def flush(self, ws: Worksheet) -> None:
        for row, height in sorted(self.heights.items()):
            ws.set_row(row, height)
        for (r, c), (value, fmt) in sorted(self.cells.items()):
            _write(ws, r, c, value, fmt)


def _write(ws: Worksheet, r: int, c: int, value: Any, fmt: Format | None) -> None:
    """Typed writes: text is always text (a name starting with "=" is not a formula)."""
    if value is None:
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value), fmt)
    elif isinstance(value, (date, datetime)):
        ws.write_number(r, c, serial(value), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)
