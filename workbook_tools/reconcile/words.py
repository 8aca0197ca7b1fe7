"""The reconciliation's words in Chinese and English: sheet names, headers, summary lines, and how
a bank line was matched. What each row of the Payments / Shipments sheets is about is a kind of
the rule catalogue (codes.py ``KINDS``: its title, severity and whether it needs action)."""

from __future__ import annotations

from ..codes import KINDS
from ..lang import Lang, Pair, lookup

SHEETS = {
    "summary": ("汇总", "Summary"),
    "stock": ("库存台账", "Stock ledger"),
    "counts": ("盘点差异", "Stocktake"),
    "payments": ("付款核对", "Payments"),
    "shipments": ("发货核对", "Shipments"),
    "ageing": ("账龄", "Ageing"),
    "collection": ("催收清单", "Collection list"),
    "bank": ("银行对账", "Bank"),
    "findings": ("问题清单", "Findings"),
}

#: What the Bank sheet says of a line that is no problem: how it was matched (bank.py ``how``), or why
#: it was not (a credit without payment is the rule ``bank-line-unmatched``).
BANK_RESULTS: dict[str, Pair] = {
    "reference": ("已匹配：流水号", "Matched: reference"),
    "amount_date_name": ("已匹配：金额+日期+户名", "Matched: amount, date, payer"),
    "amount_date_order": ("已匹配：金额+日期+摘要中的订单号", "Matched: amount, date, order no in memo"),
    "outgoing": ("支出（非退款）", "Outgoing (not a refund)"),
    "no_amount": ("无金额", "No amount"),
}


def kind_title(kind: str, lang: Lang | str) -> str:
    """What a row is about, in ``lang``: its rule's (or note's) title, or a bank line's result."""
    return KINDS[kind].title(lang) if kind in KINDS else lookup(BANK_RESULTS, kind, lang)


def kind_mark(kind: str) -> str | None:
    """How a row is coloured: its rule's severity ("error" red, "warning" yellow); None for a note or a match."""
    entry = KINDS.get(kind)
    return entry.severity.value if entry is not None and entry.severity is not None else None


def for_record(kind: str) -> bool:
    """Whether a row is kept for the record only (nothing left to do), not one that needs action."""
    return KINDS[kind].record


HEADERS = {
    # stock ledger
    "sku": ("产品编号", "SKU"),
    "product": ("产品名称", "Product"),
    "unit": ("单位", "Unit"),
    "list_price": ("单价", "List price"),
    "opening": ("期初库存", "Opening"),
    "receipts": ("入库", "Receipts"),
    "returns": ("退货", "Returns"),
    "adjustments": ("调整", "Adjustments"),
    "shipped": ("已发货", "Shipped"),
    "corrections": ("盘点修正", "Count corrections"),
    "closing": ("期末库存", "Closing stock"),
    "stock_value": ("库存金额", "Stock value"),
    "reorder_point": ("安全库存", "Reorder point"),
    "low": ("需补货", "Reorder"),
    "last_count": ("最近盘点日", "Last count"),
    "negative_on": ("负库存日期", "Went negative on"),
    "lowest": ("最低库存", "Lowest"),
    # stocktake
    "count_date": ("盘点日期", "Count date"),
    "book": ("账面数量", "Book quantity"),
    "counted": ("实盘数量", "Counted"),
    "variance": ("差异数量", "Variance"),
    "variance_value": ("差异金额", "Variance value"),
    "cell": ("位置", "Cell"),
    # payments / shipments
    "kind": ("类别", "Kind"),
    "order_no": ("订单编号", "Order no"),
    "customer": ("客户名称", "Customer"),
    "customer_id": ("客户编号", "Customer ID"),
    "status": ("订单状态", "Status"),
    "total": ("订单金额", "Total"),
    "paid": ("已付金额", "Paid"),
    "balance": ("未付金额", "Balance"),
    "payment_status": ("付款状态", "Payment status"),
    "due_date": ("交货日期", "Due date"),
    "days_past_due": ("逾期天数", "Days past due"),
    "paid_on": ("付款日期", "Paid on"),
    "method": ("付款方式", "Method"),
    "amount": ("付款金额", "Amount"),
    "reference": ("交易流水号", "Reference"),
    "other": ("另见", "See also"),
    "order_date": ("下单日期", "Order date"),
    "first_ship": ("首次发货", "First shipped"),
    "days_late": ("迟发天数", "Days late"),
    "ordered": ("订购数量", "Ordered"),
    "shipped_qty": ("已发数量", "Shipped"),
    # ageing / collection
    "contact": ("联系人", "Contact"),
    "phone": ("电话", "Phone"),
    "orders": ("订单数", "Orders"),
    "sum": ("合计", "Total"),
    "rank": ("优先级", "Priority"),
    "overdue": ("逾期合计", "Overdue"),
    "owed": ("欠款合计", "Owed in all"),
    "oldest_due": ("最早应付日期", "Oldest payment due"),
    "max_days": ("最长逾期天数", "Most days past due"),
    "bucket": ("账龄段", "Ageing bucket"),
    "pay_due": ("应付日期", "Payment due"),
    "terms": ("付款条件", "Terms"),
    "salesperson": ("销售员", "Salesperson"),
    "credit_on_account": ("预收款", "Credit on account"),
    "net_owed": ("净欠款", "Net owed"),
    # bank
    "line": ("行号", "Line"),
    "bank_date": ("交易日期", "Date"),
    "credit": ("收入金额", "Credit"),
    "debit": ("支出金额", "Debit"),
    "payer": ("对方户名", "Payer"),
    "memo": ("摘要", "Memo"),
    "result": ("核对结果", "Result"),
    "days_apart": ("日期差(天)", "Days apart"),
    "payment_cell": ("付款位置", "Payment cell"),
    # findings
    "severity": ("级别", "Severity"),
    "code": ("代码", "Code"),
    "title": ("问题", "Problem"),
    "value": ("值", "Value"),
    "message": ("说明", "Message"),
    "hint": ("处理建议", "How to fix"),
}

TEXTS = {
    "title": ("对账报告", "Reconciliation"),
    "book": ("订单簿", "Order book"),
    "as_of": ("对账日期", "As of"),
    "statement": ("银行流水", "Bank statement"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "total_row": ("合计", "Total"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "none": ("没有发现问题", "No discrepancies"),
    "sec_stock": ("库存", "Stock"),
    "sec_payments": ("付款", "Payments"),
    "sec_shipments": ("发货", "Shipments"),
    "sec_ageing": ("应收账款账龄", "Receivables ageing"),
    "sec_bank": ("银行对账", "Bank statement"),
    "sec_findings": ("问题汇总", "Discrepancies"),
    "item": ("项目", "Item"),
    "figure": ("数值", "Figure"),
    "count": ("数量", "Count"),
    "skus": ("产品数", "Products"),
    "stock_value": ("库存金额（按单价）", "Stock value at list price"),
    "stocktakes": ("盘点次数", "Stocktakes"),
    "variance_units": ("盘点差异数量合计", "Stocktake variance, units"),
    "variance_value": ("盘点差异金额合计", "Stocktake variance, value"),
    "negative_skus": ("出现负库存的产品", "Products that went negative"),
    "low_skus": ("需补货的产品", "Products to reorder"),
    "orders": ("订单数（不含已取消）", "Orders (not cancelled)"),
    "order_total": ("订单金额合计", "Order total"),
    "paid_total": ("已收金额合计", "Paid"),
    "outstanding": ("未收金额合计", "Outstanding"),
    "received": ("收款合计", "Received"),
    "refunded": ("退款合计", "Refunded"),
    "payments": ("付款记录数", "Payment records"),
    "shipments": ("发货记录数", "Shipment records"),
    "shipped_orders": ("已发货订单数", "Orders shipped"),
    "on_time": ("按期发货率", "Shipped on time"),
    "receivables": ("应收订单数", "Open orders"),
    "overdue_total": ("逾期金额", "Past due"),
    "collect_customers": ("需催收客户", "Customers to chase"),
    "bank_lines": ("流水行数", "Statement lines"),
    "bank_period": ("流水期间", "Period"),
    "bank_credits": ("收入合计", "Credits"),
    "bank_matched": ("已匹配收入", "Credits matched"),
    "encoding": ("文件编码", "Encoding"),
    "skipped": ("跳过的行（无日期：合计、说明）", "Lines skipped (no date: totals, notes)"),
}


def w(table: dict[str, Pair], key: str, lang: str) -> str:
    return lookup(table, key, lang)


# --------------------------------------------------------------------------------------------
# What needs action and what is for the record (codes.py: ``record``)
# --------------------------------------------------------------------------------------------

SHEETS.update(
    {
        "payments_record": ("付款备查", "Payments, record"),
        "shipments_record": ("发货备查", "Shipments, record"),
        "counts_detail": ("盘点明细", "Stocktake detail"),
    }
)

TEXTS.update(
    {
        "book_errors": (
            "注意：订单簿有 {n} 个校验错误，对账数字可能不准；请先用 orderbook validate 查看并在原订单簿中修正",
            "Note: the order book has {n} validation errors, so these figures may be wrong; "
            "run orderbook validate and fix them in the book first",
        ),
        "needs_action": ("需处理", "Needs action"),
        "nothing_to_do": ("没有需要处理的项目", "Nothing needs action"),
        "for_record": ("备查（无需处理）", "For the record (no action)"),
        "payments_action": ("需处理的付款问题", "Payment items needing action"),
        "payments_record_n": ("备查的付款记录", "Payment items for the record"),
        "shipments_action": ("需处理的发货问题", "Shipment items needing action"),
        "shipments_record_n": ("备查的发货记录", "Shipment items for the record"),
        "count_gain_units": ("盘盈数量", "Found over, units"),
        "count_gain_value": ("盘盈金额", "Found over, value"),
        "count_loss_units": ("盘亏数量", "Found short, units"),
        "count_loss_value": ("盘亏金额", "Found short, value"),
        "count_net_units": ("净差异数量", "Net variance, units"),
        "count_net_value": ("净差异金额", "Net variance, value"),
        "counts_with_variance": ("有差异的盘点", "Counts with a variance"),
        "gain_row": ("盘盈合计", "Found over"),
        "loss_row": ("盘亏合计", "Found short"),
        "net_row": ("净差异", "Net"),
        "all_counts": ("全部盘点（含无差异）见“{sheet}”", "Every count (with the ones that matched) is on “{sheet}”"),
    }
)

# --------------------------------------------------------------------------------------------
# Payments on account (收款核销) and the collection list per salesperson
# --------------------------------------------------------------------------------------------

SHEETS.update(
    {
        "allocation": ("收款核销", "Payments on account"),
        "collection_by_salesperson": ("催收清单（按销售员）", "Collection by salesperson"),
    }
)

HEADERS.update(
    {
        "order_paid": ("核销订单", "Order paid"),
        "left_on_account": ("本笔未核销", "Left on account"),
        "customer_credit": ("客户预收款余额", "Customer's credit"),
    }
)

TEXTS.update(
    {
        "salesperson_block": (
            "销售员：{name}　{customers} 位客户逾期，合计 {overdue}",
            "Salesperson: {name} — {customers} customers past due, {overdue} in all",
        ),
        "no_salesperson": ("（订单未填销售员）", "(orders without a salesperson)"),
    }
)
