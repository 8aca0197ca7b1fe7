"""Export order books to a database: normalised tables with primary and foreign keys.

    result = export_book(read_book("北京.xlsx"), "sqlite:///公司.sqlite")      # rows tagged book = "北京"
    result.tables["orders"].inserted
    export_folder("分店", "postgresql+psycopg://me@db/company")              # every book in a folder

Several books share one database: every row carries its book's name (the file name without its
suffix, or ``name=``), keys are unique per book, and exporting a book changes only its own rows.

SQLAlchemy Core only, with dialect-neutral constructs (no ON CONFLICT: the upsert is planned in
Python), so a database SQLAlchemy speaks works by URL. The tests run on SQLite and on a PostgreSQL
server they start (tests/test_export.py). PostgreSQL needs a driver that workbook_tools
installs only with its ``export`` extra: ``pip install "workbook_tools[export]"`` (psycopg 3), then
``postgresql+psycopg://user:pass@host/db``.

- tables.py: the tables, derived from the schema — keys, references, types, and the derived
  values stored as columns (computed by derive.py, not views);
- rows.py: the book's rows for them, and the problems that make the export refuse the book
  (a dangling reference is refused, never exported as NULL);
- sync.py: insert / update / delete so the tables hold exactly the book (re-export updates,
  matching rows on their natural keys; rows gone from the book are deleted);
- folder.py: every order book in a folder, each in its own transaction.

A book's export happens in one transaction: its rows change completely or not at all. Missing tables
are created; columns a newer version added are added to existing ones (upgrade.py). With SQLite, foreign keys are
enforced (``PRAGMA foreign_keys = ON`` on every connection). Columns staff added to a sheet are not
exported: the tables are the schema's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy import event, exc

from ..book import BookData, OrderBook
from ..config import Config
from ..errors import WorkbookToolsError, about
from ..lang import Pair, lookup, said
from .rows import REFUSAL, ExportProblem, table_rows
from .sync import TableCounts, sync
from .tables import BOOK, BOOK_LENGTH, build_metadata, exported_columns, primary_key
from .upgrade import Refused, upgrade

__all__ = [
    "BOOK",
    "BookExport",
    "ExportError",
    "ExportProblem",
    "ExportRefused",
    "ExportResult",
    "FolderExport",
    "TableCounts",
    "book_name",
    "build_metadata",
    "connect",
    "default_url",
    "export_book",
    "export_folder",
    "exported_columns",
    "primary_key",
]

#: How many cells each kind of problem names in the refusal message.
SHOWN = 5


class ExportError(WorkbookToolsError):
    """The database could not be reached or written (bad URL, missing driver, locked file …)."""


class ExportRefused(WorkbookToolsError):
    """The book has rows the database's keys cannot hold; nothing was written."""

    def __init__(self, problems: list[ExportProblem]):
        self.problems = problems
        super().__init__("\n".join(refusal_lines(problems)))


def refusal_lines(problems: list[ExportProblem], lang: str = "en") -> list[str]:
    """The refusal in ``lang``: how many values, then each kind of problem with its first cells."""

    def t(key: str, **fields: Any) -> str:
        return lookup(REFUSAL, key, lang, **fields)

    by_kind: dict[str, list[ExportProblem]] = {}
    for p in problems:
        by_kind.setdefault(p.kind, []).append(p)
    lines = [t("head", n=len(problems), s="s" * (len(problems) != 1))]
    for items in by_kind.values():
        cells = t("cells_sep").join(_where(p, lang, t) for p in items[:SHOWN])
        more = t("more", n=len(items) - SHOWN) if len(items) > SHOWN else ""
        lines.append(t("kind", kind=items[0].kind_text(lang), n=len(items), cells=cells, more=more))
    lines.append(t("fix"))
    return lines


def _where(p: ExportProblem, lang: str, t: Callable[..., str]) -> str:
    text = p.cell if p.value is None else f"{p.cell} {p.value!s}"
    return t("cell", cell=text, detail=p.detail_text(lang)) if p.detail else text


@dataclass
class ExportResult:
    #: The database URL, password hidden.
    url: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    #: The name the book's rows are tagged with (the ``book`` column).
    book: str = ""
    #: Columns added to tables an earlier version made, as ``table.column`` (upgrade.py).
    added_columns: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.inserted or c.updated or c.deleted for c in self.tables.values())


def default_url(path: str | os.PathLike[str]) -> sa.URL:
    """``sqlite:///<folder>/<stem>.sqlite``: a SQLite file beside the book; for a folder of books,
    ``<folder>/<folder name>.sqlite`` inside it."""
    path = Path(path).resolve()
    if path.is_dir():
        return sa.URL.create("sqlite", database=str(path / f"{path.name or 'books'}.sqlite"))
    return sa.URL.create("sqlite", database=str(path.with_name(f"{path.stem}.sqlite")))


def book_name(path: str | os.PathLike[str]) -> str:
    """The name a book's rows are tagged with: its file name without the suffix (``北京.xlsx`` → ``北京``)."""
    return Path(path).stem


def export_book(
    book: OrderBook | BookData, url: str | sa.URL, *, name: str | None = None, config: Config | None = None
) -> ExportResult:
    """Make the database at ``url`` hold exactly the rows of ``book``, tagged ``name`` (default: the
    file name of a book read from a file, without its suffix); rows of other books are left as they
    are. Returns what changed per table.

    Raises ExportRefused (listing each problem's cell) when a row would break a key or a value
    would be lost, before anything is written; ExportError when the database cannot be used.
    """
    engine = connect(url)
    try:
        return export_to(engine, book, name=name, config=config)
    finally:
        engine.dispose()


def export_to(
    engine: sa.Engine, book: OrderBook | BookData, *, name: str | None = None, config: Config | None = None
) -> ExportResult:
    """``export_book`` through an engine the caller keeps (export_folder: one for every book);
    ``config``: the book's settings (its payment terms give the derived 应付日期)."""
    if not isinstance(book, OrderBook):
        book = OrderBook.from_data(book)
    if name is None:
        if book.path is None:
            raise ValueError("export_book: name= is needed for a book that was not read from a file")
        name = book_name(book.path)
    name = _checked_name(name)
    rows, problems = table_rows(book, config)
    if problems:
        raise ExportRefused(problems)
    metadata = build_metadata()
    try:
        with engine.begin() as conn:
            added = upgrade(conn, metadata)  # first: the new tables' keys would refer to an old table's
            metadata.create_all(conn)
            counts = sync(conn, metadata, rows, name)
    except Refused as e:
        raise ExportError(f"{_safe(engine.url)}: {e}") from None
    except exc.SQLAlchemyError as e:
        raise ExportError(f"{_safe(engine.url)}: {_reason(e)}") from None
    return ExportResult(_safe(engine.url), counts, name, added)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ExportError(("簿名（`book` 列）是空的", "the book's name (the `book` column) is blank"))
    if len(name) > BOOK_LENGTH:
        raise ExportError(
            said(
                ("簿名超过 {n} 个字符：{start}…", "the book's name is longer than {n} characters: {start}…"),
                n=BOOK_LENGTH,
                start=name[:40],
            )
        )
    return name


def books_in(engine: sa.Engine) -> list[str]:
    """The books the database holds rows of, sorted (none when the tables do not exist yet)."""
    metadata = build_metadata()
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            queries = [sa.select(t.c[BOOK]) for t in metadata.sorted_tables if t.name in present]
            if not queries:
                return []
            return sorted(conn.execute(sa.union(*queries)).scalars())
    except exc.SQLAlchemyError as e:
        raise ExportError(f"{_safe(engine.url)}: {_reason(e)}") from None


#: Database URLs to show as examples, in each language.
_EXAMPLES: Pair = (
    "sqlite:///book.sqlite 或 postgresql+psycopg://user:pass@host/db",
    "sqlite:///book.sqlite or postgresql+psycopg://user:pass@host/db",
)


def connect(url: str | sa.URL) -> sa.Engine:
    """An engine for ``url``; SQLite connections enforce foreign keys."""
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError:
        raise ExportError(
            about(str(url), (f"不是数据库地址（例如 {_EXAMPLES[0]}）", f"not a database URL (e.g. {_EXAMPLES[1]})"))
        ) from None
    shown = _safe(parsed)
    try:
        engine = sa.create_engine(parsed)
    except exc.NoSuchModuleError:
        raise ExportError(
            about(shown, (f"不认识的数据库类型（例如 {_EXAMPLES[0]}）", f"unknown database kind (e.g. {_EXAMPLES[1]})"))
        ) from None
    except ImportError as e:
        raise ExportError(
            about(
                shown,
                said(
                    (
                        '没有安装数据库驱动（{name}）；PostgreSQL 请运行：pip install "psycopg[binary]"',
                        'the database driver is not installed ({name}); for PostgreSQL: pip install "psycopg[binary]"',
                    ),
                    name=e.name or e,
                ),
            )
        ) from None
    except exc.ArgumentError as e:
        raise ExportError(f"{shown}: {e}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:  # (DB-API objects: untyped)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _safe(url: sa.URL) -> str:
    """The URL to show: password hidden; a SQLite path as typed (not percent-encoded)."""
    if url.get_backend_name() == "sqlite" and not url.query:
        return f"{url.drivername}:///{url.database or ''}"
    return unquote(url.render_as_string(hide_password=True))  # ?host=/run/postgresql, not %2Frun%2F…


def _reason(e: exc.SQLAlchemyError) -> str:
    orig = getattr(e, "orig", None)
    return str(orig) if orig is not None else str(e).splitlines()[0]


from .folder import BookExport, FolderExport, export_folder  # noqa: E402 — folder.py uses the names above
