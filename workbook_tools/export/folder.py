"""Every order book in a folder into one database, each book in its own transaction.

A book's rows are tagged with its path in the folder without the suffix: ``北京.xlsx`` → ``北京``
(the name ``export_book`` gives the file alone), ``华东/上海.xlsx`` → ``华东/上海``.

The books are found as ``orderbook validate`` finds them (validate/files.py ``find_inputs``):
recursively, with our own outputs (summaries, reconciliations, reports, backups …, known by their
``orderbook:kind`` tag, outputs.py) and report folders skipped and listed. A book that cannot be
read, or that the keys cannot hold, is listed with the reason and the others are still exported;
its rows in the database stay as its last export left them. Books the database holds that are not
in this folder are left as they are, and listed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ..config import Config
from ..errors import BookReadError, WorkbookToolsError, about
from ..lang import Said
from ..validate.files import Skipped, find_inputs
from . import ExportError, ExportRefused, ExportResult, _safe, books_in, connect, export_to


@dataclass
class BookExport:
    """One book of the folder: exported (``result``), refused (``refused``) or unreadable (``error``:
    why, in both languages)."""

    path: Path
    name: str
    result: ExportResult | None = None
    refused: ExportRefused | None = None
    error: Said | None = None


@dataclass
class FolderExport:
    #: The database URL, password hidden.
    url: str
    books: list[BookExport] = field(default_factory=list)
    #: Files and folders passed over (our own outputs, report folders …), each with its reason.
    skipped: list[Skipped] = field(default_factory=list)
    #: Books the database holds rows of that are not in this folder (left as they were).
    elsewhere: list[str] = field(default_factory=list)

    @property
    def exported(self) -> list[BookExport]:
        return [b for b in self.books if b.result is not None]

    @property
    def refused(self) -> list[BookExport]:
        return [b for b in self.books if b.refused is not None]

    @property
    def unreadable(self) -> list[BookExport]:
        return [b for b in self.books if b.error is not None]


def folder_book_name(path: Path, folder: Path) -> str:
    """``华东/上海.xlsx`` in ``folder`` → ``华东/上海`` (always ``/``-separated)."""
    return path.relative_to(folder).with_suffix("").as_posix()


def export_folder(
    folder: str | os.PathLike[str],
    url: str | sa.URL,
    *,
    config_for: Callable[[Path], Config] | None = None,
    on_book: Callable[[BookExport], None] | None = None,
) -> FolderExport:
    """Export every order book in ``folder`` (see the module's docstring) to the database at ``url``.

    ``config_for(book path)`` gives each book's settings (default: the defaults); ``on_book(entry)``
    is called as each book is done (exported, refused or unreadable). Raises ExportError when the database cannot
    be used (the books exported before it stay exported: each is its own transaction).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportError(about(folder, ("不是文件夹", "not a folder")))
    found = find_inputs([folder])
    engine = connect(url)
    out = FolderExport(_safe(engine.url), skipped=found.skipped)
    try:
        for path in found.books:
            entry = BookExport(path, folder_book_name(path, folder))
            out.books.append(entry)
            try:
                entry.result = _export(engine, path, entry.name, config_for)
            except ExportRefused as refused:
                entry.refused = refused
            except BookReadError as e:
                entry.error = e.reason
            except ExportError as e:
                done, total = f"{len(out.exported):,}", f"{len(found.books):,}"
                raise ExportError(
                    Said(
                        f"{e.said.zh}（在 {path}；之前已导出 {total} 本中的 {done} 本）",
                        f"{e.said.en} (at {path}; {done} of {total} books exported before it)",
                    )
                ) from None
            except WorkbookToolsError as e:  # the book's settings, a missing sheet …
                entry.error = e.said
            if on_book:
                on_book(entry)
        names = {b.name for b in out.books}
        out.elsewhere = [b for b in books_in(engine) if b not in names]
    finally:
        engine.dispose()
    return out


def _export(engine: sa.Engine, path: Path, name: str, config_for: Callable[[Path], Config] | None) -> ExportResult:
    from ..read import read_book

    config = config_for(path) if config_for else None
    return export_to(engine, read_book(path, config=config), name=name, config=config)
