"""Tables made by an earlier version: the columns a newer schema added are added, before any row moves.

A company's database holds every branch's book; a release that adds a column (付款条件, 应付日期 …)
must not make it start over. So, in the export's transaction:

- a missing column that may be NULL is added (``ALTER TABLE … ADD COLUMN``) with its index, and on
  PostgreSQL its comment and its keys (a reference's foreign key (book, column), a unique
  constraint). SQLite cannot add a key to an existing table, so there a missing reference or
  unique column is refused. The rows of the book being exported get their values at once; another
  book's rows hold NULL there until that book is exported again (``orderbook export FOLDER`` does
  them all);
- a missing column that may not be NULL (the ``book`` column of a database from before several
  books, a key) and a column this version does not know are refused: export to a new database
  (it is a copy of the books; exporting the folder fills it again).

Everything is checked before the first change, so a refused database is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import AddConstraint, CreateIndex, SetColumnComment


class Refused(Exception):
    """The tables cannot be brought to this version's columns: ``str(exc)`` says why (one line)."""


def upgrade(conn: sa.Connection, metadata: sa.MetaData) -> list[str]:
    """Add to the existing tables the columns ``metadata`` has and they lack; return them as
    ``table.column``. Raises Refused, changing nothing, when a table cannot be brought up to date."""
    inspector = sa.inspect(conn)
    present = set(inspector.get_table_names())
    sqlite = conn.dialect.name == "sqlite"
    todo: list[tuple[sa.Table, sa.Column[Any]]] = []
    for table in metadata.sorted_tables:
        if table.name not in present:
            continue
        found = {c["name"] for c in inspector.get_columns(table.name)}
        missing = [c for c in table.columns if c.name not in found]
        unknown = sorted(found - {c.name for c in table.columns})
        empty = [c.name for c in missing if not c.nullable]
        keyed = [c.name for c in missing if c.nullable and sqlite and _constraints(table, c)]
        if unknown or empty or keyed:
            why = [f"lacks {', '.join(empty)}, which may not be empty"] if empty else []
            why += [f"lacks {', '.join(keyed)}, whose key SQLite cannot add to a table"] if keyed else []
            why += [f"has columns this version does not know: {', '.join(unknown)}"] if unknown else []
            raise Refused(
                f"table {table.name} {'; '.join(why)}: export to a new database (it is a copy of the "
                "books: exporting them again fills it)"
            )
        todo += [(table, c) for c in missing]
    for table, col in todo:
        _add(conn, table, col, sqlite)
    return [f"{t.name}.{c.name}" for t, c in todo]


def _constraints(table: sa.Table, col: sa.Column[Any]) -> list[sa.Constraint]:
    """The foreign keys and unique constraints ``col`` is part of."""
    return [
        c
        for c in table.constraints
        if isinstance(c, (sa.ForeignKeyConstraint, sa.UniqueConstraint)) and col.name in (x.name for x in c.columns)
    ]


def _add(conn: sa.Connection, table: sa.Table, col: sa.Column[Any], sqlite: bool) -> None:
    quote: Callable[[str], str] = conn.dialect.identifier_preparer.quote
    kind = col.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(col.name)} {kind}")
    for index in table.indexes:
        if col.name in (c.name for c in index.columns):
            conn.execute(CreateIndex(index))
    if sqlite:
        return  # no column comments; keys were refused above
    if col.comment:
        conn.execute(SetColumnComment(col))
    for constraint in _constraints(table, col):
        conn.execute(AddConstraint(constraint))
