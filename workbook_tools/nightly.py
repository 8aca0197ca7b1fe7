"""The nightly job: validate every order book in a folder and leave a dated report folder.

``run_nightly(folder, reports_root=…)`` writes ``reports_root/YYYY-MM-DD/`` (``summary.json`` plus
the chosen formats), then deletes dated report folders older than ``keep_days``. The day's folder is
built under a temporary name and renamed into place, so a crash leaves the previous one whole.

What it never does:

- check its own outputs: summaries, reports, annotated copies, backups … are known by their tag and
  report folders by their marker (validate/files.py), and listed once as skipped;
- delete or publish anything that is not its own: every report folder carries ``REPORT_MARKER``
  from the moment it is made, and pruning removes only dated folders that carry it; a reports
  folder that is the books folder or contains it is refused; a symlink to a file outside the folder
  is skipped, never read or copied; reports and annotated copies are never readable by more people
  than the books they show (their mode is narrowed to the books');
- stop for one book: each book is checked in a child process with a memory cap and a timeout
  (validate/isolated.py), and one that exceeds them is one line;
- print a control character from a cell or a file name (formats/text.inert).

Per book, ``check_night_book`` gives the book's result; the loop in ``run_nightly`` collects them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils.exceptions import InvalidFileException

from .changes.nightly import change_lines, file_extras, night_book, write_change_reports
from .config import Config
from .errors import OutputError, WorkbookToolsError, about, os_reason
from .formats import FILE_FORMATS, FORMATS
from .formats.labels import file_line, rows_read, totals, word
from .formats.text import inert, shown_path
from .lang import COLON, Said, label, say
from .report import FileResult, Report
from .safe_io import atomic_path, current_umask
from .settings import Resolver, Settings, settings_resolver
from .validate.files import REPORT_MARKER, Skipped, find_inputs
from .validate.isolated import Bounds, Failed
from .xlsxpkg.package import DAMAGED

if TYPE_CHECKING:
    from .formats.annotate import Plan

#: Every report file (formats.FILE_FORMATS): the text format is for a terminal.
DEFAULT_FORMATS = FILE_FORMATS
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
    #: One line per file, one per file or folder skipped, then the total.
    lines: list[str] = field(default_factory=list)
    #: What the folder walk passed over (our own outputs, links out of the folder …).
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


def check_reports_location(folder: str | os.PathLike[str], reports_root: str | os.PathLike[str]) -> None:
    """Refuse (OutputError, one line) a reports folder that is the books folder or contains it:
    pruning there could meet the staff's own dated folders, and the reports would be checked as
    books. A reports folder inside the books folder is fine (the walk leaves it out)."""
    books, reports = Path(os.path.realpath(folder)), Path(os.path.realpath(reports_root))
    if reports == books or reports in books.parents:
        raise OutputError(
            f"{shown_path(reports_root)}: 报告文件夹不能是订单簿所在的文件夹或它的上级，请另选一个（例如 {shown_path(Path(folder) / 'reports')}） / "
            f"the reports folder may not be the books folder or a folder above it; choose another one "
            f"(e.g. {shown_path(Path(folder) / 'reports')})"
        )


def check_night_book(
    path: Path,
    *,
    resolve: Resolver,
    today: date,
    reports_root: Path | None = None,
    now: datetime | None = None,
    bounds: Bounds | None = None,
    isolate: bool = True,
) -> FileResult:
    """One book's result for the night: checked with its own settings (``resolve(path) -> Settings``,
    settings.py) and, with ``reports_root``, what changed since the night before recorded (changes/),
    in a child process within ``bounds`` (unless not ``isolate``); never raises for anything the book does."""
    return night_book(
        path, resolve=resolve, today=today, reports_root=reports_root, now=now, bounds=bounds, isolate=isolate
    )


def run_nightly(
    folder: str | os.PathLike[str],
    *,
    reports_root: str | os.PathLike[str],
    keep_days: int = 30,
    formats: Iterable[str] = DEFAULT_FORMATS,
    config: Config | Settings | None = None,
    today: date | None = None,
    lang: str = "zh",
    now: datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    bounds: Bounds | None = None,
    isolate: bool = True,
    jobs: int = 1,
) -> NightlyResult:
    """Check every book in ``folder`` (``jobs`` at a time, each in its own child process within
    ``bounds``: isolated.Bounds, a memory cap and a timeout) and write the day's report folder.
    ``config``: the settings of every book; None: each book's own (an ``orderbook.toml`` in its folder
    or one above it up to ``folder``, else the copy stored in it, else the defaults)."""
    folder, reports_root = Path(folder), Path(reports_root)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats {unknown}; choose from {sorted(FORMATS)}")
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1 (today's folder is always kept)")
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if not folder.is_dir():
        raise WorkbookToolsError(about(shown_path(folder), ("不是文件夹", "not a folder")))
    check_reports_location(folder, reports_root)
    resolve = settings_resolver(root=folder, fixed=config)
    now = now or datetime.now()
    today = today or now.date()
    bounds = (bounds or Bounds()) if isolate else bounds

    found = find_inputs([folder], exclude=[reports_root])
    report = Report()
    done = 0

    def one(path: Path) -> FileResult:
        return check_night_book(
            path, resolve=resolve, today=today, reports_root=reports_root, now=now, bounds=bounds, isolate=isolate
        )

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="nightly") as pool:
        for result in pool.map(one, found.books):
            report.files.append(result)
            done += 1
            if progress:
                progress("validate", done, len(found.books))

    day_dir = reports_root / today.isoformat()
    outputs = _write_day(
        report,
        found.skipped,
        day_dir,
        formats,
        lang,
        folder=folder,
        now=now,
        today=today,
        bounds=bounds if isolate else None,
    )
    pruned = prune_reports(reports_root, keep_days=keep_days, today=today)
    return NightlyResult(report, day_dir, outputs, pruned, summary_lines(report, lang, found.skipped), found.skipped)


def summary_lines(report: Report, lang: str = "zh", skipped: Iterable[Skipped] = ()) -> list[str]:
    """``path  3 errors …`` per file (or its read error), ``path  skipped: …`` per file skipped, then
    the total: plain text for logs and mail. Nothing from a book or a file name can break a line."""
    lines = [f"{shown_path(r.path)}  {inert(file_line(r, lang))}" for r in report.files]
    lines += [f"{shown_path(s.path)}  {s.text(lang)}" for s in skipped]
    lines += change_lines(report, lang)  # what changed since the night before, per book
    lines.append(totals(report).line(lang))
    return lines


def is_report_folder(path: Path) -> bool:
    """A folder this job made: it carries the marker file (a regular file, not a link)."""
    marker = path / REPORT_MARKER
    try:
        return path.is_dir() and not path.is_symlink() and stat.S_ISREG(os.lstat(marker).st_mode)
    except OSError:
        return False


def prune_reports(reports_root: str | os.PathLike[str], *, keep_days: int, today: date) -> list[Path]:
    """Delete report folders dated ``keep_days`` or more days before ``today``; return what was deleted.

    Only direct sub-folders named ``YYYY-MM-DD`` (and the ``.YYYY-MM-DD.partial-…`` leftovers of a
    crashed run) that carry ``REPORT_MARKER`` are candidates; files, symlinks, folders with other
    names and folders someone else made (a ``2026-09-01`` archive of the staff's) are never touched.
    """
    root = Path(reports_root)
    if not root.is_dir():
        return []
    deleted = []
    for child in sorted(root.iterdir()):
        m = _DATED.match(child.name) or _LEFTOVER.match(child.name)
        if m is None or not is_report_folder(child):
            continue
        try:
            day = date.fromisoformat(m[1])
        except ValueError:  # 2026-13-45 is not a date
            continue
        if (today - day).days >= keep_days:
            shutil.rmtree(child)
            deleted.append(child)
    return deleted


def _write_day(
    report: Report,
    skipped: list[Skipped],
    day_dir: Path,
    formats: tuple[str, ...],
    lang: str,
    *,
    folder: Path,
    now: datetime,
    today: date,
    bounds: Bounds | None,
) -> list[Path]:
    """Build the day's folder under a temporary name, then swap it in (a rerun replaces it whole)."""
    root = day_dir.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{day_dir.name}.partial-", dir=root))
        _mark(tmp, today)
    except OSError as exc:
        why = os_reason(exc)
        raise OutputError(
            Said(
                f"无法在 {shown_path(root)} 中写入报告：{why.zh}",
                f"cannot write reports in {shown_path(root)}: {why.en}",
            )
        ) from exc
    try:
        written: list[Path] = []
        copies: dict[int, str] = {}
        for name in formats:
            if name == "xlsx":
                paths, copies = _xlsx(report, tmp, lang, bounds)
                written.extend(paths)
            else:
                written.extend(FORMATS[name](report, tmp, lang))
        written.extend(write_change_reports(report, tmp, lang, formats))
        summary = tmp / SUMMARY_NAME
        with atomic_path(summary) as part:
            data = _summary(
                report,
                skipped,
                lang,
                folder=folder,
                now=now,
                today=today,
                outputs=[p.name for p in written],
                copies=copies,
            )
            part.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _share(tmp, report, copies)
        old = None
        if day_dir.exists():
            if not is_report_folder(day_dir):
                raise OutputError(
                    about(
                        shown_path(day_dir),
                        (
                            "已存在，不是本程序的报告文件夹，未改动；请换一个报告文件夹",
                            "exists and is not a report folder orderbook made: left as it is; choose another reports folder",
                        ),
                    )
                )
            old = Path(tempfile.mkdtemp(prefix=f".{day_dir.name}.old-", dir=root))
            _mark(old, today)
            day_dir.rename(old / day_dir.name)
        tmp.rename(day_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [day_dir / SUMMARY_NAME, *(day_dir / p.name for p in written)]


def _mark(folder: Path, today: date) -> None:
    """The marker that makes ``folder`` ours to replace and to prune."""
    (folder / REPORT_MARKER).write_text(
        json.dumps({"made_by": "orderbook nightly", "date": today.isoformat()}) + "\n", encoding="utf-8"
    )


def _xlsx(report: Report, out_dir: Path, lang: str, bounds: Bounds | None) -> tuple[list[Path], dict[int, str]]:
    """``validation_report.xlsx`` and an annotated copy of each book with errors (a book with warnings
    only, or none, gets no copy: its findings are in the reports; copies are what fills a disk). Each
    copy is made in a child process within ``bounds``; one that fails is a note in the report."""
    from .formats.xlsx_report import REPORT_NAME, annotated_names, write_summary
    from .outputs import free_path

    inputs = [r.path for r in report.files]
    report_path = free_path(
        out_dir,
        lambda n: REPORT_NAME if n == 1 else REPORT_NAME.replace(".xlsx", f"-{n}.xlsx"),
        "validation-report",
        inputs=inputs,
    )
    flagged = Report([r if r.errors else FileResult(r.path, error=r.error) for r in report.files])
    names = annotated_names(flagged, out_dir, taken=(report_path.name,))
    plans, notes, written = {}, {}, []
    for i, name in names.items():
        result, dst = report.files[i], out_dir / name
        try:
            plans[i] = _annotate(result, dst, lang, bounds)
            written.append(dst)
        except OutputError:
            raise
        except (
            *DAMAGED,
            InvalidFileException,
            Failed,
        ) as exc:  # a book we could read but not copy must not stop the others
            why = label(exc.reason, lang) if isinstance(exc, Failed) else str(exc)
            notes[i] = word("no_copy", lang) + say(lang, COLON) + inert(why)
    copies = {i: names[i] for i in plans}
    write_summary(report, report_path, lang, plans=plans, copies=copies, notes=notes)
    return [report_path, *written], copies


def _annotate(result: FileResult, dst: Path, lang: str, bounds: Bounds | None) -> Plan:
    from .formats.annotate import annotate_copy

    if bounds is None:
        return annotate_copy(result.path, dst, result, lang)
    from .validate.isolated import call_isolated

    plan: Plan = call_isolated(
        annotate_copy, result.path, dst, result, lang, bounds=bounds, name=f"orderbook-annotate-{result.path.name}"
    )
    return plan


def _source_mode(path: Path) -> int:
    """The permission bits of a book (its target, for a link): 0o666 when it cannot be read."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666


def _share(folder: Path, report: Report, copies: dict[int, str]) -> None:
    """Give the day's folder and files the permissions the umask allows, never more than the books
    they show allow: temporary files are created private (0600/0700), the morning report is for the
    office, but a copy of a book only its owner may read is only its owner's to read, and so are the
    reports listing its cells (each file's mode is narrowed to its books'; the owner keeps rw)."""
    base = 0o666 & ~current_umask()
    shared = base
    for r in report.files:
        shared &= _source_mode(r.path) | 0o600
    own = {name: base & (_source_mode(report.files[i].path) | 0o600) for i, name in copies.items()}
    folder_mode = 0o777 & ~current_umask()
    for who, read in ((0o070, 0o040), (0o007, 0o004)):
        if not shared & read:
            folder_mode &= ~who
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink():
            path.chmod(own.get(path.name, shared))
    folder.chmod(folder_mode)


def _summary(
    report: Report,
    skipped: list[Skipped],
    lang: str,
    *,
    folder: Path,
    now: datetime,
    today: date,
    outputs: list[str],
    copies: dict[int, str],
) -> dict[str, Any]:
    t = totals(report)
    return {
        "date": today.isoformat(),
        "generated": now.isoformat(timespec="seconds"),
        "folder": str(folder),
        "exit_code": report.exit_code,
        "totals": {"files": t.files, "errors": t.errors, "warnings": t.warnings, "unreadable": t.unreadable},
        "files": [
            {
                "path": str(r.path),
                "rows": rows_read(r),
                "errors": r.errors,
                "warnings": r.warnings,
                "error": r.error,
                "by_code": dict(sorted(r.by_code().items())),
                "annotated": copies[i] if i in copies and copies[i] in outputs else None,
                **file_extras(r, lang),
            }
            for i, r in enumerate(report.files)
        ],
        "skipped": [{"path": str(s.path), "reason": s.reason, "detail": s.detail or None} for s in skipped],
        "outputs": outputs,
        "lines": summary_lines(report, lang, skipped),
    }
