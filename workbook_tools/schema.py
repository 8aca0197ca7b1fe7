"""The single source of truth: every sheet and column of the order book, declared once.

The template (headers, widths, formats, validation, formulas), the reader's header map, the row
validator and the field reference are all derived from ``SHEETS``. Never write a header, a column
letter or a dropdown list anywhere else: ask this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any

from .errors import SchemaError
from .lang import label, pick, say


class T(StrEnum):
    """Column value types."""

    TEXT = "text"  # free text
    ID = "id"  # identifier kept as text (never a number: leading zeros, 15-digit limit)
    PHONE = "phone"  # mainland mobile / landline / +international, kept as text
    EMAIL = "email"
    TAX_ID = "tax_id"  # 统一社会信用代码, 18 characters with a check character
    INT = "int"
    MONEY = "money"  # Decimal, 2 places
    PERCENT = "percent"  # Decimal fraction 0–1, shown as %
    DATE = "date"
    DATETIME = "datetime"
    CHOICE = "choice"  # one of a named choice list (choices.py)


#: Types stored as text cells (number format "@") so Excel never turns them into numbers.
TEXT_TYPES = frozenset({T.TEXT, T.ID, T.PHONE, T.EMAIL, T.TAX_ID, T.CHOICE})
#: Column types that hold numbers compared to the cent (amounts, counts, shares).
NUMERIC_TYPES = frozenset({T.MONEY, T.INT, T.PERCENT})

NUMBER_FORMATS = {
    T.INT: "0",
    T.MONEY: "#,##0.00",
    T.PERCENT: "0.0%",
    T.DATE: "yyyy-mm-dd",
    T.DATETIME: "yyyy-mm-dd hh:mm",
}


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    type: T = T.TEXT
    required: bool = False
    unique: bool = False
    width: float = 12
    #: Name of a choice list (choices.choice_lists) feeding the dropdown.
    choices: str | None = None
    #: False: the dropdown suggests, but other text is allowed (e.g. problem types "plus free text").
    strict: bool = True
    #: "sheet.column" this value must exist in (dropdown of existing keys, reference rules).
    ref: str | None = None
    min: float | None = None
    max: float | None = None
    nonzero: bool = False
    max_len: int | None = None
    #: Name of a pattern in config.patterns ("order_no", …) the value must match.
    pattern: str | None = None
    #: Computed by a formula in the workbook and recomputed by Python; never typed by staff.
    derived: bool = False
    #: A derived value that depends on today (TODAY()): its cached result is the day it was computed,
    #: so it is never compared with Python's (validate/cached.py).
    volatile: bool = False
    #: The date of something that has happened, so never after today (``future-date``).
    past: bool = False
    #: Required on some rows only (then ``required`` is False): the name of the condition, one of
    #: validate/row.py's ``REQUIRED_IF``. "carrier_needs_tracking": 物流单号 for the carriers whose
    #: ``needs_tracking`` is true in the settings (not 送货上门, 自提, 物流专线). "payment_without_customer":
    #: a payment's 订单编号 unless it names a customer (a payment on account).
    required_if: str | None = None
    help_zh: str = ""
    help_en: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()

    def header(self, lang: str) -> str:
        return label(self, lang)

    def help(self, lang: str) -> str:
        return pick(lang, self.help_zh, self.help_en)

    @property
    def number_format(self) -> str:
        return "@" if self.type in TEXT_TYPES else NUMBER_FORMATS[self.type]


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    #: Columns that identify a row (import, merge and duplicate checks use them).
    natural_key: tuple[str, ...]
    help_zh: str = ""
    help_en: str = ""
    index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise SchemaError(f"sheet {self.key}: duplicate column keys")
        self.index.update({k: i for i, k in enumerate(keys)})
        missing = [k for k in self.natural_key if k not in self.index]
        if missing:
            raise SchemaError(f"sheet {self.key}: natural key names unknown columns {missing}")

    def name(self, lang: str) -> str:
        return label(self, lang)

    def help(self, lang: str) -> str:
        return pick(lang, self.help_zh, self.help_en)

    def column(self, key: str) -> Column:
        return self.columns[self.index[key]]

    def col(self, key: str) -> int:
        """0-based column index of ``key`` in the template."""
        return self.index[key]

    def letter(self, key: str) -> str:
        from .cells import col_letter

        return col_letter(self.index[key])

    @cached_property
    def inputs(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.derived)

    @cached_property
    def derived(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.derived)


def _c(key: str, zh: str, en: str, type: T = T.TEXT, **kw: Any) -> Column:
    return Column(key, zh, en, type, **kw)


def _ref(key_column: Column, *, required: bool = True, **kw: Any) -> Column:
    """A column naming a row of another sheet: the key column's headers, aliases and type, declared once."""
    sheet = next(name for name, col in _KEY_OF.items() if col is key_column)
    return replace(
        key_column, required=required, unique=False, pattern=None, max_len=None, ref=f"{sheet}.{key_column.key}", **kw
    )


CUSTOMER_ID = _c(
    "customer_id",
    "客户编号",
    "Customer ID",
    T.ID,
    required=True,
    unique=True,
    width=12,
    pattern="customer_id",
    max_len=20,
    example="C0001",
    aliases=("客户代码", "客户ID", "cust_id"),
    help_zh="唯一编号，如 C0001。",
    help_en="Unique ID such as C0001.",
)
SKU = _c(
    "sku",
    "产品编号",
    "SKU",
    T.ID,
    required=True,
    unique=True,
    width=12,
    pattern="sku",
    max_len=30,
    example="P1001",
    aliases=("产品代码", "货号", "商品编号", "product id", "item code", "stock code"),
    help_zh="唯一的产品编号。",
    help_en="Unique product code.",
)
ORDER_NO = _c(
    "order_no",
    "订单编号",
    "Order no",
    T.ID,
    required=True,
    unique=True,
    width=15,
    pattern="order_no",
    max_len=30,
    example="SO2026110001",
    aliases=("订单号", "单号", "order id", "order number", "invoice no"),
    help_zh="唯一的订单编号。",
    help_en="Unique order number.",
)
_KEY_OF = {"customers": CUSTOMER_ID, "products": SKU, "orders": ORDER_NO}

#: 付款条件 on 客户 (the default) and 订单 (an order's own): the terms of the settings (config.PaymentTerm).
TERMS: dict[str, Any] = dict(
    type=T.CHOICE,
    choices="payment_terms",
    width=11,
    example="月结30天",
    aliases=("结算方式", "账期", "付款方式条件", "terms", "payment term"),
)

#: ``编号及名称``: a key and its name in one cell, the entries of the dropdowns that pick a customer or a
#: product ("C0001 杭州明远贸易有限公司"); the formulas and the reader take the code before the first space.
LABEL_HELP: dict[str, Any] = dict(
    help_zh="公式：编号 + 空格 + 名称，是其他表下拉列表中的选项；选中后公式和程序只取空格前的编号。",
    help_en="Formula: the code, a space and the name: the entries of the dropdowns on other sheets; "
    "formulas and the tools take the code before the space.",
)

NOTES: dict[str, Any] = dict(
    width=24, help_zh="任意备注。", help_en="Any remark.", aliases=("remarks", "note", "备注信息")
)

CUSTOMERS = Sheet(
    "customers",
    "客户",
    "Customers",
    natural_key=("customer_id",),
    help_zh="每位客户一行。客户编号唯一，订单通过客户编号引用客户。",
    help_en="One row per customer. The customer ID is unique; orders refer to customers by it.",
    columns=(
        CUSTOMER_ID,
        _c(
            "name",
            "客户名称",
            "Customer name",
            required=True,
            width=22,
            max_len=100,
            example="杭州明远贸易有限公司",
            aliases=("客户", "姓名", "公司名称", "company name", "customer"),
            help_zh="个人姓名或公司全称。",
            help_en="Person's name or the company's full name.",
        ),
        _c(
            "contact",
            "联系人",
            "Contact",
            width=10,
            max_len=50,
            example="王伟",
            aliases=("contact name", "联系人姓名"),
            help_zh="公司客户的联系人。",
            help_en="Contact person at a company customer.",
        ),
        _c(
            "phone",
            "手机/电话",
            "Phone",
            T.PHONE,
            required=True,
            width=16,
            max_len=20,
            example="13812345678",
            aliases=("手机", "电话", "手机号", "联系电话", "mobile", "telephone", "tel"),
            help_zh="手机 11 位（1 开头），或带区号的座机如 0571-88886666，或 + 开头的国际号码。",
            help_en="Mobile (11 digits starting with 1), landline with area code (0571-88886666), or +international.",
        ),
        _c(
            "email",
            "邮箱",
            "Email",
            T.EMAIL,
            width=22,
            max_len=100,
            example="wangwei@example.com",
            aliases=("电子邮件", "电子邮箱", "e-mail", "mail"),
            help_zh="电子邮箱，可不填。",
            help_en="Email address, optional.",
        ),
        _c(
            "province",
            "省份",
            "Province",
            T.CHOICE,
            choices="province",
            width=12,
            example="浙江省",
            aliases=("省", "region", "state"),
            help_zh="从下拉列表选择省份。",
            help_en="Pick the province from the list.",
        ),
        _c(
            "city",
            "城市",
            "City",
            width=10,
            max_len=30,
            example="杭州市",
            aliases=("市",),
            help_zh="城市名称。",
            help_en="City.",
        ),
        _c(
            "address",
            "详细地址",
            "Address",
            required=True,
            width=32,
            max_len=200,
            example="西湖区文三路 90 号",
            aliases=("地址", "收货地址", "street address"),
            help_zh="街道门牌，用于发货。",
            help_en="Street address used for shipping.",
        ),
        _c(
            "tier",
            "客户等级",
            "Tier",
            T.CHOICE,
            choices="customer_tier",
            width=10,
            example="金牌客户",
            aliases=("等级", "customer tier", "level"),
            help_zh="从下拉列表选择客户等级。",
            help_en="Pick the customer tier from the list.",
        ),
        _c(
            "tax_id",
            "统一社会信用代码",
            "Tax ID",
            T.TAX_ID,
            width=21,
            max_len=18,
            example="91330106MA2H0XXXX0",
            aliases=("信用代码", "税号", "纳税人识别号", "USCC", "unified social credit code"),
            help_zh="开票用，18 位，最后一位为校验码。个人客户可不填。",
            help_en="For invoices: 18 characters, the last a check character. Optional for people.",
        ),
        _c(
            "preferences",
            "购买偏好",
            "Preferences",
            width=24,
            max_len=200,
            example="偏好办公家具，月结",
            aliases=("偏好", "preference"),
            help_zh="客户的购买偏好和习惯。",
            help_en="What the customer likes to buy, and how.",
        ),
        _c(
            "created_on",
            "建档日期",
            "Created on",
            T.DATE,
            width=12,
            past=True,
            example="2026-01-05",
            aliases=("建档时间", "created", "since"),
            help_zh="建立客户档案的日期。",
            help_en="Date the record was created.",
        ),
        _c("notes", "备注", "Notes", **NOTES),
        _c(
            "terms",
            "付款条件",
            "Payment terms",
            **TERMS,
            help_zh="客户的默认付款条件（款到发货、月结30天 …）；订单可另填。",
            help_en="The customer's usual payment terms (prepayment, month-end 30 days …); an order may have its own.",
        ),
        _c("label", "编号及名称", "ID and name", derived=True, width=28, **LABEL_HELP),
        _c(
            "sales",
            "累计销售额",
            "Sales to date",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式：该客户全部订单金额合计（已取消的订单不计）。",
            help_en="Formula: the total of the customer's orders, cancelled ones left out.",
        ),
        _c(
            "sales_rank",
            "销售额排名",
            "Sales rank",
            T.INT,
            derived=True,
            width=9,
            help_zh="公式：按累计销售额从高到低的名次（同额按行序）；没有销售额为空。概览列出前五名。",
            help_en="Formula: place by sales to date, highest first (ties in row order); blank without sales. "
            "The dashboard lists the first five.",
        ),
    ),
)

PRODUCTS = Sheet(
    "products",
    "产品",
    "Products",
    natural_key=("sku",),
    help_zh="每个产品一行，含期初库存。当前库存由公式计算，请勿手填。",
    help_en="One row per product, with its opening stock. Stock on hand is a formula: do not type it.",
    columns=(
        SKU,
        _c(
            "name",
            "产品名称",
            "Product name",
            required=True,
            width=22,
            max_len=100,
            example="人体工学办公椅",
            aliases=("品名", "商品名称", "product", "description"),
            help_zh="产品名称。",
            help_en="Product name.",
        ),
        _c("model", "型号", "Model", width=12, max_len=50, example="EC-200", help_zh="型号。", help_en="Model."),
        _c(
            "spec",
            "规格",
            "Spec",
            width=16,
            max_len=100,
            example="黑色/网布",
            aliases=("规格型号", "specification"),
            help_zh="规格，如颜色、尺寸。",
            help_en="Specification such as colour or size.",
        ),
        _c(
            "unit",
            "单位",
            "Unit",
            T.CHOICE,
            choices="unit",
            strict=False,
            width=8,
            example="把",
            help_zh="计量单位，可从下拉列表选择。",
            help_en="Unit of measure; pick from the list or type one.",
        ),
        _c(
            "list_price",
            "单价",
            "List price",
            T.MONEY,
            required=True,
            min=0,
            width=12,
            example="499.00",
            aliases=("价格", "售价", "unit price", "price"),
            help_zh="标准售价（元），不小于 0。",
            help_en="Standard selling price, 0 or more.",
        ),
        _c(
            "opening_stock",
            "期初库存",
            "Opening stock",
            T.INT,
            required=True,
            min=0,
            width=10,
            example="120",
            aliases=("初始库存", "opening"),
            help_zh="建账时的库存数量，整数，不小于 0。",
            help_en="Stock when the book was started: a whole number, 0 or more.",
        ),
        _c(
            "reorder_point",
            "安全库存",
            "Reorder point",
            T.INT,
            min=0,
            width=10,
            example="20",
            aliases=("最低库存", "预警库存", "reorder level", "min stock"),
            help_zh="库存降到此数量及以下时提示补货；不填则用默认值。",
            help_en="Stock at or below this is flagged; blank uses the default.",
        ),
        _c(
            "active",
            "在售",
            "Active",
            T.CHOICE,
            choices="yes_no",
            width=6,
            example="是",
            aliases=("是否在售", "on sale", "discontinued?"),
            help_zh="是否仍在销售。",
            help_en="Still on sale?",
        ),
        _c(
            "last_count_date",
            "最近盘点日",
            "Last stocktake",
            T.DATE,
            derived=True,
            width=12,
            help_zh="公式：库存变动表中该产品最近一次盘点的日期。",
            help_en="Formula: date of the product's latest stocktake.",
        ),
        _c(
            "on_hand",
            "当前库存",
            "On hand",
            T.INT,
            derived=True,
            width=10,
            help_zh="公式：期初 + 入库 + 退货 − 已发货 ± 调整；有盘点时从最近一次盘点数起算。",
            help_en="Formula: opening + receipts + returns − shipped ± adjustments; counts from the latest stocktake.",
        ),
        _c(
            "above_reorder",
            "高于安全库存",
            "Above reorder point",
            T.INT,
            derived=True,
            width=10,
            help_zh="公式：当前库存 − 安全库存（填了安全库存时）；0 或负数表示该补货了。",
            help_en="Formula: on hand − reorder point (when one is set); 0 or less means reorder.",
        ),
        _c("label", "编号及名称", "SKU and name", derived=True, width=28, **LABEL_HELP),
        _c(
            "low_seq",
            "低库存序号",
            "Low-stock no.",
            T.INT,
            derived=True,
            width=9,
            help_zh="公式：在售且当前库存不高于安全库存（未填则用默认值）的产品，按行序编号 1、2、3 …；其他为空。概览列出它们。",
            help_en="Formula: products on sale with stock at or below the reorder point (blank: the default) numbered "
            "1, 2, 3 … in row order; blank for the others. The dashboard lists them.",
        ),
    ),
)

ORDERS = Sheet(
    "orders",
    "订单",
    "Orders",
    natural_key=("order_no",),
    help_zh="每张订单一行；产品明细填在“订单明细”表。金额与付款状态由公式计算。",
    help_en="One row per order; its products go on Order lines. Amounts and payment status are formulas.",
    columns=(
        ORDER_NO,
        _ref(
            CUSTOMER_ID,
            help_zh="从下拉列表选择已登记的客户。",
            help_en="Pick a customer already on the Customers sheet.",
        ),
        _c(
            "customer_name",
            "客户名称",
            "Customer name",
            derived=True,
            width=22,
            help_zh="公式：按客户编号查出的客户名称。",
            help_en="Formula: the customer's name, looked up by ID.",
        ),
        _c(
            "order_date",
            "下单日期",
            "Order date",
            T.DATE,
            required=True,
            width=12,
            past=True,
            example="2026-11-02",
            aliases=("订单日期", "日期", "date", "ordered on"),
            help_zh="下单日期。",
            help_en="Date the order was placed.",
        ),
        _c(
            "due_date",
            "交货日期",
            "Due date",
            T.DATE,
            width=12,
            example="2026-11-09",
            aliases=("交期", "预计交货日期", "要求交货日期", "required date", "due"),
            help_zh="约定交货日期，不早于下单日期。",
            help_en="Promised delivery date, not before the order date.",
        ),
        _c(
            "status",
            "订单状态",
            "Status",
            T.CHOICE,
            required=True,
            choices="order_status",
            width=10,
            example="处理中",
            aliases=("状态", "order status"),
            help_zh="从下拉列表选择当前状态。",
            help_en="Pick the current status.",
        ),
        _c(
            "salesperson",
            "销售员",
            "Salesperson",
            width=10,
            max_len=30,
            example="李娜",
            aliases=("业务员", "销售", "sales rep", "employee"),
            help_zh="负责的销售员。",
            help_en="Salesperson in charge.",
        ),
        _c(
            "total",
            "订单金额",
            "Order total",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式：订单明细金额合计。",
            help_en="Formula: sum of the order's line amounts.",
        ),
        _c(
            "paid",
            "已付金额",
            "Paid",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式：付款表中该订单金额合计（退款为负），加上客户账户收款核销到本单的金额。",
            help_en="Formula: sum of the order's payments (refunds negative), plus what the customer's payments on account paid of it.",
        ),
        _c(
            "balance",
            "未付金额",
            "Balance",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式：订单金额 − 已付金额；已取消的订单为 0。",
            help_en="Formula: order total − paid; 0 for a cancelled order.",
        ),
        _c(
            "payment_status",
            "付款状态",
            "Payment status",
            T.CHOICE,
            choices="payment_status",
            derived=True,
            width=10,
            help_zh="公式：未付款 / 部分付款 / 已付款 / 超额付款；已取消的订单为 已取消，收过款未退完为 待退款。",
            help_en="Formula: unpaid / partly paid / paid / overpaid; a cancelled order: cancelled, or refund due while money received is not refunded.",
        ),
        _c("notes", "备注", "Notes", **NOTES),
        _c(
            "terms",
            "付款条件",
            "Payment terms",
            **TERMS,
            help_zh="本单的付款条件；不填则用客户的付款条件。",
            help_en="This order's payment terms; blank = the customer's.",
        ),
        _c(
            "shipped_on",
            "首次发货日",
            "First shipped",
            T.DATE,
            derived=True,
            width=12,
            help_zh="公式：发货表中本单第一行的发货日期。",
            help_en="Formula: ship date of the order's first row on Shipments.",
        ),
        _c(
            "pay_due",
            "应付日期",
            "Payment due",
            T.DATE,
            derived=True,
            width=12,
            help_zh="公式：按付款条件算出的应付款日期：款到发货、现结为下单日期；货到付款、票到N天为首次发货日 + N 天；"
            "月结N天为首次发货当月月底再往后 N/30 个月的月底；未发货的月结、货到付款订单尚未到期（空）；"
            "没有付款条件时为交货日期（未填则下单日期）。",
            help_en="Formula: when payment is due under the terms: the order date for prepayment and cash; first shipment + N days "
            "for cash on delivery and N days after invoice; for month-end N days the end of the month N/30 months after "
            "the first shipment's month; blank (not due) while such an order is not shipped; without terms the due "
            "date (else the order date).",
        ),
        _c(
            "days_overdue",
            "逾期天数",
            "Days overdue",
            T.INT,
            derived=True,
            volatile=True,
            width=9,
            help_zh="公式：有未付金额时，今天 − 应付日期（未到期为 0）。",
            help_en="Formula: with a balance, today − payment due (0 while not due).",
        ),
        _c(
            "refund_due",
            "应退金额",
            "Refund due",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式：已取消订单收到的款项，或超额付款的部分，尚待退还。",
            help_en="Formula: money received for a cancelled order, or paid over the total, still to give back.",
        ),
        _c(
            "allocated",
            "核销金额",
            "Paid on account",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式：客户账户收款（付款表只填客户编号的行）核销到本单的金额，已计入已付金额。",
            help_en="Formula: what the customer's payments on account (Payments rows with a customer, no order) paid of this order; part of Paid.",
        ),
        _c(
            "open",
            "核销前未付",
            "Open before on-account",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式（核销用）：订单金额 − 本单直接付款，不小于 0；已取消为 0。",
            help_en="Formula (for allocation): order total − the order's own payments, 0 or more; 0 when cancelled.",
        ),
        _c(
            "alloc_rank",
            "核销顺序",
            "Allocation order",
            T.INT,
            derived=True,
            width=10,
            help_zh="公式（核销用）：数字小的订单先用账户收款核销：应付日期（未到期的排后）；按备注核销时，备注点名的订单在前。",
            help_en="Formula (for allocation): orders with the lower number are paid first from money on account: by payment due "
            "(not yet due last); under memo allocation the orders a memo names come first.",
        ),
        _c(
            "overdue_rank",
            "逾期排名",
            "Overdue rank",
            T.INT,
            derived=True,
            volatile=True,
            width=9,
            help_zh="公式：逾期（逾期天数大于 0）的订单按逾期天数从多到少的名次（同天数按行序）；其他为空。概览列出前十名。",
            help_en="Formula: overdue orders (days overdue above 0) placed by days overdue, most first (ties in row "
            "order); blank for the others. The dashboard lists the first ten.",
        ),
    ),
)

ORDER_LINES = Sheet(
    "order_lines",
    "订单明细",
    "Order lines",
    natural_key=("order_no", "sku"),
    help_zh="每张订单的每个产品一行。单价不填时，金额按产品表中的单价计算（单元格仍为空）。",
    help_en="One row per product of an order. A blank unit price: the amount uses the product's list price (the cell stays blank).",
    columns=(
        _ref(ORDER_NO, help_zh="从下拉列表选择订单。", help_en="Pick an order from the Orders sheet."),
        _ref(SKU, help_zh="从下拉列表选择产品。", help_en="Pick a product from the Products sheet."),
        _c(
            "product_name",
            "产品名称",
            "Product name",
            derived=True,
            width=22,
            help_zh="公式：按产品编号查出的名称。",
            help_en="Formula: the product's name, looked up by SKU.",
        ),
        _c(
            "quantity",
            "数量",
            "Quantity",
            T.INT,
            required=True,
            min=1,
            width=8,
            example="2",
            aliases=("订购数量", "qty"),
            help_zh="正整数。",
            help_en="A whole number above 0.",
        ),
        _c(
            "unit_price",
            "单价",
            "Unit price",
            T.MONEY,
            min=0,
            width=12,
            example="499.00",
            aliases=("成交单价", "价格", "price"),
            help_zh="成交单价（元）；不填则按产品表中该产品的单价计算金额。",
            help_en="Agreed unit price; blank: the amount uses the product's list price from Products.",
        ),
        _c(
            "discount",
            "折扣",
            "Discount",
            T.PERCENT,
            min=0,
            max=1,
            width=8,
            example="5%",
            aliases=("折扣率", "discount rate"),
            help_zh="0% 到 100%，不填为无折扣。",
            help_en="0% to 100%; blank = none.",
        ),
        _c(
            "amount",
            "金额",
            "Amount",
            T.MONEY,
            derived=True,
            width=12,
            help_zh="公式：数量 × 单价 × (1 − 折扣)，保留两位小数。",
            help_en="Formula: quantity × unit price × (1 − discount), to the cent.",
        ),
        _c(
            "shipped_qty",
            "已发数量",
            "Shipped qty",
            T.INT,
            derived=True,
            width=9,
            help_zh="公式：整单发货时为全部数量，否则为发货表中该产品数量合计。",
            help_en="Formula: all of it after a whole-order shipment, else the sum shipped for this SKU.",
        ),
        _c(
            "whole_ship_date",
            "整单发货日",
            "Whole-order ship date",
            T.DATE,
            derived=True,
            width=12,
            help_zh="公式：整单发货（发货表产品编号为空）的日期。",
            help_en="Formula: date of the whole-order shipment (blank SKU on Shipments).",
        ),
        _c("notes", "备注", "Notes", **NOTES),
    ),
)

STATUS_LOG = Sheet(
    "status_log",
    "状态记录",
    "Status log",
    natural_key=("order_no", "status", "timestamp"),
    help_zh="订单每次状态变化或出现问题时记一行：问题及处理措施。",
    help_en="One row per status change or problem: what went wrong and what was done.",
    columns=(
        _ref(ORDER_NO, help_zh="从下拉列表选择订单。", help_en="Pick an order from the Orders sheet."),
        _c(
            "status",
            "状态",
            "Status",
            T.CHOICE,
            required=True,
            choices="order_status",
            width=10,
            example="处理中",
            aliases=("订单状态",),
            help_zh="此时的订单状态。",
            help_en="Order status at this time.",
        ),
        _c(
            "timestamp",
            "时间",
            "Time",
            T.DATETIME,
            required=True,
            width=17,
            past=True,
            example="2026-11-02 10:30",
            aliases=("日期时间", "记录时间", "date", "datetime"),
            help_zh="发生时间。",
            help_en="When it happened.",
        ),
        _c(
            "issue",
            "问题",
            "Problem",
            T.CHOICE,
            choices="problem_type",
            strict=False,
            width=14,
            example="缺货",
            aliases=("问题描述", "异常", "issue"),
            help_zh="出现的问题，可选列表或自由填写。",
            help_en="The problem, from the list or typed freely.",
        ),
        _c(
            "resolution",
            "处理措施",
            "Resolution",
            width=24,
            max_len=200,
            example="已从杭州仓调货",
            aliases=("解决措施", "处理结果"),
            help_zh="采取的解决措施。",
            help_en="What was done about it.",
        ),
        _c(
            "handled_by",
            "经办人",
            "Handled by",
            width=10,
            max_len=30,
            example="张敏",
            aliases=("处理人", "负责人"),
            help_zh="经办人。",
            help_en="Who handled it.",
        ),
    ),
)

SHIPMENTS = Sheet(
    "shipments",
    "发货",
    "Shipments",
    natural_key=("order_no", "tracking_no", "sku"),
    help_zh="每个包裹一行。产品编号和数量不填表示整单发货；填写表示部分发货。",
    help_en="One row per parcel. Blank SKU and quantity = the whole order; filled = a partial shipment.",
    columns=(
        _ref(ORDER_NO, help_zh="从下拉列表选择订单。", help_en="Pick an order from the Orders sheet."),
        _c(
            "ship_date",
            "发货日期",
            "Ship date",
            T.DATE,
            required=True,
            width=12,
            past=True,
            example="2026-11-03",
            aliases=("发货时间", "shipped date", "shipped on"),
            help_zh="发货日期，不早于下单日期。",
            help_en="Date shipped, not before the order date.",
        ),
        _c(
            "carrier",
            "物流公司",
            "Carrier",
            T.CHOICE,
            required=True,
            choices="carrier",
            width=12,
            example="顺丰速运",
            aliases=("快递公司", "承运商", "快递", "ship via", "shipper"),
            help_zh="从下拉列表选择物流公司。",
            help_en="Pick the carrier.",
        ),
        _c(
            "tracking_no",
            "物流单号",
            "Tracking no",
            T.ID,
            required_if="carrier_needs_tracking",
            width=18,
            max_len=40,
            example="SF1234567890123",
            aliases=("快递单号", "运单号", "tracking number", "waybill"),
            help_zh="物流单号，按文本填写。送货上门、自提、物流专线等不需要单号的可不填。",
            help_en="Tracking number, kept as text; may stay blank for own delivery, customer pickup or a freight line.",
        ),
        _ref(
            SKU,
            required=False,
            example="",
            help_zh="部分发货时填写；整单发货留空。",
            help_en="Only for a partial shipment; blank = whole order.",
        ),
        _c(
            "quantity",
            "数量",
            "Quantity",
            T.INT,
            min=1,
            width=8,
            example="",
            aliases=("发货数量", "qty"),
            help_zh="部分发货的数量。",
            help_en="Quantity of a partial shipment.",
        ),
        _c(
            "delivered_on",
            "签收日期",
            "Delivered on",
            T.DATE,
            width=12,
            past=True,
            example="2026-11-05",
            aliases=("签收时间", "送达日期", "delivered"),
            help_zh="客户签收日期。",
            help_en="Date the customer signed for it.",
        ),
        _c("notes", "备注", "Notes", **NOTES),
    ),
)

PAYMENTS = Sheet(
    "payments",
    "付款",
    "Payments",
    natural_key=("order_no", "paid_on", "method", "amount", "reference"),
    help_zh="每笔收款一行；退款填负数。交易流水号不可重复。",
    help_en="One row per payment received; a refund is negative. Transaction references are unique.",
    columns=(
        _ref(
            ORDER_NO,
            required=False,
            required_if="payment_without_customer",
            help_zh="从下拉列表选择订单；客户整笔付款可不填，改填客户编号。",
            help_en="Pick an order from the Orders sheet; blank for a payment on account, which names the customer instead.",
        ),
        _c(
            "paid_on",
            "付款日期",
            "Paid on",
            T.DATE,
            required=True,
            width=12,
            past=True,
            example="2026-11-02",
            aliases=("收款日期", "到账日期", "payment date"),
            help_zh="收款日期。",
            help_en="Date received.",
        ),
        _c(
            "method",
            "付款方式",
            "Method",
            T.CHOICE,
            required=True,
            choices="payment_method",
            width=10,
            example="微信支付",
            aliases=("支付方式", "收款方式", "payment method"),
            help_zh="从下拉列表选择付款方式。",
            help_en="Pick the method.",
        ),
        _c(
            "amount",
            "金额",
            "Amount",
            T.MONEY,
            required=True,
            nonzero=True,
            width=12,
            example="998.00",
            aliases=("付款金额", "收款金额", "payment amount"),
            help_zh="收款金额；退款填负数；不能为 0。",
            help_en="Amount received; refunds negative; never 0.",
        ),
        _c(
            "reference",
            "交易流水号",
            "Reference",
            T.ID,
            unique=True,
            width=22,
            max_len=40,
            example="4200001234202611020001",
            aliases=("流水号", "交易号", "transaction id", "reference no"),
            help_zh="银行或支付平台的流水号，按文本填写，不可重复。",
            help_en="Bank or platform transaction number, as text; must be unique.",
        ),
        _c("notes", "备注", "Notes", **NOTES),
        _ref(
            CUSTOMER_ID,
            required=False,
            example="",
            help_zh="客户整笔付款（一笔转账付多张订单）时填客户编号、订单编号留空：按应付日期从早到晚核销该客户的未付订单，余额为客户预收款。",
            help_en="For a payment on account (one transfer for several orders): the customer, with the order left blank; it pays "
            "the customer's open orders oldest due first, and what is left is the customer's credit.",
        ),
    ),
)

STOCK_MOVES = Sheet(
    "stock_moves",
    "库存变动",
    "Stock movements",
    natural_key=("date", "sku", "type", "quantity", "doc_no"),
    help_zh="入库、退货、调整、盘点各记一行。发货出库由发货表自动计算，不必在此登记。盘点填实盘数量。",
    help_en="One row per receipt, return, adjustment or stocktake. Shipments are counted from the Shipments sheet. A stocktake row holds the counted quantity.",
    columns=(
        _c(
            "date",
            "日期",
            "Date",
            T.DATE,
            required=True,
            width=12,
            past=True,
            example="2026-11-01",
            aliases=("变动日期", "业务日期"),
            help_zh="发生日期。",
            help_en="Date of the movement.",
        ),
        _ref(SKU, help_zh="从下拉列表选择产品。", help_en="Pick a product from the Products sheet."),
        _c(
            "type",
            "类型",
            "Type",
            T.CHOICE,
            required=True,
            choices="movement_type",
            width=8,
            example="入库",
            aliases=("变动类型", "movement type"),
            help_zh="入库 / 退货 / 调整 / 盘点。",
            help_en="Receipt / return / adjustment / stocktake.",
        ),
        _c(
            "quantity",
            "数量",
            "Quantity",
            T.INT,
            required=True,
            width=8,
            example="50",
            aliases=("变动数量", "qty"),
            help_zh="入库、退货填正数；调整可正可负；盘点填实盘数量。",
            help_en="Receipts and returns positive; adjustments ±; a stocktake holds the count.",
        ),
        _c(
            "doc_no",
            "单据号",
            "Document no",
            T.ID,
            width=16,
            max_len=40,
            example="RK20261101",
            aliases=("单号", "凭证号", "document"),
            help_zh="入库单、退货单等单据号。",
            help_en="Receipt or return document number.",
        ),
        _c(
            "latest_count",
            "最近盘点",
            "Latest count",
            T.DATE,
            derived=True,
            width=12,
            help_zh="公式：该产品最近一次盘点的行显示盘点日期（当前库存从这次盘点数起算），其他行为空。",
            help_en="Formula: on the product's latest stocktake, its date (stock on hand counts from it); blank elsewhere.",
        ),
        _c(
            "product_name",
            "产品名称",
            "Product name",
            derived=True,
            width=22,
            help_zh="公式：按产品编号查出的名称。",
            help_en="Formula: the product's name, looked up by SKU.",
        ),
        _c("notes", "备注", "Notes", **NOTES),
    ),
)

#: The data sheets, in workbook order.
SHEETS: tuple[Sheet, ...] = (CUSTOMERS, PRODUCTS, ORDERS, ORDER_LINES, STATUS_LOG, SHIPMENTS, PAYMENTS, STOCK_MOVES)
SHEET_BY_KEY: dict[str, Sheet] = {s.key: s for s in SHEETS}

#: The sheets that are not data: names per language.
INSTRUCTIONS = ("填写说明", "Instructions")
DASHBOARD = ("概览", "Dashboard")
LISTS = ("选项", "Lists")


def aux_name(pair: tuple[str, str], lang: str) -> str:
    return say(lang, pair)


def resolve_ref(ref: str) -> tuple[Sheet, Column]:
    sheet_key, col_key = ref.split(".")
    sheet = SHEET_BY_KEY[sheet_key]
    return sheet, sheet.column(col_key)


def _check_refs() -> None:
    for sheet in SHEETS:
        for col in sheet.columns:
            if col.ref:
                target_sheet, target = resolve_ref(col.ref)
                if not target.unique:
                    raise SchemaError(f"{sheet.key}.{col.key} refers to non-unique {col.ref}")


_check_refs()
