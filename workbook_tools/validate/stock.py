"""Shipping and stock rules: shipments after orders and within them; a stock ledger per day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from .context import Context, key
from .orders import _day

CODES = ("ship-before-order", "shipped-more-than-ordered", "negative-stock", "low-stock", "stocktake-variance")


def check(ctx: Context) -> Iterator:
    yield from _shipments(ctx)
    yield from _ledger(ctx)
    yield from _low_stock(ctx)


def _shipments(ctx: Context) -> Iterator:
    orders = ctx.table("orders").rows
    order_at = ctx.index("orders", "order_no")
    ordered: dict[tuple[str, str], int] = defaultdict(int)
    for ln in ctx.table("order_lines").rows:
        ordered[(key(ln.get("order_no")), key(ln.get("sku")))] += ln.get("quantity") or 0
    whole_orders = {key(s.get("order_no")) for s in ctx.table("shipments").rows if not s.get("sku")}
    shipped: dict[tuple[str, str], int] = defaultdict(int)
    for i, s in enumerate(ctx.table("shipments").rows):
        o = key(s.get("order_no"))
        if o in order_at:
            placed = _day(orders[order_at[o][0]].get("order_date"))
            sent = _day(s.get("ship_date"))
            if placed and sent and sent < placed:
                yield ctx.at("ship-before-order", "shipments", i, "ship_date", sent, expected=placed)
        if not s.get("sku") or s.get("quantity") is None:
            continue
        pair = (o, key(s["sku"]))
        shipped[pair] += s["quantity"]
        # after a whole-order shipment every partial one is extra
        limit = 0 if o in whole_orders else ordered.get(pair, 0)
        if shipped[pair] > limit:
            yield ctx.at("shipped-more-than-ordered", "shipments", i, "quantity", s.get("order_no"),
                         sku=s["sku"], shipped=shipped[pair], expected=limit)


def _ledger(ctx: Context) -> Iterator:
    """Walk each SKU's stock day by day: deltas first, a stocktake at the end of its day."""
    products = ctx.table("products").rows
    known = {key(p.get("sku")): i for i, p in enumerate(products)}
    deltas: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for j, m in enumerate(ctx.table("stock_moves").rows):
        sku, d, q = key(m.get("sku")), _day(m.get("date")), m.get("quantity")
        if sku not in known or d is None or q is None:
            continue
        if m.get("type") == "stocktake":
            counts[sku][d].append(j)
        elif m.get("type") in ("receipt", "return", "adjustment"):
            deltas[sku][d] += q
    for s in ctx.table("shipments").rows:
        sku, d = key(s.get("sku")), _day(s.get("ship_date"))
        if sku in known and d is not None and s.get("quantity") is not None:
            deltas[sku][d] -= s["quantity"]
    for ln, whole in zip(ctx.table("order_lines").rows, ctx.derived["order_lines"]["whole_ship_date"]):
        sku = key(ln.get("sku"))
        if sku in known and whole != "" and ln.get("quantity") is not None:
            deltas[sku][whole] -= ln["quantity"]

    moves = ctx.table("stock_moves").rows
    for sku, i in known.items():
        stock = products[i].get("opening_stock") or 0
        went_negative = False
        for d in sorted(set(deltas[sku]) | set(counts[sku])):
            stock += deltas[sku].get(d, 0)
            if stock < 0 and not went_negative:
                went_negative = True
                yield ctx.at("negative-stock", "products", i, "sku", products[i].get("sku"), expected=stock, date=d)
            rows = counts[sku].get(d)
            if rows:
                counted = sum(moves[j]["quantity"] for j in rows)
                if counted != stock:
                    yield ctx.at("stocktake-variance", "stock_moves", rows[0], "quantity", products[i].get("sku"),
                                 counted=counted, expected=stock, other=f"{counted - stock:+d}", date=d)
                stock = counted
                went_negative = stock < 0


def _low_stock(ctx: Context) -> Iterator:
    default = ctx.config.thresholds.low_stock_default
    on_hand = ctx.derived["products"]["on_hand"]
    for i, p in enumerate(ctx.table("products").rows):
        if p.get("active") == "no" or p.get("sku") is None:
            continue
        point = p.get("reorder_point")
        point = default if point is None else point
        if on_hand[i] <= point:
            yield ctx.at("low-stock", "products", i, "on_hand", p["sku"], expected=on_hand[i], other=point)
