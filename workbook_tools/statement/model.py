"""The figures of a customer statement (对账单), as data: what the customer owed when the month began,
what was charged and received in it, what is owed at its end and how old that is.

The balance at the end of a day is the book as it stood then (``as_at``: orders placed, payments
made and shipments sent by that day), run through derive.py: per order, what is charged (its
total; nothing for a cancelled order) less what was paid. The opening balance is that sum the day
before the month; the closing balance is the opening plus the month's charges less its receipts
(a ledger). Independently, receivables.py's ``receivables()`` and ``ageing()`` on the book as at
the month's end give the open balances and their age; money the customer has in hand with us
(an order overpaid, a cancelled order paid and not refunded, a payment before its order) is a
credit beside them. Both routes must meet: closing = ageing total − credits (tests check it for
every demo customer). An order's status is its status now: a book keeps no history of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from ..book import BookData
from ..config import Config
from ..dates import day as _day
from ..derive import ZERO, Derived, cents, derive
from ..errors import WorkbookToolsError
from ..keys import normalise
from ..lang import Said, said
from ..receivables import (
    Allocation,
    Bucket,
    ageing,
    allocate,
    make_buckets,
    receivables,
)
from ..summary.months import Month, MonthError


class StatementError(WorkbookToolsError):
    """A customer that is not in the book, or a month that cannot be stated."""


#: Keys — customer IDs and order numbers — compare as derive and receivables compare them (keys.py).
_key = _order_key = normalise


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    contact: str
    phone: str
    address: str
    #: The customer's usual payment terms (付款条件 on 客户; "" none).
    terms: str = ""


@dataclass(frozen=True)
class Entry:
    """One line of the month: an order (``order``, ``cancelled``), money (``payment``, ``refund``), or
    ``applied``: money on account from before the month that paid an order in it (no change to the
    balance; ``allocations`` says which order and how much)."""

    day: date
    kind: str
    #: The order's number; for money, the order it was paid to.
    order_no: str
    #: What the customer owes more by this line (an order's total; 0 for a cancelled one).
    charge: Decimal
    #: Money received (negative for a refund).
    receipt: Decimal
    #: The balance after this line.
    balance: Decimal
    #: Orders: the order's total (also of a cancelled one), product names of its lines in sheet order.
    total: Decimal = ZERO
    goods: tuple[str, ...] = ()
    #: Orders: the payment terms used (the order's, else the customer's; "" none) and the 应付日期
    #: they give (derive.py; None while not due: an order on 月结 terms not shipped yet).
    terms: str = ""
    due_date: date | None = None
    #: Money: payment method and transaction reference.
    method: str = ""
    reference: str = ""
    #: A payment on account (it names the customer, not an order): the orders it paid, oldest due
    #: first, as at the statement's end (receivables.allocate), and what it left on account.
    on_account: bool = False
    allocations: tuple[tuple[str, Decimal], ...] = ()
    unallocated: Decimal = ZERO


@dataclass(frozen=True)
class OpenItem:
    """An order with a balance open at the statement's end (receivables.py's ``Receivable``)."""

    order_no: str
    order_date: date | None
    due_date: date | None
    total: Decimal
    paid: Decimal
    balance: Decimal
    days_past_due: int
    terms: str = ""
    #: The part of ``paid`` that came from payments on account.
    allocated: Decimal = ZERO
    goods: tuple[str, ...] = ()


@dataclass(frozen=True)
class Credit:
    """Money of the customer's we hold at the statement's end: ``overpaid`` (paid over an order's
    total), ``refund_due`` (a cancelled order paid and not refunded), ``prepaid`` (paid to an order
    placed after the statement's end), ``on_account`` (payments on account no open order took;
    ``order_no`` blank)."""

    kind: str
    order_no: str
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    customer: Customer
    month: Month
    start: date
    #: The last day stated: the month's last day, or today in a month still running.
    end: date
    opening: Decimal
    entries: tuple[Entry, ...]
    open_items: tuple[OpenItem, ...]
    credits: tuple[Credit, ...]
    buckets: tuple[Bucket, ...]
    #: Open balances per ageing bucket (aligned with ``buckets``), as receivables.ageing() has them.
    ageing: tuple[Decimal, ...]

    @property
    def charged(self) -> Decimal:
        return sum((e.charge for e in self.entries), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((e.receipt for e in self.entries), ZERO)

    @property
    def closing(self) -> Decimal:
        """Opening + charged − received: the ledger's balance at the end."""
        return cents(self.opening + self.charged - self.received)

    @property
    def ageing_total(self) -> Decimal:
        return sum(self.ageing, ZERO)

    @property
    def credit_total(self) -> Decimal:
        return sum((c.amount for c in self.credits), ZERO)

    @property
    def active(self) -> bool:
        """Anything to state: a balance at either end, or something in the month."""
        return bool(self.entries) or self.opening != 0 or self.closing != 0


def as_at(data: BookData, day: date) -> BookData:
    """The book as it stood at the end of ``day``: orders placed, payments made and shipments sent
    by then (rows without their date are left out: they have no place in time)."""
    out = dict(data)
    for sheet, column in (("orders", "order_date"), ("payments", "paid_on"), ("shipments", "ship_date")):
        out[sheet] = [r for r in data[sheet] if (d := _day(r.get(column))) is not None and d <= day]
    return out


@dataclass
class _Book:
    """The book as at the end of a day, its derived columns and its allocation of money on account."""

    data: BookData
    derived: Derived
    allocation: Allocation

    @classmethod
    def at(cls, data: BookData, day: date, config: Config) -> _Book:
        cut = as_at(data, day)
        derived = derive(cut, config, today=day)
        return cls(cut, derived, allocate(cut, derived, config))


@dataclass
class _Position:
    """Per customer key at the end of a day: what is owed (net), and the credits within it."""

    owed: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    credits: dict[str, list[Credit]] = field(default_factory=lambda: defaultdict(list))


def _position(book: _Book, customer_of_order: dict[str, str]) -> _Position:
    """Per order what it charges less what was paid on it (payments on account allocated included);
    then money on account no order took, and money paid to orders not placed yet."""
    pos = _Position()
    orders = book.derived["orders"]
    placed = set()
    for i, o in enumerate(book.data["orders"]):
        if orders["total"][i] == "":
            continue
        cust, no = _key(o.get("customer_id")), str(o.get("order_no") or "")
        placed.add(_order_key(no))
        cancelled = o.get("status") == "cancelled"
        owed = (ZERO if cancelled else orders["total"][i]) - orders["paid"][i]
        pos.owed[cust] += owed
        if owed < 0:
            pos.credits[cust].append(Credit("refund_due" if cancelled else "overpaid", no, -owed))
    for cust, credit in book.allocation.credit.items():
        if credit:
            pos.owed[cust] -= credit
            pos.credits[cust].append(Credit("on_account", "", credit))
    for p in book.data["payments"]:
        k = _order_key(p.get("order_no"))
        payer = customer_of_order.get(k)
        if k and payer is not None and k not in placed and p.get("amount") is not None:
            pos.owed[payer] -= p["amount"]
            pos.credits[payer].append(Credit("prepaid", str(p.get("order_no")), p["amount"]))
    return pos


def period(month: Month | str, today: date | None = None) -> tuple[Month, date, date]:
    """The month, its first day, and the last day stated (today while the month runs)."""
    month = month if isinstance(month, Month) else Month.parse(month)
    today = today or date.today()
    if month.first > today:
        raise MonthError(
            said(
                ("{month} 尚未开始（今天是 {today}）", "{month} has not begun (today is {today})"),
                month=month,
                today=today,
            )
        )
    return month, month.first, min(month.last, today)


def customer_statements(
    data: BookData,
    month: Month | str,
    *,
    config: Config | None = None,
    customers: Iterable[str] | None = None,
    today: date | None = None,
) -> list[Statement]:
    """The statement of each customer named (by 客户编号, in the order given), or of every customer
    on the 客户 sheet with something to state (``customers=None``), in sheet order."""
    config = config or Config()
    month, start, end = period(month, today)
    book_customers: dict[str, Customer] = {}
    for c in data["customers"]:
        book_customers.setdefault(
            _key(c.get("customer_id")),
            Customer(*(str(c.get(k) or "") for k in ("customer_id", "name", "contact", "phone", "address", "terms"))),
        )
    if customers is None:
        wanted, keep_idle = list(book_customers), False
    else:
        customers = list(dict.fromkeys(customers))
        wanted, keep_idle = list(dict.fromkeys(_key(c) for c in customers)), True
        unknown = [c for c, k in zip(customers, wanted) if k not in book_customers]
        if unknown:
            raise StatementError(
                Said(
                    f"客户编号 {'、'.join(unknown)} 不在客户表中",
                    f"no customer {', '.join(unknown)} on the Customers sheet",
                )
            )

    customer_of_order: dict[str, str] = {}
    for o in data["orders"]:
        customer_of_order.setdefault(_order_key(o.get("order_no")), _key(o.get("customer_id")))
    book_before = _Book.at(data, start - timedelta(days=1), config)
    before = _position(book_before, customer_of_order)
    book = _Book.at(data, end, config)
    derived = book.derived
    items = defaultdict(list)
    for r in receivables(book.data, derived, config, as_of=end):
        items[_key(r.customer_id)].append(r)
    after = _position(book, customer_of_order)
    goods = _goods(book)
    entries = _entries(book, start, customer_of_order, {k: c.terms for k, c in book_customers.items()}, goods)
    for k, applied in _applied(book_before, book, start).items():
        entries[k] = sorted([*entries.get(k, ()), *applied], key=lambda e: (e.day, e.kind == "applied"))
    buckets = make_buckets(config.thresholds.ageing_buckets)

    out = []
    for k in wanted:
        opening = cents(before.owed.get(k, ZERO))
        running, lines = opening, []
        for e in entries.get(k, ()):
            running = running + e.charge - e.receipt
            lines.append(replace(e, balance=cents(running)))
        mine = items.get(k, [])
        rows = ageing(mine, buckets=config.thresholds.ageing_buckets).rows
        orders = derived["orders"]
        open_items = tuple(
            OpenItem(
                r.order_no,
                r.order_date,
                r.due_date,
                orders["total"][r.index],
                orders["paid"][r.index],
                r.balance,
                r.days_past_due,
                r.terms,
                orders["allocated"][r.index] or ZERO,
                goods.get(_order_key(r.order_no), ()),
            )
            for r in sorted(mine, key=lambda r: (r.due_date or date.max, r.index))
        )
        st = Statement(
            book_customers[k],
            month,
            start,
            end,
            opening,
            tuple(lines),
            open_items,
            tuple(after.credits.get(k, ())),
            buckets,
            rows[0].amounts if rows else tuple(ZERO for _ in buckets),
        )
        if keep_idle or st.active:
            out.append(st)
    return out


def _goods(book: _Book) -> dict[str, tuple[str, ...]]:
    """Per order key, the product names of its lines in sheet order (the SKU for an unknown product)."""
    out: dict[str, list[str]] = defaultdict(list)
    for ln, name in zip(book.data["order_lines"], book.derived["order_lines"]["product_name"]):
        out[_order_key(ln.get("order_no"))].append(name or str(ln.get("sku") or ""))
    return {k: tuple(v) for k, v in out.items()}


def _entries(
    book: _Book,
    start: date,
    customer_of_order: dict[str, str],
    customer_terms: dict[str, str],
    goods: dict[str, tuple[str, ...]],
) -> dict[str, list[Entry]]:
    """The month's orders and money per customer key, by date (orders before money on a day), with
    the running balance still to fill in. ``book``: as at the statement's end."""
    cut, derived = book.data, book.derived
    totals, dues = derived["orders"]["total"], derived["orders"]["pay_due"]
    found: dict[str, list[tuple[tuple[date, int, int], Entry]]] = defaultdict(list)
    for i, o in enumerate(cut["orders"]):
        day = _day(o.get("order_date"))
        if day is None or day < start or totals[i] == "":  # (as_at keeps only dated orders)
            continue
        no, cust = str(o.get("order_no") or ""), _key(o.get("customer_id"))
        cancelled = o.get("status") == "cancelled"
        found[cust].append(
            (
                (day, 0, i),
                Entry(
                    day,
                    "cancelled" if cancelled else "order",
                    no,
                    ZERO if cancelled else totals[i],
                    ZERO,
                    ZERO,
                    total=totals[i],
                    goods=goods.get(_order_key(no), ()),
                    terms=str(o.get("terms") or customer_terms.get(cust, "")),
                    due_date=_day(dues[i]),
                ),
            )
        )
    shares = {p.index: p for p in book.allocation.payments}
    for j, p in enumerate(cut["payments"]):
        day, amount = _day(p.get("paid_on")), p.get("amount")
        on_account = p.get("order_no") in (None, "")
        payer = _key(p.get("customer_id")) if on_account else customer_of_order.get(_order_key(p.get("order_no")))
        if day is None or day < start or amount is None or not payer:  # (as_at keeps only dated payments)
            continue
        paid = shares.get(j)
        found[payer].append(
            (
                (day, 1, j),
                Entry(
                    day,
                    "refund" if amount < 0 else "payment",
                    str(p.get("order_no") or ""),
                    ZERO,
                    cents(amount),
                    ZERO,
                    method=str(p.get("method") or ""),
                    reference=str(p.get("reference") or ""),
                    on_account=on_account,
                    allocations=tuple((s.order_no, s.amount) for s in paid.shares) if paid else (),
                    unallocated=paid.unallocated if paid else ZERO,
                ),
            )
        )
    return {k: [e for _, e in sorted(v, key=lambda x: x[0])] for k, v in found.items()}


def _applied(before: _Book, after: _Book, start: date) -> dict[str, list[Entry]]:
    """Money on account paid in earlier months that paid orders during this one: per customer key,
    an ``applied`` entry per payment and order whose share grew (or shrank) since the month began."""
    was = {
        id(before.data["payments"][p.index]): {s.order_no: s.amount for s in p.shares}
        for p in before.allocation.payments
    }
    dates = {str(o.get("order_no") or ""): _day(o.get("order_date")) for o in after.data["orders"]}
    out: dict[str, list[Entry]] = defaultdict(list)
    for p in after.allocation.payments:
        row = after.data["payments"][p.index]
        if id(row) not in was:
            continue  # paid in the month: its allocation is on its own line
        old = was[id(row)]
        for order_no in dict.fromkeys([*(s.order_no for s in p.shares), *old]):
            now = next((s.amount for s in p.shares if s.order_no == order_no), ZERO)
            if now != old.get(order_no, ZERO):
                day = max(dates.get(order_no) or start, start)
                out[_key(p.customer_id)].append(
                    Entry(
                        day,
                        "applied",
                        "",
                        ZERO,
                        ZERO,
                        ZERO,
                        method=str(row.get("method") or ""),
                        reference=str(row.get("reference") or ""),
                        on_account=True,
                        allocations=((order_no, cents(now - old.get(order_no, ZERO))),),
                    )
                )
    return out
