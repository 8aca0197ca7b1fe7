"""One summary run, as the command does it: read the book, summarise a month,
write the workbook (or the copy of the book) and the JSON, and say what was written."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..book import BookData, OrderBook, Row
from ..config import Config
from ..errors import WorkbookToolsError
from ..lang import Said, label, said, say
from ..settings import Settings, given
from .into_book import same_file, summary_into_book
from .json_out import write_json
from .model import MonthlySummary
from .months import Month
from .sheet import default_summary_path, write_summary
from .text import figures_text

if TYPE_CHECKING:
    from ..template.write import Progress


class MonthOutsideData(WorkbookToolsError):
    """The month asked for has no order in the book: before its first order or after its last.
    Nothing is written (a report of dashes helps nobody); the command warns and exits 1."""

    def __init__(self, month: Month, first: Month | None, last: Month | None):
        self.month, self.first, self.last = month, first, last
        span = f"{first} – {last}" if first is not None else "—"
        super().__init__(
            said(
                (
                    "订单簿在 {month} 没有订单（有订单的月份：{span}），未生成月报",
                    "the book has no orders in {month} (orders from {span}); no report written",
                ),
                month=month,
                span=span,
            )
        )


def data_span(rows: list[Row]) -> tuple[Month, Month] | None:
    """The first and the last month in which the book has an order (by order date)."""
    days = [r["order_date"] for r in rows if r.get("order_date") is not None and hasattr(r["order_date"], "year")]
    if not days:
        return None
    return Month.of(min(days)), Month.of(max(days))


#: Each sheet's date that places a row in time: rows after the day a running month is summarised
#: up to are left out, as if not yet typed (the month's figures count up to that day).
_DATED = {
    "orders": "order_date",
    "payments": "paid_on",
    "shipments": "ship_date",
    "stock_moves": "date",
    "status_log": "timestamp",
}


def as_of_day(data: OrderBook | BookData, day: date) -> BookData:
    """The book's rows as they stood at the end of ``day``: rows dated later are left out."""
    from datetime import datetime

    from . import _rows

    rows = _rows(data)

    def later(value: object) -> bool:
        if isinstance(value, datetime):
            value = value.date()
        return isinstance(value, date) and value > day

    return {
        key: [r for r in sheet if not later(r.get(_DATED[key]))] if key in _DATED else sheet
        for key, sheet in rows.items()
    }


@dataclass
class SummaryRun:
    summary: MonthlySummary
    written: list[Path] = field(default_factory=list)
    backup: Path | None = None
    #: From --into-book: what was not kept or was replaced (an earlier run's report sheet).
    notes: list[Said] = field(default_factory=list)
    #: Cells of the book that could not be read as their column's type (left out of the figures).
    unreadable: int = 0

    def lines(self, lang: str) -> list[str]:
        out = figures_text(self.summary, lang)
        if self.unreadable:
            out.append(
                say(
                    lang,
                    (
                        "注意：{n} 个单元格无法识别，未计入；请运行 orderbook validate 查看",
                        "note: {n} cells could not be read and were left out; run orderbook validate to see them",
                    ),
                    n=self.unreadable,
                )
            )
        out += [say(lang, ("注意：{note}", "note: {note}"), note=label(n, lang)) for n in self.notes]
        if self.backup is not None:
            out.append(say(lang, ("已备份原文件到 {path}", "backed up the original to {path}"), path=self.backup))
        out += [say(lang, ("已写入 {path}", "wrote {path}"), path=p) for p in self.written]
        return out


def run_summary(
    book_path: str | os.PathLike[str],
    month: str | Month,
    *,
    output: str | os.PathLike[str] | None = None,
    into_book: bool = False,
    json_path: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    config: Config | Settings | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> SummaryRun:
    """Read the book, summarise ``month``, and write: the summary workbook at ``output`` (default
    ``summary_YYYY-MM.xlsx``), or with ``into_book`` a copy of the book with the report sheet
    (default ``<stem>.with-summary-YYYY-MM.xlsx`` beside it; the book itself only after a backup, locked from
    the read to the write: ``force`` writes it even while an office program has it open); and the
    JSON at ``json_path`` when given. The summary's language: ``lang``, else the config's
    (standalone) or the book's (into the book). ``config`` may be a ``Settings`` (settings.py): the
    workbook and the JSON then say which settings made them."""
    from ..read import read_book
    from ..safe_io import locked
    from . import monthly_summary

    settings, config = given(config)
    month = month if isinstance(month, Month) else Month.parse(month)
    over_book = into_book and output is not None and same_file(output, book_path)
    with locked(book_path, force=force) if over_book else contextlib.nullcontext():
        book = read_book(book_path, config=config)
        day = today or date.today()
        span = data_span(book.tables["orders"].rows if "orders" in book.tables else [])
        if month.first <= day and (span is None or not span[0] <= month <= span[1]):  # (not begun: MonthError)
            raise MonthOutsideData(month, *(span or (None, None)))
        # a running month counts up to today (--today): what is dated later has not happened yet
        data = as_of_day(book, day) if month.first <= day < month.last else book
        summary = monthly_summary(data, month, config=config, today=today)
        summary.settings = settings
        run = SummaryRun(summary, unreadable=sum(len(t.problems) for t in book.tables.values()))
        if into_book:
            result = summary_into_book(
                book_path, summary, output=output, lang=lang, config=config, book=book, progress=progress, force=force
            )
            run.written.append(result.path)
            run.backup, run.notes = result.backup, list(result.notes)
    if not into_book:
        run.written.append(
            write_summary(
                summary, output or default_summary_path(summary.month), lang or config.language, config=config
            )
        )
    if json_path is not None:
        run.written.append(write_json(summary, json_path))
    return run
