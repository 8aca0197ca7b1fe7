"""The payment due date (应付日期) of every order, worked out apart from derive.py for the tests that
hold the tools against pandas: the order's terms, else its customer's (first customer row), from the
settings' list; prepay and cash on the order date; the rest from the order's first shipment row —
月结 to the end of the month ``months`` on, then ``days``; without terms the 交货日期 or the order date."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

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
