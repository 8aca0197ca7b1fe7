"""The 概览 / Dashboard sheet — live formulas and two native charts — and ``dashboard_values``, the
formulas' Python twin.

What the owner opens the book for: this month against last month (orders, revenue, receipts, what
those months' orders still owe, what fell due in them and is overdue), where things stand today
(receivables, overdue orders and money, low stock), orders by status, revenue and orders over the
last twelve months (a column chart), the five customers with the largest sales, and the lists of
overdue orders and low-stock products.

Every formula runs alike in Excel 2010+, WPS, LibreOffice and Gnumeric (COUNTIFS, SUMIFS, COUNT and
INDEX/MATCH over the prepared rows' ``rng_`` names; no arrays) and survives bad cells: SUMIFS and
COUNTIFS skip text, and the derived columns they sum never show an error (formulas.number). The
ranked lists read helper columns that have Python twins too: 销售额排名 on 客户, 逾期排名 on 订单,
低库存序号 on 产品 (formulas._rank, formulas._low_seq). "Overdue" is the payment's: 逾期天数 above
0, that is a balance past its 应付日期. Low stock is the ``low-stock`` rule's: products on sale at or
below their reorder point (the default when blank). The written book caches the twin's values, so
a reader that does not recalculate still sees the right numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..book import BookData
from ..choices import ORDER_STATUS, label_of
from ..config import Config
from ..dates import serial
from ..derive import ZERO, Derived, cents, ranks
from ..formulas import FormulaContext, list_range
from ..lang import lookup
from ..schema import DASHBOARD, aux_name
from .printing import page_setup
from .styles import Styles
from .texts import tr

#: Months in the revenue chart, rows of the ranked lists.
TREND_MONTHS, TOP_CUSTOMERS, LIST_ROWS = 12, 5, 10
#: The month comparison's figures, in order.
MONTH_FIGURES = ("orders", "revenue", "receipts", "receivables", "overdue")
_WIDTHS = [42, 14, 14, 14, 14]
_CHART_COLUMN = 6  # G: the charts sit right of the tables

TEXTS: dict[str, tuple[str, str]] = {
    "last_month": ("上月", "Last month"),
    "compare": ("本月与上月", "This month and last"),
    "change": ("增减", "Change"),
    "m_orders": ("订单数", "Orders"),
    "m_revenue": ("销售额（不含已取消）", "Revenue (excl. cancelled)"),
    "m_receipts": ("收款（按付款日期，退款为负）", "Receipts (by date paid, refunds negative)"),
    "m_receivables": ("当月订单尚未收回", "Still owed on the month's orders"),
    "m_overdue": ("当月到期、已逾期未收", "Fell due in the month, overdue"),
    "now": ("目前", "Now"),
    "amount": ("金额 / 数量", "Amount / count"),
    "receivables": ("应收未收合计", "Receivables"),
    "overdue_orders": ("逾期未付款订单数（超过应付日期）", "Overdue orders (past the payment due date)"),
    "overdue_amount": ("逾期未付款金额", "Overdue amount"),
    "low_stock": ("低库存产品数（在售；未填安全库存按 {n}）", "Low-stock products (on sale; no reorder point: {n})"),
    "trend": ("近 12 个月", "The last 12 months"),
    "month": ("月份", "Month"),
    "revenue": ("销售额", "Revenue"),
    "top": ("累计销售额前五的客户", "Top five customers by sales to date"),
    "customer": ("客户名称", "Customer"),
    "customer_id": ("客户编号", "Customer ID"),
    "sales": ("累计销售额", "Sales to date"),
    "overdue_list": ("逾期未付款订单（逾期最久的十张）", "Overdue orders (the ten most overdue)"),
    "order_no": ("订单编号", "Order no"),
    "balance": ("未付金额", "Balance"),
    "pay_due": ("应付日期", "Payment due"),
    "days": ("逾期天数", "Days overdue"),
    "low_list": ("低库存产品（前十个）", "Low-stock products (the first ten)"),
    "product": ("产品名称", "Product"),
    "sku": ("产品编号", "SKU"),
    "on_hand": ("当前库存", "On hand"),
    "reorder_point": ("安全库存", "Reorder point"),
    "chart_revenue": ("近 12 个月销售额", "Revenue, last 12 months"),
    "chart_status": ("各状态订单数", "Orders by status"),
}


#: The titles of the dashboard's charts in both languages (a rebuild makes them again: staffparts).
CHART_TITLES = frozenset(t for key in ("chart_revenue", "chart_status") for t in TEXTS[key])


def _t(key: str, lang: str, **kw: Any) -> str:
    return lookup(TEXTS, key, lang, **kw)


@dataclass(frozen=True)
class Fig:
    """A figure cell: its key (dashboard_cells, dashboard_values), number format and formula."""

    key: str
    kind: str  # int | money | date | month | text
    formula: str


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "label"  # label | section | table_header


Row = list["Fig | Text | None"]


def _in_month(col: str, start: str) -> str:
    return f'{col},">="&{start},{col},"<"&DATE(YEAR({start}),MONTH({start})+1,1)'


def _grid(ctx: FormulaContext, config: Config) -> list[Row | None]:
    """The dashboard, row by row from row 1; a None row is blank."""
    lang = ctx.lang
    o = ctx.cols("orders")
    cancelled = ctx.text(label_of(ORDER_STATUS, "cancelled", lang))
    has_no = f'{o("order_no")},"<>"'

    def month_figures(start: str) -> dict[str, str]:
        return {
            "orders": f"=COUNTIFS({has_no},{_in_month(o('order_date'), start)})",
            "revenue": f'=SUMIFS({o("total")},{_in_month(o("order_date"), start)},{o("status")},"<>"&{cancelled})',
            "receipts": f"=SUMIFS({ctx.col('payments', 'amount')},{_in_month(ctx.col('payments', 'paid_on'), start)})",
            "receivables": f'=SUMIFS({o("balance")},{_in_month(o("order_date"), start)},{o("balance")},">0")',
            "overdue": f'=SUMIFS({o("balance")},{_in_month(o("pay_due"), start)},{o("days_overdue")},">0")',
        }

    rows: list[Row | None] = [
        [Text(tr("dash_title", lang, company=config.company_name), "title")],
        [Text(tr("dash_note", lang), "plain")],
        None,
        [Text(tr("dash_today", lang)), Fig("today", "date", "=TODAY()")],
        [Text(tr("dash_month", lang)), Fig("month_start", "month", "=DATE(YEAR(TODAY()),MONTH(TODAY()),1)")],
        [Text(_t("last_month", lang)), Fig("last_month_start", "month", "=DATE(YEAR($B$5),MONTH($B$5)-1,1)")],
        None,
        [
            Text(_t("compare", lang), "table_header"),
            Text(tr("dash_month", lang), "table_header"),
            Text(_t("last_month", lang), "table_header"),
            Text(_t("change", lang), "table_header"),
        ],
    ]
    this, last = month_figures("$B$5"), month_figures("$B$6")
    for what in MONTH_FIGURES:
        r = len(rows) + 1
        kind = "int" if what == "orders" else "money"
        rows.append(
            [
                Text(_t(f"m_{what}", lang)),
                Fig(f"{what}_this_month", kind, this[what]),
                Fig(f"{what}_last_month", kind, last[what]),
                Fig(f"{what}_change", kind, f"=B{r}-C{r}"),
            ]
        )
    by_status: list[Row | None] = [
        [
            Text(c.label(lang)),
            Fig(f"status_{c.value}", "int", f"=COUNTIFS({has_no},{o('status')},{ctx.text(c.label(lang))})"),
        ]
        for c in ORDER_STATUS
    ]
    rows += [
        None,
        [Text(_t("now", lang), "table_header"), Text(_t("amount", lang), "table_header")],
        [Text(_t("receivables", lang)), Fig("receivables", "money", f'=SUMIFS({o("balance")},{o("balance")},">0")')],
        [Text(_t("overdue_orders", lang)), Fig("overdue_orders", "int", f'=COUNTIFS({o("days_overdue")},">0")')],
        [
            Text(_t("overdue_amount", lang)),
            Fig("overdue_amount", "money", f'=SUMIFS({o("balance")},{o("days_overdue")},">0")'),
        ],
        [
            Text(_t("low_stock", lang, n=config.thresholds.low_stock_default)),
            Fig("low_stock_products", "int", f"=COUNT({ctx.col('products', 'low_seq')})"),
        ],
        None,
        [Text(tr("dash_by_status", lang), "table_header"), Text(tr("dash_count", lang), "table_header")],
        *by_status,
        None,
        [Text(_t("trend", lang), "section")],
        [
            Text(_t("month", lang), "table_header"),
            Text(_t("revenue", lang), "table_header"),
            Text(tr("dash_count", lang), "table_header"),
        ],
    ]
    for i in range(TREND_MONTHS):
        r = len(rows) + 1
        start = f"$A{r}"
        rows.append(
            [
                Fig(f"trend_month_{i}", "month", f"=DATE(YEAR($B$5),MONTH($B$5)-{TREND_MONTHS - 1 - i},1)"),
                Fig(
                    f"trend_revenue_{i}",
                    "money",
                    f'=SUMIFS({o("total")},{_in_month(o("order_date"), start)},{o("status")},"<>"&{cancelled})',
                ),
                Fig(f"trend_orders_{i}", "int", f"=COUNTIFS({has_no},{_in_month(o('order_date'), start)})"),
            ]
        )

    def pick(sheet: str, rank: str, k: int, key: str, kind: str) -> str:
        at = f"INDEX({ctx.col(sheet, key)},MATCH({k},{ctx.col(sheet, rank)},0))"
        return f'=IFERROR({at}&"","")' if kind == "text" else f'=IFERROR({at},"")'

    rows += [
        None,
        [Text(_t("top", lang), "section")],
        [Text(_t(k, lang), "table_header") for k in ("customer", "customer_id", "sales")],
    ]
    for k in range(1, TOP_CUSTOMERS + 1):
        rows.append(
            [
                Fig(f"top_{k}_{key}", kind, pick("customers", "sales_rank", k, key, kind))
                for key, kind in (("name", "text"), ("customer_id", "text"), ("sales", "money"))
            ]
        )
    rows += [
        None,
        [Text(_t("overdue_list", lang), "section")],
        [Text(_t(k, lang), "table_header") for k in ("customer", "order_no", "balance", "pay_due", "days")],
    ]
    for k in range(1, LIST_ROWS + 1):
        rows.append(
            [
                Fig(f"overdue_{k}_{key}", kind, pick("orders", "overdue_rank", k, key, kind))
                for key, kind in (
                    ("customer_name", "text"),
                    ("order_no", "text"),
                    ("balance", "money"),
                    ("pay_due", "date"),
                    ("days_overdue", "int"),
                )
            ]
        )
    rows += [
        None,
        [Text(_t("low_list", lang), "section")],
        [Text(_t(k, lang), "table_header") for k in ("product", "sku", "on_hand", "reorder_point")],
    ]
    p = ctx.cols("products")
    for k in range(1, LIST_ROWS + 1):
        at = f"MATCH({k},{p('low_seq')},0)"
        point = f"INDEX({p('reorder_point')},{at})"
        rows.append(
            [
                Fig(f"low_{k}_name", "text", pick("products", "low_seq", k, "name", "text")),
                Fig(f"low_{k}_sku", "text", pick("products", "low_seq", k, "sku", "text")),
                Fig(f"low_{k}_on_hand", "int", pick("products", "low_seq", k, "on_hand", "int")),
                # the point the product was held against: its own, or the settings' default
                Fig(
                    f"low_{k}_point",
                    "int",
                    f'=IFERROR(IF(ISNUMBER({point}),{point},VALUE({list_range("low_stock_default")})+0*{at}),"")',
                ),
            ]
        )
    return rows


def _placed(ctx: FormulaContext, config: Config) -> Iterator[tuple[int, int, Fig | Text]]:
    """(row, column, item) of every cell of the grid, 0-based."""
    for r, row in enumerate(_grid(ctx, config)):
        for c, item in enumerate(row or ()):
            if item is not None:
                yield r, c, item


def _a1(r: int, c: int) -> str:
    return f"{chr(65 + c)}{r + 1}"


def dashboard_cells() -> dict[str, str]:
    """Where each figure sits on the dashboard: ``{"receivables": "B16", …}``."""
    return {item.key: _a1(r, c) for r, c, item in _placed(FormulaContext("zh", {}), Config()) if isinstance(item, Fig)}


def dashboard_formulas(ctx: FormulaContext, config: Config) -> dict[str, str]:
    """The formula of each figure: ``{"receivables": "=SUMIFS(…)", …}``."""
    return {item.key: item.formula for _r, _c, item in _placed(ctx, config) if isinstance(item, Fig)}


def _has(value: Any) -> bool:
    return value is not None and value != ""


def _empty_month() -> dict[str, Any]:
    return {"orders": 0, "revenue": ZERO, "receipts": ZERO, "receivables": ZERO, "overdue": ZERO}


def _month_after(start: date, months: int) -> date:
    y, m = divmod(start.month - 1 + months, 12)
    return date(start.year + y, m + 1, 1)


def dashboard_values(data: BookData, derived: Derived, config: Config, today: date) -> dict[str, Any]:
    """What the dashboard formulas compute for ``data`` on ``today``: dates, ints, Decimals and
    texts ("" where a list has no entry). ``derived``: derive(data, config, today)."""
    orders, products = data.get("orders") or [], data.get("products") or []
    customers, payments = data.get("customers") or [], data.get("payments") or []
    d_orders, d_products, d_customers = derived["orders"], derived["products"], derived["customers"]
    # 逾期天数 and 逾期排名 as of ``today`` (``derived`` may have been computed on another day)
    late_days = [
        max(0, (today - due).days) if isinstance(due, date) and isinstance(b, Decimal) and b > 0 else ""
        for due, b in zip(d_orders["pay_due"], d_orders["balance"])
    ]
    d_orders = {**d_orders, "days_overdue": late_days, "overdue_rank": ranks(late_days)}
    month_start = today.replace(day=1)
    starts = [_month_after(month_start, -k) for k in range(TREND_MONTHS - 1, -1, -1)]

    # one pass over the orders and payments, into (year, month) buckets: the dashboard asks for a
    # dozen months, and a pass per month cost seconds on a 100,000-order book
    buckets: dict[tuple[int, int], dict[str, Any]] = {}

    def bucket(value: Any) -> dict[str, Any] | None:
        if not isinstance(value, date):
            return None
        key = (value.year, value.month)
        if key not in buckets:
            buckets[key] = _empty_month()
        return buckets[key]

    totals, balances, lates, dues = (
        d_orders["total"],
        d_orders["balance"],
        d_orders["days_overdue"],
        d_orders["pay_due"],
    )
    for i, row in enumerate(orders):
        total, balance, late = totals[i], balances[i], lates[i]
        out = bucket(row.get("order_date"))
        if out is not None:
            out["orders"] += _has(row.get("order_no"))
            if row.get("status") != "cancelled" and isinstance(total, Decimal):
                out["revenue"] += total
            if isinstance(balance, Decimal) and balance > 0:
                out["receivables"] += balance
        if isinstance(late, int) and late > 0:
            out = bucket(dues[i])
            if out is not None:
                out["overdue"] += balance
    for p in payments:
        if isinstance(p.get("amount"), Decimal):
            out = bucket(p.get("paid_on"))
            if out is not None:
                out["receipts"] += p["amount"]

    def month(start: date) -> dict[str, Any]:
        return buckets.get((start.year, start.month)) or _empty_month()

    this, last = month(month_start), month(starts[-2])
    values: dict[str, Any] = {"today": today, "month_start": month_start, "last_month_start": starts[-2]}
    for what in MONTH_FIGURES:
        values[f"{what}_this_month"], values[f"{what}_last_month"] = this[what], last[what]
        values[f"{what}_change"] = this[what] - last[what]

    late = [i for i, d in enumerate(d_orders["days_overdue"]) if isinstance(d, int) and d > 0]
    values["receivables"] = sum((b for b in d_orders["balance"] if isinstance(b, Decimal) and b > 0), ZERO)
    values["overdue_orders"] = len(late)
    values["overdue_amount"] = sum((d_orders["balance"][i] for i in late), ZERO)
    values["low_stock_products"] = sum(1 for v in d_products["low_seq"] if v != "")
    statuses = Counter(row.get("status") for row in orders if _has(row.get("order_no")))
    for c in ORDER_STATUS:
        values[f"status_{c.value}"] = statuses[c.value]
    for i, start in enumerate(starts):
        m = this if i == TREND_MONTHS - 1 else last if i == TREND_MONTHS - 2 else month(start)
        values[f"trend_month_{i}"], values[f"trend_revenue_{i}"] = start, m["revenue"]
        values[f"trend_orders_{i}"] = m["orders"]

    def ranked(rank: list[Any], k: int) -> int | None:
        return next((i for i, v in enumerate(rank) if v == k), None)

    def text(v: Any) -> str:
        return "" if v is None else str(v)

    for k in range(1, TOP_CUSTOMERS + 1):
        at = ranked(d_customers["sales_rank"], k)
        values[f"top_{k}_name"] = "" if at is None else text(customers[at].get("name"))
        values[f"top_{k}_customer_id"] = "" if at is None else text(customers[at].get("customer_id"))
        values[f"top_{k}_sales"] = "" if at is None else d_customers["sales"][at]
    for k in range(1, LIST_ROWS + 1):
        at = ranked(d_orders["overdue_rank"], k)
        values[f"overdue_{k}_customer_name"] = "" if at is None else d_orders["customer_name"][at]
        values[f"overdue_{k}_order_no"] = "" if at is None else text(orders[at].get("order_no"))
        for key in ("balance", "pay_due", "days_overdue"):
            values[f"overdue_{k}_{key}"] = "" if at is None else d_orders[key][at]
        at = ranked(d_products["low_seq"], k)
        point = None if at is None else products[at].get("reorder_point")
        values[f"low_{k}_name"] = "" if at is None else text(products[at].get("name"))
        values[f"low_{k}_sku"] = "" if at is None else text(products[at].get("sku"))
        values[f"low_{k}_on_hand"] = "" if at is None else d_products["on_hand"][at]
        values[f"low_{k}_point"] = (
            ""
            if at is None
            else (
                point if isinstance(point, int) and not isinstance(point, bool) else config.thresholds.low_stock_default
            )
        )
    return {k: cents(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _cached(value: Any, dated: bool) -> Any:
    if isinstance(value, date):
        return serial(value) if dated else ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _charts(wb: Workbook, ws: Worksheet, ctx: FormulaContext, config: Config) -> None:
    """A column chart of the twelve months' revenue and a bar chart of orders by status, over the
    dashboard's own cells (they follow the formulas)."""
    name, lang, cells = aux_name(DASHBOARD, ctx.lang), ctx.lang, dashboard_cells()

    def span(first: str, last: str) -> list[Any]:
        (c0, r0), (c1, r1) = ((ord(a[0]) - 65, int(a[1:]) - 1) for a in (cells[first], cells[last]))
        return [name, r0, c0, r1, c1]

    revenue = wb.add_chart({"type": "column"})
    revenue.add_series(
        {
            "name": _t("revenue", lang),
            "categories": span("trend_month_0", f"trend_month_{TREND_MONTHS - 1}"),
            "values": span("trend_revenue_0", f"trend_revenue_{TREND_MONTHS - 1}"),
            "fill": {"color": "#2F5597"},
            "gap": 60,
        }
    )
    revenue.set_title({"name": _t("chart_revenue", lang), "name_font": {"size": 11}})
    revenue.set_legend({"none": True})
    revenue.set_x_axis({"num_format": "yyyy-mm", "date_axis": False, "num_font": {"rotation": -45, "size": 8}})
    revenue.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    ws.insert_chart(3, _CHART_COLUMN, revenue, {"x_scale": 1.1, "y_scale": 1.1, "object_position": 3})

    first, last = ORDER_STATUS[0].value, ORDER_STATUS[-1].value
    labels = span(f"status_{first}", f"status_{last}")
    labels[2] = labels[4] = 0  # the status names in column A
    status = wb.add_chart({"type": "bar"})
    status.add_series(
        {
            "name": tr("dash_count", lang),
            "categories": labels,
            "values": span(f"status_{first}", f"status_{last}"),
            "fill": {"color": "#548235"},
            "data_labels": {"value": True},
        }
    )
    status.set_title({"name": _t("chart_status", lang), "name_font": {"size": 11}})
    status.set_legend({"none": True})
    status.set_y_axis({"reverse": True})
    ws.insert_chart(21, _CHART_COLUMN, status, {"x_scale": 1.1, "y_scale": 1.0, "object_position": 3})


def write_dashboard(
    ws: Worksheet,
    ctx: FormulaContext,
    config: Config,
    values: dict[str, Any],
    *,
    dated: bool,
    styles: Styles,
    workbook: Workbook | None = None,
) -> None:
    """``dated`` False leaves today's date out of the cached values (the template must not change
    from one day to the next); the formulas fill it in when the book is opened. ``workbook``: where
    the charts are added (none without it)."""
    for c, width in enumerate(_WIDTHS):
        ws.set_column(c, c, width)
    # one page wide, tables and charts together (the charts take some nine default columns); the
    # lists run on below
    page_setup(
        ws,
        [*_WIDTHS, *[8.43] * 10],
        company=config.company_name,
        lang=ctx.lang,
        header_rows=None,
        key_columns=0,
        landscape=True,
    )
    ws.fit_to_pages(1, 0)
    style = {
        "label": styles.label,
        "table_header": styles.table_header,
        "section": styles.section,
        "title": styles.title,
        "plain": None,
    }
    for r, c, item in _placed(ctx, config):
        if isinstance(item, Text):
            ws.write_string(r, c, item.text, style[item.style])
        else:
            ws.write_formula(r, c, item.formula, styles.value[item.kind], _cached(values[item.key], dated))
    if workbook is not None:
        _charts(workbook, ws, ctx, config)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
