"""The change report in the nightly job: per book, check it with its own settings and record what
changed since the night before; then the lines, the JSON and the report files of all books.

``night_book`` is the nightly job's work on one book (in a child process within the job's bounds,
as the check alone would be); ``change_lines``, ``file_extras`` and ``write_change_reports`` add the
changes to the job's log lines, ``summary.json`` and report folder (changes.html, changes.xlsx).
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..book import OrderBook
from ..config import Config
from ..errors import ConfigError, WorkbookToolsError
from ..lang import Said
from ..report import FileResult, Report
from . import BookChanges, record_changes
from .report import summary_line, write_html, write_xlsx

if TYPE_CHECKING:
    from ..settings import Resolver
    from ..validate.isolated import Bounds

HTML_NAME, XLSX_NAME = "changes.html", "changes.xlsx"
#: The report formats (formats.FORMATS) that have a change report: its file name and writer.
CHANGE_REPORTS = {"html": (HTML_NAME, write_html), "xlsx": (XLSX_NAME, write_xlsx)}


def check_and_record(
    path: Path, config: Config, today: date, reports_root: Path | None, now: datetime, settings: str | None = None
) -> FileResult:
    """Check ``path`` and, with ``reports_root``, record its changes since the last night before
    ``today``: the result with the change findings added and ``changes`` set. (Module level: it runs
    in a child process.) The snapshot is of the book the check read: it is not read a second time."""
    from ..errors import BookReadError
    from ..read import read_book
    from ..validate import files

    read: list[OrderBook] = []
    result = files.validate_file(path, config=config, today=today, read=read)
    result.settings = settings
    if result.error is not None or reports_root is None:
        return result
    try:
        book = read[0] if read else read_book(path, config=config)
    except BookReadError:
        return result  # it changed on disk since it was checked: tomorrow compares
    try:
        changes = record_changes(path, book, reports_root=reports_root, night=today, taken=now, settings=settings)
    except WorkbookToolsError as exc:
        changes = BookChanges(Path(path), None, today, error=exc.said.en, error_zh=exc.said.zh)
    result.findings.extend(changes.findings)
    result.changes = changes
    return result


def night_book(
    path: str | os.PathLike[str],
    *,
    resolve: Resolver,
    today: date,
    reports_root: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
    bounds: Bounds | None = None,
    isolate: bool = True,
) -> FileResult:
    """One book of the night: checked with its own settings (``resolve(path) -> Settings``) and, with
    ``reports_root``, its changes recorded; in a child process within ``bounds`` (validate/isolated.py)
    when ``isolate``. Never raises for anything the book does."""
    path = Path(path)
    if not os.path.lexists(path):
        return FileResult.unreadable(path, Said("文件不存在", "file not found"))
    try:
        settings = resolve(path)
    except ConfigError as exc:
        return FileResult.unreadable(path, exc.said)
    args = (
        path,
        settings.config,
        today,
        Path(reports_root) if reports_root is not None else None,
        now or datetime.now(),
        settings.label,
    )
    if not isolate:
        return check_and_record(*args)
    from ..validate.isolated import Failed, call_isolated

    try:
        result: FileResult = call_isolated(
            check_and_record, *args, bounds=bounds, name=f"orderbook-validate-{path.name}"
        )
        return result
    except Failed as exc:
        result = FileResult.unreadable(path, exc.reason)
        result.settings, result.settings_zh = settings.label, settings.describe("zh")
        return result


def change_lines(report: Report, lang: str = "zh") -> list[str]:
    """One line per book compared with an earlier night (or whose changes could not be recorded):
    ``path  自 2026-11-26 以来：新增 2 行，修改 1 行，删除 1 行``."""
    from ..formats.text import inert, shown_path

    out = []
    for r in report.files:
        ch = r.changes
        if ch is not None and (ch.error or ch.since is not None):
            out.append(f"{shown_path(r.path)}  {inert(ch.error_text(lang) or summary_line(ch, lang))}")
    return out


def file_extras(result: FileResult, lang: str = "zh") -> dict[str, Any]:
    """What a book's entry in ``summary.json`` says besides its findings: its settings and changes."""
    out: dict[str, Any] = {}
    if result.settings:
        out["settings"] = result.settings
    if result.changes is not None:
        out["changes"] = result.changes.to_dict(lang)
    return out


def write_change_reports(
    report: Report, folder: str | os.PathLike[str], lang: str = "zh", formats: tuple[str, ...] = tuple(CHANGE_REPORTS)
) -> list[Path]:
    """The change report of each of ``formats`` that has one (``CHANGE_REPORTS``: changes.html,
    changes.xlsx) in ``folder``, when the night compared a book with an earlier night."""
    compared = [r.changes for r in report.files if r.changes is not None and r.changes.since is not None]
    if not compared:
        return []
    folder = Path(folder)
    return [write(compared, folder / name, lang) for fmt, (name, write) in CHANGE_REPORTS.items() if fmt in formats]
