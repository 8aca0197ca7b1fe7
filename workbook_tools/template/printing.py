"""How every sheet we write prints: A4, header rows repeated on each page, a header and footer with
the company, the sheet's name, the print date and "page x of y", and a readable scale.

The scale is worked out here from the column widths — the largest (up to 100 %) that fits the
table's width on the page — and written as the sheet's print scale, so the file says what the
paper shows. It never goes below :data:`MIN_SCALE`: a table too wide for that prints its key
columns again on the pages to the right (page order: across, then down). A sheet is printed
upright when it fits upright at full size, else landscape.

Print areas of the book's data sheets (:func:`data_print_area`): a sheet without formulas prepared
below its data has none, so Excel, WPS and LibreOffice print exactly the rows that are filled, however
many staff type. A sheet with prepared formula rows needs one, or every app prints those rows as
blank pages (LibreOffice counts a formula cell as content even when it shows nothing, and reads a
print area only as a plain range: a name such as ``OFFSET(…)`` is ignored and all 5,000 prepared rows
print). Its area ends at the last row of data when the book is written; ``import`` in place and
``orderbook extend`` move it down over the rows they find (xlsxpkg/extend.py ``move_names``).
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from ..lang import Pair, say
from ..schema import Sheet

A4 = 9
#: A4 in inches, long side first.
A4_LONG, A4_SHORT = 11.69, 8.27
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM, MARGIN_TEXT = 0.3, 0.6, 0.6, 0.25
#: Below this the 11 pt text of a sheet is smaller than 9 pt on paper.
MIN_SCALE = 80
#: Column width in pixels at 96 dpi, per character of the default font (Calibri 11) plus padding:
#: Excel counts 7 a character, LibreOffice (with Calibri or its metric twin Carlito) about 7.5 —
#: measured by printing columns of widths 6, 10 and 20 — so the scale is worked out with 7.5.
PX_PER_CHAR, PX_PADDING, PX_PER_INCH = 7.5, 5, 96
#: Width of a column left at the default.
DEFAULT_WIDTH = 8.43
#: Rows printed at least on a sheet with prepared formula rows (the empty template's table).
PRINT_ROWS = 40

_FOOTER: Pair = ("&L打印日期 &D&R第 &P 页，共 &N 页", "&LPrinted &D&RPage &P of &N")


def _escape(text: str) -> str:
    """``text`` shown as is in a header (``&`` starts a control code there)."""
    return text.replace("&", "&&")


def table_px(widths: Sequence[float | None]) -> int:
    return sum(round((DEFAULT_WIDTH if w is None else w) * PX_PER_CHAR) + PX_PADDING for w in widths)


def printable_px(landscape: bool) -> float:
    return ((A4_LONG if landscape else A4_SHORT) - 2 * MARGIN_SIDE) * PX_PER_INCH


def fit_scale(widths: Sequence[float | None], landscape: bool) -> int:
    """The largest whole percentage (at most 100) at which columns of ``widths`` fit across the page."""
    px = table_px(widths)
    return 100 if px <= 0 else min(100, int(printable_px(landscape) * 100 // px))


def layout(
    widths: Sequence[float | None], landscape: bool | None = None, min_scale: int = MIN_SCALE
) -> tuple[bool, int]:
    """(landscape, scale) of a table with columns of ``widths``: upright when it fits upright at
    100 %, else landscape at the scale that fits (never below ``min_scale``)."""
    if landscape is None:
        landscape = fit_scale(widths, False) < 100
    return landscape, max(min_scale, fit_scale(widths, landscape))


def page_setup(
    ws: Worksheet,
    widths: Sequence[float | None],
    *,
    company: str,
    lang: str,
    header_rows: tuple[int, int] | int | None = 0,
    key_columns: int = 1,
    landscape: bool | None = None,
    min_scale: int = MIN_SCALE,
) -> int:
    """Set up ``ws`` for printing; returns the scale. ``widths``: the printed columns' widths from A;
    ``header_rows``: the 0-based row (or first and last rows) repeated on each page, None for none;
    ``key_columns``: columns repeated on the pages to the right when the table does not fit across;
    ``min_scale``: lower only for a report laid out in blocks side by side (the 月报)."""
    landscape, scale = layout(widths, landscape, min_scale)
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_print_scale(scale)
    if fit_scale(widths, landscape) < min_scale and key_columns:
        ws.repeat_columns(0, key_columns - 1)
        ws.print_across()
    if header_rows is not None:
        first, last = (header_rows, header_rows) if isinstance(header_rows, int) else header_rows
        ws.repeat_rows(first, last)
    ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
    ws.set_header(f"&L{_escape(company)}&C&A", {"margin": MARGIN_TEXT})
    ws.set_footer(say(lang, _FOOTER), {"margin": MARGIN_TEXT})
    return scale


def data_print_area(ws: Worksheet, sheet: Sheet, rows: int, columns: int) -> None:
    """The print area of a data sheet holding ``rows`` rows of data in ``columns`` columns (see the
    module's docstring): none without prepared formula rows, else down to the last row of data."""
    if sheet.derived:
        ws.print_area(0, 0, max(rows, PRINT_ROWS), columns - 1)
