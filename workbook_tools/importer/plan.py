"""Matching incoming rows to the book by natural key: add, identical, conflict or update.

Keys compare as everywhere else (keys.py: trimmed, full-width folded, case-insensitive). Only the fields
the source gives are compared: a blank incoming value means "the source does not say", so a
value staff added to the book later is neither a conflict nor overwritten by ``--update``.

Within the sources, a key seen again is, by the target's ``repeated`` setting:

* ``report`` (default): the same values again → ``duplicate`` (imported once, the repeat
  reported); other values → ``source-conflict`` (the first is kept, the repeat reported);
* ``merge``: one row built from several source rows (an invoice's order from each of its lines):
  blank fields are filled from the later rows, nothing is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..findings import Finding
from ..keys import normalise
from ..schema import Sheet
from .rows import Built

ADD, IDENTICAL, CONFLICT, UPDATE = "add", "identical", "conflict", "update"
DUPLICATE, SOURCE_CONFLICT, MERGED, REJECTED = "duplicate", "source-conflict", "merged", "rejected"


@dataclass(slots=True, eq=False)
class Item:
    """One incoming row and what becomes of it."""

    built: Built
    #: Index of the row in ``built.rows``.
    index: int
    row: dict[str, Any]
    kind: str = ADD
    #: The existing row (identical / conflict / update) or the first incoming item (duplicate /
    #: source-conflict / merged) this one was matched with.
    other: Any = None
    #: Fields whose values differ from ``other``.
    diffs: tuple[str, ...] = ()
    #: (field, raw value, reason) of values that could not be read.
    problems: list[tuple[str, Any, str]] = field(default_factory=list)
    on_hand: int | None = None
    #: The book's row it was matched with (identical / conflict / update).
    book_row: dict[str, Any] | None = None
    #: The error findings that rejected it.
    reasons: list[Finding] = field(default_factory=list)

    @property
    def record(self) -> int:
        return self.built.records[self.index]

    @property
    def source_row(self) -> int:
        return self.built.source.row_numbers[self.record]


def items_of(built: Built) -> list[Item]:
    probs: dict[int, list[tuple[str, Any, str]]] = {}
    for i, k, raw, reason in built.problems:
        probs.setdefault(i, []).append((k, raw, reason))
    hints = built.on_hand
    return [
        Item(built, i, row, problems=probs.get(i, []), on_hand=hints[i] if hints else None)
        for i, row in enumerate(built.rows)
    ]


def row_key(sheet: Sheet, row: dict[str, Any]) -> tuple[str, ...] | None:
    """The natural key, or None when a required part of it is blank (such a row matches nothing)."""
    parts = []
    for k in sheet.natural_key:
        v = row.get(k)
        if v is None and sheet.column(k).required:
            return None
        parts.append(normalise(v))
    return tuple(parts)


def same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)) and not isinstance(a, bool):
        return Decimal(a) == Decimal(b)
    return False


def differences(sheet: Sheet, book_row: dict[str, Any], incoming: dict[str, Any]) -> tuple[str, ...]:
    keyed = set(sheet.natural_key)
    return tuple(
        c.key
        for c in sheet.inputs
        if c.key not in keyed and incoming.get(c.key) is not None and not same(book_row.get(c.key), incoming[c.key])
    )


def _merge(first: Item, later: Item) -> None:
    """Fill ``first``'s blank fields from ``later`` (a value that could not be read stays a problem)."""
    bad = {p[0] for p in first.problems}
    for k, v in later.row.items():
        if v is not None and first.row.get(k) is None and k not in bad:
            first.row[k] = v
    if first.on_hand is None:
        first.on_hand = later.on_hand


def plan_sheet(sheet: Sheet, items: list[Item], book_rows: list[dict[str, Any]], *, update: bool) -> None:
    """Set each item's ``kind`` (and ``other``, ``diffs``) against the book and the items before it."""
    firsts: dict[tuple[str, ...], Item] = {}
    for item in items:
        k = row_key(sheet, item.row)
        if k is None:
            continue
        first = firsts.get(k)
        if first is None:
            firsts[k] = item
        elif item.built.target.repeated == "merge":
            _merge(first, item)
            item.kind, item.other = MERGED, first
        else:
            diffs = differences(sheet, first.row, item.row)
            item.kind, item.other, item.diffs = (SOURCE_CONFLICT if diffs else DUPLICATE), first, diffs
    if not firsts:
        return
    existing: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(book_rows):
        k = row_key(sheet, row)
        if k is not None:
            existing.setdefault(k, i)
    for k, item in firsts.items():
        j = existing.get(k)
        if j is None:
            continue
        diffs = differences(sheet, book_rows[j], item.row)
        item.other, item.diffs, item.book_row = j, diffs, book_rows[j]
        item.kind = IDENTICAL if not diffs else UPDATE if update else CONFLICT
