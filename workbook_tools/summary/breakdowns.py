"""The month's breakdowns: top customers and products, orders by status, salesperson, payment
method, carrier and province, revenue per day, and the twelve months up to this one.

Revenue-based breakdowns count the month's orders that are not cancelled (as the ``revenue``
figure does); ``share`` is a row's part of the month's revenue. Payment methods count payments
dated in the month; carriers count shipment rows shipped in the month. A blank value groups under
"" (shown as "(blank)").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ..choices import ORDER_STATUS
from ..derive import cents
from .facts import Facts, Order
from .months import Month

ZERO = Decimal(0)
Row = dict[str, Any]


def _share(part: Decimal, whole: Decimal) -> float | None:
    return float(part / whole) if whole else None


def _grouped(orders: list[Order], keyof: Callable[[Order], Any], revenue: Decimal) -> dict[Any, Row]:
    groups: dict[Any, Row] = {}
    for o in orders:
        g = groups.get(keyof(o))
        if g is None:
            g = groups[keyof(o)] = {"orders": 0, "revenue": ZERO, "_customers": set(), "_first": o}
        g["orders"] += 1
        g["revenue"] += o.total
        g["_customers"].add(o.customer)
    for g in groups.values():
        g["revenue"] = cents(g["revenue"])
        g["share"] = _share(g["revenue"], revenue)
    return groups


def _by_revenue(row: Row, name: str) -> tuple[Any, ...]:
    return (-row["revenue"], -row["orders"], row[name])


def breakdowns(facts: Facts, month: Month, *, top: int = 10) -> dict[str, list[Row]]:
    m = month.index
    orders = facts.orders_by_month.get(m, [])
    live = [o for o in orders if o.live]
    revenue = cents(sum((o.total for o in live), ZERO))
    out: dict[str, list[Row]] = {}

    customers = []
    for ck, g in _grouped(live, lambda o: o.customer, revenue).items():
        cid, name, _ = facts.customers.get(ck, ("", "", ""))
        customers.append(
            {
                "customer_id": cid or g["_first"].customer_id,
                "name": name,
                "orders": g["orders"],
                "revenue": g["revenue"],
                "share": g["share"],
            }
        )
    out["top_customers"] = sorted(customers, key=lambda r: _by_revenue(r, "customer_id"))[:top]

    products: dict[str, Row] = {}
    for ln in facts.lines_by_month.get(m, []):
        if ln.live:
            p = products.get(ln.sku)
            if p is None:
                name, spec = facts.products.get(ln.sku, ("", ""))
                p = products[ln.sku] = {"sku": ln.sku_text, "name": name, "spec": spec, "quantity": 0, "revenue": ZERO}
            p["quantity"] += ln.quantity
            p["revenue"] += ln.amount
    for p in products.values():
        p["revenue"] = cents(p["revenue"])
        p["share"] = _share(p["revenue"], revenue)
    rows = list(products.values())
    out["top_products_by_revenue"] = sorted(rows, key=lambda r: (-r["revenue"], -r["quantity"], r["sku"]))[:top]
    out["top_products_by_quantity"] = sorted(rows, key=lambda r: (-r["quantity"], -r["revenue"], r["sku"]))[:top]

    statuses: dict[str, Row] = {c.value: {"status": c.value, "orders": 0, "amount": ZERO} for c in ORDER_STATUS}
    for o in orders:
        s = statuses.setdefault(o.status, {"status": o.status, "orders": 0, "amount": ZERO})
        s["orders"] += 1
        s["amount"] += o.total
    out["orders_by_status"] = [{**s, "amount": cents(s["amount"])} for s in statuses.values()]

    out["by_salesperson"] = sorted(
        (
            {"salesperson": k, "orders": g["orders"], "revenue": g["revenue"], "share": g["share"]}
            for k, g in _grouped(live, lambda o: o.salesperson, revenue).items()
        ),
        key=lambda r: _by_revenue(r, "salesperson"),
    )
    out["by_province"] = sorted(
        (
            {
                "province": k,
                "customers": len(g["_customers"]),
                "orders": g["orders"],
                "revenue": g["revenue"],
                "share": g["share"],
            }
            for k, g in _grouped(live, lambda o: facts.customers.get(o.customer, ("", "", ""))[2], revenue).items()
        ),
        key=lambda r: _by_revenue(r, "province"),
    )

    methods: dict[str, Row] = {}
    for pay in facts.payments_by_month.get(m, []):
        r = methods.setdefault(pay.method, {"method": pay.method, "payments": 0, "amount": ZERO})
        r["payments"] += 1
        r["amount"] += pay.amount
    out["by_payment_method"] = sorted(
        ({**r, "amount": cents(r["amount"])} for r in methods.values()),
        key=lambda r: (-r["amount"], -r["payments"], r["method"]),
    )

    carriers: dict[str, Row] = {}
    for ship in facts.shipments_by_month.get(m, []):
        r = carriers.setdefault(
            ship.carrier, {"carrier": ship.carrier, "shipments": 0, "_orders": set(), "delivered": 0, "_days": 0}
        )
        r["shipments"] += 1
        r["_orders"].add(ship.order)
        if ship.delivered_on is not None:
            r["delivered"] += 1
            r["_days"] += (ship.delivered_on - ship.ship_date).days
    out["by_carrier"] = sorted(
        (
            {
                "carrier": r["carrier"],
                "shipments": r["shipments"],
                "orders": len(r["_orders"]),
                "delivered": r["delivered"],
                "days_to_deliver": r["_days"] / r["delivered"] if r["delivered"] else None,
            }
            for r in carriers.values()
        ),
        key=lambda r: (-r["shipments"], r["carrier"]),
    )

    out["daily"] = daily(orders, month)
    out["monthly"] = monthly(facts, month)
    return out


def daily(orders: list[Order], month: Month) -> list[Row]:
    """Every day of the month: orders placed (any status) and revenue (not cancelled)."""
    days: list[Row] = [
        {"date": month.first + timedelta(days=i), "orders": 0, "revenue": ZERO} for i in range(month.days)
    ]
    for o in orders:
        d = days[o.order_date.day - 1]
        d["orders"] += 1
        if o.live:
            d["revenue"] += o.total
    for d in days:
        d["revenue"] = cents(d["revenue"])
    return days


def monthly(facts: Facts, month: Month, n: int = 12) -> list[Row]:
    """The ``n`` months up to this one: orders (any status), revenue (not cancelled), payments received.
    Months before the book's first order have None."""
    first = facts.first_month
    rows: list[Row] = []
    for i in range(n - 1, -1, -1):
        m = month.shift(-i)
        if first is None or m.index < first:
            rows.append({"month": str(m), "orders": None, "revenue": None, "received": None})
        else:
            rows.append(
                {
                    "month": str(m),
                    "orders": facts.orders_count.get(m.index, 0),
                    "revenue": cents(facts.revenue.get(m.index, ZERO)),
                    "received": cents(facts.received.get(m.index, ZERO)),
                }
            )
    return rows
