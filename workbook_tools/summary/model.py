"""What a monthly summary holds: plain data (ints, Decimal money, floats for rates and days).

No Excel here: ``sheet.py`` lays it out in a workbook, ``json_out.py`` turns it into JSON.
Breakdown and list rows are plain dicts with the fields of ``TABLES`` (``FIELDS``).
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


@dataclass(frozen=True)
class Fields:
    """The fields of a breakdown's or a list's rows."""

    #: The 月报's columns, left to right (the first is the wide name column).
    shown: tuple[str, ...]
    #: Fields every row has (JSON) that the 月报 shows inside another column: a product's spec
    #: beside its name.
    folded: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.shown + self.folded


#: The breakdowns and the lists: the one list of their fields, in the order the 月报 shows them
#: (documented in the README snippet). ``FIELDS`` and ``sheet.DISPLAY`` are derived from it.
TABLES: dict[str, Fields] = {
    "top_customers": Fields(("name", "customer_id", "orders", "revenue", "share")),
    "top_products_by_revenue": Fields(("name", "sku", "quantity", "revenue", "share"), folded=("spec",)),
    "top_products_by_quantity": Fields(("name", "sku", "quantity", "revenue", "share"), folded=("spec",)),
    "orders_by_status": Fields(("status", "orders", "amount")),
    "by_salesperson": Fields(("salesperson", "orders", "revenue", "share")),
    "by_payment_method": Fields(("method", "payments", "amount")),
    "by_carrier": Fields(("carrier", "shipments", "orders", "delivered", "days_to_deliver")),
    "by_province": Fields(("province", "customers", "orders", "revenue", "share")),
    "daily": Fields(("date", "orders", "revenue")),
    "monthly": Fields(("month", "orders", "revenue", "received")),
    "low_stock": Fields(("name", "sku", "on_hand", "reorder_point", "shortfall")),
    "unresolved_problems": Fields(
        ("customer_name", "order_no", "customer_id", "status", "issue", "handled_by", "logged_at", "days_open")
    ),
}
#: Each breakdown's and list's row fields (every one of them, the folded ones last).
FIELDS: dict[str, tuple[str, ...]] = {name: t.all for name, t in TABLES.items()}

#: How each field of a row is formatted (fields not listed are text).
FIELD_KINDS: dict[str, str] = {
    "orders": "int",
    "quantity": "int",
    "payments": "int",
    "shipments": "int",
    "delivered": "int",
    "customers": "int",
    "on_hand": "int",
    "reorder_point": "int",
    "shortfall": "int",
    "days_open": "int",
    "revenue": "money",
    "amount": "money",
    "received": "money",
    "share": "rate",
    "days_to_deliver": "days",
    "date": "date",
    "logged_at": "datetime",
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
