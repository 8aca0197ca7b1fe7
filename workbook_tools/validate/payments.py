"""Payment rules: nothing overpaid, completed orders settled, prices near the list price."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .context import Context

CODES = ("overpaid", "completed-unpaid", "price-deviation")


def check(ctx: Context) -> Iterator:
    derived = ctx.derived["orders"]
    for i, o in enumerate(ctx.table("orders").rows):
        total, paid, balance = derived["total"][i], derived["paid"][i], derived["balance"][i]
        if paid > total and o.get("status") != "cancelled":
            yield ctx.at("overpaid", "orders", i, "paid", o.get("order_no"), expected=total, other=paid)
        if o.get("status") == "completed" and balance > 0:
            yield ctx.at("completed-unpaid", "orders", i, "balance", o.get("order_no"), expected=balance)

    limit = Decimal(str(ctx.config.thresholds.price_deviation))
    products = ctx.table("products").rows
    by_sku = ctx.index("products", "sku")
    keys = ctx.keys
    for j, ln in enumerate(ctx.table("order_lines").rows):
        at = by_sku.get(keys[ln.get("sku")])
        price = ln.get("unit_price")
        if not at or price is None:
            continue
        listed = products[at[0]].get("list_price")
        if listed and listed > 0 and abs(price - listed) / listed > limit:
            yield ctx.at("price-deviation", "order_lines", j, "unit_price", price, expected=listed, other=f"{limit:.0%}")
