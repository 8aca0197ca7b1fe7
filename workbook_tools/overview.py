"""A few lines that say what is in a book: rows per sheet, orders by status, money in and out."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TypedDict

from .book import BookData
from .choices import ORDER_STATUS
from .config import Config
from .derive import derive
from .lang import say
from .schema import SHEETS


class OverviewFigures(TypedDict):
    rows: dict[str, int]  # sheet key -> records
    orders_by_status: dict[str, int]  # status value -> orders
    ordered: Decimal  # the totals of the orders not cancelled
    received: Decimal  # every order's payments
    outstanding: Decimal  # what the orders not cancelled still owe


def overview_figures(data: BookData, config: Config | None = None) -> OverviewFigures:
    """``config``: the book's settings (its payment terms order the allocation of money on account)."""
    derived = derive(data, config)["orders"]
    live = [i for i, o in enumerate(data["orders"]) if o["status"] != "cancelled"]
    return {
        "rows": {s.key: len(data[s.key]) for s in SHEETS},
        "orders_by_status": dict(Counter(o["status"] for o in data["orders"])),
        "ordered": sum((derived["total"][i] for i in live), Decimal(0)),
        "received": sum((derived["paid"][i] for i in range(len(data["orders"]))), Decimal(0)),
        "outstanding": sum((derived["balance"][i] for i in live if derived["balance"][i] > 0), Decimal(0)),
    }


def book_overview(data: BookData, *, lang: str = "zh", currency: str = "¥", config: Config | None = None) -> str:
    f = overview_figures(data, config)
    rows = "  ".join(f"{s.name(lang)} {f['rows'][s.key]:,}" for s in SHEETS)
    status = "  ".join(f"{c.label(lang)} {f['orders_by_status'].get(c.value, 0):,}" for c in ORDER_STATUS)
    money = say(
        lang,
        (
            "订单金额 {ordered}  已收款 {received}  应收未收 {outstanding}",
            "ordered {ordered}  received {received}  outstanding {outstanding}",
        ),
        **{k: f"{currency}{f[k]:,.2f}" for k in ("ordered", "received", "outstanding")},
    )
    return "\n".join([rows, status, money])
