"""Excel formulas of the derived columns — twins of derive.py, written for Excel 2010+, WPS,
LibreOffice and Gnumeric alike: SUMIFS, COUNTIFS, INDEX/MATCH, IFERROR; no dynamic arrays, and no
array evaluation inside SUMPRODUCT or MAX either (Gnumeric reads ``ISNUMBER(range)`` there by
implicit intersection, other clients element by element).

Every range on another sheet is a defined name, ``rng_<sheet>_<column>``, over that sheet's
prepared rows (row 2 to its last prepared row, lists.define_names): a fixed range keeps the work of
each formula proportional to the book (whole columns made Gnumeric take 40 minutes over a
2,000-order book), and growing the book (``orderbook extend``) moves the names, not a million
formulas. Money is rounded by :func:`money`, the twin of ``derive.money``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .choices import MOVEMENT_TYPE, ORDER_STATUS, PAYMENT_STATUS, YES_NO, label_of
from .derive import BLANK_GUARD, RANK_NOT_DUE, RANK_NOT_NAMED
from .schema import SHEET_BY_KEY


def list_range(list_key: str) -> str:
    """The defined name of a choice list's column on the Lists sheet: ``lst_payment_terms``."""
    return f"lst_{list_key}"


def range_name(sheet: str, key: str) -> str:
    """The defined name of column ``key``'s prepared rows on ``sheet``: ``rng_order_lines_amount``."""
    return f"rng_{sheet}_{key}"


@dataclass(frozen=True)
class FormulaContext:
    lang: str
    #: Last Excel row (1-based) prepared with formulas and validation, per sheet key.
    last_row: dict[str, int]

    def sheet_name(self, key: str) -> str:
        return SHEET_BY_KEY[key].name(self.lang)

    def col(self, sheet: str, key: str) -> str:
        """The column's prepared rows on another sheet, by name: ``rng_order_lines_amount``."""
        SHEET_BY_KEY[sheet].column(key)  # an unknown column fails here, not in a spreadsheet
        return range_name(sheet, key)

    def here(self, sheet: str, key: str, row: int) -> str:
        """Same-row reference on the formula's own sheet, e.g. ``$A12``."""
        return f"${SHEET_BY_KEY[sheet].letter(key)}{row}"

    def on_row(self, sheet: str, row: int) -> Callable[[str], str]:
        """:meth:`here` with the sheet and row fixed: ``h("total")`` is ``$F12``."""
        return lambda key: self.here(sheet, key, row)

    def cols(self, sheet: str) -> Callable[[str], str]:
        """:meth:`col` with the sheet fixed: ``p("amount")`` is ``rng_payments_amount``."""
        return lambda key: self.col(sheet, key)

    def text(self, value: str) -> str:
        return '"' + value.replace('"', '""') + '"'


Formula = Callable[[FormulaContext, int], str]


#: Key columns that may hold a dropdown entry, "C0001 杭州明远贸易有限公司": the code, a space, the name
#: (编号及名称 on 客户 and 产品). The formulas take the code (:func:`code_of`) and match such cells
#: too (:func:`either`); the reader takes the code (read/coerce.to_key).
LABELLED: frozenset[tuple[str, str]] = frozenset(
    {
        ("orders", "customer_id"),
        ("payments", "customer_id"),
        ("order_lines", "sku"),
        ("shipments", "sku"),
        ("stock_moves", "sku"),
    }
)


def code_of(cell: str) -> str:
    """The code in ``cell``: the text before a space that has something after it (read.coerce.to_key),
    else the cell as typed (a trailing space stays: validate reports it, ``key-spelling``)."""
    at = f'FIND(" ",{cell})'
    return f"IFERROR(IF({at}<LEN({cell}),LEFT({cell},{at}-1),{cell}),{cell})"


def either(fn: str, first: str, key_range: str, key: str, rest: str = "") -> str:
    """``fn`` (SUMIFS, COUNTIFS) over the rows whose ``key_range`` cell is ``key``, or a dropdown
    entry of it (``key``, a space and at least one character): the two criteria summed. ``first``: the sum range
    and its comma, or "" for COUNTIFS; ``rest``: more criteria, with a leading comma."""
    return f'({fn}({first}{key_range},{key}{rest})+{fn}({first}{key_range},{key}&" ?*"{rest}))'


def money(expr: str) -> str:
    """``expr`` rounded to the cent half away from zero, whatever its binary noise (derive.money)."""
    return f"ROUND(ROUND(({expr})*100,4),0)/100"


def _key(ctx: FormulaContext, sheet: str, key: str, row: int) -> str:
    """The key on ``row``: the cell, or its code where the column takes dropdown entries."""
    cell = ctx.here(sheet, key, row)
    return code_of(cell) if (sheet, key) in LABELLED else cell


def _lookup(target_sheet: str, target_key: str, value_key: str, sheet: str, key: str) -> Formula:
    def f(ctx: FormulaContext, row: int) -> str:
        body = (
            f"IFERROR(INDEX({ctx.col(target_sheet, value_key)},"
            f'MATCH({_key(ctx, sheet, key, row)},{ctx.col(target_sheet, target_key)},0))&"","")'
        )
        return body

    return f


def number(cell: str, default: str = "0") -> str:
    """What an input cell counts as: its number (digits typed as text too), ``default`` for anything
    else, as the reader makes a value it cannot read None ("9件" in 数量 is 0, never #VALUE!)."""
    return f"IFERROR({cell}*1,{default})"


def _unit_price(ctx: FormulaContext, row: int) -> str:
    """The line's 单价, or the product's list price when it is blank (derive.unit_price)."""
    h = ctx.on_row("order_lines", row)
    sku = _key(ctx, "order_lines", "sku", row)
    listed = number(f"INDEX({ctx.col('products', 'list_price')},MATCH({sku},{ctx.col('products', 'sku')},0))")
    return f'IFERROR(IF({h("unit_price")}="",{listed},{h("unit_price")}*1),{listed})'


def _line_amount(ctx: FormulaContext, row: int) -> str:
    h = ctx.on_row("order_lines", row)
    return money(f"{number(h('quantity'))}*{_unit_price(ctx, row)}*(1-{number(h('discount'))})")


def _whole(ctx: FormulaContext, row: int, what: str) -> str:
    """COUNTIFS / SUMIFS of this line's order's whole-order shipments (the rows with no SKU). The
    blank criterion comes after the order's: LibreOffice 7.4 counts nothing when it is the first."""
    o = ctx.here("order_lines", "order_no", row)
    orders, skus = ctx.col("shipments", "order_no"), ctx.col("shipments", "sku")
    if what == "count":
        return f'COUNTIFS({orders},{o},{skus},"")'
    return f'SUMIFS({ctx.col("shipments", "ship_date")},{orders},{o},{skus},"")'


def _line_whole_date(ctx: FormulaContext, row: int) -> str:
    """The mean date of the order's whole-order shipments, blank without one (a division by 0)."""
    return f'IFERROR(INT({_whole(ctx, row, "sum")}/{_whole(ctx, row, "count")}),"")'


def _line_shipped(ctx: FormulaContext, row: int) -> str:
    """All of it once the order went whole (it has a whole-order ship date), else its partial shipments."""
    h = ctx.on_row("order_lines", row)
    partial = either(
        "SUMIFS",
        f"{ctx.col('shipments', 'quantity')},{ctx.col('shipments', 'order_no')},{h('order_no')},",
        ctx.col("shipments", "sku"),
        _key(ctx, "order_lines", "sku", row),
    )
    return f'IF({h("whole_ship_date")}<>"",{number(h("quantity"))},{partial})'


def _order_total(ctx: FormulaContext, row: int) -> str:
    o = ctx.here("orders", "order_no", row)
    return money(f"SUMIFS({ctx.col('order_lines', 'amount')},{ctx.col('order_lines', 'order_no')},{o})")


def _cancelled(ctx: FormulaContext, row: int) -> str:
    """Whether the order on ``row`` is cancelled (its status is the cancelled label)."""
    return f"{ctx.here('orders', 'status', row)}={ctx.text(label_of(ORDER_STATUS, 'cancelled', ctx.lang))}"


def _direct_paid(ctx: FormulaContext, row: int) -> str:
    """The order's own payments (rows naming it; refunds negative)."""
    o = ctx.here("orders", "order_no", row)
    return f"SUMIFS({ctx.col('payments', 'amount')},{ctx.col('payments', 'order_no')},{o})"


def _order_paid(ctx: FormulaContext, row: int) -> str:
    return money(f"{_direct_paid(ctx, row)}+{ctx.here('orders', 'allocated', row)}")


def _order_balance(ctx: FormulaContext, row: int) -> str:
    h = ctx.on_row("orders", row)
    owed = money(f"{h('total')}-{h('paid')}")
    return f"IF({_cancelled(ctx, row)},0,{owed})"


def _order_payment_status(ctx: FormulaContext, row: int) -> str:
    h = ctx.on_row("orders", row)
    lab = {c.value: ctx.text(c.label(ctx.lang)) for c in PAYMENT_STATUS}
    total, paid = h("total"), h("paid")
    body = (
        f"IF({paid}>{total},{lab['overpaid']},IF(AND({paid}={total},{total}>0),{lab['paid']},"
        f"IF({paid}>0,{lab['partial']},{lab['unpaid']})))"
    )
    return f"IF({_cancelled(ctx, row)},IF({paid}>0,{lab['refund_due']},{lab['cancelled']}),{body})"


def _shipped_on(ctx: FormulaContext, row: int) -> str:
    """The ship date of the order's first row on Shipments (MATCH finds the first), blank without one."""
    first = (
        f"INDEX({ctx.col('shipments', 'ship_date')},"
        f"MATCH({ctx.here('orders', 'order_no', row)},{ctx.col('shipments', 'order_no')},0))"
    )
    return f'IFERROR(IF(ISNUMBER({first}),{first},""),"")'


def _pay_due(ctx: FormulaContext, row: int) -> str:
    """应付日期 under the order's terms, else the customer's (derive.payment_due): each term's basis,
    months and days come from the Lists sheet (``lst_payment_terms_*``), so the settings decide."""
    h = ctx.on_row("orders", row)
    customer_terms = (
        f"IFERROR(INDEX({ctx.col('customers', 'terms')},"
        f'MATCH({_key(ctx, "orders", "customer_id", row)},{ctx.col("customers", "customer_id")},0))&"","")'
    )
    term = f'IF({h("terms")}<>"",{h("terms")},{customer_terms})'
    at = f"MATCH({term},{list_range('payment_terms')},0)"

    def part(p: str) -> str:
        return f"INDEX({list_range('payment_terms_' + p)},{at})"

    ordered, shipped = h("order_date"), h("shipped_on")
    on_order = f'IF(ISNUMBER({ordered}),{ordered},"")'
    after = (
        f'IF(ISNUMBER({shipped}),IF({part("basis")}="month_end",EOMONTH({shipped},VALUE({part("months")})),'
        f'{shipped})+VALUE({part("days")}),"")'
    )
    terms = f'IF(OR({part("basis")}="prepay",{part("basis")}="cash"),{on_order},{after})'
    none = f"IF(ISNUMBER({h('due_date')}),{h('due_date')},{on_order})"
    return f"IFERROR({terms},{none})"


def _days_overdue(ctx: FormulaContext, row: int) -> str:
    h = ctx.on_row("orders", row)
    return f'IF(AND(ISNUMBER({h("pay_due")}),{h("balance")}>0),MAX(0,TODAY()-{h("pay_due")}),"")'


def _refund_due(ctx: FormulaContext, row: int) -> str:
    h = ctx.on_row("orders", row)
    return money(f"MAX(0,IF({_cancelled(ctx, row)},{h('paid')},{h('paid')}-{h('total')}))")


def _open(ctx: FormulaContext, row: int) -> str:
    """What the order's own payments leave open, for money on account to pay (0 when cancelled)."""
    total = ctx.here("orders", "total", row)
    return f"IF({_cancelled(ctx, row)},0,{money(f'MAX(0,{total}-{_direct_paid(ctx, row)})')})"


def _alloc_rank(ctx: FormulaContext, row: int) -> str:
    """核销顺序: the payment due date's serial (RANK_NOT_DUE without one), plus RANK_NOT_NAMED unless
    memo allocation is on and a memo of the customer's payments on account names the order."""
    h = ctx.on_row("orders", row)
    p = ctx.cols("payments")
    named = either(
        "COUNTIFS",
        "",
        p("customer_id"),
        _key(ctx, "orders", "customer_id", row),
        f',{p("order_no")},"",{p("notes")},"*"&{h("order_no")}&"*"',
    )
    # (the one-cell list by itself: Gnumeric's INDEX of a one-cell range is #REF!)
    memo = f'AND({list_range("allocation")}="memo",{named}>0)'
    return f"IF({memo},0,{RANK_NOT_NAMED})+IF(ISNUMBER({h('pay_due')}),{h('pay_due')},{RANK_NOT_DUE})"


def _allocated(ctx: FormulaContext, row: int) -> str:
    """Money on account (payments naming the customer, not an order) that pays this order: the
    customer's pool less what the orders ahead in 核销顺序 take (ties: the rows above), between 0
    and the order's open amount (derive.allocation_order)."""
    h = ctx.on_row("orders", row)
    p = ctx.cols("payments")
    o = ctx.cols("orders")
    cust, rank = _key(ctx, "orders", "customer_id", row), h("alloc_rank")
    pool = either("SUMIFS", f"{p('amount')},", p("customer_id"), cust, f',{p("order_no")},""')

    def above(k: str) -> str:
        return f"${SHEET_BY_KEY['orders'].letter(k)}$1:${SHEET_BY_KEY['orders'].letter(k)}{row - 1}"

    ahead = (
        either("SUMIFS", f"{o('open')},", o("customer_id"), cust, f',{o("alloc_rank")},"<"&{rank}')
        + "+"
        + either("SUMIFS", f"{above('open')},", above("customer_id"), cust, f",{above('alloc_rank')},{rank}")
    )
    share = money(f"MAX(0,MIN({h('open')},{pool}-({ahead})))")
    return f'IF({h("customer_id")}="",0,{share})'


def _latest_count(ctx: FormulaContext, row: int) -> str:
    """On a stocktake row: its date when no stocktake of the same SKU is later (ties all show it)."""
    h = ctx.on_row("stock_moves", row)
    m = ctx.cols("stock_moves")
    count = ctx.text(label_of(MOVEMENT_TYPE, "stocktake", ctx.lang))
    later = either(
        "COUNTIFS",
        "",
        m("sku"),
        _key(ctx, "stock_moves", "sku", row),
        f',{m("type")},{count},{m("date")},">"&{h("date")}',
    )
    return f'IF(AND({h("type")}={count},ISNUMBER({h("date")})),IF({later}=0,{h("date")},""),"")'


def _last_count(ctx: FormulaContext, row: int) -> str:
    """The date the stock movements mark as the product's latest stocktake (their mean: all equal)."""
    sku = ctx.here("products", "sku", row)
    m = ctx.cols("stock_moves")
    total = either("SUMIFS", f"{m('latest_count')},", m("sku"), sku)
    counts = either("COUNTIFS", "", m("sku"), sku, f',{m("latest_count")},">0"')
    return f'IFERROR({total}/{counts},"")'


def _on_hand(ctx: FormulaContext, row: int) -> str:
    h = ctx.on_row("products", row)
    sku = h("sku")
    stocktake = label_of(MOVEMENT_TYPE, "stocktake", ctx.lang)
    m = ctx.cols("stock_moves")
    t = f"N({h('last_count_date')})"  # the latest stocktake's date; 0 when there is none
    counted = either("SUMIFS", f"{m('quantity')},", m("sku"), sku, f',{m("latest_count")},">0"')
    base = f"IF({t}=0,{number(h('opening_stock'))},{counted})"
    after = either(
        "SUMIFS", f"{m('quantity')},", m("sku"), sku, f',{m("date")},">"&{t},{m("type")},{ctx.text("<>" + stocktake)}'
    )
    ships = ctx.cols("shipments")
    lines = ctx.cols("order_lines")
    shipped = (
        either("SUMIFS", f"{ships('quantity')},", ships("sku"), sku, f',{ships("ship_date")},">"&{t}')
        + "+"
        + either("SUMIFS", f"{lines('quantity')},", lines("sku"), sku, f',{lines("whole_ship_date")},">"&{t}')
    )
    return f"{base}+{after}-({shipped})"


def _above_reorder(ctx: FormulaContext, row: int) -> str:
    h = ctx.on_row("products", row)
    on_hand, point = h("on_hand"), h("reorder_point")
    return f'IF(AND(ISNUMBER({on_hand}),ISNUMBER({point})),{on_hand}-{point},"")'


def _label(sheet: str, key: str, name: str) -> Formula:
    """编号及名称: ``C0001 杭州明远贸易有限公司``, a dropdown entry (derive._label)."""

    def f(ctx: FormulaContext, row: int) -> str:
        return f'{ctx.here(sheet, key, row)}&" "&{ctx.here(sheet, name, row)}'

    return f


def _customer_sales(ctx: FormulaContext, row: int) -> str:
    o = ctx.cols("orders")
    cancelled = ctx.text(label_of(ORDER_STATUS, "cancelled", ctx.lang))
    return money(
        either(
            "SUMIFS",
            f"{o('total')},",
            o("customer_id"),
            ctx.here("customers", "customer_id", row),
            f',{o("status")},"<>"&{cancelled}',
        )
    )


def _rank(sheet: str, key: str) -> Formula:
    """Place of the row's value above 0 among the column's, highest first, ties in row order
    (derive.ranks): the larger values, plus the equal ones above, plus one."""

    def f(ctx: FormulaContext, row: int) -> str:
        v, letter = ctx.here(sheet, key, row), SHEET_BY_KEY[sheet].letter(key)
        above = f"${letter}$1:${letter}{row - 1}"
        return f'IF(N({v})>0,COUNTIFS({ctx.col(sheet, key)},">"&{v})+COUNTIFS({above},{v})+1,"")'

    return f


def _low_seq(ctx: FormulaContext, row: int) -> str:
    """1, 2, 3 … down the on-sale products at or below their reorder point (derive.low_stock)."""
    h = ctx.on_row("products", row)
    default = f"VALUE({list_range('low_stock_default')})"  # the settings' point, on the Lists sheet
    letter = SHEET_BY_KEY["products"].letter("low_seq")
    off = ctx.text(label_of(YES_NO, "no", ctx.lang))
    point = f"IF(ISNUMBER({h('reorder_point')}),{h('reorder_point')},{default})"
    return (
        f"IF(AND({h('active')}<>{off},ISNUMBER({h('on_hand')}),{h('on_hand')}<={point}),"
        f'COUNT(${letter}$1:${letter}{row - 1})+1,"")'
    )


#: (sheet key, column key) -> formula builder. Every derived column of the schema has one (tested).
FORMULAS: dict[tuple[str, str], Formula] = {
    ("products", "last_count_date"): _last_count,
    ("products", "on_hand"): _on_hand,
    ("products", "above_reorder"): _above_reorder,
    ("orders", "customer_name"): _lookup("customers", "customer_id", "name", "orders", "customer_id"),
    ("orders", "total"): _order_total,
    ("orders", "paid"): _order_paid,
    ("orders", "balance"): _order_balance,
    ("orders", "payment_status"): _order_payment_status,
    ("orders", "shipped_on"): _shipped_on,
    ("orders", "pay_due"): _pay_due,
    ("orders", "days_overdue"): _days_overdue,
    ("orders", "refund_due"): _refund_due,
    ("orders", "allocated"): _allocated,
    ("orders", "open"): _open,
    ("orders", "alloc_rank"): _alloc_rank,
    ("order_lines", "product_name"): _lookup("products", "sku", "name", "order_lines", "sku"),
    ("order_lines", "amount"): _line_amount,
    ("order_lines", "shipped_qty"): _line_shipped,
    ("order_lines", "whole_ship_date"): _line_whole_date,
    ("stock_moves", "latest_count"): _latest_count,
    ("stock_moves", "product_name"): _lookup("products", "sku", "name", "stock_moves", "sku"),
    ("customers", "label"): _label("customers", "customer_id", "name"),
    ("customers", "sales"): _customer_sales,
    ("customers", "sales_rank"): _rank("customers", "sales"),
    ("products", "label"): _label("products", "sku", "name"),
    ("products", "low_seq"): _low_seq,
    ("orders", "overdue_rank"): _rank("orders", "days_overdue"),
}


def formula(ctx: FormulaContext, sheet: str, key: str, row: int) -> str:
    """The formula of derived column ``key`` on ``sheet`` at 1-based Excel ``row``: blank while the
    row's guarding key is blank (derive.BLANK_GUARD, which derive() follows too)."""
    guard = ctx.here(sheet, BLANK_GUARD[(sheet, key)], row)
    return f'=IF({guard}="","",{FORMULAS[(sheet, key)](ctx, row)})'
