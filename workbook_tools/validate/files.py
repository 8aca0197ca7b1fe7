"""Validate files and folders: find the order books, read each, check it, and never stop at one bad file.

In a folder, only order books are checked. Skipped, and listed once each (``find_inputs``):

- our own outputs, known by their tag (``orderbook:kind``, outputs.py), not by their names: monthly
  summaries, reconciliation and customer workbooks, validation reports, annotated copies, rejects
  and backups (a backup renamed back into service, whose ``orderbook:file`` no longer matches its
  name, is a book again);
- report folders (they carry ``REPORT_MARKER``, written when the nightly job makes them);
- symlinks whose target lies outside the folder being checked (their target is not ours to read or
  to publish), and files that are not regular files (a FIFO would block the reader forever).

Excel's and WPS's lock files (``~$…``), hidden files and hidden folders are passed over silently.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..book import OrderBook, Table
from ..config import Config
from ..errors import BookReadError, WorkbookToolsError
from ..lang import Said, lookup, say
from ..report import FileResult, Report
from .runner import Validation

if TYPE_CHECKING:
    from .isolated import Bounds

#: The marker file in every report folder the nightly job makes: pruning deletes only folders with it,
#: and folder walks skip them.
REPORT_MARKER = ".orderbook-report"
#: Tags of outputs that are never checked as order books (every kind but "book").
OUTPUT_KINDS = frozenset(
    {"summary", "reconcile", "customers", "validation-report", "annotated", "rejects", "backup", "changes"}
)

_REASONS = {
    "output": ("本程序的输出", "our own output"),
    "reports": ("本程序的报告文件夹", "our own report folder"),
    "link-out": ("指向文件夹以外的链接", "a symlink to outside the folder"),
    "broken-link": ("链接的目标不存在", "a symlink whose target does not exist"),
    "special": ("不是普通文件", "not a regular file"),
}


@dataclass(frozen=True)
class Skipped:
    """A file or folder a folder walk passed over, and why (``reason``: a key of ``_REASONS``)."""

    path: Path
    reason: str
    #: What it is (an output's kind, a link's target, "FIFO"), for the line.
    detail: str = ""

    def text(self, lang: str = "zh") -> str:
        """``跳过：本程序的输出（summary）`` / ``skipped: our own output (summary)``."""
        more = say(lang, ("（{detail}）", " ({detail})"), detail=self.detail) if self.detail else ""
        return say(lang, ("跳过：{reason}", "skipped: {reason}"), reason=lookup(_REASONS, self.reason, lang)) + more


@dataclass
class Inputs:
    """What ``find_inputs`` found: the books to check, in order, and what it skipped."""

    books: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def is_candidate(path: Path) -> bool:
    """An order book to look at: ``*.xlsx``, not an Excel/WPS lock file (``~$…``) or a hidden temp file."""
    name = path.name
    return name.lower().endswith(".xlsx") and not name.startswith(("~$", ".~", "."))


def output_kind(path: Path) -> str | None:
    """The kind of our own output ``path`` is (``summary``, ``backup`` …), or None for a book or a
    file we did not write. A backup whose recorded file name is not its name any more was renamed
    back into service by someone: a book again."""
    from ..outputs import read_tag

    kind = read_tag(path)
    if kind not in OUTPUT_KINDS:
        return None
    if kind == "backup" and _recorded_name(path) not in (None, path.name):
        return None
    return kind


def _recorded_name(path: Path) -> str | None:
    """The ``orderbook:file`` a backup carries (its own file name when it was made)."""
    from ..xlsxpkg.package import DAMAGED, Package
    from ..xlsxpkg.props import read_properties

    try:
        with Package(path) as pkg:
            return read_properties(pkg).get("orderbook:file") or None
    except DAMAGED:  # not a package we can read: no name recorded
        return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _walk(root: Path, real_root: Path, exclude: list[Path], found: Inputs, files: dict[Path, Path]) -> None:
    """Depth-first, sorted; never follows a symlinked folder (its files are checked where they live,
    or not at all when that is outside ``real_root``). ``files``: real path -> the name to show."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") or any(_inside(Path(os.path.realpath(path)), x) for x in exclude):
            continue
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_link:
            real = Path(os.path.realpath(path))
            if not _inside(real, real_root):
                if is_candidate(path) or real.is_dir():
                    found.skipped.append(Skipped(path, "link-out", str(real)))
            elif is_candidate(path) and not real.is_dir():
                if not real.exists():
                    found.skipped.append(Skipped(path, "broken-link", str(real)))
                else:
                    files.setdefault(real, path)  # the file's own name wins when the walk meets it
        elif is_dir:
            if (path / REPORT_MARKER).is_file():
                found.skipped.append(Skipped(path, "reports"))
            else:
                _walk(path, real_root, exclude, found, files)
        elif is_candidate(path):
            files[Path(os.path.realpath(path))] = path


def _classify(path: Path, real: Path, found: Inputs) -> None:
    try:
        mode = os.stat(real).st_mode
    except OSError:
        found.books.append(path)  # reported as unreadable, once, with the reason
        return
    if not stat.S_ISREG(mode):
        found.skipped.append(Skipped(path, "special", _special(mode)))
        return
    kind = output_kind(real)
    if kind is not None:
        found.skipped.append(Skipped(path, "output", kind))
    else:
        found.books.append(path)


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "?"


def find_inputs(paths: Iterable[str | os.PathLike[str]], *, exclude: Iterable[str | os.PathLike[str]] = ()) -> Inputs:
    """The books to check among ``paths``: files as given (whatever their name: the user asked for
    them), folders searched recursively for order books, skipping what is listed in the module's
    docstring (each skipped entry once; a book reached by a link and by its own name is checked once).
    Nothing at or under an ``exclude`` path is looked at."""
    excluded = [Path(os.path.realpath(x)) for x in exclude]
    found = Inputs()
    for p in map(Path, paths):
        if not p.is_dir():
            found.books.append(p)
            continue
        if (p / REPORT_MARKER).is_file():
            found.skipped.append(Skipped(p, "reports"))
            continue
        inside, files = Inputs(), dict[Path, Path]()
        _walk(p, Path(os.path.realpath(p)), excluded, inside, files)
        for real, path in sorted(files.items(), key=lambda item: item[1]):
            _classify(path, real, inside)
        found.books.extend(inside.books)
        found.skipped.extend(sorted(inside.skipped, key=lambda s: s.path))
    return found


def find_books(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The books ``find_inputs`` finds (what it skips is not listed)."""
    yield from find_inputs(paths).books


def validate_file(
    path: Path,
    *,
    config: Config,
    today: date,
    progress: Callable[[str, int, int], None] | None = None,
    read: list[OrderBook] | None = None,
) -> FileResult:
    """Read and check one book; ``progress(file name, sheets read, 8)`` as each sheet is read. ``read``:
    the book as read is appended to it, for a caller with more to do with it (the nightly's snapshot)."""
    from ..read import read_book
    from ..schema import SHEETS

    with Validation(config=config, today=today, path=path, ahead=True) as validation:
        done = 0

        def on_table(table: Table) -> None:
            nonlocal done
            validation.on_table(table)
            done += 1
            if progress:
                progress(path.name, done, len(SHEETS))

        try:
            book = read_book(path, config=config, on_table=on_table)
        except BookReadError as exc:
            return FileResult.unreadable(path, exc.reason)
        except WorkbookToolsError as exc:
            return FileResult.unreadable(path, exc.said)
        findings = validation.finish(book)  # (the checks read the rows, never change them)
    if read is not None:
        read.append(book)
    return FileResult(path, findings=findings, rows={k: len(t.rows) for k, t in book.tables.items()}, lang=book.lang)


def validate_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    config: Config | None = None,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    isolate: bool = False,
    bounds: Bounds | None = None,
) -> Report:
    """Check every book among ``paths`` (see ``find_inputs``). With ``isolate`` each book is checked
    in a child process within ``bounds`` (isolated.Bounds: memory cap, timeout), so a book that
    would exhaust the memory or never end is one line and the others are still checked."""
    config, today = config or Config(), today or date.today()
    found = find_inputs(paths)
    books = found.books
    report = Report(skipped=list(found.skipped))
    for n, path in enumerate(books, 1):
        report.files.append(
            check_book(
                path,
                config=config,
                today=today,
                isolate=isolate,
                bounds=bounds,
                progress=progress if len(books) == 1 else None,
            )
        )
        if progress:
            progress("validate", n, len(books))
    return report


def check_book(
    path: Path,
    *,
    config: Config,
    today: date,
    isolate: bool = False,
    bounds: Bounds | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> FileResult:
    """One book's result: ``validate_file``, in a child process when ``isolate``."""
    if not os.path.lexists(path):
        return FileResult.unreadable(path, Said("文件不存在", "file not found"))
    if isolate:
        from .isolated import validate_isolated

        return validate_isolated(path, config=config, today=today, bounds=bounds)
    return validate_file(path, config=config, today=today, progress=progress)
