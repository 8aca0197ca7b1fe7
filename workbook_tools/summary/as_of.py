"""Receivables as of a day, from receivables.py (the reconciliation's own definition).

For a month that has ended, receivables are as of its last day: orders placed after it are left
out, and balances count only the payments dated on or before it. The month's ``outstanding``
figure is the ageing's grand total. Orders without an order date are left out (as they are of
every monthly figure); a payment without a date counts as paid (as derive() counts it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from ..book import BookData
from ..config import Config
from ..derive import ZERO, Derived, cents, payment_status
from ..keys import Keys


def derived_as_of(
    data: BookData, derived: Derived, day: date, keys: Keys | None = None, config: Config | None = None
) -> Derived:
    """``derived`` with the Orders sheet's paid, balance and payment status as they stood at the end
    of ``day``; orders placed after it (or without a date) get blanks, as rows without an order."""
    keys = Keys() if keys is None else keys
    if any(p.get("order_no") in (None, "") and p.get("customer_id") not in (None, "") for p in data["payments"]):
        # money on account pays a customer's open orders by 核销顺序, so which orders it had paid by the
        # end of ``day`` depends on what stood then: derive again without the payments dated later (money
        # on account, and payments to an order that would have left it less open) and without the
        # orders placed later (they took none of it; blank customer: no allocation)
        from ..derive import derive

        kept = [p for p in data["payments"] if p.get("paid_on") is None or p["paid_on"] <= day]
        placed = [
            o if o.get("order_date") is not None and o["order_date"] <= day else {**o, "customer_id": None}
            for o in data["orders"]
        ]
        derived, data = derive({**data, "payments": kept, "orders": placed}, config, day), {**data, "payments": kept}
    later: dict[str, Decimal] = defaultdict(Decimal)
    for p in data["payments"]:
        paid_on = p.get("paid_on")
        if paid_on is not None and paid_on > day and p.get("amount") is not None:
            later[keys[p.get("order_no")]] += p["amount"]
    orders = derived["orders"]
    paid, balance, status = list(orders["paid"]), list(orders["balance"]), list(orders["payment_status"])
    for i, (o, total) in enumerate(zip(data["orders"], orders["total"])):
        ordered = o.get("order_date")
        if total.__class__ is str:  # a row without an order number (and faster than == "" on a Decimal)
            continue
        if ordered is None or ordered > day:
            paid[i] = balance[i] = status[i] = ""
        elif later and (extra := later.get(keys[o["order_no"]])) is not None:
            cancelled = o.get("status") == "cancelled"
            paid[i] = cents(paid[i] - extra)
            balance[i] = cents(ZERO if cancelled else total - paid[i])
            status[i] = payment_status(total, paid[i], cancelled)
    values = dict(derived.values)
    values["orders"] = {**orders, "paid": paid, "balance": balance, "payment_status": status}
    return Derived(values)


def outstanding(data: BookData, derived: Derived) -> Decimal:
    """Sum of the positive balances of the orders not cancelled (``derived`` as of some day)."""
    return cents(
        sum(
            (
                b
                for o, b in zip(data["orders"], derived["orders"]["balance"])
                if b.__class__ is not str and b > 0 and o.get("status") != "cancelled"
            ),
            ZERO,
        )
    )
