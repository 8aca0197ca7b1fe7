"""The words of a customer statement, Chinese and English. Column headers that name a column of the
book come from the schema (``header``), never written here again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..lang import ENUM_COMMA, joined, lookup, say
from ..schema import SHEET_BY_KEY

WORDS: dict[str, tuple[str, str]] = {
    "title": ("对 账 单", "Statement of account"),
    "file_title": ("对账单", "Statement"),
    "period": ("对账期间", "Period"),
    "period_span": ("{start} 至 {end}", "{start} to {end}"),
    "as_of": ("对账日期", "Statement date"),
    "currency": ("币种", "Currency"),
    "terms": ("付款条件", "Payment terms"),
    "date": ("日期", "Date"),
    "number": ("单号", "Number"),
    "description": ("摘要", "Description"),
    "charge": ("本期应收", "Charged"),
    "receipt": ("本期收款", "Received"),
    "balance": ("余额", "Balance"),
    "notes": ("备注", "Notes"),
    "opening": ("期初余额", "Opening balance"),
    "totals": ("本期合计", "Totals for the period"),
    "closing": ("期末余额", "Closing balance"),
    "order": ("销售：{goods}", "Sale: {goods}"),
    "cancelled": ("已取消：{goods}", "Cancelled: {goods}"),
    "cancelled_note": ("订单金额 {total} 不计", "its total {total} not charged"),
    "payment": ("收款（{method}）", "Payment ({method})"),
    "payment_on_account": ("客户账户收款（{method}）", "Payment on account ({method})"),
    "allocated_to": ("　└ 核销本单", "  └ paid to this order"),
    "left_on_account": ("　└ 余款留作预收款", "  └ left on account"),
    "applied": ("以前的预收款核销本单", "Earlier money on account paid this order"),
    "refund": ("退款（{method}）", "Refund ({method})"),
    "reference": ("流水号 {reference}", "ref. {reference}"),
    "due": ("应付 {due}", "due {due}"),
    "due_after_shipment": ("发货后起算", "due from shipment"),
    "open_items": ("截至 {end} 未结清的订单", "Open orders at {end}"),
    "goods": ("货品", "Goods"),
    "own_terms": ("{goods}（{terms}）", "{goods} ({terms})"),
    "due_date": ("应付日期", "Due date"),
    "days_overdue": ("逾期天数", "Days overdue"),
    "nothing_open": ("无未结清的订单。", "No open orders."),
    "credit_overpaid": ("多付款", "Paid over the order's total"),
    "credit_refund_due": ("待退款（订单已取消）", "Refund due (order cancelled)"),
    "credit_prepaid": ("预收款（订单日期在对账期后）", "Paid in advance (order dated later)"),
    "credit_on_account": ("客户账户余款（预收款）", "Money on account not yet used"),
    "open_total": ("合计（= 期末余额）", "Total (= closing balance)"),
    "ageing": ("账龄", "Ageing"),
    "less_credit": ("减：客户余款", "Less: the customer's credit"),
    "pay_to": ("收款账户", "Please pay to"),
    "account_name": ("户名", "Account name"),
    "bank": ("开户行", "Bank"),
    "account_no": ("账号", "Account number"),
    "please_check": (
        "请核对以上账目。如有不符，请于收到本对账单之日起 7 日内与我司联系；逾期未回复，视为确认无误。",
        (
            "Please check the above. If anything differs, let us know within 7 days of receiving this "
            "statement; otherwise it is taken as confirmed."
        ),
    ),
    "seller_seal": ("{company}（盖章）", "{company} (seal)"),
    "handled_by": ("经办人：", "Prepared by:"),
    "confirm": ("客户确认：以上账目核对无误。", "Confirmed correct by the customer."),
    "customer_seal": ("客户确认签章：", "Customer's signature and seal:"),
    "sign_date": ("日期：        年      月      日", "Date:"),
    "page": ("第 &P 页，共 &N 页", "Page &P of &N"),
}


def w(key: str, lang: str, **fields: object) -> str:
    return lookup(WORDS, key, lang, **fields)


def header(sheet: str, column: str, lang: str) -> str:
    """The book's own header of ``sheet.column`` (e.g. 订单编号 / Order No.)."""
    return SHEET_BY_KEY[sheet].column(column).header(lang)


def goods_summary(names: tuple[str, ...], lang: str, shown: int = 2) -> str:
    """The first product names of an order and how many lines it has: 办公椅、文件柜等5项."""
    first: list[str] = []
    for name in names:
        if name and name not in first and len(first) < shown:
            first.append(name)
    listed = joined(lang, first, ENUM_COMMA)
    if len(names) <= len(first):
        return listed
    return say(
        lang, ("{listed}等{n}项", "{listed} and {more} more"), listed=listed, n=len(names), more=len(names) - len(first)
    )


def money_text(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def day_text(d: date | None) -> str:
    return d.isoformat() if d else ""
