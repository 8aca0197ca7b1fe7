"""One summary run, as the command and the cron script do it: read the book, summarise a month,
write the workbook (or the copy of the book) and the JSON, and say what was written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..config import Config
from .into_book import same_file, summary_into_book
from .json_out import write_json
from .model import MonthlySummary
from .months import Month
from .sheet import default_summary_path, write_summary
from .text import figures_text


@dataclass
class SummaryRun:
    summary: MonthlySummary
    written: list[Path] = field(default_factory=list)
    backup: Path | None = None
    #: From --into-book: what was not kept or was replaced (an earlier run's report sheet).
    notes: list[str] = field(default_factory=list)
    #: Cells of the book that could not be read as their column's type (left out of the figures).
    unreadable: int = 0

    def lines(self, lang: str) -> list[str]:
        zh = lang == "zh"
        out = figures_text(self.summary, lang)
        if self.unreadable:
            out.append(f"注意：{self.unreadable} 个单元格无法识别，未计入；请运行 orderbook validate 查看"
                       if zh else f"note: {self.unreadable} cells could not be read and were left out; "
                       "run orderbook validate to see them")
        out += [f"注意：{n}" if zh else f"note: {n}" for n in self.notes]
        if self.backup is not None:
            out.append(f"{'已备份原文件到' if zh else 'backed up the original to'} {self.backup}")
        out += [f"{'已写入' if zh else 'wrote'} {p}" for p in self.written]
        return out


def run_summary(book_path: str | os.PathLike, month: str | Month, *, output: str | os.PathLike | None = None,
                into_book: bool = False, json_path: str | os.PathLike | None = None, lang: str | None = None,
                config: Config | None = None, today: date | None = None, progress=None,
                force: bool = False) -> SummaryRun:
    """Read the book, summarise ``month``, and write: the summary workbook at ``output`` (default
    ``summary_YYYY-MM.xlsx``), or with ``into_book`` a copy of the book with the report sheet
    (default ``<stem>.YYYY-MM.xlsx`` beside it; the book itself only after a backup, locked from
    the read to the write: ``force`` writes it even while an office program has it open); and the
    JSON at ``json_path`` when given. The summary's language: ``lang``, else the config's
    (standalone) or the book's (into the book)."""
    from ..read import read_book
    from ..safe_io import locked
    from . import monthly_summary

    config = config or Config()
    over_book = into_book and output is not None and same_file(output, book_path)
    with (locked(book_path, force=force) if over_book else contextlib.nullcontext()):
        book = read_book(book_path, config=config)
        summary = monthly_summary(book, month, config=config, today=today)
        run = SummaryRun(summary, unreadable=sum(len(t.problems) for t in book.tables.values()))
        if into_book:
            result = summary_into_book(book_path, summary, output=output, lang=lang, config=config, book=book,
                                       progress=progress, force=force)
            run.written.append(result.path)
            run.backup, run.notes = result.backup, list(result.notes)
    if not into_book:
        run.written.append(write_summary(summary, output or default_summary_path(summary.month),
                                         lang or config.language, config=config))
    if json_path is not None:
        run.written.append(write_json(summary, json_path))
    return run


def bench(book_path: str | os.PathLike, month: str = "2026-10", today: date = date(2026, 11, 27)) -> SummaryRun:
    """The benchmark step: read + summarise + write the summary workbook (to a temporary folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        return run_summary(book_path, month, output=Path(tmp) / "summary.xlsx", today=today)
