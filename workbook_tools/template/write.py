"""``write_book``: the order book workbook — the empty template, or a book filled with data.

Sheets: Instructions, Dashboard, the eight data sheets in schema order, the hidden Lists sheet.
Each data sheet has rows prepared below its data (:func:`rows_ahead`: formulas, conditional formats
and the ``rng_`` names the formulas compute over), validation over the whole column, and protection
without a password. Formula cells of data rows carry Python's value (derive.py) as their cached
result. ``orderbook extend`` (xlsxpkg/extend.py) prepares more rows in place when a sheet runs low.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from xlsxwriter import Workbook

from ..book import BookData, empty_data
from ..cells import MAX_ROW
from ..choices import choice_lists
from ..config import Config
from ..derive import derive
from ..formulas import FormulaContext
from ..lang import LANGS, say
from ..outputs import xlsx_workbook
from ..schema import DASHBOARD, INSTRUCTIONS, LISTS, SHEETS, aux_name
from ..settings import settings_properties
from .carry import Carry, write_other_sheet
from .dashboard import dashboard_values, write_dashboard
from .data_sheet import write_data_sheet
from .instructions import write_instructions
from .lists import define_names, write_lists_sheet
from .rowxml import BulkSheet
from .styles import Styles

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "templates" / "order_book_template.xlsx"
#: Rows prepared with formulas below the last data row (and at least this many in the template).
PREPARED_ROWS = 5000
#: A large sheet gets more: a fifth of its rows in use (``validate`` warns below a tenth).
AHEAD_SHARE = 5
#: Document timestamp of every book: the same input always gives the same bytes.
DOC_TIMESTAMP = datetime(2026, 1, 1, 0, 0, 0)
#: xlsxwriter's constant-memory mode (one row in memory at a time, strings inline), for every book:
#: 100,000 orders wrote in ~36 s at ~0.4 GB instead of ~43 s at ~1.5 GB, and the template takes
#: the same path as the largest book. Rows must then be written top to bottom, sheet by sheet —
#: which also lets the data rows go in as ready XML (rowxml.py: ~13 s on an idle 2-core machine).
WORKBOOK_OPTIONS = {"constant_memory": True}
BOOK_TITLE = ("客户订单管理簿", "Order book")

Progress = Callable[[str, int, int], None]
#: Adds a sheet of its own to the book being written: ``add(workbook, lang)`` (e.g. a monthly report).
SheetWriter = Callable[[Workbook, str], None]


def rows_ahead(in_use: int) -> int:
    """How many rows to prepare below ``in_use`` rows of data: 5,000, or a fifth of them when more."""
    return max(PREPARED_ROWS, in_use // AHEAD_SHARE)


def low_threshold(in_use: int) -> int:
    """``validate`` warns (``prepared-rows-low``) when fewer prepared rows than this remain below
    ``in_use`` rows of data: a tenth of the rows prepared ahead (500), or of the rows in use when more."""
    return max(PREPARED_ROWS // 10, in_use // 10)


def last_rows(data: BookData) -> dict[str, int]:
    """Last Excel row prepared with formulas, per sheet: :func:`rows_ahead` rows below the data, or
    Excel's last row (a 250,000-order book's million-row status log has fewer left than that)."""
    out = {}
    for s in SHEETS:
        n = len(data.get(s.key) or [])
        out[s.key] = min(MAX_ROW, 1 + n + rows_ahead(n))  # a sheet cannot go past Excel's last row
    return out


def write_book(
    path: str | os.PathLike[str],
    data: BookData | None = None,
    *,
    config: Config | None = None,
    lang: str = "zh",
    today: date | None = None,
    progress: Progress | None = None,
    add_sheets: Sequence[SheetWriter] = (),
    carry: Carry | None = None,
) -> Path:
    """Write the order book to ``path`` (atomically) and return the path.

    ``data=None`` writes the empty template; otherwise ``data`` holds typed input rows per sheet
    (choice columns as canonical values, written as labels of ``lang``). ``today`` (default: the
    real date) only feeds the dashboard's cached values; the template leaves the date out of them,
    so its bytes never change. ``progress(sheet name, rows written, rows in all)`` is called as
    the data rows are written. Each of ``add_sheets`` is called after the data sheets to add sheets
    of its own; they come after the hidden Lists sheet. ``carry`` holds what a rewritten book keeps
    from the book it replaces (staff columns and sheets, values the reader could not type; see
    carry.py); its sheets come after the Lists sheet, before those of ``add_sheets``.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    config = config or Config()
    book = empty_data() if data is None else {s.key: list(data.get(s.key) or []) for s in SHEETS}
    day = today or date.today()
    derived = derive(book, config, day)  # 逾期天数 as of that day, as the dashboard's figures
    ctx = FormulaContext(lang, last_rows(book))
    lists = choice_lists(config)
    dashboard = dashboard_values(book, derived, config, day)
    total = sum(len(rows) for rows in book.values())
    done = 0

    def tick(name: str) -> Callable[[int], None]:
        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(name, done, total)

        return step

    path = Path(path)
    with xlsx_workbook(path, "book", WORKBOOK_OPTIONS) as wb:
        wb.set_properties({"title": say(lang, BOOK_TITLE), "company": config.company_name, "created": DOC_TIMESTAMP})
        for name, value in settings_properties(config).items():  # the settings travel with the book
            wb.set_custom_property(name, value)
        styles = Styles(wb)

        def add(name: str) -> BulkSheet:
            made: BulkSheet = wb.add_worksheet(name, worksheet_class=BulkSheet)
            return made

        ws_instructions = add(aux_name(INSTRUCTIONS, lang))
        ws_dashboard = add(aux_name(DASHBOARD, lang))
        data_sheets = [(sheet, add(sheet.name(lang))) for sheet in SHEETS]
        ws_lists = add(aux_name(LISTS, lang))
        define_names(wb, lists, lang, ctx.last_row)

        write_instructions(ws_instructions, config, lang, lists, styles)
        write_dashboard(
            ws_dashboard,
            ctx,
            config,
            dashboard,
            dated=data is not None or today is not None,
            styles=styles,
            workbook=wb,
        )
        for sheet, ws in data_sheets:
            write_data_sheet(
                ws,
                sheet,
                book[sheet.key],
                derived[sheet.key],
                ctx,
                config,
                lists,
                styles,
                tick(sheet.name(lang)),
                carry.sheet(sheet.key) if carry else None,
            )
        for other in carry.other_sheets if carry else ():
            write_other_sheet(wb, other, styles)
        for add_sheet in add_sheets:
            add_sheet(wb, lang)
        write_lists_sheet(ws_lists, lists, lang, styles)
    return path
