"""The key figures of a month, beside the month before and the same month a year before.

Definitions (a month runs from its first to its last day, both included):

- ``orders``: orders placed in the month (order date in it), whatever their status;
  ``cancelled_orders``: those of them now cancelled; ``order_lines``: the lines of those orders.
- ``revenue``: the order totals of the month's orders that are not cancelled.
- ``average_order_value``: revenue / orders not cancelled.
- ``received``: payments dated in the month, to any order; refunds (negative) reduce it.
- ``outstanding``: at the end of the month's last day (or of today, while the month is running),
  the sum of the positive balances of the orders placed by then and not cancelled, a balance being
  the order total less the payments dated by then (an overpaid order counts 0, not less): the
  receivables ageing's grand total at that day (as_of.py).
- ``new_customers``: customers whose first order ever (any status) is in the month;
  ``returning_customers``: the other customers who ordered in the month.
- ``on_time_rate``: among orders whose first shipment (earliest ship date of any of its shipment
  rows) is in the month and that have a due date, the share shipped on or before the due date.
- ``days_to_ship``: mean days from order date to first shipment, for orders first shipped in the month.
- ``days_to_deliver``: mean days from ship date to delivery, for shipment rows shipped in the month
  and delivered.

A month before the book's first order has no data: its figures are None. A figure whose
denominator is 0 (no shipments, no orders) is None too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ..derive import cents
from .facts import Facts
from .model import FIGURE_KINDS, Figure, Number
from .months import Month, month_index

ZERO = Decimal(0)


def _mean(total: float, n: int) -> float | None:
    return total / n if n else None


def month_figures(
    facts: Facts, month: Month, outstanding: Callable[[date], Decimal], as_of: date | None = None
) -> dict[str, Number | None] | None:
    """The figures of one month, or None when the book has no data that far back.
    ``outstanding(day)`` gives the receivables at the end of a day; the month's are at the end of
    ``as_of`` (default: its last day)."""
    first = facts.first_month
    m = month.index
    if first is None or m < first:
        return None
    orders = facts.orders_by_month.get(m, [])
    live = [o for o in orders if o.live]
    revenue = sum((o.total for o in live), ZERO)
    customers = {o.customer for o in orders if o.customer}
    new = sum(1 for c in customers if month_index(facts.first_order[c]) == m)

    due_n = on_time = ship_days = 0
    shipped_orders = facts.first_shipped_by_month.get(m, [])
    for ordered, due, shipped in shipped_orders:
        if due is not None:
            due_n += 1
            on_time += shipped <= due
        ship_days += (shipped - ordered).days
    deliver_days = deliver_n = 0
    for s in facts.shipments_by_month.get(m, []):
        if s.delivered_on is not None:
            deliver_days += (s.delivered_on - s.ship_date).days
            deliver_n += 1

    return {
        "orders": len(orders),
        "order_lines": len(facts.lines_by_month.get(m, [])),
        "revenue": cents(revenue),
        "received": cents(sum((p.amount for p in facts.payments_by_month.get(m, [])), ZERO)),
        "outstanding": outstanding(as_of or month.last),
        "average_order_value": cents(revenue / len(live)) if live else None,
        "new_customers": new,
        "returning_customers": len(customers) - new,
        "cancelled_orders": len(orders) - len(live),
        "on_time_rate": on_time / due_n if due_n else None,
        "days_to_ship": _mean(ship_days, len(shipped_orders)),
        "days_to_deliver": _mean(deliver_days, deliver_n),
    }


def key_figures(facts: Facts, month: Month, as_of: date, outstanding: Callable[[date], Decimal]) -> dict[str, Figure]:
    now = month_figures(facts, month, outstanding, as_of)
    before = month_figures(facts, month.shift(-1), outstanding)
    year_ago = month_figures(facts, month.shift(-12), outstanding)
    if now is None:  # a month before the book's first order
        blank: dict[str, Number | None] = dict.fromkeys(FIGURE_KINDS)
        now = blank
    return {
        key: Figure(key, now[key], before[key] if before else None, year_ago[key] if year_ago else None)
        for key in FIGURE_KINDS
    }
