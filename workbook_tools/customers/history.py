"""Customer history (客户档案): what each customer bought, how they pay, and their RFM segment.

Definitions (every figure of :class:`CustomerProfile`):

- Orders belong to the customer whose 客户编号 they name; keys match as the workbook matches them
  (trimmed, case-insensitive). A customer listed twice is profiled once, from the first row.
  Orders naming no listed customer are in nobody's history (see :func:`unprofiled_orders`;
  validation reports them as ``unknown-customer``).
- **orders** counts the customer's orders that are not 已取消 cancelled; **cancelled** counts
  the cancelled ones. Every other figure is over the non-cancelled orders, except the usual
  payment method (below).
- **first_order / last_order**: the earliest and latest order date among them.
- **total_spent**: the sum of their order totals (derive.py: Σ line amounts);
  **average_order** = total_spent / orders, to the cent (half up).
- **favourites**: the three SKUs with the largest quantity on their order lines; ties go to the
  larger amount, then the SKU in alphabetical order. Names come from the Products sheet.
- **usual_method**: the method of most payments received (positive amounts, refunds left out)
  on any of the customer's orders, cancelled ones included (how they pay is the same); ties go
  to the larger amount received, then to the method listed first in the settings.
- **days_to_pay**: for each order with a total above 0 that got paid, the days from its order date
  to its settling payment — the first payment date (payments in date order, then book order) on
  which the running sum of the order's payments (refunds included) reaches the order total.
  Payments dated before the order date are left out (a mistyped date or order number — validation
  reports it as ``payment-before-order`` — or an advance payment: no days of credit either way), so
  an order settled only with their help is left out too. The average over those orders, to 0.1 day
  (half up); **paid_orders** says how many orders it is over. Orders never paid in full are left out.
- **open_balance**: the sum of the positive balances (total − paid) of the non-cancelled orders.
- **recency_days**, **r / f / m**, **segment**: see rfm.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..book import BookData, Row
from ..config import Config
from ..derive import ZERO, cents, derive
from .rfm import rfm

TENTH = Decimal("0.1")
FAVOURITES = 3


def key(value: Any) -> str:
    """Keys compare as the spreadsheet compares them: text, trimmed, case-insensitive."""
    return "" if value is None else str(value).strip().casefold()


@dataclass(frozen=True)
class Favourite:
    sku: str
    name: str
    quantity: int
    amount: Decimal


@dataclass
class CustomerProfile:
    customer_id: str
    name: str | None = None
    contact: str | None = None
    phone: str | None = None
    tier: str | None = None
    province: str | None = None
    city: str | None = None
    preferences: str | None = None
    created_on: date | None = None
    orders: int = 0
    cancelled: int = 0
    first_order: date | None = None
    last_order: date | None = None
    total_spent: Decimal = ZERO
    average_order: Decimal | None = None
    favourites: tuple[Favourite, ...] = ()
    usual_method: str | None = None
    days_to_pay: Decimal | None = None
    paid_orders: int = 0
    open_balance: Decimal = ZERO
    recency_days: int | None = None
    r: int | None = None
    f: int | None = None
    m: int | None = None
    segment: str = "no_orders"


_COPIED = ("name", "contact", "phone", "tier", "province", "city", "preferences", "created_on")


def customer_history(data: BookData, *, config: Config | None = None, today: date) -> list[CustomerProfile]:
    """One profile per customer on the Customers sheet, in sheet order (see the module's definitions)."""
    config = config or Config()
    derived = derive(data, config, today)  # the book's payment terms and allocation
    totals, balances = derived["orders"]["total"], derived["orders"]["balance"]

    profiles: dict[str, CustomerProfile] = {}
    for row in data["customers"]:
        k = key(row.get("customer_id"))
        if k and k not in profiles:
            copied: dict[str, Any] = {c: row.get(c) for c in _COPIED}
            profiles[k] = CustomerProfile(row["customer_id"], **copied)

    book = _Orders(data["orders"], profiles)
    for i, od in enumerate(data["orders"]):
        p = book.owner[i]
        if p is None:
            continue
        if not book.live[i]:
            p.cancelled += 1
            continue
        p.orders += 1
        p.total_spent += totals[i] or ZERO
        if (balances[i] or ZERO) > 0:
            p.open_balance += balances[i]
        d = od.get("order_date")
        if d is not None:
            p.first_order = d if p.first_order is None else min(p.first_order, d)
            p.last_order = d if p.last_order is None else max(p.last_order, d)
    for p in profiles.values():
        if p.orders:
            p.average_order = cents(p.total_spent / p.orders)

    _favourites(book, data["order_lines"], derived["order_lines"]["amount"], data["products"])
    _usual_method(book, data["payments"], config)
    _days_to_pay(book, data["payments"], totals)

    dated = [(p, p.last_order) for p in profiles.values() if p.last_order is not None]
    population = [p for p, _last in dated]
    recency = [(today - last).days for _p, last in dated]
    for p, days in zip(population, recency):
        p.recency_days = days
    scores = rfm(recency, [p.orders for p in population], [p.total_spent for p in population])
    for p, s in zip(population, scores):
        p.r, p.f, p.m, p.segment = s.r, s.f, s.m, s.segment
    return list(profiles.values())


class _Orders:
    """Each order row's customer (a profile, or None) and whether it counts (not cancelled)."""

    def __init__(self, orders: list[Row], profiles: dict[str, CustomerProfile]):
        self.rows = orders
        self.owner = [profiles.get(key(o.get("customer_id"))) for o in orders]
        self.live = [o.get("status") != "cancelled" for o in orders]
        #: order key -> its first row: lines and payments belong to it, as the workbook's lookups find it
        self.row_of: dict[str, int] = {}
        for i, o in enumerate(orders):
            self.row_of.setdefault(key(o.get("order_no")), i)

    def of(self, order_no: Any) -> int | None:
        """The row of the profiled order ``order_no``, or None."""
        i = self.row_of.get(key(order_no))
        return None if i is None or self.owner[i] is None else i

    def profile(self, i: int) -> CustomerProfile:
        """The customer of the order at row ``i``, one ``of`` gave (so one with a profile)."""
        p = self.owner[i]
        if p is None:
            raise ValueError(f"order row {i} has no customer profile")
        return p


def _favourites(book: _Orders, lines: list[Row], amounts: list[Any], products: list[Row]) -> None:
    names: dict[str, tuple[Any, str]] = {}  # sku key -> (the SKU as typed, the product's name)
    for prod in products:
        names.setdefault(key(prod.get("sku")), (prod.get("sku"), prod.get("name") or ""))
    qty: dict[int, Counter[str]] = defaultdict(Counter)
    amount: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    spelt: dict[str, str] = {}
    for ln, amt in zip(lines, amounts):
        i, sku = book.of(ln.get("order_no")), key(ln.get("sku"))
        if i is None or not book.live[i] or not sku:
            continue
        qty[i][sku] += ln.get("quantity") or 0
        amount[i][sku] += amt or ZERO
        spelt.setdefault(sku, names.get(sku, (ln["sku"], ""))[0])
    per_customer: dict[int, tuple[CustomerProfile, Counter[str], dict[str, Decimal]]] = {}
    for i in qty:
        p = book.profile(i)
        _p, q, a = per_customer.setdefault(id(p), (p, Counter(), defaultdict(Decimal)))
        q.update(qty[i])
        for sku, v in amount[i].items():
            a[sku] += v
    for p, q, a in per_customer.values():
        top = sorted(q, key=lambda s: (-q[s], -a[s], s))[:FAVOURITES]
        p.favourites = tuple(Favourite(spelt[s], names.get(s, ("", ""))[1], q[s], a[s]) for s in top)


def _usual_method(book: _Orders, pays: list[Row], config: Config) -> None:
    rank = {m: n for n, m in enumerate(config.lists.payment_methods)}
    seen: dict[int, tuple[CustomerProfile, Counter[str], dict[str, Decimal]]] = {}
    for pay in pays:
        i, amt, method = book.of(pay.get("order_no")), pay.get("amount"), pay.get("method")
        if i is None or amt is None or amt <= 0 or not method:
            continue
        p = book.profile(i)
        _p, count, received = seen.setdefault(id(p), (p, Counter(), defaultdict(Decimal)))
        count[method] += 1
        received[method] += amt
    for p, count, received in seen.values():
        p.usual_method = min(count, key=lambda m: (-count[m], -received[m], rank.get(m, len(rank)), m))


def _days_to_pay(book: _Orders, pays: list[Row], totals: list[Any]) -> None:
    by_order: dict[int, list[tuple[date, int, Decimal]]] = defaultdict(list)
    for n, pay in enumerate(pays):
        i = book.of(pay.get("order_no"))
        if i is not None and book.live[i] and pay.get("paid_on") is not None and pay.get("amount") is not None:
            by_order[i].append((pay["paid_on"], n, pay["amount"]))
    spans: dict[int, tuple[CustomerProfile, list[int]]] = {}
    for i, paid in by_order.items():
        total, ordered = totals[i], book.rows[i].get("order_date")
        if not total or total <= 0 or ordered is None:
            continue
        running = ZERO
        for paid_on, _n, amt in sorted(paid):
            if paid_on < ordered:
                continue
            running += amt
            if running >= total:
                p = book.profile(i)
                spans.setdefault(id(p), (p, []))[1].append((paid_on - ordered).days)
                break
    for p, days in spans.values():
        p.paid_orders = len(days)
        p.days_to_pay = (Decimal(sum(days)) / len(days)).quantize(TENTH, ROUND_HALF_UP)


def unprofiled_orders(data: BookData) -> int:
    """How many orders name a customer that is not on the Customers sheet (or none at all)."""
    known = {key(c.get("customer_id")) for c in data["customers"]} - {""}
    return sum(1 for o in data["orders"] if key(o.get("customer_id")) not in known)


def segment_counts(profiles: list[CustomerProfile]) -> Counter[str]:
    return Counter(p.segment for p in profiles)
