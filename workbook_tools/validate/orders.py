"""Order rules: dates that make sense, lines present, nothing overdue, refunds owed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from operator import methodcaller

from ..choices import ORDER_STATUS, label_of
from ..findings import Finding
from ..schema import SHEETS
from .context import Context

CODES = ("due-before-order", "future-date", "order-without-lines", "overdue", "cancelled-with-payment")


def status_words(value: str) -> tuple[str, str]:
    return label_of(ORDER_STATUS, value, "zh"), label_of(ORDER_STATUS, value, "en")


def check(ctx: Context) -> Iterator[Finding]:
    today, end_of_today = ctx.today, datetime.combine(ctx.today, datetime.max.time())
    for sheet in SHEETS:
        rows = ctx.table(sheet.key).rows
        for k in [c.key for c in sheet.inputs if c.past]:
            values = [row.get(k) for row in rows]
            late = [
                i
                for i, v in enumerate(values)
                if (v.__class__ is date and v > today) or (v.__class__ is datetime and v > end_of_today)
            ]
            for i in late:
                yield ctx.at("future-date", sheet.key, i, k, values[i])

    orders = ctx.table("orders").rows
    keys = ctx.keys
    # the orders some line names (a set: an index of a million lines would outlive this check by 60 MB)
    lines = {keys[v] for v in map(methodcaller("get", "order_no"), ctx.table("order_lines").rows)}
    derived = ctx.derived["orders"]
    grace = timedelta(days=ctx.config.thresholds.overdue_grace_days)
    order_days, due_days = ctx.days("orders", "order_date"), ctx.days("orders", "due_date")
    for i, o in enumerate(orders):
        ordered, due, status = order_days[i], due_days[i], o.get("status")
        if ordered and due and due < ordered:
            yield ctx.at("due-before-order", "orders", i, "due_date", due, expected=ordered)
        if status != "cancelled" and o.get("order_no") and keys[o["order_no"]] not in lines:
            yield ctx.at("order-without-lines", "orders", i, "order_no", o["order_no"])
        if due and status in ("pending", "processing") and due + grace < ctx.today:
            yield ctx.at("overdue", "orders", i, "due_date", o.get("order_no"), expected=due)
        paid = derived["paid"][i]
        if status == "cancelled" and paid > 0:
            yield ctx.at("cancelled-with-payment", "orders", i, "paid", o.get("order_no"), expected=paid)
