"""Every incoming row checked by the nightly validation's own rules, on the book it would make.

The would-be book is the book's rows (updated ones replaced) followed by the rows to add;
``OrderBook.from_data`` puts them where ``write_book`` would, and ``validate_book`` runs every
rule. A finding at an incoming row's position belongs to that row.

What rejects a row: **an error-level finding on the row itself** — its own values (required,
type, format, range, list), its keys (duplicate-key), its references (unknown customer, order,
SKU), and the cross-row rules reported on it (order-without-lines, shipped-without-shipment,
status-log-mismatch …). What is only reported: warnings (future-date, price-deviation,
low-stock …), and every finding on a row already in the book, even one the import causes there.

Taking a row out can break others (an order whose every line was rejected has no lines; the
lines of a rejected order name an unknown order), so the check repeats on the smaller book until
no incoming row has an error: what is written then validates with no error on an imported row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..book import BookData, OrderBook, Table
from ..codes import Severity
from ..config import Config
from ..derive import Derived, derive
from ..findings import Finding
from ..schema import SHEETS
from ..validate.runner import Validation
from .plan import ADD, REJECTED, UPDATE, Item


@dataclass
class Screened:
    #: The would-be book's rows (what gets written when not a dry run).
    data: BookData
    #: Findings of the final would-be book, each paired with the item it is on (None: a book row).
    findings: list[tuple[Finding, Item | None]] = field(default_factory=list)
    rounds: int = 0
    #: Python's derived values of ``data`` (the validation's own), None when nothing was checked.
    derived: Derived | None = None


def _layout(
    existing: BookData, items: dict[str, list[Item]]
) -> tuple[BookData, dict[str, list[Item | None]], dict[str, list[tuple[int, str, Any, str]]]]:
    """Rows, owners (the item at each position, None for an untouched book row) and problems per sheet."""
    data: BookData = {}
    owners: dict[str, list[Item | None]] = {}
    problems: dict[str, list[tuple[int, str, Any, str]]] = {}
    for s in SHEETS:
        rows = list(existing.get(s.key, []))
        own: list[Item | None] = [None] * len(rows)
        probs: list[tuple[int, str, Any, str]] = []
        keyed = set(s.natural_key)  # an update keeps the book's spelling of the key
        for item in items.get(s.key, ()):
            if item.kind == UPDATE:
                j = item.other
                rows[j] = {**rows[j], **{k: v for k, v in item.row.items() if v is not None and k not in keyed}}
                own[j] = item
                probs.extend((j, k, raw, reason) for k, raw, reason in item.problems)
        for item in items.get(s.key, ()):
            if item.kind == ADD:
                probs.extend((len(rows), k, raw, reason) for k, raw, reason in item.problems)
                rows.append(item.row)
                own.append(item)
        data[s.key], owners[s.key], problems[s.key] = rows, own, probs
    return data, owners, problems


def _set_opening_stock(data: BookData, owners: dict[str, list[Item | None]]) -> None:
    """New products whose source gives the stock on hand: opening stock = on hand + what the book
    ships of them − what it receives (so the book's 当前库存 equals the source's figure)."""
    hinted = [
        (i, it, on_hand)
        for i, it in enumerate(owners["products"])
        if it is not None and it.kind == ADD and (on_hand := it.on_hand) is not None
    ]
    if not hinted:
        return
    products = data["products"]
    for i, _, _ in hinted:
        products[i] = {**products[i], "opening_stock": 0}
    net = derive(data)["products"]["on_hand"]
    for i, it, on_hand in hinted:
        moved = net[i] if isinstance(net[i], int) else 0
        products[i]["opening_stock"] = on_hand - moved
        it.row["opening_stock"] = products[i]["opening_stock"]


def _incoming(table: Table, owners: list[Item | None]) -> Table:
    """The table's incoming rows (added or updated) alone, at their own row numbers."""
    keep = [i for i, owner in enumerate(owners) if owner is not None]
    where = {i: n for n, i in enumerate(keep)}
    return Table(
        sheet=table.sheet,
        name=table.name,
        rows=[table.rows[i] for i in keep],
        row_numbers=[table.row_numbers[i] for i in keep],
        columns=table.columns,
        problems=[(where[i], k, raw, why) for i, k, raw, why in table.problems if i in where],
    )


def screen(
    existing: BookData,
    existing_problems: dict[str, list[tuple[int, str, Any, str]]],
    items: dict[str, list[Item]],
    *,
    config: Config,
    today: date,
    lang: str,
) -> Screened:
    """Reject incoming rows until none has an error; return the would-be book and its findings.
    Each pass but the last rejects at least one row, so there are at most (incoming rows + 1)."""
    rounds = 0
    while True:
        rounds += 1
        data, owners, problems = _layout(existing, items)
        _set_opening_stock(data, owners)
        book = OrderBook.from_data(data, lang=lang, copy=False)  # validation reads the rows only
        for s in SHEETS:
            book[s.key].problems = sorted(list(existing_problems.get(s.key, [])) + problems[s.key], key=lambda p: p[0])
        sheet_of = {book[s.key].name: s.key for s in SHEETS}
        validation = Validation(config=config, today=today)
        for s in SHEETS:  # the row rules only on incoming rows: a book row's own values did not change
            validation.on_table(_incoming(book[s.key], owners[s.key]))
        found = validation.finish(book)
        placed: list[tuple[Finding, Item | None]] = []
        rejected: dict[int, tuple[Item, list[Finding]]] = {}
        for f in found:
            sheet = sheet_of.get(f.sheet or "")
            own = owners[sheet] if sheet else []
            pos = (f.row or 0) - 2
            item = own[pos] if 0 <= pos < len(own) else None
            placed.append((f, item))
            if item is not None and f.severity is Severity.ERROR:
                rejected.setdefault(id(item), (item, []))[1].append(f)
        if not rejected:
            return Screened(data, placed, rounds, validation.ctx.derived)
        for item, reasons in rejected.values():
            item.kind, item.reasons = REJECTED, reasons
