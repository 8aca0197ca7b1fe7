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
from typing import Any

from ..config import Config
from ..errors import ConfigError, WorkbookToolsError
from ..report import FileResult, Report
from . import BookChanges, record_changes
from .report import summary_line, write_html, write_xlsx

HTML_NAME, XLSX_NAME = "changes.html", "changes.xlsx"


def check_and_record(path: Path, config: Config, today: date, reports_root: Path, now: datetime,
                     settings: str | None = None) -> FileResult:
    """Check ``path`` and record its changes since the last night before ``today``: the result with
    the change findings added and ``changes`` set. (A module-level function: it runs in a child.)"""
    from ..read import read_book
    from ..validate import validate_file

    result = validate_file(path, config=config, today=today)
    result.settings = settings
    if result.error is not None:
        return result
    try:
        book = read_book(path, config=config)
        changes = record_changes(path, book, reports_root=reports_root, night=today, taken=now, settings=settings)
    except WorkbookToolsError as exc:
        changes = BookChanges(Path(path), None, today, error=str(exc))
    result.findings.extend(changes.findings)
    result.changes = changes
    return result


def night_book(path: str | os.PathLike, *, resolve, today: date, reports_root: str | os.PathLike,
               now: datetime | None = None, bounds=None, isolate: bool = True) -> FileResult:
    """One book of the night: its settings (``resolve(path) -> Settings``), checked and its changes
    recorded, in a child process within ``bounds`` when ``isolate``. Never raises for the book."""
    path = Path(path)
    if not os.path.lexists(path):
        return FileResult(path, error="文件不存在 / file not found")
    try:
        settings = resolve(path)
    except ConfigError as exc:
        return FileResult(path, error=str(exc))
    args = (path, settings.config, today, Path(reports_root), now or datetime.now(), settings.label)
    if not isolate:
        return check_and_record(*args)
    from ..validate.isolated import Failed, call_isolated

    try:
        return call_isolated(check_and_record, *args, bounds=bounds, name=f"orderbook-night-{path.name}")
    except Failed as exc:
        return FileResult(path, error=str(exc), settings=settings.label)


def change_lines(report: Report, lang: str = "zh") -> list[str]:
    """One line per book whose changes were compared: ``path  自 2026-11-26 以来：新增 2 行 …``."""
    out = []
    for r in report.files:
        ch = r.changes
        if ch is not None:
            out.append(f"{r.path}  {ch.error if ch.error else summary_line(ch, lang)}")
    return out


def file_extras(result: FileResult, lang: str = "zh") -> dict[str, Any]:
    """What a book's entry in ``summary.json`` says besides its findings: its settings and changes."""
    out: dict[str, Any] = {}
    if result.settings:
        out["settings"] = result.settings
    if result.changes is not None:
        out["changes"] = result.changes.to_dict(lang)
    return out


def write_change_reports(report: Report, folder: str | os.PathLike, lang: str = "zh") -> list[Path]:
    """changes.html and changes.xlsx in ``folder``, when the night compared any book."""
    compared = [r.changes for r in report.files if r.changes is not None]
    if not compared:
        return []
    folder = Path(folder)
    return [write_html(compared, folder / HTML_NAME, lang), write_xlsx(compared, folder / XLSX_NAME, lang)]
