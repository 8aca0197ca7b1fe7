"""催收清单 — the collection list: whom to chase for money, and in what order.

Past due means past the order's 应付日期 (its payment due date under its terms, receivables.py): an
order on 月结 terms that has not shipped is not due, and so not on the list. Each order on it carries
its status, terms, due date and days overdue. :func:`collection_by_salesperson` splits the list per
salesperson (each sees the orders they sold), for printing one list each.

Every customer with a balance past its due date, with those orders, the amounts, the oldest due
date, and the contact person and phone. Sorted by what to chase first: the customer whose oldest
overdue balance sits in the oldest ageing bucket comes first; within a bucket, the larger overdue
amount first; then the earlier oldest due date; then the customer ID.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..derive import ZERO, cents
from ..keys import normalise
from ..receivables import Receivable, bucket_index, make_buckets


@dataclass(frozen=True)
class CollectionEntry:
    rank: int
    customer_id: str
    customer_name: str
    contact: str
    phone: str
    #: Sum of the balances past due, and of every open balance (past due or not).
    overdue: Decimal
    owed: Decimal
    oldest_due: date | None
    max_days: int
    #: Index of the ageing bucket of the oldest overdue balance (receivables.make_buckets).
    bucket: int
    #: The overdue orders, oldest first.
    orders: tuple[Receivable, ...]


def collection_list(items: Iterable[Receivable], buckets: Sequence[int] = (30, 60, 90)) -> list[CollectionEntry]:
    bounds = [b.high for b in make_buckets(buckets)[1:-1] if b.high is not None]  # each middle bucket has one
    groups: dict[str, list[Receivable]] = {}
    for r in items:
        groups.setdefault(normalise(r.customer_id), []).append(r)
    entries = []
    for group in groups.values():
        overdue = sorted((r for r in group if r.overdue), key=lambda r: (-r.days_past_due, r.order_no))
        if not overdue:
            continue
        first = overdue[0]
        entries.append(
            CollectionEntry(
                0,
                first.customer_id,
                first.customer_name,
                first.contact,
                first.phone,
                cents(sum((r.balance for r in overdue), ZERO)),
                cents(sum((r.balance for r in group), ZERO)),
                first.due_date,
                first.days_past_due,
                bucket_index(first.days_past_due, bounds),
                tuple(overdue),
            )
        )
    entries.sort(key=lambda e: (-e.bucket, -e.overdue, e.oldest_due or date.min, e.customer_id))
    return [replace(e, rank=n) for n, e in enumerate(entries, 1)]


def collection_by_salesperson(
    items: Iterable[Receivable], buckets: Sequence[int] = (30, 60, 90)
) -> dict[str, list[CollectionEntry]]:
    """One collection list per salesperson ("" for orders without one), of the orders each sold,
    by salesperson name."""
    by: dict[str, list[Receivable]] = {}
    for r in items:
        by.setdefault(r.salesperson.strip(), []).append(r)
    out = {name: collection_list(group, buckets) for name, group in sorted(by.items())}
    return {name: entries for name, entries in out.items() if entries}
