"""Python's computation of every derived column — the truth the workbook's formulas mirror.

Each function here has a twin formula in formulas.py; a LibreOffice test proves they agree.
The semantics follow the spreadsheet functions exactly: lookups and SUMIFS criteria match keys
case-insensitively, blanks count as 0, money is rounded to the cent half away from zero as
:func:`money` says (the formulas' ``ROUND(ROUND(x*100,4),0)/100``), and a stocktake counts at
the end of its day.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import Any, Generic, TypeVar

from .book import BookData, Row
from .config import Config, PaymentTerm
from .dates import date_of_serial, serial
from .keys import Keys, normalise

#: The sheets derive() reads: every data sheet but the status log.
INPUTS = ("customers", "products", "orders", "order_lines", "shipments", "payments", "stock_moves")

CENT = Decimal("0.01")
ZERO = Decimal(0)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_SUB_CENT = Decimal("0.0001")
_ZERO_CENTS = Decimal("0.00")
_ONE = Decimal(1)


def money(value: Decimal) -> Decimal:
    """A derived amount rounded to the cent as the formulas round it: ``ROUND(ROUND(x*100,4),0)/100``.

    The inner ROUND takes off the binary noise of the product (39 × 8.70 × 0.95 is 322.33499999…
    as a double): to four places of a cent it is the decimal value again, and a half cent is
    then exactly .5, which every client rounds away from zero. For amounts of up to six decimals
    (whole quantities × prices in cents × discounts to 0.01 %) this is plain rounding to the cent.
    """
    if value is ZERO:  # most refunds and allocations: one shared 0.00
        return _ZERO_CENTS
    if value.same_quantum(CENT):  # whole cents already (sums of amounts): as it is, but a settled
        # balance's 0.00 as the shared one (a large book would keep 250,000 of them)
        return _ZERO_CENTS if not value and not value.is_signed() else value
    whole = value.quantize(CENT)
    if whole == value:  # fewer places, or noughts after the cents
        return whole
    c = (value * 100).quantize(_SUB_CENT, rounding=ROUND_HALF_UP).quantize(_ONE, rounding=ROUND_HALF_UP)
    return (c / 100).quantize(CENT)


#: A key as every key compares (keys.py): trimmed, full-width folded, case-insensitive. Where a key's
#: spelling makes the formulas differ, validation says so (key-spelling) and recomputes their view.
_casefold = normalise


_K = TypeVar("_K")
_V = TypeVar("_V")


class _Memo(dict[_K, _V], Generic[_K, _V]):
    """``memo[x]`` computes ``fn(x)`` once: keys, dates and amounts repeat across a book's rows,
    and a dict hit is far cheaper than a Python call on a 250,000-line book."""

    def __init__(self, fn: Callable[[_K], _V]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self.fn(key)
        return value


def _line_amount(qpd: tuple[Any, Any, Any]) -> Decimal:
    q, p, d = qpd
    return money(_num(q) * _num(p) * (1 - _num(d)))


def _num(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def unit_price(price: Any, sku: str, list_prices: dict[str, Any]) -> Any:
    """The line's 单价, or the list price of the product keyed ``sku`` when it is blank (0 for an
    unknown product)."""
    if price is not None:
        return price
    listed = list_prices.get(sku)
    return listed if _is_number(listed) else ZERO


def low_stock(product: Row, on_hand: Any, default: int) -> bool:
    """On sale and at or below the reorder point (``default`` when blank): the ``low-stock`` rule, the
    dashboard's count and list (products.low_seq)."""
    if product.get("sku") in (None, "") or product.get("active") == "no" or not _is_number(on_hand):
        return False
    point = product.get("reorder_point")
    return bool(on_hand <= (point if _is_number(point) else default))


def ranks(values: list[Any]) -> list[Any]:
    """Place of each value above 0, highest first, ties in row order (1, 2, 3 …); "" for the rest:
    the formulas' COUNTIFS of the larger values plus the equal ones above."""
    placed = sorted((i for i, v in enumerate(values) if _is_number(v) and v > 0), key=lambda i: (-values[i], i))
    out: list[Any] = [""] * len(values)
    for place, i in enumerate(placed, start=1):
        out[i] = place
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _label(code: Any, name: Any) -> str:
    """``编号及名称``: the code, a space and the name (``A2&" "&B2``)."""
    return f"{'' if code is None else code} {'' if name is None else name}"


def _first_by_key(rows: list[Row], key: str, value: str, keyof: Mapping[Any, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in rows:
        out.setdefault(keyof[r[key]] if keyof is not None else _casefold(r[key]), r.get(value) or "")
    return out


#: The input column each derived column's formula tests first: when it is blank, the formula gives
#: "" (formulas._blank_guard), and so does derive().
BLANK_GUARD: dict[tuple[str, str], str] = {
    ("products", "last_count_date"): "sku",
    ("products", "on_hand"): "sku",
    ("orders", "customer_name"): "customer_id",
    ("orders", "total"): "order_no",
    ("orders", "paid"): "order_no",
    ("orders", "balance"): "order_no",
    ("orders", "payment_status"): "order_no",
    ("orders", "shipped_on"): "order_no",
    ("orders", "pay_due"): "order_no",
    ("orders", "days_overdue"): "order_no",
    ("orders", "refund_due"): "order_no",
    ("orders", "allocated"): "order_no",
    ("orders", "open"): "order_no",
    ("orders", "alloc_rank"): "order_no",
    ("order_lines", "product_name"): "sku",
    ("order_lines", "amount"): "order_no",
    ("order_lines", "shipped_qty"): "order_no",
    ("order_lines", "whole_ship_date"): "order_no",
    ("products", "above_reorder"): "sku",
    ("stock_moves", "latest_count"): "sku",
    ("stock_moves", "product_name"): "sku",
    ("customers", "label"): "customer_id",
    ("customers", "sales"): "customer_id",
    ("customers", "sales_rank"): "customer_id",
    ("products", "label"): "sku",
    ("products", "low_seq"): "sku",
    ("orders", "overdue_rank"): "order_no",
}


def _guard(sheet: str, rows: list[Row], values: dict[str, list[Any]]) -> None:
    """Blank the derived values of rows whose guarding key is blank, as the formulas do."""
    blank_rows: dict[str, list[int]] = {}
    for (s, key), guard in BLANK_GUARD.items():
        if s == sheet:
            if guard not in blank_rows:
                keys = list(map(methodcaller("get", guard), rows))
                blank_rows[guard] = (
                    [i for i, k in enumerate(keys) if k in (None, "")] if None in keys or "" in keys else []
                )  # (most sheets have no row without its key: told in C)
            column = values[key]
            for i in blank_rows[guard]:
                column[i] = ""


@dataclass
class Derived:
    """Derived values per sheet: ``values[sheet][column] -> list`` aligned with the rows."""

    values: dict[str, dict[str, list[Any]]]

    def __getitem__(self, sheet: str) -> dict[str, list[Any]]:
        return self.values[sheet]


def payment_status(total: Decimal, paid: Decimal, cancelled: bool = False) -> str:
    if cancelled:  # settled to zero: nothing to collect, perhaps money to give back
        return "refund_due" if paid > 0 else "cancelled"
    if paid > total:
        return "overpaid"
    if paid == total and total > 0:
        return "paid"
    if paid > 0:
        return "partial"
    return "unpaid"


def month_end(d: date, months: int) -> date:
    """EOMONTH(d, months): the last day of the month ``months`` after ``d``'s."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _date(value: Any) -> date | None:
    """A date cell's day (ISNUMBER in the formulas); None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def payment_due(term: PaymentTerm | None, order_date: Any, due_date: Any, shipped_on: Any) -> date | str:
    """应付日期 of an order on ``term`` (config.PaymentTerm, None: no terms or unknown ones): see
    config.PaymentTerm; without terms the 交货日期, else the order date; "" when not due yet."""
    ordered, shipped = _date(order_date), _date(shipped_on)
    if term is None:
        return _date(due_date) or ordered or ""
    if not term.after_shipment:
        return ordered or ""
    if shipped is None:
        return ""
    base = month_end(shipped, term.months) if term.basis == "month_end" else shipped
    return base + timedelta(days=term.days)


#: 核销顺序 of an order no memo names, and of one without a payment due date (formulas._alloc_rank).
RANK_NOT_NAMED = 1_000_000
RANK_NOT_DUE = 999_999


def allocation_order(ranks: list[Any], customers: list[str]) -> dict[str, list[int]]:
    """Per customer key, the indices of its orders in the order money on account pays them:
    by 核销顺序, then sheet order (the formula's SUMIFS over the rows above)."""
    out: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(len(ranks)), key=lambda i: (ranks[i] if ranks[i] != "" else 0, i)):
        if customers[i] and ranks[i] != "":
            out[customers[i]].append(i)
    return out


@dataclass
class Shipped:
    """What the shipments sheet alone tells derive (``_shipments``)."""

    #: Per order key: how many whole-order rows (no 产品编号), and the first row's 发货日期.
    whole_n: dict[str, int]
    first_ship: dict[str, Any]
    #: Per order key: the whole-order ship date (INT of the mean serial, as the formula computes it).
    whole_date: dict[str, date | None]
    #: Quantities shipped by partial rows, per (order key, product key); per product key, (serial, qty).
    partial_qty: dict[tuple[str, str], int]
    partial_by_sku: dict[str, list[tuple[float, int]]]


def _shipments(ships: list[Row], _k: Mapping[Any, str]) -> Shipped:
    _serial: _Memo[Any, int | float] = _Memo(serial)
    whole_n: dict[str, int] = defaultdict(int)
    whole_serials: dict[str, float] = defaultdict(float)
    partial_qty: dict[tuple[str, str], int] = defaultdict(int)
    partial_by_sku: dict[str, list[tuple[float, int]]] = defaultdict(list)
    ship_orders = list(map(_k.__getitem__, map(itemgetter("order_no"), ships)))
    ship_dates = list(map(methodcaller("get", "ship_date"), ships))
    first_ship: dict[str, Any] = dict(zip(reversed(ship_orders), reversed(ship_dates)))  # the first wins
    for o, shipped, sku, qty in zip(
        ship_orders, ship_dates, map(methodcaller("get", "sku"), ships), map(methodcaller("get", "quantity"), ships)
    ):
        if sku in (None, ""):
            whole_n[o] += 1
            if shipped is not None:
                whole_serials[o] += _serial[shipped]
        else:
            qty = qty or 0
            partial_qty[(o, _k[sku])] += qty
            if shipped is not None:
                partial_by_sku[_k[sku]].append((_serial[shipped], qty))
    _day: _Memo[int, date | None] = _Memo(date_of_serial)  # a few hundred days for 200,000 orders
    whole_date = {o: _day[int(whole_serials[o] / n)] for o, n in whole_n.items()}
    return Shipped(whole_n, first_ship, whole_date, partial_qty, partial_by_sku)


@dataclass
class PaidIn:
    """What the payments sheet alone tells derive (``_payments``): per order key what was paid to it;
    per customer key what was paid on account, and those payments' 备注 (for memo allocation)."""

    direct: dict[str, Decimal]
    pool: dict[str, Decimal]
    memos: dict[str, list[str]]


def _payments(pays: list[Row], _k: Mapping[Any, str]) -> PaidIn:
    direct: dict[str, Decimal] = defaultdict(Decimal)
    pool: dict[str, Decimal] = defaultdict(Decimal)
    memos: dict[str, list[str]] = defaultdict(list)
    for p in pays:
        if p.get("order_no") in (None, ""):
            c = _k[p.get("customer_id")]
            pool[c] += _num(p.get("amount"))
            if p.get("notes") not in (None, ""):
                memos[c].append(str(p["notes"]).casefold())
        else:
            direct[_k[p["order_no"]]] += _num(p.get("amount"))
    return PaidIn(direct, pool, memos)


#: What one sheet alone tells derive, by sheet key: worked out ahead by ``one_sheet`` as the sheet is
#: read (validate/runner.py), while the reader parses the next.
ONE_SHEET: dict[str, Callable[[list[Row], Keys], Any]] = {
    "shipments": _shipments,
    "payments": _payments,
}


def one_sheet(sheet: str, rows: list[Row], keys: Keys) -> tuple[list[Row], Any] | None:
    """``(rows, what sheet ``sheet``'s rows alone tell derive)``, for its ``ahead``; None for a sheet
    derive needs with the others."""
    part = ONE_SHEET.get(sheet)
    return None if part is None else (rows, part(rows, keys))


def _ahead(ahead: Mapping[str, tuple[list[Row], Any]] | None, sheet: str, rows: list[Row]) -> Any:
    """The part ``one_sheet`` worked out of ``rows`` (None: none, or of other rows)."""
    done = (ahead or {}).get(sheet)
    return done[1] if done is not None and done[0] is rows else None


def derive(
    data: BookData,
    config: Config | None = None,
    today: date | None = None,
    *,
    keys: Callable[[Any], str] = normalise,
    known: Keys | None = None,
    ahead: Mapping[str, tuple[list[Row], Any]] | None = None,
) -> Derived:
    """Every derived column of ``data``. ``config``: the payment terms and the allocation of payments
    on account (default settings when None); ``today``: for 逾期天数 (TODAY() in the book); ``keys``:
    how keys compare (keys.as_formulas_compare gives the workbook's view of a misspelt key);
    ``known``: the keys (``normalise``) a caller has already worked out, to share instead of ``keys``;
    ``ahead``: ``one_sheet``'s parts, worked out with ``known`` as the sheets were read."""
    config = config or Config()
    today = today or date.today()
    # cells hold what the reader made of them: keys and dates are Any until a memo has seen them
    _k: dict[Any, str] = known if known is not None else _Memo(keys)
    _serial: _Memo[Any, int | float] = _Memo(serial)
    _day: _Memo[int, date | None] = _Memo(date_of_serial)  # a few hundred days for 200,000 orders
    _amount = _Memo(_line_amount)
    _term: _Memo[Any, PaymentTerm | None] = _Memo(config.payment_term)
    customers, products, orders, lines, ships, pays, moves = (data[k] for k in INPUTS)

    shipped = _ahead(ahead, "shipments", ships) or _shipments(ships, _k)
    whole_n, partial_qty, partial_by_sku = shipped.whole_n, shipped.partial_qty, shipped.partial_by_sku
    first_ship, whole_date = shipped.first_ship, shipped.whole_date

    # --- order lines
    product_names = _first_by_key(products, "sku", "name", _k)
    list_prices: dict[str, Any] = {}
    for p in products:
        list_prices.setdefault(_k[p["sku"]], p.get("list_price"))
    # column by column, each a loop in C where it can be (a large book has a million lines): the
    # Python loops left are over what needs a choice per line
    line_numbers = list(map(itemgetter("order_no"), lines))
    line_orders = list(map(_k.__getitem__, line_numbers))
    line_skus = list(map(_k.__getitem__, map(itemgetter("sku"), lines)))
    quantities = list(map(methodcaller("get", "quantity"), lines))
    prices = list(map(methodcaller("get", "unit_price"), lines))
    if None in prices:  # a blank 单价 is the list price
        prices = [unit_price(p, sku, list_prices) for p, sku in zip(prices, line_skus)]
    line_name = list(map(product_names.get, line_skus, repeat("")))
    line_amount = list(map(_amount.__getitem__, zip(quantities, prices, map(methodcaller("get", "discount"), lines))))
    whole_count = list(map(whole_n.get, line_orders, repeat(0)))
    line_shipped = [
        (q or 0) if n > 0 else partial_qty.get((o, sku), 0)
        for q, n, o, sku in zip(quantities, whole_count, line_orders, line_skus)
    ]
    line_whole: list[Any] = [whole_date[o] if n else "" for o, n in zip(line_orders, whole_count)]

    # from the same columns: each order's total, and what whole-order shipments took of each product
    # (a line _guard blanks below, one without its 订单编号, counts in neither)
    def guards(column: str) -> list[Any]:
        key = BLANK_GUARD[("order_lines", column)]
        return line_numbers if key == "order_no" else list(map(methodcaller("get", key), lines))

    total_by: dict[str, Decimal] = defaultdict(Decimal)
    line_whole_by_sku: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for guard, o, amount in zip(guards("amount"), line_orders, line_amount):
        if guard not in (None, ""):
            total_by[o] += amount
    for guard, sku, whole, q in zip(guards("whole_ship_date"), line_skus, line_whole, quantities):
        if whole != "" and guard not in (None, ""):
            line_whole_by_sku[sku].append((_serial[whole], q or 0))
    line_values: dict[str, list[Any]] = {
        "product_name": line_name,
        "amount": line_amount,
        "shipped_qty": line_shipped,
        "whole_ship_date": line_whole,
    }
    _guard("order_lines", lines, line_values)

    # --- orders
    customer_names = _first_by_key(customers, "customer_id", "name", _k)
    paid_in = _ahead(ahead, "payments", pays) or _payments(pays, _k)
    direct, pool, memos = paid_in.direct, paid_in.pool, paid_in.memos
    customer_terms = _first_by_key(customers, "customer_id", "terms", _k)
    by_memo = config.receivables.allocation == "memo"

    # column by column, as the lines (a large book has a quarter of a million orders)
    n = len(orders)

    def column(key: str) -> list[Any]:
        return list(map(methodcaller("get", key), orders))

    order_numbers = list(map(itemgetter("order_no"), orders))
    customer_ids = list(map(itemgetter("customer_id"), orders))
    o_keys, o_custkeys = list(map(_k.__getitem__, order_numbers)), list(map(_k.__getitem__, customer_ids))
    o_cancelled = [status == "cancelled" for status in column("status")]
    o_name = list(map(customer_names.get, o_custkeys, repeat("")))
    o_total = list(map(total_by.get, o_keys, repeat(_ZERO_CENTS)))  # sums of amounts in whole cents
    o_ship: list[Any] = [d if d.__class__ is date else (_date(d) or "") for d in map(first_ship.get, o_keys)]
    terms = [_term[t or customer_terms.get(c, "")] for t, c in zip(column("terms"), o_custkeys)]
    o_due = list(map(payment_due, terms, column("order_date"), column("due_date"), o_ship))
    o_open = [
        _ZERO_CENTS if cancelled else money(max(ZERO, total - direct.get(o, ZERO)))
        for cancelled, total, o in zip(o_cancelled, o_total, o_keys)
    ]
    named: Iterable[bool] = repeat(False)
    if by_memo:
        named = [bool(o) and any(o in memo for memo in memos.get(c, ())) for o, c in zip(o_keys, o_custkeys)]
    o_rank = [
        (0 if memo_names else RANK_NOT_NAMED) + (int(_serial[due]) if isinstance(due, date) else RANK_NOT_DUE)
        for memo_names, due in zip(named, o_due)
    ]
    o_cust = [c if o and cid not in (None, "") else "" for o, c, cid in zip(o_keys, o_custkeys, customer_ids)]
    sales_by: dict[str, Decimal] = defaultdict(Decimal)  # per customer, cancelled orders left out
    total_guard = BLANK_GUARD[("orders", "total")]
    counted = order_numbers if total_guard == "order_no" else column(total_guard)  # (_guard blanks the others' totals)
    for cancelled, guard, c, total in zip(o_cancelled, counted, o_custkeys, o_total):
        if not cancelled and guard not in (None, ""):
            sales_by[c] += total

    # money on account pays each customer's open orders in 核销顺序
    o_alloc: list[Any] = [ZERO] * n
    for c, indices in allocation_order(o_rank, o_cust).items():
        left = pool.get(c, ZERO)
        for i in indices:
            o_alloc[i] = money(max(ZERO, min(o_open[i], left)))
            left -= o_open[i]

    o_paid, o_balance, o_status, o_refund, o_late = [], [], [], [], []
    for i, cancelled in enumerate(o_cancelled):
        total = o_total[i]
        paid = money(direct.get(o_keys[i], ZERO) + o_alloc[i])
        if paid == total:  # paid in full (most orders): the total's own Decimal, not an equal copy
            paid = total
        # both in whole cents, so are their differences: only a nought or less is made the shared 0.00
        balance = _ZERO_CENTS if cancelled or paid is total else money(total - paid)
        o_paid.append(paid)
        o_balance.append(balance)
        o_status.append(payment_status(total, paid, cancelled))
        refund = paid if cancelled else paid - total
        o_refund.append(refund if refund > 0 else _ZERO_CENTS)
        due = o_due[i]
        o_late.append(max(0, (today - due).days) if isinstance(due, date) and balance > 0 else "")

    # --- stock on hand: from the latest stocktake (end of its day), else from the opening stock
    last_count: dict[str, float] = {}
    for m in moves:
        if m.get("type") == "stocktake" and m.get("date") is not None:
            sku = _k[m["sku"]]
            last_count[sku] = max(last_count.get(sku, 0), _serial[m["date"]])
    on_hand, last_count_date = [], []
    moves_by_sku: dict[str, list[Row]] = defaultdict(list)
    for m in moves:
        moves_by_sku[_k[m["sku"]]].append(m)
    for p in products:
        sku = _k[p["sku"]]
        t = last_count.get(sku, 0)
        last_count_date.append(_day[int(t)] if t else "")
        base: Any
        if t == 0:
            base = p.get("opening_stock") or 0
        else:
            base = sum(
                m.get("quantity") or 0
                for m in moves_by_sku[sku]
                if m.get("type") == "stocktake" and m.get("date") is not None and _serial[m["date"]] == t
            )
        after = sum(
            m.get("quantity") or 0
            for m in moves_by_sku[sku]
            if m.get("type") != "stocktake" and m.get("date") is not None and _serial[m["date"]] > t
        )
        gone = sum(q for d, q in partial_by_sku[sku] if d > t) + sum(q for d, q in line_whole_by_sku[sku] if d > t)
        on_hand.append(base + after - gone)
    # how far stock is above the reorder point, where one is set (the dashboard counts the rest)
    above = [n - p["reorder_point"] if _is_number(p.get("reorder_point")) else "" for p, n in zip(products, on_hand)]
    default = config.thresholds.low_stock_default
    low_seq, seen = [], 0
    for p, stock in zip(products, on_hand):
        low = low_stock(p, stock, default)
        seen += low
        low_seq.append(seen if low else "")

    # --- stock movements: the product's latest stocktake shows its date (products count from it)
    latest_count = [
        m["date"]
        if m.get("type") == "stocktake"
        and m.get("date") is not None
        and last_count.get(_k[m["sku"]]) == _serial[m["date"]]
        else ""
        for m in moves
    ]
    move_values: dict[str, list[Any]] = {
        "latest_count": latest_count,
        "product_name": [product_names.get(_k[m["sku"]], "") for m in moves],
    }
    _guard("stock_moves", moves, move_values)

    product_values: dict[str, list[Any]] = {
        "last_count_date": last_count_date,
        "on_hand": on_hand,
        "above_reorder": above,
        "label": [_label(p["sku"], p.get("name")) for p in products],
        "low_seq": low_seq,
    }
    _guard("products", products, product_values)
    order_values: dict[str, list[Any]] = {
        "customer_name": o_name,
        "total": o_total,
        "paid": o_paid,
        "balance": o_balance,
        "payment_status": o_status,
        "shipped_on": o_ship,
        "pay_due": o_due,
        "days_overdue": o_late,
        "refund_due": o_refund,
        "allocated": o_alloc,
        "open": o_open,
        "alloc_rank": o_rank,
        "overdue_rank": [""] * len(orders),
    }
    _guard("orders", orders, order_values)
    order_values["overdue_rank"] = ranks(order_values["days_overdue"])  # of the rows the formulas fill

    # --- customers: the dropdown entry, sales to date (cancelled orders left out) and its place
    sales = [money(sales_by.get(_k[c["customer_id"]], ZERO)) for c in customers]
    customer_values: dict[str, list[Any]] = {
        "label": [_label(c["customer_id"], c.get("name")) for c in customers],
        "sales": sales,
        "sales_rank": [""] * len(customers),
    }
    _guard("customers", customers, customer_values)
    customer_values["sales_rank"] = ranks(customer_values["sales"])
    return Derived(
        {
            "customers": customer_values,
            "products": product_values,
            "orders": order_values,
            "order_lines": line_values,
            "status_log": {},
            "shipments": {},
            "payments": {},
            "stock_moves": move_values,
        }
    )
