"""Validate files and folders: find the order books, read each, check it, and never stop at one bad file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from ..config import Config
from ..errors import BookReadError, WorkbookToolsError
from ..report import FileResult, Report
from .runner import Validation


def is_candidate(path: Path) -> bool:
    """An order book to look at: ``*.xlsx``, not an Excel/WPS lock file (``~$…``) or a hidden temp file."""
    name = path.name
    return name.lower().endswith(".xlsx") and not name.startswith(("~$", ".~", "."))


def find_books(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files as given (whatever their name: the user asked for them), folders searched recursively."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and is_candidate(f))
        else:
            yield p


def validate_file(path: Path, *, config: Config, today: date,
                  progress: Callable[[str, int, int], None] | None = None) -> FileResult:
    """Read and check one book; ``progress(file name, sheets read, 8)`` as each sheet is read."""
    from ..read import read_book
    from ..schema import SHEETS

    validation = Validation(config=config, today=today, path=path)
    done = 0

    def on_table(table) -> None:
        nonlocal done
        validation.on_table(table)
        done += 1
        if progress:
            progress(path.name, done, len(SHEETS))

    try:
        book = read_book(path, config=config, on_table=on_table)
    except BookReadError as exc:
        return FileResult(path, error=exc.reason)
    except WorkbookToolsError as exc:
        return FileResult(path, error=str(exc))
    findings = validation.finish(book)
    return FileResult(path, findings=findings, rows={k: len(t.rows) for k, t in book.tables.items()}, lang=book.lang)


def validate_paths(paths: Iterable[str | os.PathLike], *, config: Config | None = None, today: date | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> Report:
    config, today = config or Config(), today or date.today()
    books = list(find_books(paths))
    report = Report()
    for n, path in enumerate(books, 1):
        if not path.exists():
            report.files.append(FileResult(path, error="文件不存在 / file not found"))
        else:
            report.files.append(validate_file(path, config=config, today=today,
                                              progress=progress if len(books) == 1 else None))
        if progress:
            progress("validate", n, len(books))
    return report
