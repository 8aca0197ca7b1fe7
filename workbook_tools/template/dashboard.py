"""The 概览 / Dashboard sheet — live formulas — and ``dashboard_values``, their Python twin.

Every formula runs alike in Excel 2010+, WPS, LibreOffice and Gnumeric (COUNTIFS and SUMIFS over the
prepared rows' ``rng_`` names; no arrays). An order counts when it has an order number; revenue and
receivables leave out cancelled orders. Low stock counts the products at or below their reorder
point (高于安全库存 ≤ 0) and those without one at or below the default. The written book caches the twin's values, so a reader that does not recalculate still
sees the right numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..book import BookData
from ..choices import ORDER_STATUS
from ..config import Config
from ..derive import ZERO, Derived, cents, serial
from ..formulas import FormulaContext
from .printing import page_setup
from .styles import Styles
from .texts import tr

#: Rows above the first figure: title, note, blank.
_TOP = 3


@dataclass(frozen=True)
class Line:
    """One row of the dashboard: a figure (``key`` set) or a heading / spacer (``key`` None)."""

    key: str | None
    label: str
    kind: str = ""       # int | money | date | month
    formula: str = ""


def _keys() -> list[str | None]:
    """The dashboard's rows below the title, in order (None = a spacer or heading)."""
    return ["today", "month_start", None, "orders_this_month", "revenue_this_month", "receivables",
            "overdue_orders", "low_stock_products", None, None,
            *(f"status_{c.value}" for c in ORDER_STATUS)]


def dashboard_cells() -> dict[str, str]:
    """Where each figure sits on the dashboard: ``{"receivables": "B8", …}``."""
    return {key: f"B{_TOP + i + 1}" for i, key in enumerate(_keys()) if key}


def _lines(ctx: FormulaContext, config: Config) -> list[Line]:
    lang, cells = ctx.lang, dashboard_cells()
    col = lambda key: ctx.col("orders", key)  # noqa: E731
    status = {c.value: ctx.text(c.label(lang)) for c in ORDER_STATUS}
    month = cells["month_start"].replace("B", "$B$")
    in_month = (f'{col("order_date")},">="&{month},'
                f'{col("order_date")},"<"&DATE(YEAR({month}),MONTH({month})+1,1)')
    has_no = f'{col("order_no")},"<>"'
    grace = config.thresholds.overdue_grace_days
    overdue = " + ".join(
        f'COUNTIFS({has_no},{col("due_date")},"<"&(TODAY()-{grace}),{col("status")},{status[s]})'
        for s in ("pending", "processing")
    ).replace(" + ", "+")
    product = lambda key: ctx.col("products", key)  # noqa: E731
    default = config.thresholds.low_stock_default
    lines = [
        Line("today", tr("dash_today", lang), "date", "=TODAY()"),
        Line("month_start", tr("dash_month", lang), "month", "=DATE(YEAR(TODAY()),MONTH(TODAY()),1)"),
        Line(None, ""),
        Line("orders_this_month", tr("dash_orders_month", lang), "int", f"=COUNTIFS({has_no},{in_month})"),
        Line("revenue_this_month", tr("dash_revenue_month", lang), "money",
             f'=SUMIFS({col("total")},{in_month},{col("status")},"<>"&{status["cancelled"]})'),
        Line("receivables", tr("dash_receivables", lang), "money",
             f'=SUMIFS({col("balance")},{col("balance")},">0",{col("status")},"<>"&{status["cancelled"]})'),
        Line("overdue_orders", tr("dash_overdue", lang, n=grace), "int", f"={overdue}"),
        Line("low_stock_products", tr("dash_low_stock", lang, n=default), "int",
             # (the blank criterion never first: LibreOffice 7.4 then counts nothing)
             f'=COUNTIFS({product("above_reorder")},"<=0")'
             f'+COUNTIFS({product("on_hand")},"<="&{default},{product("reorder_point")},"")'),
        Line(None, ""),
        Line(None, tr("dash_by_status", lang)),
        *(Line(f"status_{c.value}", c.label(lang), "int", f'=COUNTIFS({has_no},{col("status")},{status[c.value]})')
          for c in ORDER_STATUS),
    ]
    assert [ln.key for ln in lines] == _keys()
    return lines


def dashboard_formulas(ctx: FormulaContext, config: Config) -> dict[str, str]:
    """The formula of each figure: ``{"receivables": "=SUMIFS(…)", …}``."""
    return {line.key: line.formula for line in _lines(ctx, config) if line.key}


def _has(value: Any) -> bool:
    return value is not None and value != ""


def dashboard_values(data: BookData, derived: Derived, config: Config, today: date) -> dict[str, Any]:
    """What the dashboard formulas compute for ``data`` on ``today``: dates, ints and Decimals."""
    orders, products = data.get("orders") or [], data.get("products") or []
    d_orders, d_products = derived["orders"], derived["products"]
    month_start = today.replace(day=1)
    lo, hi = serial(month_start), serial((month_start + timedelta(days=32)).replace(day=1))
    late = serial(today) - config.thresholds.overdue_grace_days
    day = lambda v: serial(v) if isinstance(v, date) else None  # noqa: E731

    orders_month, revenue, receivables, overdue = 0, ZERO, ZERO, 0
    by_status = {c.value: 0 for c in ORDER_STATUS}
    for row, total, balance in zip(orders, d_orders["total"], d_orders["balance"]):
        status, ordered, due = row.get("status"), day(row.get("order_date")), day(row.get("due_date"))
        in_month = ordered is not None and lo <= ordered < hi
        if _has(row.get("order_no")):
            orders_month += in_month
            if status in by_status:
                by_status[status] += 1
            if due is not None and due < late and status in ("pending", "processing"):
                overdue += 1
        if status != "cancelled":
            if in_month and isinstance(total, Decimal):
                revenue += total
            if isinstance(balance, Decimal) and balance > 0:
                receivables += balance
    default = config.thresholds.low_stock_default
    low = sum(
        1
        for p, on_hand in zip(products, d_products["on_hand"])
        if _has(p.get("sku")) and isinstance(on_hand, int)
        and on_hand <= (p["reorder_point"] if _has(p.get("reorder_point")) else default)
    )
    return {
        "today": today,
        "month_start": month_start,
        "orders_this_month": orders_month,
        "revenue_this_month": cents(revenue),
        "receivables": cents(receivables),
        "overdue_orders": overdue,
        "low_stock_products": low,
        **{f"status_{k}": n for k, n in by_status.items()},
    }


def _cached(value: Any, dated: bool) -> Any:
    if isinstance(value, date):
        return serial(value) if dated else ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_dashboard(ws: Worksheet, ctx: FormulaContext, config: Config, values: dict[str, Any], *,
                    dated: bool, styles: Styles) -> None:
    """``dated`` False leaves today's date out of the cached values (the template must not change
    from one day to the next); the formulas fill it in when the book is opened."""
    lang = ctx.lang
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 16)
    page_setup(ws, [46, 16], company=config.company_name, lang=ctx.lang, header_rows=None)
    ws.write_string(0, 0, tr("dash_title", lang, company=config.company_name), styles.title)
    ws.write_string(1, 0, tr("dash_note", lang))
    for i, line in enumerate(_lines(ctx, config)):
        r = _TOP + i
        if line.key is None:
            if line.label:
                ws.write_string(r, 0, line.label, styles.table_header)
                ws.write_string(r, 1, tr("dash_count", lang), styles.table_header)
            continue
        ws.write_string(r, 0, line.label, styles.label)
        ws.write_formula(r, 1, line.formula, styles.value[line.kind], _cached(values[line.key], dated))
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
