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
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..book import BookData
from ..config import Config
from ..derive import ZERO, cents, derive
from ..errors import WorkbookToolsError
from ..receivables import Bucket, ageing, make_buckets, receivables
from ..summary.months import Month, MonthError


class StatementError(WorkbookToolsError):
    """A customer that is not in the book, or a month that cannot be stated."""


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _key(value) -> str:
    """Keys as receivables.py and the lookups compare them: text, trimmed, case-insensitive."""
    return "" if value is None else str(value).strip().casefold()


def _order_key(value) -> str:
    """Order numbers as derive.py matches payments to orders (SUMIFS: case-insensitive)."""
    return "" if value is None else str(value).casefold()


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    contact: str
    phone: str
    address: str


@dataclass(frozen=True)
class Entry:
    """One line of the month: an order (``order``, ``cancelled``) or money (``payment``, ``refund``)."""

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
    #: Orders: when the balance falls due (receivables.py's due date; None when it has no date).
    due_date: date | None = None
    #: Money: payment method and transaction reference.
    method: str = ""
    reference: str = ""


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


@dataclass(frozen=True)
class Credit:
    """Money of the customer's we hold at the statement's end: ``overpaid`` (paid over an order's
    total), ``refund_due`` (a cancelled order paid and not refunded), ``prepaid`` (paid to an order
    placed after the statement's end)."""

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
class _Position:
    """Per customer key at the end of a day: what is owed (net), and the credits within it."""

    owed: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    credits: dict[str, list[Credit]] = field(default_factory=lambda: defaultdict(list))


def _position(cut: BookData, orders: dict, customer_of_order: dict[str, str]) -> _Position:
    """``orders``: derive(cut)["orders"]."""
    pos = _Position()
    placed = set()
    for i, o in enumerate(cut["orders"]):
        if orders["total"][i] == "":
            continue
        cust, no = _key(o.get("customer_id")), str(o.get("order_no") or "")
        placed.add(_order_key(no))
        cancelled = o.get("status") == "cancelled"
        owed = (ZERO if cancelled else orders["total"][i]) - orders["paid"][i]
        pos.owed[cust] += owed
        if owed < 0:
            pos.credits[cust].append(Credit("refund_due" if cancelled else "overpaid", no, -owed))
    for p in cut["payments"]:
        k = _order_key(p.get("order_no"))
        cust = customer_of_order.get(k)
        if cust is not None and k not in placed and p.get("amount") is not None:
            pos.owed[cust] -= p["amount"]
            pos.credits[cust].append(Credit("prepaid", str(p.get("order_no")), p["amount"]))
    return pos


def period(month: Month | str, today: date | None = None) -> tuple[Month, date, date]:
    """The month, its first day, and the last day stated (today while the month runs)."""
    month = month if isinstance(month, Month) else Month.parse(month)
    today = today or date.today()
    if month.first > today:
        raise MonthError(f"{month} 尚未开始（今天是 {today}） / {month} has not begun (today is {today})")
    return month, month.first, min(month.last, today)


def customer_statements(data: BookData, month: Month | str, *, config: Config | None = None,
                        customers: Iterable[str] | None = None, today: date | None = None) -> list[Statement]:
    """The statement of each customer named (by 客户编号, in the order given), or of every customer
    on the 客户 sheet with something to state (``customers=None``), in sheet order."""
    config = config or Config()
    month, start, end = period(month, today)
    book_customers: dict[str, Customer] = {}
    for c in data["customers"]:
        book_customers.setdefault(_key(c.get("customer_id")), Customer(
            *(str(c.get(k) or "") for k in ("customer_id", "name", "contact", "phone", "address"))))
    if customers is None:
        wanted, keep_idle = list(book_customers), False
    else:
        customers = list(dict.fromkeys(customers))
        wanted, keep_idle = list(dict.fromkeys(_key(c) for c in customers)), True
        unknown = [c for c, k in zip(customers, wanted) if k not in book_customers]
        if unknown:
            raise StatementError(f"客户编号 {', '.join(unknown)} 不在客户表中 / no customer {', '.join(unknown)} "
                                 f"on the Customers sheet")

    customer_of_order: dict[str, str] = {}
    for o in data["orders"]:
        customer_of_order.setdefault(_order_key(o.get("order_no")), _key(o.get("customer_id")))
    cut_before = as_at(data, start - timedelta(days=1))
    before = _position(cut_before, derive(cut_before)["orders"], customer_of_order)
    cut = as_at(data, end)
    derived = derive(cut)
    items = defaultdict(list)
    for r in receivables(cut, derived, config, as_of=end):
        items[_key(r.customer_id)].append(r)
    after = _position(cut, derived["orders"], customer_of_order)
    entries = _entries(cut, derived, start, customer_of_order)
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
        open_items = tuple(OpenItem(r.order_no, r.order_date, r.due_date, derived["orders"]["total"][r.index],
                                    derived["orders"]["paid"][r.index], r.balance, r.days_past_due)
                           for r in sorted(mine, key=lambda r: (r.due_date or date.min, r.index)))
        st = Statement(book_customers[k], month, start, end, opening, tuple(lines), open_items,
                       tuple(after.credits.get(k, ())), buckets,
                       rows[0].amounts if rows else tuple(ZERO for _ in buckets))
        if keep_idle or st.active:
            out.append(st)
    return out


def _entries(cut: BookData, derived, start: date, customer_of_order: dict[str, str]) -> dict[str, list[Entry]]:
    """The month's orders and money per customer key, by date (orders before money on a day), with
    the running balance still to fill in. ``cut``: the book as at the statement's end."""
    totals = derived["orders"]["total"]
    goods: dict[str, list[str]] = defaultdict(list)
    for ln, name in zip(cut["order_lines"], derived["order_lines"]["product_name"]):
        goods[_order_key(ln.get("order_no"))].append(name or str(ln.get("sku") or ""))
    found: dict[str, list[tuple[tuple, Entry]]] = defaultdict(list)
    for i, o in enumerate(cut["orders"]):
        day = _day(o.get("order_date"))
        if day < start or totals[i] == "":
            continue
        no = str(o.get("order_no") or "")
        cancelled = o.get("status") == "cancelled"
        found[_key(o.get("customer_id"))].append(((day, 0, i), Entry(
            day, "cancelled" if cancelled else "order", no, ZERO if cancelled else totals[i], ZERO, ZERO,
            total=totals[i], goods=tuple(goods.get(_order_key(no), ())))))
    for j, p in enumerate(cut["payments"]):
        day, amount = _day(p.get("paid_on")), p.get("amount")
        cust = customer_of_order.get(_order_key(p.get("order_no")))
        if day < start or amount is None or cust is None:
            continue
        found[cust].append(((day, 1, j), Entry(
            day, "refund" if amount < 0 else "payment", str(p.get("order_no") or ""), ZERO, cents(amount), ZERO,
            method=str(p.get("method") or ""), reference=str(p.get("reference") or ""))))
    return {k: [e for _, e in sorted(v, key=lambda x: x[0])] for k, v in found.items()}
