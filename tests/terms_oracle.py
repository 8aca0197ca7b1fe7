"""The payment due date (应付日期) of every order, worked out apart from derive.py for the tests that
hold the tools against pandas: the order's terms, else its customer's (first customer row), from the
settings' list; prepay and cash on the order date; the rest from the order's first shipment row —
月结 to the end of the month ``months`` on, then ``days``; without terms the 交货日期 or the order date.
And which orders money on account paid (:func:`allocated`, :func:`with_allocation`), worked out the
same way apart from derive.py."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from workbook_tools.config import Config


def payment_due(data, config: Config | None = None) -> dict[str, pd.Timestamp]:
    config = config or Config()
    by_name = {t.name: t for t in config.lists.payment_terms}
    customer_terms: dict[str, str | None] = {}
    for c in data["customers"]:
        customer_terms.setdefault(str(c["customer_id"]).casefold(), c.get("terms"))
    first_ship: dict[str, date | None] = {}
    for s in data["shipments"]:
        first_ship.setdefault(str(s["order_no"]).casefold(), s.get("ship_date"))
    out = {}
    for o in data["orders"]:
        term = by_name.get(o.get("terms") or customer_terms.get(str(o["customer_id"]).casefold()) or "")
        shipped = first_ship.get(str(o["order_no"]).casefold())
        if term is None:
            due = o.get("due_date") or o.get("order_date")
        elif term.basis in ("prepay", "cash"):
            due = o.get("order_date")
        elif shipped is None:
            due = None
        elif term.basis == "month_end":
            y, m = shipped.year + (shipped.month - 1 + term.months) // 12, (shipped.month - 1 + term.months) % 12 + 1
            due = date(y, m, calendar.monthrange(y, m)[1]) + timedelta(days=term.days)
        else:
            due = shipped + timedelta(days=term.days)
        out[o["order_no"]] = pd.Timestamp(due) if due else pd.NaT
    return out


def allocated(
    data, totals: dict[str, Decimal], as_of: date | None = None, config: Config | None = None
) -> dict[str, Decimal]:
    """Per order number, the money on account (付款 rows with a customer and no order) that paid it,
    worked out apart from derive.py: each customer's payments on account, all together, fill its open
    orders (not cancelled; total − the payments naming the order, when positive) oldest payment due
    date first — orders not due yet last — then in sheet order (the default ``oldest_due``; the demo
    has no memo allocation). ``totals``: each order's total, worked out by the caller. ``as_of``: only
    the payments dated up to that day count, and only the orders placed by then take money."""
    assert (config or Config()).receivables.allocation == "oldest_due"
    due = payment_due(data, config)

    def counts(p) -> bool:
        return as_of is None or p.get("paid_on") is None or p["paid_on"] <= as_of

    direct: dict[str, Decimal] = {}
    pool: dict[str, Decimal] = {}
    for p in data["payments"]:
        if not counts(p):
            continue
        if p.get("order_no"):
            direct[p["order_no"]] = direct.get(p["order_no"], Decimal(0)) + p["amount"]
        elif p.get("customer_id"):
            pool[p["customer_id"]] = pool.get(p["customer_id"], Decimal(0)) + p["amount"]
    queue: dict[str, list[tuple]] = {}
    for i, o in enumerate(data["orders"]):
        placed = as_of is None or (o.get("order_date") is not None and o["order_date"] <= as_of)
        if o["status"] == "cancelled" or not placed or o["customer_id"] not in pool:
            continue
        open_ = totals[o["order_no"]] - direct.get(o["order_no"], Decimal(0))
        d = due[o["order_no"]]
        if open_ > 0:
            queue.setdefault(o["customer_id"], []).append(
                (pd.isna(d), d if not pd.isna(d) else None, i, o["order_no"], open_)
            )
    out: dict[str, Decimal] = {}
    for cust, todo in queue.items():
        left = pool[cust]
        for _not_due, _due, _i, no, open_ in sorted(todo, key=lambda t: t[:3]):
            if left <= 0:
                break
            out[no] = min(open_, left)
            left -= out[no]
    return out


def with_allocation(data, orders: pd.DataFrame) -> pd.DataFrame:
    """reconcile_cases.order_amounts' frame (by order number: total_c, paid_c, balance_c in cents)
    with the money on account each order took (:func:`allocated`) in paid_c and balance_c."""
    took = allocated(data, {no: Decimal(int(t)) / 100 for no, t in orders["total_c"].items()})
    orders = orders.copy()
    orders["paid_c"] += pd.Series({no: int(a * 100) for no, a in took.items()}, dtype="int64").reindex(
        orders.index, fill_value=0
    )
    orders["balance_c"] = orders["total_c"] - orders["paid_c"]
    return orders
