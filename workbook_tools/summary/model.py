"""What a monthly summary holds: plain data (ints, Decimal money, floats for rates and days).

No Excel here: ``sheet.py`` lays it out in a workbook, ``json_out.py`` turns it into JSON.
Breakdown and list rows are plain dicts with the fields documented in ``FIELDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .months import Month

Number = int | float | Decimal

#: Key figures in the order they are shown, and how each is formatted:
#: int (a count), money (Decimal), rate (a fraction 0–1), days (a float).
FIGURE_KINDS: dict[str, str] = {
    "orders": "int",
    "order_lines": "int",
    "revenue": "money",
    "received": "money",
    "outstanding": "money",
    "average_order_value": "money",
    "new_customers": "int",
    "returning_customers": "int",
    "cancelled_orders": "int",
    "on_time_rate": "rate",
    "days_to_ship": "days",
    "days_to_deliver": "days",
}

#: The breakdowns and the lists, each row a dict of these fields (documented in the README snippet).
FIELDS: dict[str, tuple[str, ...]] = {
    "top_customers": ("customer_id", "name", "orders", "revenue", "share"),
    "top_products_by_revenue": ("sku", "name", "spec", "quantity", "revenue", "share"),
    "top_products_by_quantity": ("sku", "name", "spec", "quantity", "revenue", "share"),
    "orders_by_status": ("status", "orders", "amount"),
    "by_salesperson": ("salesperson", "orders", "revenue", "share"),
    "by_payment_method": ("method", "payments", "amount"),
    "by_carrier": ("carrier", "shipments", "orders", "delivered", "days_to_deliver"),
    "by_province": ("province", "customers", "orders", "revenue", "share"),
    "daily": ("date", "orders", "revenue"),
    "monthly": ("month", "orders", "revenue", "received"),
    "low_stock": ("sku", "name", "on_hand", "reorder_point", "shortfall"),
    "unresolved_problems": ("order_no", "customer_id", "customer_name", "logged_at", "status", "issue",
                            "handled_by", "days_open"),
}

#: How each field of a row is formatted (fields not listed are text).
FIELD_KINDS: dict[str, str] = {
    "orders": "int", "quantity": "int", "payments": "int", "shipments": "int", "delivered": "int",
    "customers": "int", "on_hand": "int", "reorder_point": "int", "shortfall": "int", "days_open": "int",
    "revenue": "money", "amount": "money", "received": "money",
    "share": "rate", "days_to_deliver": "days", "date": "date", "logged_at": "datetime",
}


def change(value: Number | None, base: Number | None) -> float | None:
    """Relative change from ``base`` to ``value`` (0.125 = +12.5 %); None without both, or when base is 0."""
    if value is None or base is None or base == 0:
        return None
    return float((Decimal(str(value)) - Decimal(str(base))) / abs(Decimal(str(base))))


@dataclass(frozen=True)
class Figure:
    key: str
    value: Number | None
    #: The same figure for the month before, and for the same month a year before; None when the
    #: book has no data that far back.
    previous: Number | None
    last_year: Number | None

    @property
    def kind(self) -> str:
        return FIGURE_KINDS[self.key]

    @property
    def change_previous(self) -> float | None:
        return change(self.value, self.previous)

    @property
    def change_last_year(self) -> float | None:
        return change(self.value, self.last_year)


@dataclass
class MonthlySummary:
    month: Month
    #: Receivables, stock and open problems are as of this day: the month's last day, or today
    #: while the month is still running.
    as_of: date
    today: date
    company: str = ""
    currency: str = "CNY"
    currency_symbol: str = "¥"
    figures: dict[str, Figure] = field(default_factory=dict)
    #: Breakdown and list name (FIELDS) -> rows.
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Receivables ageing as of ``as_of`` (receivables.AgeingTable: buckets, rows per customer, totals).
    ageing: Any = None
    #: How many rows the top-customer and top-product lists keep.
    top: int = 10
    #: Which settings made it (settings.Settings), when the caller says: every report names them.
    settings: Any = None

    @property
    def first(self) -> date:
        return self.month.first

    @property
    def last(self) -> date:
        return self.month.last

    def __getitem__(self, key: str) -> list[dict[str, Any]]:
        return self.tables[key]
