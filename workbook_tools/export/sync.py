"""Make the tables hold exactly the book's rows: insert, update and delete, in one transaction.

Only the rows tagged with the book's name are read, changed or deleted: the other books in the
database are left as they are. Rows are matched on their natural key (schema.py), compared exactly (references already spelt as
the keys they point at). A natural key that may repeat (two identical cash payments on one day)
is matched by occurrence: the n-th such row of the book with the n-th such row of the table in
``id`` order. Matched rows whose values differ are updated in place (they keep their ``id``),
book rows without a match are inserted, table rows without a match are deleted.

The order keeps every key and reference valid after each statement, so it also works where
constraints are checked at once (SQLite with foreign keys on, PostgreSQL):

1. delete the unmatched rows of the tables no table refers to (lines, log, shipments, payments,
   stock moves) — a changed payment whose reference stays frees that reference first;
2. insert and update every table, parents before the tables that refer to them;
3. delete the unmatched rows of the parent tables (orders, then products and customers): by now
   no row refers to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..schema import SHEETS, Sheet
from .tables import BOOK, SURROGATE, parents, primary_key

CHUNK = 500


@dataclass
class TableCounts:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


@dataclass
class _Plan:
    table: sa.Table
    pk: str
    book: str
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    deletes: list[Any]


def plan(
    conn: sa.Connection, sheet: Sheet, table: sa.Table, rows: list[dict[str, Any]], book: str
) -> tuple[_Plan, TableCounts]:
    """What to insert, update and delete so that ``table``'s rows of ``book`` are ``rows``."""
    pk = primary_key(sheet)
    names = [c.name for c in table.columns if c.name not in (SURROGATE, BOOK)]
    at = [names.index(k) for k in sheet.natural_key]
    existing: dict[tuple[Any, ...], list[tuple[Any, tuple[Any, ...]]]] = defaultdict(list)
    # (primary key, values in ``names`` order): plain tuples, a million rows read back quickly
    query = sa.select(table.c[pk], *(table.c[n] for n in names)).where(table.c[BOOK] == book)
    for old in conn.execute(query.order_by(table.c[pk])):
        values = tuple(old)[1:]
        existing[tuple(values[j] for j in at)].append((old[0], values))
    counts = TableCounts(rows=len(rows))
    inserts, updates = [], []
    taken: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in rows:
        values = tuple(row[n] for n in names)
        k = tuple(values[j] for j in at)
        n = taken[k]
        taken[k] += 1
        olds = existing.get(k)
        if olds is not None and n < len(olds):
            old_pk, old_values = olds[n]
            if old_values != values:
                updates.append({**{c: row[c] for c in names if c != pk}, "_key": old_pk})
                counts.updated += 1
            else:
                counts.unchanged += 1
        else:
            inserts.append({BOOK: book, **dict(zip(names, values))})
            counts.inserted += 1
    deletes = [old_pk for k, olds in existing.items() for old_pk, _ in olds[taken.get(k, 0) :]]
    counts.deleted = len(deletes)
    return _Plan(table, pk, book, inserts, updates, deletes), counts


def sync(
    conn: sa.Connection, metadata: sa.MetaData, rows: dict[str, list[dict[str, Any]]], book: str
) -> dict[str, TableCounts]:
    """Make the tables' rows of ``book`` the book's ``rows``, through ``conn`` (the caller owns the
    transaction)."""
    plans, counts = {}, {}
    for sheet in SHEETS:
        plans[sheet.key], counts[sheet.key] = plan(conn, sheet, metadata.tables[sheet.key], rows[sheet.key], book)
    referred = parents()
    for sheet in reversed(SHEETS):
        if sheet.key not in referred:
            _delete(conn, plans[sheet.key])
    for sheet in SHEETS:
        p = plans[sheet.key]
        if p.inserts:
            conn.execute(sa.insert(p.table), p.inserts)
        if p.updates:
            conn.execute(
                sa.update(p.table).where(p.table.c[BOOK] == p.book, p.table.c[p.pk] == sa.bindparam("_key")), p.updates
            )
    for sheet in reversed(SHEETS):
        if sheet.key in referred:
            _delete(conn, plans[sheet.key])
    return counts


def _delete(conn: sa.Connection, p: _Plan) -> None:
    for chunk in _chunks(p.deletes, CHUNK):
        conn.execute(sa.delete(p.table).where(p.table.c[BOOK] == p.book, p.table.c[p.pk].in_(chunk)))


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
