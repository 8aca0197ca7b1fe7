"""Excel formulas of the derived columns — twins of derive.py, written for Excel 2010+, WPS and
LibreOffice alike: SUMIFS, COUNTIFS, INDEX/MATCH, IFERROR, SUMPRODUCT; no dynamic arrays.

Lookups use whole-column references so rows staff add below the prepared ones still count; the
one array expression (the latest stocktake date) uses a bounded range because whole columns in
SUMPRODUCT are slow in every spreadsheet program.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .cells import quote_sheet
from .choices import MOVEMENT_TYPE, PAYMENT_STATUS, label_of
from .derive import BLANK_GUARD
from .schema import SHEET_BY_KEY


@dataclass(frozen=True)
class FormulaContext:
    lang: str
    #: Last Excel row (1-based) prepared with formulas and validation, per sheet key.
    last_row: dict[str, int]

    def sheet_name(self, key: str) -> str:
        return SHEET_BY_KEY[key].name(self.lang)

    def col(self, sheet: str, key: str) -> str:
        """Whole-column reference on another sheet, e.g. ``'订单明细'!$G:$G``."""
        letter = SHEET_BY_KEY[sheet].letter(key)
        return f"{quote_sheet(self.sheet_name(sheet))}!${letter}:${letter}"

    def span(self, sheet: str, key: str) -> str:
        """Bounded reference over the prepared rows, e.g. ``'库存变动'!$A$2:$A$5001``."""
        letter = SHEET_BY_KEY[sheet].letter(key)
        return f"{quote_sheet(self.sheet_name(sheet))}!${letter}$2:${letter}${self.last_row[sheet]}"

    def here(self, sheet: str, key: str, row: int) -> str:
        """Same-row reference on the formula's own sheet, e.g. ``$A12``."""
        return f"${SHEET_BY_KEY[sheet].letter(key)}{row}"

    def text(self, value: str) -> str:
        return '"' + value.replace('"', '""') + '"'


Formula = Callable[[FormulaContext, int], str]




def _lookup(target_sheet: str, target_key: str, value_key: str, sheet: str, key: str) -> Formula:
    def f(ctx: FormulaContext, row: int) -> str:
        body = (
            f"IFERROR(INDEX({ctx.col(target_sheet, value_key)},"
            f"MATCH({ctx.here(sheet, key, row)},{ctx.col(target_sheet, target_key)},0))&\"\",\"\")"
        )
        return body

    return f


def _line_amount(ctx: FormulaContext, row: int) -> str:
    h = lambda k: ctx.here("order_lines", k, row)  # noqa: E731
    return f"ROUND({h('quantity')}*{h('unit_price')}*(1-{h('discount')}),2)"


def _whole_count(ctx: FormulaContext, row: int) -> str:
    """Number of whole-order shipments (blank SKU) of this line's order."""
    o = ctx.here("order_lines", "order_no", row)
    return (
        f"(COUNTIFS({ctx.col('shipments', 'order_no')},{o})"
        f"-COUNTIFS({ctx.col('shipments', 'order_no')},{o},{ctx.col('shipments', 'sku')},\"<>\"))"
    )


def _line_shipped(ctx: FormulaContext, row: int) -> str:
    h = lambda k: ctx.here("order_lines", k, row)  # noqa: E731
    partial = (
        f"SUMIFS({ctx.col('shipments', 'quantity')},{ctx.col('shipments', 'order_no')},{h('order_no')},"
        f"{ctx.col('shipments', 'sku')},{h('sku')})"
    )
    return f"IF({_whole_count(ctx, row)}>0,{h('quantity')},{partial})"


def _line_whole_date(ctx: FormulaContext, row: int) -> str:
    o = ctx.here("order_lines", "order_no", row)
    dates, orders, skus = ctx.col("shipments", "ship_date"), ctx.col("shipments", "order_no"), ctx.col("shipments", "sku")
    n = _whole_count(ctx, row)
    body = f'IF({n}=0,"",INT((SUMIFS({dates},{orders},{o})-SUMIFS({dates},{orders},{o},{skus},"<>"))/{n}))'
    return body


def _order_total(ctx: FormulaContext, row: int) -> str:
    o = ctx.here("orders", "order_no", row)
    return f"ROUND(SUMIFS({ctx.col('order_lines', 'amount')},{ctx.col('order_lines', 'order_no')},{o}),2)"


def _order_paid(ctx: FormulaContext, row: int) -> str:
    o = ctx.here("orders", "order_no", row)
    return f"ROUND(SUMIFS({ctx.col('payments', 'amount')},{ctx.col('payments', 'order_no')},{o}),2)"


def _order_balance(ctx: FormulaContext, row: int) -> str:
    h = lambda k: ctx.here("orders", k, row)  # noqa: E731
    return f"ROUND({h('total')}-{h('paid')},2)"


def _order_payment_status(ctx: FormulaContext, row: int) -> str:
    h = lambda k: ctx.here("orders", k, row)  # noqa: E731
    lab = {c.value: ctx.text(c.label(ctx.lang)) for c in PAYMENT_STATUS}
    total, paid = h("total"), h("paid")
    body = (
        f"IF({paid}>{total},{lab['overpaid']},IF(AND({paid}={total},{total}>0),{lab['paid']},"
        f"IF({paid}>0,{lab['partial']},{lab['unpaid']})))"
    )
    return body


def _last_count(ctx: FormulaContext, row: int) -> str:
    sku = ctx.here("products", "sku", row)
    count = ctx.text(label_of(MOVEMENT_TYPE, "stocktake", ctx.lang))
    latest = (
        f"SUMPRODUCT(MAX(({ctx.span('stock_moves', 'sku')}={sku})"
        f"*({ctx.span('stock_moves', 'type')}={count})*{ctx.span('stock_moves', 'date')}))"
    )
    return f'IF({latest}=0,"",{latest})'


def _on_hand(ctx: FormulaContext, row: int) -> str:
    h = lambda k: ctx.here("products", k, row)  # noqa: E731
    sku, count = h("sku"), ctx.text(label_of(MOVEMENT_TYPE, "stocktake", ctx.lang))
    stocktake = label_of(MOVEMENT_TYPE, "stocktake", ctx.lang)
    m = lambda k: ctx.col("stock_moves", k)  # noqa: E731
    t = f"N({h('last_count_date')})"  # the latest stocktake's date; 0 when there is none
    base = f"IF({t}=0,{h('opening_stock')},SUMIFS({m('quantity')},{m('sku')},{sku},{m('type')},{count},{m('date')},{t}))"
    after = f'SUMIFS({m("quantity")},{m("sku")},{sku},{m("date")},">"&{t},{m("type")},{ctx.text("<>" + stocktake)})'
    shipped = (
        f"SUMIFS({ctx.col('shipments', 'quantity')},{ctx.col('shipments', 'sku')},{sku},{ctx.col('shipments', 'ship_date')},\">\"&{t})"
        f"+SUMIFS({ctx.col('order_lines', 'quantity')},{ctx.col('order_lines', 'sku')},{sku},"
        f"{ctx.col('order_lines', 'whole_ship_date')},\">\"&{t})"
    )
    return f"{base}+{after}-({shipped})"


#: (sheet key, column key) -> formula builder. Every derived column of the schema has one (tested).
FORMULAS: dict[tuple[str, str], Formula] = {
    ("products", "last_count_date"): _last_count,
    ("products", "on_hand"): _on_hand,
    ("orders", "customer_name"): _lookup("customers", "customer_id", "name", "orders", "customer_id"),
    ("orders", "total"): _order_total,
    ("orders", "paid"): _order_paid,
    ("orders", "balance"): _order_balance,
    ("orders", "payment_status"): _order_payment_status,
    ("order_lines", "product_name"): _lookup("products", "sku", "name", "order_lines", "sku"),
    ("order_lines", "amount"): _line_amount,
    ("order_lines", "shipped_qty"): _line_shipped,
    ("order_lines", "whole_ship_date"): _line_whole_date,
}


def formula(ctx: FormulaContext, sheet: str, key: str, row: int) -> str:
    """The formula of derived column ``key`` on ``sheet`` at 1-based Excel ``row``: blank while the
    row's guarding key is blank (derive.BLANK_GUARD, which derive() follows too)."""
    guard = ctx.here(sheet, BLANK_GUARD[(sheet, key)], row)
    return f'=IF({guard}="","",{FORMULAS[(sheet, key)](ctx, row)})'
