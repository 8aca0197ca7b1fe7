"""Turn the generator's objects into BookData rows: input columns only, canonical values."""

from __future__ import annotations

import random
from datetime import timedelta

from ..book import BookData, Row
from .context import Ctx
from .orders import Order
from .payments import Payment
from .people import Customer
from .products import Product
from .shipping import local_deliveries, tracking_no
from .stock import Move

#: Payment terms of the demo's companies (most on 月结) and people (prepay, or pay at once by phone).
_COMPANY_TERMS = (("月结30天", 45), ("月结60天", 35), ("票到30天", 10), ("款到发货", 10))
#: The share of a 月结 customer's months with several transfers that it pays as one transfer on account.
ON_ACCOUNT_SHARE = 0.6
_AT_ONCE = frozenset({"微信支付", "支付宝"})


def customer_terms(c: Customer) -> str:
    """A customer's terms, fixed by its ID (its own generator: the other figures stay as they were)."""
    if c.is_person:
        return "现结" if c.pay_method in _AT_ONCE else "款到发货"
    names, weights = [name for name, _ in _COMPANY_TERMS], [weight for _, weight in _COMPANY_TERMS]
    return random.Random(f"terms-{c.id}").choices(names, weights)[0]


def on_account(pay_rows: list[Row], terms_of: dict[str, str], order_of: dict[str, tuple[str, str]]) -> list[Row]:
    """Some months a 月结 customer pays the month's bank transfers for several orders as one transfer
    on account (付款 with the customer, no order; on the last of those days), as such customers pay:
    the orders are then paid by allocation (核销顺序). Payments of cancelled orders stay as they are
    (their refunds name the order). ``order_of``: order number → (customer ID, status)."""
    groups: dict[tuple[str, int, int], list[int]] = {}  # (customer, year, month) -> rows
    for i, p in enumerate(pay_rows):
        cust, status = order_of.get(p["order_no"], ("", ""))
        if (
            p["method"] == "银行转账"
            and p["amount"] > 0
            and status != "cancelled"
            and terms_of.get(cust, "").startswith("月结")
        ):
            groups.setdefault((cust, p["paid_on"].year, p["paid_on"].month), []).append(i)
    merged: dict[int, Row] = {}
    gone: set[int] = set()
    for key, idx in groups.items():
        several = len({pay_rows[i]["order_no"] for i in idx}) > 1
        # its own generator per customer and month (the other figures stay as they were)
        if not several or random.Random(f"on-account-{key[0]}-{key[1]}-{key[2]}").random() >= ON_ACCOUNT_SHARE:
            continue
        last = max(idx, key=lambda i: (pay_rows[i]["paid_on"], i))
        orders = "、".join(dict.fromkeys(pay_rows[i]["order_no"] for i in idx))
        merged[last] = {
            **pay_rows[last],
            "order_no": None,
            "customer_id": key[0],
            "amount": sum(pay_rows[i]["amount"] for i in idx),
            "notes": f"月结货款（{orders}）",
        }
        gone.update(i for i in idx if i != last)
    return [merged.get(i, p) for i, p in enumerate(pay_rows) if i not in gone]


def book_rows(
    ctx: Ctx,
    customers: list[Customer],
    products: list[Product],
    book: list[Order],
    payments: list[Payment],
    moves: list[Move],
) -> BookData:
    clock, rng = ctx.clock, ctx.rng
    dates, dt = clock.dates, clock.datetime
    start = clock.start

    cust_rows = [
        {
            "customer_id": c.id,
            "name": c.name,
            "contact": c.contact,
            "phone": c.phone,
            "email": c.email,
            "province": c.city.province,
            "city": c.city.name,
            "address": c.address,
            "tier": c.tier,
            "tax_id": c.tax_id,
            "preferences": "，".join(c.habits) or None,
            "created_on": c.created_on,
            "notes": c.notes,
            "terms": customer_terms(c),
        }
        for c in sorted(customers, key=lambda c: c.id)
    ]
    skus = [p.sku for p in products]
    product_rows = [
        {
            "sku": p.sku,
            "name": p.name,
            "model": p.model,
            "spec": p.spec,
            "unit": p.unit,
            "list_price": p.price,
            "opening_stock": p.opening,
            "reorder_point": p.reorder,
            "active": "yes" if p.active else "no",
        }
        for p in products
    ]
    order_rows, line_rows, log, ships = [], [], [], []
    for o in book:
        no = o.no
        order_rows.append(
            {
                "order_no": no,
                "customer_id": o.cust.id,
                "order_date": dates[o.day],
                "due_date": start + timedelta(days=o.due_day),
                "status": o.status,
                "salesperson": o.sales,
                "notes": o.notes,
                "terms": None,
            }
        )
        for ln in o.lines:
            line_rows.append(
                {
                    "order_no": no,
                    "sku": skus[ln.product],
                    "quantity": ln.qty,
                    "unit_price": ln.price,
                    "discount": ln.discount,
                    "notes": ln.note,
                }
            )
        for k, e in enumerate(o.log):
            log.append((e[0], o.i, k, no, e))
        for k, s in enumerate(o.ships):
            ships.append((s[0], o.i, k, no, s))
    log.sort(key=lambda t: t[:3])
    ships.sort(key=lambda t: t[:3])
    log_rows = [
        {"order_no": no, "status": e[1], "timestamp": dt(m), "issue": e[2], "resolution": e[3], "handled_by": e[4]}
        for m, _, _, no, e in log
    ]
    ship_rows = [
        {
            "order_no": no,
            "ship_date": dates[m // 1440],
            "carrier": s[1].carrier.name,
            "tracking_no": tracking_no(ctx, s[1]),
            "sku": None if s[3] is None else skus[s[3]],
            "quantity": s[4],
            "delivered_on": None if s[5] is None else dates[s[5] // 1440],
            "notes": s[6],
        }
        for m, _, _, no, s in ships
    ]
    local_deliveries(ctx, ship_rows, {o.no: o.cust.city.name for o in book})
    pays = sorted(enumerate(payments), key=lambda t: (t[1].m, t[1].order.i, t[0]))
    pay_rows = [
        {
            "order_no": p.order.no,
            "paid_on": dates[p.m // 1440],
            "method": p.method,
            "amount": p.amount,
            "reference": p.reference,
            "notes": p.notes(rng),
            "customer_id": None,
        }
        for _, p in pays
    ]
    pay_rows = on_account(
        pay_rows, {c.id: customer_terms(c) for c in customers}, {o.no: (o.cust.id, o.status) for o in book}
    )
    move_rows = [
        {
            "date": dates[m.day],
            "sku": skus[m.product],
            "type": m.type,
            "quantity": m.qty,
            "doc_no": m.doc,
            "notes": m.note,
        }
        for m in moves
    ]
    return {
        "customers": cust_rows,
        "products": product_rows,
        "orders": order_rows,
        "order_lines": line_rows,
        "status_log": log_rows,
        "shipments": ship_rows,
        "payments": pay_rows,
        "stock_moves": move_rows,
    }
