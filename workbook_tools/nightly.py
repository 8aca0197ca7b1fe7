"""The nightly job: validate every order book in a folder and leave a dated report folder.

``run_nightly(folder, reports_root=…)`` writes ``reports_root/YYYY-MM-DD/`` (``summary.json`` plus
the chosen formats), then deletes dated report folders older than ``keep_days``. The day's folder is
built under a temporary name and renamed into place, so a crash leaves the previous one whole.
Pruning touches only folders named as a date (``2026-11-27``), never anything else.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .config import Config
from .errors import OutputError, WorkbookToolsError
from .formats import FORMATS, annotated_names
from .formats.labels import file_line, rows_read, totals
from .report import Report
from .safe_io import atomic_path
from .validate import find_books, validate_paths

DEFAULT_FORMATS = ("json", "html", "xlsx")
SUMMARY_NAME = "summary.json"

#: A day's report folder, or what a crashed run left of one (``.2026-11-27.partial-x1y2``).
_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})$")
_LEFTOVER = re.compile(r"^\.(\d{4}-\d{2}-\d{2})\.(?:partial|old)-[\w-]+$")


@dataclass
class NightlyResult:
    report: Report
    #: ``reports_root/YYYY-MM-DD``.
    report_dir: Path
    #: Files written in ``report_dir`` (summary.json first).
    outputs: list[Path] = field(default_factory=list)
    #: Old dated folders deleted.
    pruned: list[Path] = field(default_factory=list)
    #: One line per file, then the total.
    lines: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


def run_nightly(folder: str | os.PathLike, *, reports_root: str | os.PathLike, keep_days: int = 30,
                formats: Iterable[str] = DEFAULT_FORMATS, config: Config | None = None, today: date | None = None,
                lang: str = "zh", now: datetime | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> NightlyResult:
    folder, reports_root = Path(folder), Path(reports_root)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats {unknown}; choose from {sorted(FORMATS)}")
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1 (today's folder is always kept)")
    if not folder.is_dir():
        raise WorkbookToolsError(f"{folder}: not a folder")
    now = now or datetime.now()
    today = today or now.date()

    books = [p for p in find_books([folder]) if not _inside(p, reports_root)]
    report = validate_paths(books, config=config, today=today, progress=progress)

    day_dir = reports_root / today.isoformat()
    outputs = _write_day(report, day_dir, formats, lang, folder=folder, now=now, today=today)
    pruned = prune_reports(reports_root, keep_days=keep_days, today=today)
    return NightlyResult(report, day_dir, outputs, pruned, summary_lines(report, lang))


def summary_lines(report: Report, lang: str = "zh") -> list[str]:
    """``path  3 errors …`` per file (or its read error), then the total: plain text for logs and mail."""
    lines = [f"{r.path}  {file_line(r, lang)}" for r in report.files]
    lines.append(totals(report).line(lang))
    return lines


def prune_reports(reports_root: str | os.PathLike, *, keep_days: int, today: date) -> list[Path]:
    """Delete report folders dated ``keep_days`` or more days before ``today``; return what was deleted.

    Only direct sub-folders named ``YYYY-MM-DD`` (and the ``.YYYY-MM-DD.partial-…`` leftovers of a
    crashed run) are candidates; files, symlinks and folders with other names are never touched.
    """
    root = Path(reports_root)
    if not root.is_dir():
        return []
    deleted = []
    for child in sorted(root.iterdir()):
        m = _DATED.match(child.name) or _LEFTOVER.match(child.name)
        if m is None or child.is_symlink() or not child.is_dir():
            continue
        try:
            day = date.fromisoformat(m[1])
        except ValueError:  # 2026-13-45 is not a date
            continue
        if (today - day).days >= keep_days:
            shutil.rmtree(child)
            deleted.append(child)
    return deleted


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _write_day(report: Report, day_dir: Path, formats: tuple[str, ...], lang: str, *, folder: Path,
               now: datetime, today: date) -> list[Path]:
    """Build the day's folder under a temporary name, then swap it in (a rerun replaces it whole)."""
    root = day_dir.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{day_dir.name}.partial-", dir=root))
    except OSError as exc:
        raise OutputError(f"cannot write reports in {root}: {exc.strerror or exc}") from exc
    try:
        written: list[Path] = []
        for name in formats:
            written.extend(FORMATS[name](report, tmp, lang))
        summary = tmp / SUMMARY_NAME
        with atomic_path(summary) as part:
            data = _summary(report, lang, folder=folder, now=now, today=today,
                            outputs=[p.name for p in written], with_copies="xlsx" in formats)
            part.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _share(tmp)
        old = None
        if day_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{day_dir.name}.old-", dir=root))
            day_dir.rename(old / day_dir.name)
        tmp.rename(day_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [day_dir / SUMMARY_NAME, *(day_dir / p.name for p in written)]


def _umask() -> int:
    """The process umask, read without changing it (os.umask would, and threads may be running)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _share(folder: Path) -> None:
    """Give the day's folder and files the permissions the umask allows: temporary files are created
    private (0600/0700), but the morning report is for the whole office."""
    mask = _umask()
    folder.chmod(0o777 & ~mask)
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink():
            path.chmod(0o666 & ~mask)


def _summary(report: Report, lang: str, *, folder: Path, now: datetime, today: date, outputs: list[str],
             with_copies: bool) -> dict:
    t = totals(report)
    copies = annotated_names(report) if with_copies else {}
    return {
        "date": today.isoformat(),
        "generated": now.isoformat(timespec="seconds"),
        "folder": str(folder),
        "exit_code": report.exit_code,
        "totals": {"files": t.files, "errors": t.errors, "warnings": t.warnings, "unreadable": t.unreadable},
        "files": [
            {"path": str(r.path), "rows": rows_read(r), "errors": r.errors, "warnings": r.warnings,
             "error": r.error, "by_code": dict(sorted(r.by_code().items())),
             "annotated": copies[i] if i in copies and copies[i] in outputs else None}
            for i, r in enumerate(report.files)
        ],
        "outputs": outputs,
        "lines": summary_lines(report, lang),
    }
