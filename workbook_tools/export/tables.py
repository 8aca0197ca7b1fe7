"""The database tables, derived from the schema (schema.py): never a column list written by hand.

One table per data sheet, named by the sheet's key, one column per schema column, named by its key,
and a ``book`` column: several order books (a company's branches) share one database, each row
tagged with the book it comes from, and every key is unique per book — two branches may both
have a customer C0001 or an order SO2026000001.

- **Primary key.** A sheet whose natural key is one unique column (customers, products, orders) is
  keyed by (book, that column). The others get a surrogate ``id`` (integer, assigned by the
  database).
- **Foreign keys** from ``Column.ref``: (book, column) refers to (book, key) of the table it points
  at, so a row refers only to rows of its own book; indexed, typed as the column they refer to.
- **Unique constraints**, per book: every ``Column.unique`` column (payments.reference: NULL
  allowed, many times), and the natural key of a sheet whose natural-key columns are all required
  (order_lines (order_no, sku), status_log (order_no, status, timestamp)). A natural key with an
  optional part
  (shipments' SKU, payments' reference, stock movements' document number) gets none: SQL counts
  NULLs as distinct, and two identical cash payments on one day are two real payments.
- **NOT NULL** on the primary key and on required natural-key and reference columns: what the
  relations need. Other required values may be blank in a book; completeness is what
  ``orderbook validate`` checks, and the database holds the book as it is.
- **Types** from ``Column.type``: text types VARCHAR(max_len) (TEXT where the schema sets no
  length), INT INTEGER, MONEY NUMERIC(12, 2), PERCENT NUMERIC(7, 4) (the reader keeps four
  places), DATE DATE, DATETIME TIMESTAMP. Choice columns hold the canonical value
  (``pending``, ``银行转账``), as ``BookData`` does.
- **Derived columns** (order total / paid / balance / payment status, line amount, shipped
  quantity, whole-order ship date, last stocktake, stock on hand) are stored as the values
  derive.py computes — the same numbers the workbook shows — and refreshed by every export.
  Derived columns that only look a name up through a reference (orders.customer_name,
  order_lines.product_name) are left out: the foreign key gives them, and a normalised table does
  not repeat them. They are recognised from the schema: a derived column whose header is the
  header of a column of the table one of its sheet's references points at.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..schema import SHEETS, TEXT_TYPES, Column, Sheet, T, resolve_ref

SURROGATE = "id"
#: The column naming the book a row comes from (export_book's ``name``: the file name without its suffix).
BOOK = "book"
#: Long enough for any file name (255 bytes on common file systems).
BOOK_LENGTH = 255
BOOK_TYPE = sa.String(BOOK_LENGTH)
MONEY = sa.Numeric(12, 2)
PERCENT = sa.Numeric(7, 4)
NAMING = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
}


def primary_key(sheet: Sheet) -> str:
    """The column that tells a book's rows apart: the sheet's key column when its natural key is one
    unique column (the table's primary key is then (book, it)), else ``id``."""
    if len(sheet.natural_key) == 1 and sheet.column(sheet.natural_key[0]).unique:
        return sheet.natural_key[0]
    return SURROGATE


def is_lookup(sheet: Sheet, col: Column) -> bool:
    """A derived column that repeats a value of a table this sheet refers to (a name looked up)."""
    if not col.derived:
        return False
    for ref in (c.ref for c in sheet.columns if c.ref):
        target, _ = resolve_ref(ref)
        if any(t.zh == col.zh for t in target.columns):
            return True
    return False


def exported_columns(sheet: Sheet) -> tuple[Column, ...]:
    """The schema columns that become table columns, in sheet order."""
    return tuple(c for c in sheet.columns if not is_lookup(sheet, c))


def unique_natural_key(sheet: Sheet) -> bool:
    """Whether the table gets a unique constraint on its natural key (all its parts required)."""
    return len(sheet.natural_key) > 1 and all(sheet.column(k).required for k in sheet.natural_key)


def not_null(sheet: Sheet, col: Column) -> bool:
    return col.key == primary_key(sheet) or (col.required and (col.key in sheet.natural_key or bool(col.ref)))


def sql_type(col: Column) -> sa.types.TypeEngine[Any]:
    if col.ref:
        return sql_type(resolve_ref(col.ref)[1])
    if col.type in TEXT_TYPES:
        return sa.String(col.max_len) if col.max_len else sa.Text()
    types: dict[T, sa.types.TypeEngine[Any]] = {
        T.INT: sa.Integer(),
        T.MONEY: MONEY,
        T.PERCENT: PERCENT,
        T.DATE: sa.Date(),
        T.DATETIME: sa.DateTime(),
    }
    return types[col.type]


def _comment(col: Column) -> str:
    return f"{col.zh} / {col.en}: {col.help_en}" if col.help_en else f"{col.zh} / {col.en}"


def build_metadata() -> sa.MetaData:
    """Every table, in sheet order (parents before the tables that refer to them)."""
    md = sa.MetaData(naming_convention=NAMING)
    for sheet in SHEETS:
        pk = primary_key(sheet)
        items: list[sa.schema.SchemaItem] = []
        if pk == SURROGATE:
            items.append(
                sa.Column(
                    SURROGATE,
                    sa.Integer,
                    primary_key=True,
                    autoincrement=True,
                    comment="Surrogate key assigned by the database",
                )
            )
        items.append(
            sa.Column(
                BOOK,
                BOOK_TYPE,
                nullable=False,
                comment="订单簿 / order book: the file the row comes from, without its suffix",
            )
        )
        for col in exported_columns(sheet):
            items.append(sa.Column(col.key, sql_type(col), nullable=not not_null(sheet, col), comment=_comment(col)))
        if pk != SURROGATE:
            items.append(sa.PrimaryKeyConstraint(BOOK, pk))
        for col in exported_columns(sheet):
            if col.ref:
                target, target_col = resolve_ref(col.ref)
                items.append(
                    sa.ForeignKeyConstraint([BOOK, col.key], [f"{target.key}.{BOOK}", f"{target.key}.{target_col.key}"])
                )
                items.append(sa.Index(None, BOOK, col.key))
            if col.unique and col.key != pk:
                items.append(sa.UniqueConstraint(BOOK, col.key))
        if unique_natural_key(sheet):
            items.append(sa.UniqueConstraint(BOOK, *sheet.natural_key))
        sa.Table(sheet.key, md, *items, comment=f"{sheet.zh} / {sheet.en}: {sheet.help_en}")
    return md


def parents() -> frozenset[str]:
    """Tables that other tables refer to."""
    return frozenset(resolve_ref(c.ref)[0].key for s in SHEETS for c in s.columns if c.ref)
