"""The workbook's own words (titles, messages, instructions) in Chinese and English.

Sheet names, headers, help texts and dropdown values are not here: they come from the schema and
the choice lists. This module only holds the sentences around them.
"""

from __future__ import annotations

from typing import Any

from ..lang import lookup, say
from ..schema import T

TEXTS: dict[str, tuple[str, str]] = {
    # data validation: alerts
    "err_title": ("输入有误", "Invalid entry"),
    "warn_title": ("请确认", "Please check"),
    "required": ("（必填）", " (required)"),
    "err_list": ("请从下拉列表中选择。", "Pick a value from the drop-down list."),
    "warn_list": (
        "该值不在下拉列表中。确需使用请点“是”。",
        "This value is not in the list. Choose Yes to keep it anyway.",
    ),
    "err_ref": (
        "找不到该{what}：请先在“{sheet}”表中登记，或从下拉列表中选择。",
        "Unknown {what}: add it to the {sheet} sheet first, or pick one from the list.",
    ),
    "warn_pick": (
        "只填已登记的编号也可以：点“是”保留。",
        " A registered code typed alone is fine too: choose Yes to keep it.",
    ),
    "err_unique": ("{what}已存在，不能重复。", "This {what} already exists: it must be unique."),
    "err_email": ("请输入有效的邮箱地址（含 @）。", "Enter a valid email address (with @). "),
    "err_len_max": ("最多 {n} 个字符。", "At most {n} characters."),
    "err_key": ("{what}须唯一，格式如 {example}。", "A {what} is unique and looks like {example}. "),
    "err_len_eq": ("必须正好 {n} 个字符。", "Must be exactly {n} characters."),
    "err_int": ("请输入{range}的整数。", "Enter a whole number {range}."),
    "err_dec": ("请输入{range}的数字。", "Enter a number {range}."),
    "err_pct": ("请输入 {lo} 到 {hi} 之间的百分比。", "Enter a percentage between {lo} and {hi}."),
    "err_nonzero": ("请输入不为 0 的金额；退款填负数。", "Enter a non-zero amount; a refund is negative."),
    "err_date": (
        "请输入 {lo} 至 {hi} 之间的日期，格式 yyyy-mm-dd。",
        "Enter a date between {lo} and {hi} (yyyy-mm-dd).",
    ),
    "err_datetime": (
        "请输入 {lo} 至 {hi} 之间的日期时间，如 2026-11-02 10:30。",
        "Enter a date and time between {lo} and {hi}, e.g. 2026-11-02 10:30.",
    ),
    "not_before": ("不能早于{what}。", "It cannot be before the {what}."),
    "not_before_order": ("不能早于该订单的{what}。", "It cannot be before the order's {what}."),
    "range_ge": ("不小于 {lo} ", "of {lo} or more"),
    "range_le": ("不大于 {hi} ", "of {hi} or less"),
    "range_between": ("在 {lo} 到 {hi} 之间", "between {lo} and {hi}"),
    "range_any": ("", ""),
    # instructions
    "ins_title": ("{company} 客户订单管理簿 — 填写说明", "{company} order book — how to fill it in"),
    "ins_how": ("如何填写", "How to fill it in"),
    "ins_legend": ("表头颜色", "Header colours"),
    "ins_required": ("深蓝色表头：必填列", "Dark blue header: required column"),
    "ins_optional": ("浅蓝色表头：选填列", "Light blue header: optional column"),
    "ins_derived": (
        "灰色表头：公式列，自动计算，已锁定，请勿填写",
        "Grey header: formula column, calculated and locked; do not type",
    ),
    "ins_marks": ("单元格颜色", "Cell colours"),
    "ins_red": (
        "红色：错误（重复编号、找不到的客户/产品/订单、负库存）",
        "Red: an error (duplicate key, unknown customer / product / order, negative stock)",
    ),
    "ins_yellow": (
        "黄色：需要注意（逾期未发货、库存不高于安全库存、逾期未付款）",
        "Yellow: needs attention (overdue unshipped order, low stock, unpaid balance past due)",
    ),
    "ins_columns": ("列名", "Column"),
    "ins_req_col": ("必填", "Required"),
    "ins_type": ("类型", "Type"),
    "ins_allowed": ("可选值 / 限制", "Allowed values / limits"),
    "ins_example": ("示例", "Example"),
    "ins_help": ("说明", "Help"),
    "ins_formula": ("公式自动计算，请勿填写", "Formula: calculated, do not type"),
    "ins_ref": ("“{sheet}”表中已登记的{what}（下拉列表）", "a {what} on the {sheet} sheet (drop-down)"),
    "ins_free": ("；也可自由填写", "; other text is allowed"),
    "ins_unique": ("不可重复。", "Unique."),
    "ins_sep": ("", " "),
    "ins_list_sep": ("、", ", "),
    # dashboard
    "dash_title": ("{company} — 概览", "{company} — dashboard"),
    "dash_note": (
        "以下数字均为公式，随各表内容实时更新。",
        "Live formulas: the numbers follow the sheets as they change.",
    ),
    "dash_today": ("今天", "Today"),
    "dash_month": ("本月", "This month"),
    "dash_orders_month": ("本月订单数", "Orders this month"),
    "dash_revenue_month": ("本月销售额（不含已取消）", "Revenue this month (excl. cancelled)"),
    "dash_receivables": ("应收账款（未取消订单的未付金额）", "Receivables (balances of orders not cancelled)"),
    "dash_overdue": ("逾期未发货订单（超过交货日期 {n} 天）", "Overdue unshipped orders (more than {n} days past due)"),
    "dash_low_stock": (
        "低库存产品数（不高于安全库存，未填按 {n}）",
        "Low-stock products (at or below reorder point; blank = {n})",
    ),
    "dash_by_status": ("各状态订单数", "Orders by status"),
    "dash_count": ("订单数", "Orders"),
}

#: How-to lines of the instructions sheet.
HOW_TO: tuple[tuple[str, str], ...] = (
    (
        "每张表第 1 行是表头：请勿修改、删除或调换表头。从第 2 行起每行填写一条记录，中间不要留空行。",
        "Row 1 of each sheet is the header: do not rename, delete or move it. Fill one record per row from row 2, without blank rows in between.",
    ),
    (
        "先登记客户和产品，再录入订单、订单明细、发货和付款：客户编号、产品编号、订单编号的下拉列表会随已登记的记录自动增加。",
        "Enter customers and products first, then orders, order lines, shipments and payments: the drop-downs of customer IDs, SKUs and order numbers grow as records are added.",
    ),
    (
        "带下拉箭头的单元格请从列表中选择；选中单元格时会显示该列的填写提示，输入不合要求时会弹出提示。",
        "Pick from the drop-down where a cell has one; selecting a cell shows the column's hint, and an entry that breaks a rule is refused or questioned.",
    ),
    (
        "编号、电话、物流单号、交易流水号和统一社会信用代码按文本保存，请勿改为数字格式。日期请按 yyyy-mm-dd 填写；金额保留两位小数；折扣填百分比。",
        "IDs, phone numbers, tracking numbers, transaction references and tax IDs are kept as text: do not turn them into numbers. Type dates as yyyy-mm-dd; money has two decimals; a discount is a percentage.",
    ),
    (
        "每张表在数据下方预置了至少 5000 行的公式、格式和检查。orderbook validate 会在预置行不足时提醒；运行 orderbook extend 本文件即可再预置更多行（每晚的 orderbook nightly --extend 会自动补足）。",
        "Each sheet has at least 5,000 rows prepared below the data with formulas, formats and checks. orderbook validate warns when they run low; orderbook extend on this file prepares more (the nightly job does it with orderbook nightly --extend).",
    ),
    (
        "工作表已保护（无密码），以防误改公式；仍可筛选、排序、调整列宽、插入和删除行。如需取消保护：审阅 → 撤销工作表保护。",
        "The sheets are protected without a password so formulas are not overwritten; filtering, sorting, column widths and inserting or deleting rows still work. To unprotect: Review → Unprotect Sheet.",
    ),
    (
        "下拉选项保存在隐藏的“{lists}”表，由配置文件生成：如需增减（如物流公司、付款方式），请修改配置后重新生成。“{dashboard}”表对比本月与上月（订单、销售额、收款、应收、逾期），列出目前的应收与逾期、各状态订单数、近 12 个月销售额（图表）、累计销售额前五的客户、逾期最久的订单和低库存产品。",
        "Drop-down values live on the hidden {lists} sheet, generated from the config file: to change them (carriers, payment methods …) edit the config and generate the book again. The {dashboard} sheet sets this month against last (orders, revenue, receipts, receivables, overdue) and shows today's receivables and overdue money, orders by status, 12 months of revenue (a chart), the top five customers, the most overdue orders and the low-stock products.",
    ),
    (
        "复制粘贴会绕过下拉列表和输入限制：录入后请用 orderbook validate 检查整本文件。",
        "Pasting bypasses the drop-downs and limits: check the whole book with orderbook validate afterwards.",
    ),
)

TYPE_NAMES: dict[T, tuple[str, str]] = {
    T.TEXT: ("文本", "Text"),
    T.ID: ("编号（文本）", "ID (text)"),
    T.PHONE: ("电话（文本）", "Phone (text)"),
    T.EMAIL: ("邮箱", "Email"),
    T.TAX_ID: ("信用代码（文本）", "Tax ID (text)"),
    T.INT: ("整数", "Whole number"),
    T.MONEY: ("金额", "Money"),
    T.PERCENT: ("百分比", "Percentage"),
    T.DATE: ("日期", "Date"),
    T.DATETIME: ("日期时间", "Date and time"),
    T.CHOICE: ("选项", "Choice"),
}

FORMULA_TYPE = ("公式：{type}", "Formula: {type}")


def tr(key: str, lang: str, **kw: Any) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled from ``kw``."""
    return lookup(TEXTS, key, lang, **kw)


def type_name(col_type: T, derived: bool, lang: str) -> str:
    name = say(lang, TYPE_NAMES[col_type])
    return say(lang, FORMULA_TYPE, type=name) if derived else name
