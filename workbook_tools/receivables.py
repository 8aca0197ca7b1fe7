"""Receivables: what each customer still owes, and how long past due (账龄).

    derived = derive(data)
    items = receivables(data, derived, config, as_of=date(2026, 11, 27))
    table = ageing(items, buckets=config.thresholds.ageing_buckets)
    table.labels("zh")      # ['未到期', '0–30天', '31–60天', '61–90天', '90天以上']
    table.rows[0].amounts   # (Decimal('0.00'), Decimal('120.00'), …) per bucket
    table.totals, table.grand_total

A receivable is a non-cancelled order with a positive balance (derive.py's total − paid). It falls
due on its 交货日期 due date, or on its order date when the due date is blank. Days past due are
``as_of − due``: 0 or less is "not yet due"; then 1–30 days is the first bucket (labelled 0–30, the
usual accounting words), 31–60 the next, and so on; the last bucket is open-ended. Amounts are
Decimal to the cent.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .book import BookData
from .config import Config
from .derive import ZERO, Derived, cents


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _key(value) -> str:
    return "" if value is None else str(value).strip().casefold()


@dataclass(frozen=True, slots=True)
class Receivable:
    order_no: str
    customer_id: str
    customer_name: str
    contact: str
    phone: str
    order_date: date | None
    #: The order's due date, or its order date when the due date is blank (None when both are).
    due_date: date | None
    #: ``as_of − due_date`` in days; 0 or less = not yet due (0 when the order has no date at all).
    days_past_due: int
    balance: Decimal
    #: Index of the order on the Orders sheet (for cell references).
    index: int

    @property
    def overdue(self) -> bool:
        return self.days_past_due > 0


def receivables(data: BookData, derived: Derived, config: Config | None = None, as_of: date | None = None
                ) -> list[Receivable]:
    """One ``Receivable`` per non-cancelled order with a positive balance, in sheet order."""
    as_of = as_of or date.today()
    customers: dict[str, dict] = {}
    for c in data["customers"]:
        customers.setdefault(_key(c.get("customer_id")), c)  # the first row wins, as the lookups do
    balances = derived["orders"]["balance"]
    names = derived["orders"]["customer_name"]
    out = []
    for i, o in enumerate(data["orders"]):
        balance = balances[i]
        if balance == "" or balance <= 0 or o.get("status") == "cancelled":
            continue
        cust = customers.get(_key(o.get("customer_id")), {})
        ordered = _day(o.get("order_date"))
        due = _day(o.get("due_date")) or ordered
        out.append(Receivable(
            order_no=str(o.get("order_no") or ""), customer_id=str(o.get("customer_id") or ""),
            customer_name=names[i] or str(cust.get("name") or ""), contact=str(cust.get("contact") or ""),
            phone=str(cust.get("phone") or ""), order_date=ordered, due_date=due,
            days_past_due=(as_of - due).days if due else 0, balance=cents(balance), index=i,
        ))
    return out


@dataclass(frozen=True)
class Bucket:
    #: Days past due this bucket holds: ``low <= days <= high`` (high None = open-ended).
    low: int | None
    high: int | None
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


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


def ageing(items: Iterable[Receivable], buckets: Sequence[int] = (30, 60, 90)) -> AgeingTable:
    """Receivables per customer and ageing bucket, with totals per bucket and a grand total."""
    spec = make_buckets(buckets)
    bounds = [b.high for b in spec[1:-1]]
    groups: dict[str, list[Receivable]] = {}
    for r in items:
        groups.setdefault(_key(r.customer_id), []).append(r)
    rows = []
    for k in sorted(groups):
        group = groups[k]
        amounts = [ZERO] * len(spec)
        for r in group:
            amounts[bucket_index(r.days_past_due, bounds)] += r.balance
        first = group[0]
        rows.append(AgeingRow(first.customer_id, first.customer_name, first.contact, first.phone,
                              tuple(cents(a) for a in amounts), cents(sum(amounts, ZERO)), len(group),
                              max(r.days_past_due for r in group)))
    totals = tuple(cents(sum((row.amounts[i] for row in rows), ZERO)) for i in range(len(spec)))
    return AgeingTable(spec, tuple(rows), totals, cents(sum(totals, ZERO)))
