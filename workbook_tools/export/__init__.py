"""Export an order book to a database: normalised tables with primary and foreign keys.

    result = export_book(read_book("订单簿.xlsx"), "sqlite:///订单簿.sqlite")
    result.tables["orders"].inserted

SQLAlchemy Core only, with dialect-neutral constructs (no ON CONFLICT: the upsert is planned in
Python), so a database SQLAlchemy speaks works by URL. The tests use SQLite; the same code was run
by hand against PostgreSQL 15 with psycopg 3. PostgreSQL needs a driver that workbook_tools does
not install: ``pip install "psycopg[binary]"``, then ``postgresql+psycopg://user:pass@host/db``.

- tables.py: the tables, derived from the schema — keys, references, types, and the derived
  values stored as columns (computed by derive.py, not views);
- rows.py: the book's rows for them, and the problems that make the export refuse the book
  (a dangling reference is refused, never exported as NULL);
- sync.py: insert / update / delete so the tables hold exactly the book (re-export updates,
  matching rows on their natural keys; rows gone from the book are deleted).

Everything happens in one transaction: the tables change completely or not at all. Missing tables
are created; existing ones must have this version's columns. With SQLite, foreign keys are
enforced (``PRAGMA foreign_keys = ON`` on every connection). Columns staff added to a sheet are not
exported: the tables are the schema's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, exc

from ..book import BookData, OrderBook
from ..errors import WorkbookToolsError
from .rows import KINDS, ExportProblem, table_rows
from .sync import TableCounts, sync
from .tables import build_metadata, exported_columns, primary_key

__all__ = ["ExportError", "ExportProblem", "ExportRefused", "ExportResult", "TableCounts", "build_metadata",
           "connect", "default_url", "export_book", "exported_columns", "primary_key"]

#: How many cells each kind of problem names in the refusal message.
SHOWN = 5


class ExportError(WorkbookToolsError):
    """The database could not be reached or written (bad URL, missing driver, locked file …)."""


class ExportRefused(WorkbookToolsError):
    """The book has rows the database's keys cannot hold; nothing was written."""

    def __init__(self, problems: list[ExportProblem]):
        self.problems = problems
        super().__init__("\n".join(refusal_lines(problems)))


def refusal_lines(problems: list[ExportProblem]) -> list[str]:
    by_kind: dict[str, list[ExportProblem]] = {}
    for p in problems:
        by_kind.setdefault(p.kind, []).append(p)
    lines = [f"export refused, nothing written: {len(problems):,} value{'s' * (len(problems) != 1)} "
             "would break the database's keys or be lost"]
    for kind, items in by_kind.items():
        shown = ", ".join(_where(p) for p in items[:SHOWN])
        more = f" and {len(items) - SHOWN:,} more" if len(items) > SHOWN else ""
        lines.append(f"  {KINDS[kind]}: {len(items):,} ({shown}{more})")
    lines.append("fix them in the book (`orderbook validate` points at each) and export again")
    return lines


def _where(p: ExportProblem) -> str:
    text = p.cell if p.value is None else f"{p.cell} {p.value!s}"
    return f"{text}: {p.detail}" if p.detail else text


@dataclass
class ExportResult:
    #: The database URL, password hidden.
    url: str
    tables: dict[str, TableCounts] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(c.inserted or c.updated or c.deleted for c in self.tables.values())


def default_url(book: str | os.PathLike) -> sa.URL:
    """``sqlite:///<folder>/<stem>.sqlite``: a SQLite file beside the book."""
    path = Path(book).resolve()
    return sa.URL.create("sqlite", database=str(path.with_name(f"{path.stem}.sqlite")))


def export_book(book: OrderBook | BookData, url: str | sa.URL) -> ExportResult:
    """Make the database at ``url`` hold exactly the rows of ``book``; return what changed per table.

    Raises ExportRefused (listing each problem's cell) when a row would break a key or a value
    would be lost, before anything is written; ExportError when the database cannot be used.
    """
    if not isinstance(book, OrderBook):
        book = OrderBook.from_data(book)
    rows, problems = table_rows(book)
    if problems:
        raise ExportRefused(problems)
    engine = connect(url)
    metadata = build_metadata()
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            _check_columns(conn, metadata)
            counts = sync(conn, metadata, rows)
    except exc.SQLAlchemyError as e:
        raise ExportError(f"{_safe(engine.url)}: {_reason(e)}") from None
    finally:
        engine.dispose()
    return ExportResult(_safe(engine.url), counts)


def connect(url: str | sa.URL) -> sa.Engine:
    """An engine for ``url``; SQLite connections enforce foreign keys."""
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError:
        raise ExportError(f"{url}: not a database URL (e.g. sqlite:///book.sqlite or "
                          "postgresql+psycopg://user:pass@host/db)") from None
    shown = _safe(parsed)
    try:
        engine = sa.create_engine(parsed)
    except exc.NoSuchModuleError:
        raise ExportError(f"{shown}: unknown database kind (e.g. sqlite:///book.sqlite or "
                          "postgresql+psycopg://user:pass@host/db)") from None
    except ImportError as e:
        raise ExportError(f"{shown}: the database driver is not installed ({e.name or e}); for PostgreSQL: "
                          'pip install "psycopg[binary]"') from None
    except exc.ArgumentError as e:
        raise ExportError(f"{shown}: {e}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _check_columns(conn: sa.Connection, metadata: sa.MetaData) -> None:
    inspector = sa.inspect(conn)
    for table in metadata.sorted_tables:
        found = {c["name"] for c in inspector.get_columns(table.name)}
        wanted = {c.name for c in table.columns}
        if found != wanted:
            missing, extra = sorted(wanted - found), sorted(found - wanted)
            raise ExportError(
                f"{_safe(conn.engine.url)}: table {table.name} has other columns than this version exports "
                f"(missing {missing}, unknown {extra}); export to a new database")


def _safe(url: sa.URL) -> str:
    """The URL to show: password hidden; a SQLite path as typed (not percent-encoded)."""
    if url.get_backend_name() == "sqlite" and not url.query:
        return f"{url.drivername}:///{url.database or ''}"
    return url.render_as_string(hide_password=True)


def _reason(e: exc.SQLAlchemyError) -> str:
    orig = getattr(e, "orig", None)
    return str(orig) if orig is not None else str(e).splitlines()[0]
