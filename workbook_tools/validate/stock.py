"""Shipping and stock rules: shipments after orders and delivered after they left, within the orders;
a stock ledger per day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..findings import Finding
from ..ledger import SkuLedger, stock_ledgers
from .context import Context

CODES = (
    "ship-before-order",
    "delivered-before-shipped",
    "shipped-more-than-ordered",
    "negative-stock",
    "low-stock",
    "stocktake-variance",
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from shipment_findings(ctx)
    yield from ledger_findings(ctx)
    yield from low_stock_findings(ctx)


def shipment_findings(ctx: Context) -> Iterator[Finding]:
    keys = ctx.keys
    order_at = ctx.index("orders", "order_no")
    ships = ctx.table("shipments").rows
    # the quantity ordered per product key, summed only for the orders partial shipments name (most of
    # a large book's orders ship whole), in one pass over the lines and without an index of them
    ordered: dict[str, dict[str, int]] = {
        keys[s.get("order_no")]: defaultdict(int) for s in ships if s.get("sku") and s.get("quantity") is not None
    }
    if ordered:
        for ln in ctx.table("order_lines").rows:
            by_sku = ordered.get(keys[ln.get("order_no")])
            if by_sku is not None:
                by_sku[keys[ln.get("sku")]] += ln.get("quantity") or 0

    whole_orders = {keys[s.get("order_no")] for s in ctx.table("shipments").rows if not s.get("sku")}
    shipped: dict[tuple[str, str], int] = defaultdict(int)
    order_days = ctx.days("orders", "order_date")
    sent_days, delivered_days = ctx.days("shipments", "ship_date"), ctx.days("shipments", "delivered_on")
    for i, s in enumerate(ctx.table("shipments").rows):
        o = keys[s.get("order_no")]
        sent = sent_days[i]
        if o in order_at:
            placed = order_days[order_at[o][0]]
            if placed and sent and sent < placed:
                yield ctx.at("ship-before-order", "shipments", i, "ship_date", sent, expected=placed)
        delivered = delivered_days[i]
        if sent and delivered and delivered < sent:  # the same day is fine: 送货上门, 自提
            yield ctx.at("delivered-before-shipped", "shipments", i, "delivered_on", delivered, expected=sent)
        if not s.get("sku") or s.get("quantity") is None:
            continue
        pair = (o, keys[s["sku"]])
        shipped[pair] += s["quantity"]
        # after a whole-order shipment every partial one is extra
        limit = 0 if o in whole_orders else ordered[o].get(pair[1], 0)
        if shipped[pair] > limit:
            yield ctx.at(
                "shipped-more-than-ordered",
                "shipments",
                i,
                "quantity",
                s.get("order_no"),
                sku=s["sku"],
                shipped=shipped[pair],
                expected=limit,
            )


def ledger_findings(ctx: Context) -> Iterator[Finding]:
    """Walk each SKU's stock day by day (ledger.py): deltas first, a stocktake at the end of its day."""
    products = ctx.table("products").rows
    for led in ledgers(ctx).values():
        i = led.index
        negative = {d.date for d in led.negative_starts()}
        for d in led.days:
            if d.date in negative:
                yield ctx.at(
                    "negative-stock", "products", i, "sku", products[i].get("sku"), expected=d.stock, date=d.date
                )
            if d.counted is not None and d.counted != d.stock:
                yield ctx.at(
                    "stocktake-variance",
                    "stock_moves",
                    d.count_rows[0],
                    "quantity",
                    products[i].get("sku"),
                    counted=d.counted,
                    expected=d.stock,
                    other=f"{d.variance:+d}",
                    date=d.date,
                )


def ledgers(ctx: Context) -> dict[str, SkuLedger]:
    """The stock ledger of every SKU, built once per context (reconciliation reuses it)."""

    def build() -> dict[str, SkuLedger]:
        data = {k: ctx.table(k).rows for k in ("products", "stock_moves", "shipments", "order_lines")}
        return stock_ledgers(data, ctx.derived, ctx.keys.__getitem__)

    return ctx.once("ledgers", build)


def low_stock_findings(ctx: Context) -> Iterator[Finding]:
    default = ctx.config.thresholds.low_stock_default
    on_hand = ctx.derived["products"]["on_hand"]
    for i, p in enumerate(ctx.table("products").rows):
        if p.get("active") == "no" or p.get("sku") is None:
            continue
        point = p.get("reorder_point")
        point = default if point is None else point
        if on_hand[i] <= point:
            yield ctx.at("low-stock", "products", i, "on_hand", p["sku"], expected=on_hand[i], other=point)
