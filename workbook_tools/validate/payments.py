"""Payment rules: nothing overpaid (at the payment that went over, and on the order), no payment long
before its order (unless its terms are prepayment), completed orders settled, prepaid orders paid
before they ship, prices near the list price."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ..book import Row
from ..config import PaymentTerm
from ..findings import Finding
from .context import Context

CODES = ("overpaid", "payment-before-order", "completed-unpaid", "prepay-unpaid", "price-deviation")


def check(ctx: Context) -> Iterator[Finding]:
    derived = ctx.derived["orders"]
    pays_of = ctx.index("payments", "order_no")
    keys = ctx.keys
    rows = ctx.table("orders").rows
    for i, (o, total, paid, balance) in enumerate(zip(rows, derived["total"], derived["paid"], derived["balance"])):
        if paid > total and o.get("status") != "cancelled":
            yield ctx.at("overpaid", "orders", i, "paid", o.get("order_no"), expected=total, other=paid)
            yield from _overpaying_payment(ctx, o, total, pays_of.get(keys[o.get("order_no")], ()))
        if o.get("status") == "completed" and balance > 0:
            yield ctx.at("completed-unpaid", "orders", i, "balance", o.get("order_no"), expected=balance)
    yield from _paid_before_ordered(ctx)
    yield from _prepay_unpaid(ctx)

    limit = Decimal(str(ctx.config.thresholds.price_deviation))
    products = ctx.table("products").rows
    list_price = {sku: products[at[0]].get("list_price") for sku, at in ctx.index("products", "sku").items()}
    for j, ln in enumerate(ctx.table("order_lines").rows):
        price = ln.get("unit_price")
        if price is None:
            continue
        listed = list_price.get(keys[ln.get("sku")])
        if listed and listed > 0 and abs(price - listed) / listed > limit:
            yield ctx.at(
                "price-deviation", "order_lines", j, "unit_price", price, expected=listed, other=f"{limit:.0%}"
            )


def _overpaying_payment(ctx: Context, order: Row, total: Decimal, rows: Sequence[int]) -> Iterator[Finding]:
    """``overpaid`` at the 金额 of the payment that took the order over its total: summing the order's
    payments as the sheet lists them (as they were entered: a payment typed twice, or one booked to
    the wrong order, is the later row whatever its date), the last row after which the running sum
    stays above the total — an excess refunded and paid again is the later payment's."""
    pays = ctx.table("payments").rows
    running = Decimal(0)
    over_at: tuple[int, Decimal] | None = None
    for j in rows:
        amount = pays[j].get("amount")
        if not isinstance(amount, (int, Decimal)) or isinstance(amount, bool):
            continue
        before, running = running, running + amount
        if before <= total < running:
            over_at = (j, running)
        elif running <= total:
            over_at = None
    if over_at is not None:
        j, running = over_at
        yield ctx.at("overpaid", "payments", j, "amount", order.get("order_no"), expected=total, other=running)


def order_terms(ctx: Context, order: Row) -> PaymentTerm | None:
    """The payment term of ``order`` (config.PaymentTerm): its own 付款条件, else its customer's;
    None without terms (or with ones the settings do not know)."""
    name = order.get("terms")
    if not name:
        at = ctx.index("customers", "customer_id").get(ctx.keys[order.get("customer_id")])
        name = ctx.table("customers").rows[at[0]].get("terms") if at else None
    terms: dict[Any, PaymentTerm | None] = ctx.once("payment_terms", dict)
    if name not in terms:  # a book names a handful of terms on 100,000 orders
        terms[name] = ctx.config.payment_term(name)
    return terms[name]


def prepay_allowance_days(ctx: Context, order: Row) -> int:
    """How many days before ``order``'s date one of its payments may be dated without a
    ``payment-before-order`` warning: ``thresholds.prepay_days`` on prepayment terms (款到发货), and
    for an order without terms (it may have been prepaid); 0 on any other terms (月结, 货到付款 …:
    money before the order is a mistyped date or order number)."""
    term = order_terms(ctx, order)
    return ctx.config.thresholds.prepay_days if term is None or term.basis == "prepay" else 0


def _prepay_unpaid(ctx: Context) -> Iterator[Finding]:
    """An order on prepayment terms, not shipped yet, that still owes money while its 交货日期 is at
    most ``thresholds.prepay_notice_days`` away (or past)."""
    notice = ctx.today + timedelta(days=ctx.config.thresholds.prepay_notice_days)
    shipped = ctx.index("shipments", "order_no")
    balances = ctx.derived["orders"]["balance"]
    keys = ctx.keys
    due_days = ctx.days("orders", "due_date")
    for i, o in enumerate(ctx.table("orders").rows):
        due, balance = due_days[i], balances[i]
        if o.get("status") not in ("pending", "processing") or due is None or due > notice:
            continue
        if balance == "" or balance <= 0 or keys[o.get("order_no")] in shipped:
            continue
        term = order_terms(ctx, o)
        if term is not None and term.basis == "prepay":
            yield ctx.at("prepay-unpaid", "orders", i, "balance", o.get("order_no"), expected=due, other=balance)


def _paid_before_ordered(ctx: Context) -> Iterator[Finding]:
    orders = ctx.table("orders").rows
    order_at = ctx.index("orders", "order_no")
    keys = ctx.keys
    paid_days, order_days = ctx.days("payments", "paid_on"), ctx.days("orders", "order_date")
    for j, p in enumerate(ctx.table("payments").rows):
        at = order_at.get(keys[p.get("order_no")])
        paid_on = paid_days[j]
        if not at or paid_on is None:
            continue
        order = orders[at[0]]
        placed = order_days[at[0]]
        if placed is None:
            continue
        early = (placed - paid_on).days
        if early <= 0:  # most payments: on or after the order date, whatever the terms
            continue
        limit = prepay_allowance_days(ctx, order)
        if early > limit:
            yield ctx.at(
                "payment-before-order",
                "payments",
                j,
                "paid_on",
                paid_on,
                expected=placed,
                order=order.get("order_no"),
                days=early,
                limit=limit,
            )
