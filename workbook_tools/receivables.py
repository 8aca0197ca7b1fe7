"""Receivables: what each customer still owes, and how long past due (账龄).

    derived = derive(data)
    items = receivables(data, derived, config, as_of=date(2026, 11, 27))
    table = ageing(items, buckets=config.thresholds.ageing_buckets)
    table.labels("zh")      # ['未到期', '0–30天', '31–60天', '61–90天', '90天以上']
    table.rows[0].amounts   # (Decimal('0.00'), Decimal('120.00'), …) per bucket
    table.totals, table.grand_total

A receivable is a non-cancelled order with a positive balance (derive.py's total − paid, payments
on account allocated included). It falls due on its 应付日期 (derive.payment_due: under its payment
terms; without terms the 交货日期, else the order date); an order whose terms count from the shipment
(月结, 货到付款, 票到N天) is not due before it ships. Days past due are ``as_of − due``: 0 or less
is "not yet due"; then 1–30 days is the first bucket (labelled 0–30, the usual accounting words),
31–60 the next, and so on; the last bucket is open-ended. Amounts are Decimal to the cent.

Money on account (付款 rows naming a customer, not an order) pays the customer's open orders in
核销顺序 (config.Receivables.allocation); what is left over is the customer's credit (预收款):
:func:`allocate` says which payment paid which order, and the ageing shows the credit.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .book import BookData, Row
from .config import Config
from .dates import day as _day
from .dates import serial
from .derive import ZERO, Derived, allocation_order, cents
from .keys import normalise as _key
from .lang import pick


@dataclass(frozen=True, slots=True)
class Receivable:
    order_no: str
    customer_id: str
    customer_name: str
    contact: str
    phone: str
    order_date: date | None
    #: The order's payment due date (应付日期, derive.payment_due); None while it is not due (an
    #: unshipped order on 月结 terms, or no date at all).
    due_date: date | None
    #: ``as_of − due_date`` in days; 0 or less = not yet due (0 when the order has no date at all).
    days_past_due: int
    balance: Decimal
    #: Index of the order on the Orders sheet (for cell references).
    index: int
    #: 订单状态 (canonical value), the payment terms used (the order's, else the customer's; "" none),
    #: and the salesperson (the collection list prints one list per salesperson).
    status: str = ""
    terms: str = ""
    salesperson: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_past_due > 0


def receivables(
    data: BookData, derived: Derived, config: Config | None = None, as_of: date | None = None
) -> list[Receivable]:
    """One ``Receivable`` per non-cancelled order with a positive balance, in sheet order."""
    as_of = as_of or date.today()
    customers: dict[str, Row] = {}
    for c in data["customers"]:
        customers.setdefault(_key(c.get("customer_id")), c)  # the first row wins, as the lookups do
    balances = derived["orders"]["balance"]
    names = derived["orders"]["customer_name"]
    dues = derived["orders"].get("pay_due")
    out = []
    for i, o in enumerate(data["orders"]):
        balance = balances[i]
        if balance == "" or balance <= 0 or o.get("status") == "cancelled":
            continue
        cust = customers.get(_key(o.get("customer_id")), {})
        ordered = _day(o.get("order_date"))
        due = _day(dues[i]) if dues is not None else (_day(o.get("due_date")) or ordered)
        out.append(
            Receivable(
                order_no=str(o.get("order_no") or ""),
                customer_id=str(o.get("customer_id") or ""),
                customer_name=names[i] or str(cust.get("name") or ""),
                contact=str(cust.get("contact") or ""),
                phone=str(cust.get("phone") or ""),
                order_date=ordered,
                due_date=due,
                days_past_due=(as_of - due).days if due else 0,
                balance=cents(balance),
                index=i,
                status=str(o.get("status") or ""),
                terms=str(o.get("terms") or cust.get("terms") or ""),
                salesperson=str(o.get("salesperson") or ""),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Share:
    """Part of a payment on account that paid one order."""

    order_index: int
    order_no: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentAllocation:
    """A payment on account (a 付款 row with a customer and no order) and what it paid."""

    #: Index of the payment on the Payments sheet.
    index: int
    customer_id: str
    paid_on: date | None
    amount: Decimal
    #: The orders it paid, in 核销顺序.
    shares: tuple[Share, ...]
    #: What it left on account (the customer's credit from this payment).
    unallocated: Decimal


@dataclass(frozen=True)
class Allocation:
    payments: tuple[PaymentAllocation, ...]
    #: Money on account not used by any order, per customer key (customer ID, trimmed and case-folded;
    #: see :meth:`credit_of`); only customers with payments on account appear.
    credit: dict[str, Decimal]

    def credit_of(self, customer_id: object) -> Decimal:
        return self.credit.get(_key(customer_id), ZERO)

    def of_order(self, order_index: int) -> list[tuple[PaymentAllocation, Decimal]]:
        """The payments on account that paid the order at ``order_index``, and how much each."""
        return [(p, s.amount) for p in self.payments for s in p.shares if s.order_index == order_index]


def allocate(data: BookData, derived: Derived, config: Config | None = None) -> Allocation:
    """Which payment on account paid which order, and each customer's credit (预收款).

    The orders' 核销金额 (``derived["orders"]["allocated"]``, the sheet's formula) say how much money
    on account each order took; this splits it over the payments: each customer's payments on
    account, oldest 付款日期 first (then sheet order), fill the orders in 核销顺序 (the order
    ``config.receivables.allocation`` gives: oldest due first, or the orders memos name first). A
    refund on account (negative) takes back from the credit. Stable public API (the customer
    statement reads it); ``config`` is accepted for symmetry and is not needed (derive applied it).
    """
    orders, pays = data["orders"], data["payments"]
    d = derived["orders"]
    allocated, ranks = d.get("allocated"), d.get("alloc_rank")
    if allocated is None or ranks is None:
        return Allocation((), {})
    custs = [_key(o.get("customer_id")) if o.get("order_no") not in (None, "") else "" for o in orders]
    # customer key -> [order index, what the order still takes from money on account], in 核销顺序
    queue: dict[str, list[list[Any]]] = {
        c: [[i, allocated[i]] for i in idx if allocated[i] not in ("", ZERO) and allocated[i] > 0]
        for c, idx in allocation_order(list(ranks), custs).items()
    }
    on_account = [
        j for j, p in enumerate(pays) if p.get("order_no") in (None, "") and p.get("customer_id") not in (None, "")
    ]
    on_account.sort(key=lambda j: (serial(_day(pays[j].get("paid_on")) or date.min), j))
    out: list[PaymentAllocation] = []
    credit: dict[str, Decimal] = {}
    for j in on_account:
        p = pays[j]
        c = _key(p.get("customer_id"))
        amount = p.get("amount")
        amount = cents(Decimal(amount)) if isinstance(amount, (int, Decimal)) and not isinstance(amount, bool) else ZERO
        left, shares = amount, list[Share]()
        todo = queue.get(c, [])
        while left > 0 and todo:
            i, need = todo[0]
            take = min(need, left)
            shares.append(Share(i, str(orders[i].get("order_no") or ""), cents(take)))
            left -= take
            todo[0][1] = need - take
            if todo[0][1] <= 0:
                todo.pop(0)
        credit[c] = cents(credit.get(c, ZERO) + left)
        out.append(
            PaymentAllocation(
                j, str(p.get("customer_id") or ""), _day(p.get("paid_on")), amount, tuple(shares), cents(left)
            )
        )
    return Allocation(tuple(out), credit)


@dataclass(frozen=True)
class Bucket:
    #: Days past due this bucket holds: ``low <= days <= high`` (high None = open-ended).
    low: int | None
    high: int | None
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return pick(lang, self.zh, self.en)


def make_buckets(bounds: Sequence[int]) -> tuple[Bucket, ...]:
    """Not yet due, then one bucket per bound (days past due up to it), then "over" the last bound."""
    bounds = sorted(set(int(b) for b in bounds if int(b) > 0))
    out = [Bucket(None, 0, "未到期", "Not yet due")]
    low = 1
    for b in bounds:
        first = 0 if low == 1 else low  # "0–30": the usual words for 1 to 30 days past due
        out.append(Bucket(low, b, f"{first}–{b}天", f"{first}–{b} days"))
        low = b + 1
    last = low - 1
    out.append(Bucket(low, None, f"{last}天以上" if last else "已逾期", f"Over {last} days" if last else "Past due"))
    return tuple(out)


def bucket_index(days: int, bounds: Sequence[int]) -> int:
    """Index into ``make_buckets(bounds)`` of a balance ``days`` past due."""
    if days <= 0:
        return 0
    return 1 + bisect_left(sorted(set(int(b) for b in bounds if int(b) > 0)), days)


@dataclass(frozen=True)
class AgeingRow:
    customer_id: str
    customer_name: str
    contact: str
    phone: str
    #: Amount per bucket (aligned with ``AgeingTable.buckets``).
    amounts: tuple[Decimal, ...]
    total: Decimal
    orders: int
    #: Days past due of the customer's oldest open balance (≤ 0 when nothing is past due yet).
    max_days: int
    #: Money on account not used by any order (预收款): the customer owes ``net`` = total − credit.
    credit: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return cents(self.total - self.credit)


@dataclass(frozen=True)
class AgeingTable:
    buckets: tuple[Bucket, ...]
    #: One row per customer that owes something, by customer ID.
    rows: tuple[AgeingRow, ...]
    totals: tuple[Decimal, ...]
    grand_total: Decimal

    def labels(self, lang: str = "zh") -> list[str]:
        return [b.label(lang) for b in self.buckets]

    @property
    def overdue_total(self) -> Decimal:
        return sum(self.totals[1:], ZERO)

    @property
    def credit_total(self) -> Decimal:
        return cents(sum((r.credit for r in self.rows), ZERO))

    @property
    def net_total(self) -> Decimal:
        """What customers owe after their credit: ``grand_total − credit_total``."""
        return cents(self.grand_total - self.credit_total)


@dataclass(frozen=True, slots=True)
class Credit:
    """A customer's money on account not used by any order."""

    customer_id: str
    customer_name: str
    contact: str
    phone: str
    amount: Decimal


def credits(data: BookData, allocation: Allocation) -> list[Credit]:
    """The customers with a credit (nonzero unallocated money on account), by customer key."""
    customers: dict[str, Row] = {}
    for c in data["customers"]:
        customers.setdefault(_key(c.get("customer_id")), c)
    first_id: dict[str, str] = {}
    for p in allocation.payments:
        first_id.setdefault(_key(p.customer_id), p.customer_id)
    out = []
    for k in sorted(allocation.credit):
        amount = allocation.credit[k]
        if amount == 0:
            continue
        c = customers.get(k, {})
        out.append(
            Credit(
                str(c.get("customer_id") or first_id.get(k, k)),
                str(c.get("name") or ""),
                str(c.get("contact") or ""),
                str(c.get("phone") or ""),
                amount,
            )
        )
    return out


def ageing(
    items: Iterable[Receivable], buckets: Sequence[int] = (30, 60, 90), credit: Iterable[Credit] = ()
) -> AgeingTable:
    """Receivables per customer and ageing bucket, with totals per bucket and a grand total; the
    customers' ``credit`` (:func:`credits`) on their rows (a customer with credit only gets a row of
    zeros and its credit)."""
    spec = make_buckets(buckets)
    bounds = [b.high for b in spec[1:-1] if b.high is not None]  # each bucket between the first and last has one
    groups: dict[str, list[Receivable]] = {}
    for r in items:
        groups.setdefault(_key(r.customer_id), []).append(r)
    held = {_key(c.customer_id): c for c in credit}
    rows = []
    for k in sorted(set(groups) | set(held)):
        group = groups.get(k, [])
        amounts = [ZERO] * len(spec)
        for r in group:
            amounts[bucket_index(r.days_past_due, bounds)] += r.balance
        c = held.get(k)
        who: Receivable | Credit = group[0] if group else held[k]
        rows.append(
            AgeingRow(
                who.customer_id,
                who.customer_name,
                who.contact,
                who.phone,
                tuple(cents(a) for a in amounts),
                cents(sum(amounts, ZERO)),
                len(group),
                max((r.days_past_due for r in group), default=0),
                c.amount if c is not None else ZERO,
            )
        )
    totals = tuple(cents(sum((row.amounts[i] for row in rows), ZERO)) for i in range(len(spec)))
    return AgeingTable(spec, tuple(rows), totals, cents(sum(totals, ZERO)))
