"""The rows added, changed and deleted between two snapshots of a book.

Rows are matched per sheet by their identity: the sheet's natural key without its amounts and
quantities (an order by its number, an order line by order and product, a payment by order, date,
method and reference), compared as the workbook compares keys (trimmed, case-insensitive). Among
rows of the same identity, identical rows pair first, the rest in their order: a changed amount is
a changed cell, a changed key is one row deleted and one added. Rows that moved (sorted, or a row
inserted above) are not changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..keys import natural
from ..schema import SHEETS, Sheet, T
from .snapshot import Row, Snapshot

ADDED, CHANGED, DELETED = "added", "changed", "deleted"
KINDS = (ADDED, CHANGED, DELETED)


@dataclass(frozen=True)
class RowChange:
    sheet: str
    kind: str
    #: The row's identity as text: ``SO2026110001``, ``SO2026110001 / P1001``.
    key: str
    #: Its Excel row in the book now (added, changed).
    row: int | None
    #: Its Excel row in the earlier snapshot (changed, deleted).
    old_row: int | None
    #: Changed cells: (column key, old value, new value).
    cells: tuple[tuple[str, Any, Any], ...] = ()
    #: Every input value of the row: the new row's (added), the deleted row's (deleted), now (changed).
    values: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: Finding codes this change raised (row-deleted, paid-order-changed).
    codes: tuple[str, ...] = ()


def identity(sheet: Sheet) -> tuple[str, ...]:
    """The columns that say which row a row is: the natural key without amounts and quantities."""
    return tuple(k for k in sheet.natural_key if sheet.column(k).type not in (T.INT, T.MONEY, T.PERCENT))


def _key_text(row: Row, cols: tuple[str, ...]) -> str:
    return " / ".join("" if row.values.get(k) is None else str(row.values.get(k)) for k in cols)


def diff_snapshots(before: Snapshot, after: Snapshot) -> list[RowChange]:
    """Every row added, changed or deleted from ``before`` to ``after``, sheet by sheet in book order."""
    out: list[RowChange] = []
    for sheet in SHEETS:
        out.extend(diff_sheet(sheet, before.get(sheet.key, []), after.get(sheet.key, [])))
    return out


def diff_sheet(sheet: Sheet, before: list[Row], after: list[Row]) -> list[RowChange]:
    ident = identity(sheet)
    cols = [c.key for c in sheet.inputs]
    # most rows did not change: those pair by all their values first, in one pass
    pool: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for r in before:
        pool[tuple(r.values.get(c) for c in cols)].append(r)
    after_left = []
    for r in after:
        same = pool.get(tuple(r.values.get(c) for c in cols))
        if same:
            same.pop()
        else:
            after_left.append(r)
    unpaired_before = {id(r) for rs in pool.values() for r in rs}
    before, after = [r for r in before if id(r) in unpaired_before], after_left

    def groups(rows: list[Row]) -> dict[tuple[Any, ...], list[Row]]:
        g: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
        for r in rows:
            g[tuple(natural(r.values.get(k)) for k in ident)].append(r)
        return g

    old, new = groups(before), groups(after)
    changes: list[RowChange] = []
    for k in dict.fromkeys([*old, *new]):
        olds, news = old.get(k, []), new.get(k, [])
        # identical rows pair first
        by_values: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
        for r in news:
            by_values[tuple(r.values.get(c) for c in cols)].append(r)
        left = []
        for r in olds:
            same = by_values.get(tuple(r.values.get(c) for c in cols))
            if same:
                same.pop(0)
            else:
                left.append(r)
        unpaired = {id(r) for rs in by_values.values() for r in rs}
        rest = [r for r in news if id(r) in unpaired]
        for o, n in zip(left, rest):
            cells = tuple((c, o.values.get(c), n.values.get(c)) for c in cols if o.values.get(c) != n.values.get(c))
            changes.append(RowChange(sheet.key, CHANGED, _key_text(n, ident), n.row, o.row, cells, dict(n.values)))
        for o in left[len(rest) :]:
            changes.append(RowChange(sheet.key, DELETED, _key_text(o, ident), None, o.row, (), dict(o.values)))
        for n in rest[len(left) :]:
            changes.append(RowChange(sheet.key, ADDED, _key_text(n, ident), n.row, None, (), dict(n.values)))
    changes.sort(key=lambda c: (KINDS.index(c.kind), c.row if c.row is not None else c.old_row or 0))
    return changes
