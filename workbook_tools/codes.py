"""The rule catalogue: every finding code, its severity, and its words in Chinese and English.

Codes are stable slugs (never renamed once released); docs/rules.md is generated from this table
and a test keeps the two equal. The reconciliation's rows are kinds of this catalogue too: a row
about a problem is its rule's code (severity and title from here), and the few rows that are no
rule (a refund, a payment on a cancelled order) are the ``NOTES`` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .lang import pick


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    group: str
    title_zh: str
    title_en: str
    #: Message templates; fields: {value}, {column}, {sheet} and rule-specific ones.
    message_zh: str
    message_en: str
    hint_zh: str
    hint_en: str
    #: For the record: nothing is left to do about it (an order that left late has left); the
    #: reconciliation lists such rows apart from those that need action.
    record: bool = False

    def title(self, lang: str | None = "zh") -> str:
        return pick(lang, self.title_zh, self.title_en)


@dataclass(frozen=True)
class Note:
    """A kind of reconciliation row that is no rule (no finding is made): kept for the record."""

    code: str
    group: str
    title_zh: str
    title_en: str
    severity: None = None
    record: bool = True

    def title(self, lang: str | None = "zh") -> str:
        return pick(lang, self.title_zh, self.title_en)


E, W = Severity.ERROR, Severity.WARNING

_CODES = [
    # --- row level
    Code(
        "required-missing",
        E,
        "row",
        "必填项为空",
        "Required value missing",
        "“{column}”必须填写",
        "{column} is required",
        "补填此单元格。",
        "Fill in this cell.",
    ),
    Code(
        "wrong-type",
        E,
        "row",
        "类型错误",
        "Wrong type",
        "“{column}”应为{expected}，实际为“{value}”",
        "{column} should be {expected_en}, found '{value}'",
        "按列的类型重新填写（日期、整数、金额……）。",
        "Retype the value as the column's type (date, whole number, amount …).",
    ),
    Code(
        "bad-format",
        E,
        "row",
        "格式错误",
        "Bad format",
        "“{column}”的格式不正确：“{value}”（{expected}）",
        "{column} has a bad format: '{value}' ({expected_en})",
        "按说明中的格式填写。",
        "Use the format given in the instructions.",
    ),
    Code(
        "tracking-format",
        W,
        "row",
        "物流单号格式异常",
        "Unusual tracking number",
        "物流单号“{value}”不符合{expected}的常见格式",
        "Tracking number '{value}' does not look like {expected_en}",
        "核对物流单号（部分快递公司未公布格式，仅作提醒）。",
        "Check the number (not every carrier publishes its format; this is a reminder).",
    ),
    Code(
        "lost-digits",
        E,
        "row",
        "数字被截断",
        "Digits lost",
        "“{column}”被存成了数字“{value}”，末尾几位可能已丢失",
        "{column} was stored as the number {value}; its last digits may be lost",
        "将单元格设为文本格式后重新输入完整号码。",
        "Format the cell as text and retype the full number.",
    ),
    Code(
        "out-of-range",
        E,
        "row",
        "超出范围",
        "Out of range",
        "“{column}”的值“{value}”超出范围（{expected}）",
        "{column} value {value} is out of range ({expected_en})",
        "填写允许范围内的值。",
        "Enter a value within the allowed range.",
    ),
    Code(
        "not-in-list",
        E,
        "row",
        "不在选项中",
        "Not in the list",
        "“{column}”的值“{value}”不在下拉选项中",
        "{column} value '{value}' is not one of the choices",
        "从下拉列表中选择，或在配置文件中增加该选项。",
        "Pick from the dropdown, or add the choice in the config file.",
    ),
    Code(
        "formula-overwritten",
        E,
        "row",
        "公式被改写",
        "Formula overwritten",
        "“{column}”显示“{value}”，按数据应为“{expected}”（公式可能被手工改写）",
        "{column} shows '{value}' but the data give '{expected_en}' (the formula may have been typed over)",
        "用 orderbook regenerate 恢复公式，或从上一行复制公式。",
        "Restore the formula with orderbook regenerate, or copy it from the row above.",
    ),
    # --- the book's own machinery, as its XML has it (validate/prepared.py; tests/test_extend.py)
    Code(
        "formula-missing",
        E,
        "book",
        "缺少公式",
        "Formula missing",
        "第 {value} 行有数据，但{columns}没有公式，不会计算",
        "Row {value} holds data but {columns_en} have no formula there: nothing is computed",
        "运行 orderbook extend 本文件补上公式（数据超出预置行时），或从上一行复制公式。",
        "Run orderbook extend on the book to add the formulas (rows typed past the prepared ones), or copy them from the row above.",
    ),
    Code(
        "prepared-rows-low",
        W,
        "book",
        "预置行不足",
        "Prepared rows running out",
        "本表的公式和格式预置到第 {end} 行，数据已到第 {value} 行：只剩 {remaining} 行（应至少 {needed} 行），再往下填写的行不会计算",
        "This sheet is prepared (formulas, formats) down to row {end} and its data reach row {value}: "
        "{remaining} rows left (keep at least {needed}); rows typed below are not computed",
        "运行 orderbook extend 本文件（或 orderbook nightly --extend）预置更多行。",
        "Run orderbook extend on the book (or orderbook nightly --extend) to prepare more rows.",
    ),
    Code(
        "validation-missing",
        W,
        "book",
        "数据验证缺失",
        "Validation missing",
        "第 {value} 行的{columns}没有数据验证（下拉列表和输入限制），多半被其他程序保存或整行粘贴时去掉",
        "Rows {value} of {columns_en} lost their data validation (drop-downs and input limits), "
        "most likely when another program saved the book or whole rows were pasted",
        "运行 orderbook extend 本文件恢复（或 orderbook regenerate）。",
        "Run orderbook extend on the book to restore it (or orderbook regenerate).",
    ),
    # --- keys
    Code(
        "duplicate-key",
        E,
        "keys",
        "重复编号",
        "Duplicate key",
        "“{column}”“{value}”重复，另见 {other}",
        "{column} '{value}' is duplicated; see also {other}",
        "每个编号只能出现一次：删除重复行或改用新编号。",
        "Each key may appear once: delete the duplicate row or use a new key.",
    ),
    Code(
        "key-spelling",
        E,
        "keys",
        "编号含空格或全角字符",
        "Key typed with spaces or full-width characters",
        "“{column}”“{value}”{what}：表中的公式找不到它，应为“{expected}”",
        "{column} '{value}' {what_en}: the book's formulas do not find it; it should be '{expected_en}'",
        "重新输入编号：删除前后的空格，字母和数字用半角（英文输入法）。",
        "Retype the key without spaces around it, letters and digits in half-width (an English input method).",
    ),
    Code(
        "possible-duplicate-customer",
        W,
        "keys",
        "疑似重复客户",
        "Possible duplicate customer",
        "客户“{value}”与 {other} 的{reason}相同",
        "Customer '{value}' has the same {reason_en} as {other}",
        "确认是否同一客户；如是，合并为一个客户编号。",
        "Check whether they are the same customer; if so, keep one customer ID.",
    ),
    # --- references
    Code(
        "unknown-customer",
        E,
        "references",
        "客户不存在",
        "Unknown customer",
        "客户编号“{value}”不在客户表中",
        "Customer ID '{value}' is not on the Customers sheet",
        "先在客户表登记该客户，或改正编号。",
        "Add the customer first, or correct the ID.",
    ),
    Code(
        "unknown-order",
        E,
        "references",
        "订单不存在",
        "Unknown order",
        "订单编号“{value}”不在订单表中",
        "Order no '{value}' is not on the Orders sheet",
        "先在订单表登记该订单，或改正编号。",
        "Add the order first, or correct the number.",
    ),
    Code(
        "unknown-sku",
        E,
        "references",
        "产品不存在",
        "Unknown product",
        "产品编号“{value}”不在产品表中",
        "SKU '{value}' is not on the Products sheet",
        "先在产品表登记该产品，或改正编号。",
        "Add the product first, or correct the SKU.",
    ),
    # --- orders
    Code(
        "due-before-order",
        E,
        "orders",
        "交货日期早于下单日期",
        "Due before ordered",
        "交货日期 {value} 早于下单日期 {expected}",
        "Due date {value} is before the order date {expected_en}",
        "改正交货日期或下单日期。",
        "Correct the due date or the order date.",
    ),
    Code(
        "future-date",
        W,
        "orders",
        "日期在未来",
        "Date in the future",
        "“{column}”{value} 晚于今天",
        "{column} {value} is after today",
        "确认日期是否填错。",
        "Check the date.",
    ),
    Code(
        "order-without-lines",
        E,
        "orders",
        "订单没有明细",
        "Order without lines",
        "订单“{value}”在订单明细表中没有任何产品",
        "Order '{value}' has no lines on the Order lines sheet",
        "在订单明细表补填产品，或删除/取消该订单。",
        "Add its lines on Order lines, or cancel the order.",
    ),
    Code(
        "overdue",
        W,
        "orders",
        "逾期未发货",
        "Overdue",
        "订单“{value}”交货日期 {expected} 已过，仍未发货",
        "Order '{value}' was due {expected_en} and is not shipped",
        "尽快发货或与客户协商新的交货日期。",
        "Ship it, or agree a new due date with the customer.",
    ),
    Code(
        "cancelled-with-payment",
        W,
        "orders",
        "已取消订单有收款",
        "Cancelled order holds payment",
        "已取消的订单“{value}”仍有净收款 {expected}，应退款",
        "Cancelled order '{value}' still holds {expected_en}: a refund is owed",
        "退款后在付款表记一笔负数金额。",
        "Refund it and record a negative payment.",
    ),
    # --- status
    Code(
        "shipped-without-shipment",
        E,
        "status",
        "已发货但无发货记录",
        "Shipped without shipment",
        "订单“{value}”状态为{expected}，但发货表没有记录",
        "Order '{value}' is {expected_en} but has no shipment",
        "在发货表登记物流信息，或改正订单状态。",
        "Record the shipment, or correct the status.",
    ),
    Code(
        "shipment-but-not-shipped",
        W,
        "status",
        "有发货记录但状态未发货",
        "Shipment but not shipped",
        "订单“{value}”已有发货记录，但状态仍为{expected}",
        "Order '{value}' has a shipment but is still {expected_en}",
        "将订单状态改为已发货。",
        "Set the order status to shipped.",
    ),
    # a warning: 订单状态 is the order's status, entered once; the log is its history (README, "A status
    # change is entered once")
    Code(
        "status-log-mismatch",
        W,
        "status",
        "状态与记录不符",
        "Status differs from log",
        "订单“{value}”当前状态为{expected}，但状态记录最后一条为{other}",
        "Order '{value}' is {expected_en} but its last status-log entry says {other_en}",
        "订单状态以订单表为准；需要留痕时在状态记录补一行（时间、经办人、问题）。",
        "The status on Orders is the order's status; add a status-log row when the change needs a record "
        "(time, who, problem).",
    ),
    Code(
        "status-regression",
        E,
        "status",
        "状态倒退",
        "Status went backwards",
        "订单“{value}”的状态从{other}退回到{expected}",
        "Order '{value}' went back from {other_en} to {expected_en}",
        "检查状态记录的顺序和时间。",
        "Check the order and times of the status-log entries.",
    ),
    Code(
        "unresolved-issue",
        W,
        "status",
        "问题未处理",
        "Unresolved problem",
        "订单“{value}”的问题“{expected}”已超过 {days} 天没有处理措施",
        "Order '{value}': problem '{expected_en}' has had no resolution for over {days} days",
        "填写处理措施，或跟进解决。",
        "Record the resolution, or follow it up.",
    ),
    # --- shipping and stock
    Code(
        "ship-before-order",
        E,
        "stock",
        "发货早于下单",
        "Shipped before ordered",
        "发货日期 {value} 早于下单日期 {expected}",
        "Ship date {value} is before the order date {expected_en}",
        "改正发货日期。",
        "Correct the ship date.",
    ),
    Code(
        "delivered-before-shipped",
        E,
        "stock",
        "签收早于发货",
        "Delivered before shipped",
        "签收日期 {value} 早于发货日期 {expected}",
        "Delivered on {value}, before the ship date {expected_en}",
        "改正签收日期或发货日期。",
        "Correct the delivery date or the ship date.",
    ),
    Code(
        "shipped-more-than-ordered",
        E,
        "stock",
        "发货数量超过订购数量",
        "Shipped more than ordered",
        "订单“{value}”的产品 {sku} 发货 {shipped}，订购只有 {expected}",
        "Order '{value}': {shipped} of {sku} shipped but only {expected_en} ordered",
        "改正发货数量，或补录订单明细。",
        "Correct the shipped quantity, or the order line.",
    ),
    Code(
        "negative-stock",
        E,
        "stock",
        "库存为负",
        "Negative stock",
        "产品“{value}”在 {date} 的库存为 {expected}",
        "Product '{value}' had stock {expected_en} on {date}",
        "检查入库是否漏记、发货数量是否有误。",
        "Look for a missing receipt or a wrong shipped quantity.",
    ),
    Code(
        "low-stock",
        W,
        "stock",
        "库存不足",
        "Low stock",
        "产品“{value}”当前库存 {expected}，不高于安全库存 {other}",
        "Product '{value}' has {expected_en} on hand, at or below its reorder point {other_en}",
        "安排补货。",
        "Reorder.",
    ),
    Code(
        "stocktake-variance",
        W,
        "stock",
        "盘点差异",
        "Stocktake variance",
        "产品“{value}”{date} 盘点 {counted}，账面 {expected}，差异 {other}",
        "Product '{value}' counted {counted} on {date}, books say {expected_en}: variance {other_en}",
        "查明差异原因，必要时登记调整。",
        "Find the cause; record an adjustment if needed.",
    ),
    # --- payments
    Code(
        "overpaid",
        E,
        "payments",
        "超额付款",
        "Overpaid",
        "订单“{value}”收款 {other} 超过订单金额 {expected}",
        "Order '{value}' received {other_en}, more than its total {expected_en}",
        "核对收款，多收部分应退款。",
        "Check the payments; refund the excess.",
    ),
    Code(
        "payment-before-order",
        W,
        "payments",
        "付款早于下单",
        "Paid before ordered",
        "付款日期 {value} 比订单“{order}”的下单日期 {expected} 早 {days} 天（预付款最多提前 {limit} 天）",
        "Payment dated {value} is {days} days before order '{order}' was placed ({expected_en}; advance payments "
        "come at most {limit} days ahead)",
        "核对付款日期和订单编号；预付款可提前的天数在配置 thresholds.prepay_days 中设置。",
        "Check the payment date and the order number; how far ahead an advance payment may come is "
        "thresholds.prepay_days in the settings.",
    ),
    Code(
        "prepay-unpaid",
        W,
        "payments",
        "款到发货未收款",
        "Prepaid terms, not paid",
        "订单“{value}”为款到发货，交货日期 {expected} 将到，仍欠款 {other}",
        "Order '{value}' is on prepayment terms, due to ship on {expected_en}, and still owes {other_en}",
        "先收款再发货；已收款则在付款表登记。",
        "Collect the money before the goods leave; if it came, record it on Payments.",
    ),
    Code(
        "completed-unpaid",
        W,
        "payments",
        "已完成但未结清",
        "Completed but not paid",
        "已完成的订单“{value}”仍欠款 {expected}",
        "Completed order '{value}' still owes {expected_en}",
        "催收欠款。",
        "Chase the balance.",
    ),
    Code(
        "price-deviation",
        W,
        "payments",
        "价格偏离",
        "Price deviation",
        "单价 {value} 与产品标准价 {expected} 相差超过 {other}",
        "Unit price {value} differs from the list price {expected_en} by more than {other_en}",
        "确认价格是否有误。",
        "Check the price.",
    ),
    # --- reconciliation (orderbook reconcile)
    Code(
        "unpaid-past-due",
        W,
        "reconcile",
        "欠款逾期",
        "Balance past due",
        "订单“{value}”未付 {expected}，应于 {date} 付清，已逾期 {days} 天",
        "Order '{value}' owes {expected_en}, due {date}: {days} days past due",
        "联系客户催收（见催收清单）。",
        "Chase the customer (see the collection list).",
    ),
    Code(
        "shipped-less-than-ordered",
        W,
        "reconcile",
        "发货数量少于订购数量",
        "Shipped less than ordered",
        "订单“{value}”状态为{expected}，产品 {sku} 订购 {ordered}，只发货 {shipped}",
        "Order '{value}' is {expected_en} but only {shipped} of {ordered} {sku} were shipped",
        "补登漏记的发货，或改正订单状态、订单明细。",
        "Record the missing shipment, or correct the status or the order line.",
    ),
    Code(
        "cancelled-order-shipped",
        W,
        "reconcile",
        "已取消订单有发货",
        "Cancelled order shipped",
        "已取消的订单“{value}”在 {date} 有发货记录",
        "Cancelled order '{value}' has a shipment on {date}",
        "确认货物是否已退回入库；否则改正订单状态。",
        "Check that the goods came back into stock; otherwise correct the status.",
    ),
    Code(
        "shipped-after-due",
        W,
        "reconcile",
        "晚于交货日期发货",
        "Shipped after the due date",
        "订单“{value}”首次发货 {other}，晚于交货日期 {expected}（迟 {days} 天）",
        "Order '{value}' first shipped {other_en}, after its due date {expected_en} ({days} days late)",
        "向客户说明延迟原因；检查交期安排。",
        "Explain the delay to the customer; review how due dates are promised.",
        record=True,
    ),
    Code(
        "bank-line-unmatched",
        W,
        "reconcile",
        "银行收款无对应付款",
        "Bank credit without payment",
        "银行流水 {date} 收入 {value}（{payer}）没有对应的付款记录",
        "Bank credit of {value} on {date} ({payer}) matches no recorded payment",
        "在付款表登记这笔收款，或查明款项来源。",
        "Record the payment on the Payments sheet, or find out what it is.",
    ),
    Code(
        "payment-not-in-bank",
        W,
        "reconcile",
        "付款未在银行流水中",
        "Payment not on the statement",
        "订单“{order}”{date} 的{method}付款 {value} 在银行流水中没有找到",
        "Payment of {value} for order '{order}' on {date} ({method_en}) is not on the bank statement",
        "核实款项是否到账；核对金额、日期和交易流水号。",
        "Check that the money arrived; compare amount, date and reference.",
    ),
    # --- changes since the previous night (orderbook nightly, orderbook changes)
    Code(
        "row-deleted",
        E,
        "changes",
        "已付款或已发货订单的行被删除",
        "Row of a paid or shipped order deleted",
        "{sheet}原第 {row_was} 行（订单“{value}”）已被删除，该订单有 {payments} 笔付款、{shipments} 次发货",
        "{sheet_en} row {row_was} (order '{value}') was deleted; the order has {payments} payments and "
        "{shipments} shipments",
        "如属误删，从变更报告复制该行粘贴回去；否则先处理该订单的付款和发货记录。",
        "If it was deleted by mistake, copy the row from the change report and paste it back; otherwise "
        "deal with the order's payments and shipments first.",
    ),
    Code(
        "paid-order-changed",
        W,
        "changes",
        "已付款或已发货订单被改动",
        "Paid or shipped order changed",
        "已付款或已发货的订单“{value}”被改动：{change}",
        "Order '{value}', already paid or shipped, was changed: {change_en}",
        "确认改动是否有依据（退款、补发、更正），必要时恢复原值。",
        "Check the change has a reason (a refund, a re-shipment, a correction); otherwise restore the old value.",
    ),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}

#: The reconciliation's rows that are no rule: money that went back, kept for the record.
NOTES: dict[str, Note] = {
    n.code: n
    for n in [
        Note("refund", "reconcile", "退款", "Refund"),
        Note("payment-on-cancelled-order", "reconcile", "已取消订单的付款", "Payment on a cancelled order"),
    ]
}

#: Every kind a reconciliation row can be: a rule (``Code``) or a note (``Note``).
KINDS: dict[str, Code | Note] = {**CODES, **NOTES}
