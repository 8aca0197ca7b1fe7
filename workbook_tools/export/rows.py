"""The book's rows as table rows, and what would stop them from going in (checked before writing).

Keys match as the workbook matches them (trimmed, case-insensitive), so a reference is stored
spelt as the key it refers to (``c0001`` on an order becomes the customer's ``C0001``): the
database compares exactly.

The export refuses a book — and writes nothing — when a row would break the database's keys or
lose a value; each problem names its cell:

- ``unreadable``: a value the reader could not read as its column's type (it would become NULL);
- ``missing-key``: a blank primary-key, natural-key or reference value (NOT NULL columns);
- ``duplicate-key``: a primary key, a unique column or a unique natural key given twice;
- ``unknown-reference``: a reference to a customer, order or product that is not in the book;
- ``does-not-fit``: text longer than its column, a number too large or with too many decimals.

Rows with a dangling reference are refused rather than exported with a NULL reference: the
value typed would be lost, and the tables would no longer say what the book says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

import sqlalchemy as sa

from ..book import OrderBook, Table
from ..config import Config
from ..derive import derive
from ..keys import natural, normalise
from ..lang import lookup
from ..schema import SHEET_BY_KEY, SHEETS, Column, Sheet, resolve_ref
from .tables import exported_columns, not_null, sql_type, unique_natural_key

#: Each kind of problem in words, Chinese and English.
KINDS: dict[str, tuple[str, str]] = {
    "unreadable": ("读不出的值", "unreadable value"),
    "missing-key": ("空的编号或引用", "blank key or reference"),
    "duplicate-key": ("重复的编号", "duplicate key"),
    "unknown-reference": ("引用的编号不存在", "unknown reference"),
    "does-not-fit": ("值放不进它的列", "value does not fit its column"),
}
#: Why a value does not fit, or which row it repeats (``ExportProblem.detail``: a key here and its fields).
DETAILS: dict[str, tuple[str, str]] = {
    "longer": ("超过 {length} 个字符", "longer than {length} characters"),
    "integer-range": ("超出整数列的范围", "too large for an integer column"),
    "not-a-number": ("不是数字", "not a number"),
    "numeric-range": ("超出 NUMERIC({precision}, {scale}) 的范围", "too large for NUMERIC({precision}, {scale})"),
    "decimals": ("小数多于 {scale} 位", "more than {scale} decimal places"),
    "same-key": ("{columns}与 {cell} 相同", "same {columns} as {cell}"),
}
#: The refusal's lines (export/__init__.py refusal_lines).
REFUSAL: dict[str, tuple[str, str]] = {
    "head": (
        "拒绝导出，未写入任何内容：{n:,} 个值会破坏数据库的键或丢失",
        "export refused, nothing written: {n:,} value{s} would break the database's keys or be lost",
    ),
    "kind": ("  {kind}：{n:,} 个（{cells}{more}）", "  {kind}: {n:,} ({cells}{more})"),
    "more": ("，另有 {n:,} 个", " and {n:,} more"),
    "cell": ("{cell}：{detail}", "{cell}: {detail}"),
    "cells_sep": ("，", ", "),
    "fix": (
        "请在簿中改正（orderbook validate 会逐个指出）后再导出",
        "fix them in the book (`orderbook validate` points at each) and export again",
    ),
}
INT_RANGE = (-(2**31), 2**31 - 1)
#: Why a value is a problem: a key of ``DETAILS`` with its fields, or the reader's reason as text.
Detail: TypeAlias = "str | tuple[str, dict[str, Any]]"


@dataclass(frozen=True)
class ExportProblem:
    kind: str
    sheet: str
    column: str
    #: Where the value is, e.g. ``订单!B5``.
    cell: str
    value: Any
    #: Why: a key of ``DETAILS`` with its fields, or the reader's reason as text ("" for none).
    detail: Detail = ""

    def kind_text(self, lang: str = "en") -> str:
        return lookup(KINDS, self.kind, lang)

    def detail_text(self, lang: str = "en") -> str:
        if isinstance(self.detail, str):
            return self.detail
        key, fields = self.detail
        if "columns" in fields:  # column keys, named by their headers in ``lang``
            sheet = SHEET_BY_KEY[self.sheet]
            fields = {**fields, "columns": " + ".join(sheet.column(c).header(lang) for c in fields["columns"])}
        return lookup(DETAILS, key, lang, **fields)


key = normalise  # keys compare one way everywhere (keys.py)
_natural = natural


def table_rows(
    book: OrderBook, config: Config | None = None
) -> tuple[dict[str, list[dict[str, Any]]], list[ExportProblem]]:
    """Rows per table (column key -> value, derived values included) and the problems found;
    ``config``: the book's settings (its payment terms give the 应付日期)."""
    data = book.data()
    derived = derive(data, config)
    problems: list[ExportProblem] = []
    #: "sheet.column" referred to -> key(value) -> the value as spelt there
    spelling: dict[str, dict[str, str]] = defaultdict(dict)
    for sheet in SHEETS:
        for col in sheet.columns:
            if col.ref and col.ref not in spelling:
                target, target_col = resolve_ref(col.ref)
                for row in data[target.key]:
                    v = row.get(target_col.key)
                    if v is not None:
                        spelling[col.ref].setdefault(key(v), v)

    out: dict[str, list[dict[str, Any]]] = {}
    for sheet in SHEETS:
        table = book[sheet.key]

        def problem(
            kind: str, i: int, col: str, value: Any, detail: Detail = "", sheet: Sheet = sheet, table: Table = table
        ) -> None:
            problems.append(ExportProblem(kind, sheet.key, col, table.cell(i, col), value, detail))

        unreadable: set[tuple[int, str]] = set()
        for i, col_key, raw, reason in table.problems:
            unreadable.add((i, col_key))
            problem("unreadable", i, col_key, raw, reason)
        specs = [
            (
                c.key,
                derived[sheet.key][c.key] if c.derived else None,
                not_null(sheet, c),
                _Refs(spelling[c.ref]) if c.ref else None,
                _Fit(c),
            )
            for c in exported_columns(sheet)
        ]
        rows: list[dict[str, Any]] = []
        for i, src in enumerate(data[sheet.key]):
            row = {}
            for k, computed, required, refs, fit in specs:
                v = computed[i] if computed is not None else src.get(k)
                if v is None or v == "":
                    v = None
                    if required and (i, k) not in unreadable:
                        problem("missing-key", i, k, None)
                else:
                    if refs is not None:
                        found = refs[v]
                        if found is None:
                            problem("unknown-reference", i, k, v)
                        else:
                            v = found
                    if why := fit[v]:
                        problem("does-not-fit", i, k, v, why)
                row[k] = v
            rows.append(row)
        _duplicates(sheet, table, rows, problem)
        out[sheet.key] = rows
    return out, problems


class _Refs(dict[Any, str | None]):
    """``refs[value]``: the referenced key as spelt in its own table, or None; once per distinct value."""

    def __init__(self, spelling: dict[str, str]):
        super().__init__()
        self.spelling = spelling

    def __missing__(self, value: Any) -> str | None:
        found = self[value] = self.spelling.get(key(value))
        return found


class _Fit(dict[Any, Detail]):
    """``fit[value]``: why ``value`` does not fit the column's SQL type ("" when it does), memoised."""

    def __init__(self, col: Column):
        super().__init__()
        self.type = sql_type(col)

    def __missing__(self, value: Any) -> Detail:
        why = self[value] = _does_not_fit(self.type, value)
        return why


def _duplicates(
    sheet: Sheet, table: Table, rows: list[dict[str, Any]], problem: Callable[[str, int, str, Any, Detail], None]
) -> None:
    """Unique columns (the primary keys among them) and unique natural keys, compared as keys."""
    groups: list[tuple[str, ...]] = [(c.key,) for c in sheet.columns if c.unique]
    if unique_natural_key(sheet):
        groups.append(sheet.natural_key)
    for cols in groups:
        seen: dict[tuple[Any, ...], int] = {}
        for i, row in enumerate(rows):
            values = tuple(row.get(c) for c in cols)
            if any(v is None for v in values):
                continue
            k = tuple(_natural(v) for v in values)
            first = seen.setdefault(k, i)
            if first != i:
                problem(
                    "duplicate-key",
                    i,
                    cols[-1],
                    values[-1] if len(cols) == 1 else " | ".join(map(str, values)),
                    ("same-key", {"columns": cols, "cell": table.cell(first, cols[-1])}),
                )


def _does_not_fit(t: sa.types.TypeEngine[Any], value: Any) -> Detail:
    """A key of ``DETAILS`` and its fields, or "" when ``value`` fits."""
    if isinstance(t, sa.String) and t.length and isinstance(value, str) and len(value) > t.length:
        return "longer", {"length": t.length}
    if isinstance(t, sa.Integer) and isinstance(value, int) and not INT_RANGE[0] <= value <= INT_RANGE[1]:
        return "integer-range", {}
    if isinstance(t, sa.Numeric) and isinstance(value, Decimal):
        if not value.is_finite():
            return "not-a-number", {}
        precision, scale = t.precision, t.scale
        if precision is None or scale is None:  # an unbounded NUMERIC takes any number (ours are bounded)
            return ""
        if abs(value) >= Decimal(10) ** (precision - scale):
            return "numeric-range", {"precision": precision, "scale": scale}
        if value != value.quantize(Decimal(1).scaleb(-scale)):
            return "decimals", {"scale": scale}
    return ""
