"""``--into-book``: a new copy of the order book with the 月报 YYYY-MM sheet added.

The copy is written from the book's data by write_book (formulas, validation and cached values
regenerated from the schema), carrying what staff added as ``orderbook regenerate`` does (their
columns, their sheets as values, cells the reader could not type), with the report sheet last and
active; a sheet of the report's name already in the book (an earlier run's) is replaced. The
original is never overwritten silently: when the copy's path is the original's, a timestamped
backup is made first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..book import OrderBook
from ..config import Config
from ..safe_io import backup
from .model import MonthlySummary
from .months import Month
from .sheet import add_summary_sheet, sheet_name


@dataclass(frozen=True)
class IntoBook:
    path: Path
    #: The backup of the original, when the copy replaced it.
    backup: Path | None = None
    #: What was not carried over, or was changed on the way, one line each.
    notes: tuple[str, ...] = ()


def default_copy_path(book_path: str | os.PathLike, month: Month | str) -> Path:
    """``订单管理簿.xlsx`` -> ``订单管理簿.2026-10.xlsx`` beside it."""
    book_path = Path(book_path)
    return book_path.with_name(f"{book_path.stem}.{month}{book_path.suffix or '.xlsx'}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def summary_into_book(book_path: str | os.PathLike, summary: MonthlySummary, *, output: str | os.PathLike | None = None,
                      lang: str | None = None, config: Config | None = None, book: OrderBook | None = None,
                      now: datetime | None = None, progress=None) -> IntoBook:
    """Write a copy of the book at ``book_path`` with the summary sheet added; return where it went.

    ``book`` may pass the book already read with ``other_sheets=True`` (else it is read here). The
    copy keeps the book's language; the report sheet is in ``lang`` (default: the book's).
    ``output`` defaults to ``<stem>.YYYY-MM.xlsx`` beside the book; if it is the book itself, the
    book is backed up first. ``notes`` in the result say what of the staff's additions was not
    carried over or was renamed.
    """
    from ..read import read_book
    from ..regenerate import carry_book, staff_sheets
    from ..template import write_book

    config = config or Config()
    book_path = Path(book_path)
    book = book or read_book(book_path, config=config, other_sheets=True)
    output = Path(output) if output is not None else default_copy_path(book_path, summary.month)
    report_lang = lang or book.lang
    name = sheet_name(summary.month, report_lang)
    rows, carry, notes = carry_book(book)
    kept = [s for s in book.other_sheets if s.name.casefold() != name.casefold()]
    if len(kept) < len(book.other_sheets):
        notes.append(f"sheet {name!r} replaced by this summary")
    carry.other_sheets, sheet_notes = staff_sheets(kept, book.lang)
    notes += sheet_notes
    saved = backup(book_path, now=now) if _same_file(output, book_path) else None

    def add(wb, _book_lang: str) -> None:
        add_summary_sheet(wb, summary, report_lang, config).activate()

    write_book(output, rows, config=config, lang=book.lang, today=summary.today, add_sheets=[add],
               progress=progress, carry=carry)
    return IntoBook(output, saved, tuple(notes))
