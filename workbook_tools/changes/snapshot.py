"""What a book held on a night, kept in a SQLite file per book under the reports root.

``reports_root/snapshots/<book>.<hash of its path>.sqlite`` holds, per data sheet, a table named by
the sheet's key with the schema's input columns (names and types from the export tables:
export/tables.py), plus ``_night`` and ``_row`` (the Excel row); a value the reader could not type
is kept as its text in ``unread``. The snapshots of two nights are kept: the last one before
today (what tonight is compared with, also when the job runs again the same day) and today's.
``changes`` logs every night's changes for good (``orderbook changes --since``); ``nights`` says
when each was taken, with which settings, against which earlier night.

Decimal values are stored as text (SQLite has no decimal type, and a float would not give back
``1.005``): what was read is what comes back, so an unchanged cell never shows as changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..book import OrderBook
from ..errors import OutputError, about, os_reason
from ..export.tables import sql_type
from ..lang import Said, said
from ..schema import SHEETS, TEXT_TYPES, Column, T

if TYPE_CHECKING:
    from .diff import RowChange

FOLDER = "snapshots"


@dataclass
class Row:
    #: The Excel row it was on (None: not known).
    row: int | None
    #: Input column key -> value: as read, or the cell's text where the reader could not type it.
    values: dict[str, Any] = field(default_factory=dict)


#: Sheet key -> its rows in book order.
Snapshot = dict[str, list[Row]]


def snapshot_of(book: OrderBook) -> Snapshot:
    out: Snapshot = {}
    for sheet in SHEETS:
        table = book[sheet.key]
        raw = {(i, k): v for i, k, v, _ in table.problems}
        rows = []
        for i, record in enumerate(table.rows):
            values = {c.key: record.get(c.key) for c in sheet.inputs}
            for k, v in values.items():
                if v is None and (i, k) in raw:
                    values[k] = _text(raw[(i, k)])
            rows.append(Row(table.row_numbers[i] if i < len(table.row_numbers) else None, values))
        out[sheet.key] = rows
    return out


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


# ----------------------------------------------------------------------------------------- tables


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    """A Decimal kept as its text: no float on the way."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any | None, dialect: sa.Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def _type(col: Column) -> sa.types.TypeEngine[Any]:
    if col.type in (T.MONEY, T.PERCENT):
        return ExactDecimal()
    t = sql_type(col)
    return sa.Text() if isinstance(t, sa.String) else t  # the snapshot keeps any length


def _fits(col: Column) -> Callable[[Any], bool]:
    """``fits(value)``: whether the column's SQL type holds ``value`` (else it is kept as text)."""
    if col.type in TEXT_TYPES:
        return lambda v: isinstance(v, str)
    return {
        T.INT: lambda v: isinstance(v, int) and not isinstance(v, bool),
        T.MONEY: lambda v: isinstance(v, Decimal),
        T.PERCENT: lambda v: isinstance(v, Decimal),
        T.DATE: lambda v: isinstance(v, date) and not isinstance(v, datetime),
        T.DATETIME: lambda v: isinstance(v, datetime),
    }[col.type]


def build_metadata() -> sa.MetaData:
    md = sa.MetaData()
    for sheet in SHEETS:
        # no index on _night: a file holds two nights, each read or deleted whole
        sa.Table(
            sheet.key,
            md,
            sa.Column("_night", sa.Date, nullable=False),
            sa.Column("_seq", sa.Integer),
            sa.Column("_row", sa.Integer),
            *(sa.Column(c.key, _type(c)) for c in sheet.inputs),
        )
    sa.Table(
        "unread",
        md,
        sa.Column("_night", sa.Date, nullable=False, index=True),
        sa.Column("sheet", sa.Text),
        sa.Column("seq", sa.Integer),
        sa.Column("column", sa.Text),
        sa.Column("text", sa.Text),
    )
    sa.Table(
        "nights",
        md,
        sa.Column("night", sa.Date, primary_key=True),
        sa.Column("since", sa.Date),
        sa.Column("taken", sa.DateTime),
        sa.Column("book", sa.Text),
        sa.Column("settings", sa.Text),
    )
    sa.Table(
        "changes",
        md,
        sa.Column("night", sa.Date, nullable=False, index=True),
        sa.Column("seq", sa.Integer),
        sa.Column("sheet", sa.Text),
        sa.Column("kind", sa.Text),
        sa.Column("key", sa.Text),
        sa.Column("row", sa.Integer),
        sa.Column("old_row", sa.Integer),
        sa.Column("cells", sa.Text),
        sa.Column("vals", sa.Text),
        sa.Column("codes", sa.Text),
    )
    return md


METADATA = build_metadata()


def snapshot_path(reports_root: str | os.PathLike[str], book: str | os.PathLike[str]) -> Path:
    """``reports_root/snapshots/<book stem>.<10 hex of the book's absolute path>.sqlite``."""
    where = os.path.abspath(book)
    digest = hashlib.sha1(where.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return Path(reports_root) / FOLDER / f"{Path(book).stem}.{digest}.sqlite"


# ------------------------------------------------------------------------------------- the store


def encode(v: Any) -> Any:
    """A value as JSON can hold it (dates ISO, Decimals as text)."""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def decode(col: Column, v: Any) -> Any:
    """``encode``'s value back, by the column's type (text the reader could not type stays text)."""
    if not isinstance(v, str):
        return v
    try:
        if col.type in (T.MONEY, T.PERCENT):
            return Decimal(v)
        if col.type is T.DATE:
            return date.fromisoformat(v)
        if col.type is T.DATETIME:
            return datetime.fromisoformat(v)
    except (ValueError, InvalidOperation):
        pass
    return v


class SnapshotStore:
    """The SQLite file of one book's snapshots and change log."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, mode: int | None = None):
        """``mode``: the file's permissions (it holds a book's data: never readable by more people
        than the book; set on every open, SQLite gives its journal the same)."""
        self.path = Path(path)
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if mode is not None:
                    os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, mode))
                    os.chmod(self.path, mode)
            except OSError as exc:
                why = os_reason(exc)
                raise OutputError(
                    Said(f"无法写入 {self.path}：{why.zh}", f"cannot write {self.path}: {why.en}")
                ) from exc
        self.engine = sa.create_engine(sa.URL.create("sqlite", database=str(self.path)))
        try:
            with self.engine.begin() as conn:
                # small pages and freed pages given back: a small book's snapshot is a few pages, not a
                # hundred (500 books a night stay small); both take effect only on a new, empty file
                conn.exec_driver_sql("PRAGMA page_size = 1024")
                conn.exec_driver_sql("PRAGMA auto_vacuum = FULL")
                METADATA.create_all(conn)
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise OutputError(
                about(
                    self.path,
                    said(("无法使用快照文件（{why}）", "cannot use the snapshot file ({why})"), why=_reason(exc)),
                )
            ) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def nights(self) -> list[date]:
        """The nights whose snapshot is kept, oldest first."""
        with self.engine.connect() as conn:
            return sorted(conn.scalars(sa.select(METADATA.tables["nights"].c.night)))

    def load(self, night: date) -> Snapshot:
        out: Snapshot = {}
        with self.engine.connect() as conn:
            unread: dict[tuple[str, int], dict[str, str]] = {}
            u = METADATA.tables["unread"]
            for sheet, seq, column, text in conn.execute(
                sa.select(u.c.sheet, u.c.seq, u.c.column, u.c.text).where(u.c._night == night)
            ):
                unread.setdefault((sheet, seq), {})[column] = text
            for sheet in SHEETS:
                t = METADATA.tables[sheet.key]
                keys = [c.key for c in sheet.inputs]
                rows = []
                result = conn.execute(
                    sa.select(t.c._row, *(t.c[k] for k in keys)).where(t.c._night == night).order_by(t.c._seq)
                )
                for seq, rec in enumerate(result):
                    values = dict(zip(keys, rec[1:]))
                    values.update(unread.get((sheet.key, seq), {}))
                    rows.append(Row(rec[0], values))
                out[sheet.key] = rows
        return out

    def put(
        self,
        night: date,
        snap: Snapshot,
        *,
        since: date | None,
        taken: datetime,
        book: str,
        settings: str | None,
        changes: list[RowChange],
    ) -> None:
        """Keep ``snap`` as ``night``'s snapshot and ``changes`` (RowChange) as its log, in one
        transaction; snapshots older than ``since`` go (``since`` and ``night`` are kept)."""
        nights, log, unread = METADATA.tables["nights"], METADATA.tables["changes"], METADATA.tables["unread"]
        try:
            with self.engine.begin() as conn:
                for table in (*(METADATA.tables[s.key] for s in SHEETS), unread):
                    gone = table.c._night == night
                    if since is not None:
                        gone = sa.or_(gone, table.c._night < since)
                    conn.execute(table.delete().where(gone))
                conn.execute(log.delete().where(log.c.night == night))
                conn.execute(nights.delete().where(nights.c.night == night))
                for sheet in SHEETS:
                    fits = [(col.key, _fits(col)) for col in sheet.inputs]
                    rows: list[list[Any]] = []
                    texts: list[dict[str, Any]] = []
                    for seq, r in enumerate(snap[sheet.key]):
                        rec: list[Any] = [night, seq, r.row]
                        for key, fit in fits:
                            v = r.values.get(key)
                            if v is None or fit(v):
                                rec.append(v)
                            else:
                                rec.append(None)
                                texts.append(
                                    {"_night": night, "sheet": sheet.key, "seq": seq, "column": key, "text": _text(v)}
                                )
                        rows.append(rec)
                    _insert(conn, METADATA.tables[sheet.key], rows)
                    if texts:
                        conn.execute(unread.insert(), texts)
                conn.execute(
                    nights.insert(),
                    [{"night": night, "since": since, "taken": taken, "book": book, "settings": settings}],
                )
                if changes:
                    conn.execute(
                        log.insert(),
                        [
                            {
                                "night": night,
                                "seq": n,
                                "sheet": c.sheet,
                                "kind": c.kind,
                                "key": c.key,
                                "row": c.row,
                                "old_row": c.old_row,
                                "cells": json.dumps(
                                    [[k, encode(a), encode(b)] for k, a, b in c.cells], ensure_ascii=False
                                ),
                                "vals": json.dumps({k: encode(v) for k, v in c.values.items()}, ensure_ascii=False),
                                "codes": ",".join(c.codes),
                            }
                            for n, c in enumerate(changes)
                        ],
                    )
        except sa.exc.SQLAlchemyError as exc:
            raise OutputError(
                about(self.path, said(("无法写入快照（{why}）", "cannot write the snapshot ({why})"), why=_reason(exc)))
            ) from None

    def history(self, since: date | None = None) -> list[tuple[date, date | None, list[RowChange]]]:
        """(night, the night it was compared with, [RowChange]) of every logged night from ``since`` on."""
        from ..schema import SHEET_BY_KEY
        from .diff import RowChange

        nights, log = METADATA.tables["nights"], METADATA.tables["changes"]
        out: list[tuple[date, date | None, list[RowChange]]] = []
        with self.engine.connect() as conn:
            query = sa.select(nights.c.night, nights.c.since).order_by(nights.c.night)
            if since is not None:
                query = query.where(nights.c.night >= since)
            for night, before in conn.execute(query).all():
                changes: list[RowChange] = []
                for rec in conn.execute(sa.select(log).where(log.c.night == night).order_by(log.c.seq)).mappings():
                    sheet = SHEET_BY_KEY[rec["sheet"]]
                    cells = tuple(
                        (k, decode(sheet.column(k), a), decode(sheet.column(k), b))
                        for k, a, b in json.loads(rec["cells"])
                    )
                    values = {k: decode(sheet.column(k), v) for k, v in json.loads(rec["vals"]).items()}
                    changes.append(
                        RowChange(
                            rec["sheet"],
                            rec["kind"],
                            rec["key"],
                            rec["row"],
                            rec["old_row"],
                            cells,
                            values,
                            tuple(c for c in rec["codes"].split(",") if c),
                        )
                    )
                out.append((night, before, changes))
        return out


def _insert(conn: sa.Connection, table: sa.Table, rows: list[list[Any]]) -> None:
    """``rows`` (values in the table's column order) inserted with one executemany: the columns' own
    bind processors, without SQLAlchemy's per-row statement work (a 20,000-order book: 0.6 s, not 2.5 s)."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    procs = [(i, p) for i, c in enumerate(table.columns) if (p := c.type.bind_processor(conn.dialect))]
    for rec in rows:
        for i, p in procs:
            if rec[i] is not None:
                rec[i] = p(rec[i])
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in table.columns)}) "
        f"VALUES ({', '.join('?' for _ in table.columns)})"
    )
    conn.exec_driver_sql(sql, [tuple(r) for r in rows])


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).splitlines()[0]
