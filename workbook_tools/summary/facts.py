"""One pass over each sheet: what a monthly summary needs, grouped by calendar month.

Only the months asked for (the month, the one before, the same month a year before) keep their
rows; every other month keeps three sums (orders, revenue, payments) for the twelve-month trend —
a 100,000-order book is summarised without building an object per row.

Keys match as derive() matches them (keys.py: trimmed, full-width folded, case-insensitive).
Rows without the date that places them in a month (an order without an order date, a payment
without a payment date …) are left out of every monthly figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from ..book import BookData
from ..derive import Derived
from ..keys import Keys
from .months import month_index

ZERO = Decimal(0)

#: An order as ``Facts.orders`` keeps it: (month index, not cancelled, order date, due date, customer
#: key, customer id as typed, status).
DatedOrder = tuple[int, bool, date, date | None, str, Any, str]


class MonthOf(dict[date, int]):
    """``months[d]``: month index of a date, computed once per distinct date."""

    def __missing__(self, d: date) -> int:
        m = self[d] = month_index(d)
        return m


class Order(NamedTuple):
    key: str
    order_no: str
    customer: str  # customer key
    customer_id: str
    order_date: date
    due_date: date | None
    status: str
    salesperson: str
    total: Decimal
    live: bool  # not cancelled


class Line(NamedTuple):
    sku: str  # sku key
    sku_text: str
    quantity: int
    amount: Decimal
    live: bool


class Payment(NamedTuple):
    order: str
    method: str
    amount: Decimal
    paid_on: date


class Shipment(NamedTuple):
    order: str
    carrier: str
    ship_date: date
    delivered_on: date | None


@dataclass
class Facts:
    #: The months whose rows are kept (month indexes).
    months: frozenset[int]
    #: month index -> rows dated in that month (orders by order date, lines by their order's date,
    #: payments by payment date, shipments by ship date), for ``months`` only
    orders_by_month: dict[int, list[Order]] = field(default_factory=lambda: defaultdict(list))
    lines_by_month: dict[int, list[Line]] = field(default_factory=lambda: defaultdict(list))
    payments_by_month: dict[int, list[Payment]] = field(default_factory=lambda: defaultdict(list))
    shipments_by_month: dict[int, list[Shipment]] = field(default_factory=lambda: defaultdict(list))
    #: month index -> (order date, due date) of the orders whose first shipment (the earliest ship
    #: date of any of its rows, whole or partial) is in that month, with that date; ``months`` only
    first_shipped_by_month: dict[int, list[tuple[date, date | None, date]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: Every month: orders placed (any status), revenue (orders not cancelled), payments received.
    orders_count: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    revenue: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    received: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    #: customer key -> date of the customer's first order (any status)
    first_order: dict[str, date] = field(default_factory=dict)
    #: customer key -> (customer id as typed, name, province)
    customers: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: sku key -> (product name, spec)
    products: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: order key -> (month index, not cancelled, order date, due date, customer key, customer id as
    #: typed, status) of every order with an order date (the first row with that number)
    orders: dict[str, DatedOrder] = field(default_factory=dict)
    #: The lookup keys made so far (shared by later stages).
    keys: Keys = field(default_factory=Keys)

    @property
    def first_month(self) -> int | None:
        """Month of the book's earliest order: earlier months have no data."""
        return min(self.orders_count) if self.orders_count else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def collect(data: BookData, derived: Derived, months_wanted: Iterable[int]) -> Facts:
    months = MonthOf()
    wanted = frozenset(months_wanted)
    facts = Facts(wanted)
    keys = facts.keys
    for c in data["customers"]:
        k = keys[c.get("customer_id")]
        if k and k not in facts.customers:
            facts.customers[k] = (_text(c.get("customer_id")), _text(c.get("name")), _text(c.get("province")))
    for p in data["products"]:
        k = keys[p.get("sku")]
        if k and k not in facts.products:
            facts.products[k] = (_text(p.get("name")), _text(p.get("spec")))

    # orders: every order's month, the per-month sums, and the full rows of the wanted months
    first_order, counts, revenue, dated = facts.first_order, facts.orders_count, facts.revenue, facts.orders
    for row, total in zip(data["orders"], derived["orders"]["total"]):
        no, day = row.get("order_no"), row.get("order_date")
        if no is None or no == "" or day is None:
            continue
        ok, ck, status = keys[no], keys[row.get("customer_id")], row.get("status") or ""
        m, live = months[day], status != "cancelled"
        if ok not in dated:
            dated[ok] = (m, live, day, row.get("due_date"), ck, row.get("customer_id"), status)
        counts[m] += 1
        if live:
            revenue[m] += total
        if ck and (ck not in first_order or day < first_order[ck]):
            first_order[ck] = day
        if m in wanted:
            facts.orders_by_month[m].append(
                Order(
                    ok,
                    _text(no),
                    ck,
                    _text(row.get("customer_id")),
                    day,
                    row.get("due_date"),
                    status,
                    _text(row.get("salesperson")),
                    total,
                    live,
                )
            )

    for row, amount in zip(data["order_lines"], derived["order_lines"]["amount"]):
        d = dated.get(keys[row.get("order_no")])
        if d is not None and d[0] in wanted and amount.__class__ is not str:
            sku = row.get("sku")
            facts.lines_by_month[d[0]].append(Line(keys[sku], _text(sku), row.get("quantity") or 0, amount, d[1]))

    received = facts.received
    for row in data["payments"]:
        day = row.get("paid_on")
        if day is None:
            continue
        m, amount = months[day], row.get("amount") or ZERO
        received[m] += amount
        if m in wanted:
            facts.payments_by_month[m].append(Payment(keys[row.get("order_no")], _text(row.get("method")), amount, day))

    first_ship: dict[str, date] = {}
    for row in data["shipments"]:
        day = row.get("ship_date")
        if day is None:
            continue
        k = keys[row.get("order_no")]
        if months[day] in wanted:
            facts.shipments_by_month[months[day]].append(
                Shipment(k, _text(row.get("carrier")), day, row.get("delivered_on"))
            )
        if k not in first_ship or day < first_ship[k]:
            first_ship[k] = day
    for k, day in first_ship.items():
        m, d = months[day], dated.get(k)
        if m in wanted and d is not None:
            facts.first_shipped_by_month[m].append((d[2], d[3], day))
    return facts
