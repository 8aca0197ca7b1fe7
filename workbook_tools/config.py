"""Company settings: a TOML file with good defaults (``orderbook config init`` writes it).

Everything that differs between companies lives here — never in the schema or the rules.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal, TypeVar

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config_messages import SaidValueError, first_problem, toml_problem, value_error
from .errors import ConfigError, about, os_reason
from .lang import Lang, Pair, Said
from .patterns import pattern_problem
from .safe_io import atomic_path

DEFAULT_CONFIG_NAME = "orderbook.toml"
M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _usable_pattern(pattern: str) -> str:
    """A pattern is checked when the settings are loaded: one line on what is wrong, never later."""
    why = pattern_problem(pattern)
    if why is not None:
        raise SaidValueError(why)
    return pattern


class Carrier(_Strict):
    name: str
    en: str = ""
    #: Regular expression for tracking numbers; empty = format unknown, not checked.
    #: A mismatch is a warning: carriers do not all publish their formats.
    tracking: str = ""
    #: False for deliveries without a carrier's tracking number: the company's own van (送货上门),
    #: the customer collecting (自提), a freight line whose waybill number is optional (物流专线).
    #: Their shipments may leave 物流单号 blank; any number typed is kept (and checked against
    #: ``tracking`` when one is set).
    needs_tracking: bool = True

    _tracking = field_validator("tracking")(_usable_pattern)


class PaymentTerm(_Strict):
    """A payment term (付款条件) and when an order on it falls due (its 应付日期, formulas.py / derive.py):

    * ``prepay`` (款到发货) and ``cash`` (现结): on the order date;
    * ``cod`` (货到付款) and ``days`` (票到N天: the invoice goes with the goods): ``days`` after the
      order's first shipment;
    * ``month_end`` (月结N天): the end of the month ``months`` after the month of the first
      shipment, plus ``days`` — 月结60天 is ``months = 2``: shipped 2026-09-14, due 2026-11-30.

    An order not shipped yet on ``cod`` / ``days`` / ``month_end`` terms is not due."""

    name: str
    en: str = ""
    basis: Literal["prepay", "cash", "cod", "days", "month_end"]
    months: int = Field(0, ge=0, le=24)
    days: int = Field(0, ge=0, le=3650)

    @property
    def after_shipment(self) -> bool:
        return self.basis in ("cod", "days", "month_end")


def _default_terms() -> list[PaymentTerm]:
    return [
        PaymentTerm(name="款到发货", en="Prepayment", basis="prepay"),
        PaymentTerm(name="现结", en="Cash on order", basis="cash"),
        PaymentTerm(name="货到付款", en="Cash on delivery", basis="cod"),
        PaymentTerm(name="月结30天", en="Month-end 30 days", basis="month_end", months=1),
        PaymentTerm(name="月结60天", en="Month-end 60 days", basis="month_end", months=2),
        PaymentTerm(name="月结90天", en="Month-end 90 days", basis="month_end", months=3),
        PaymentTerm(name="票到30天", en="30 days after invoice", basis="days", days=30),
    ]


class Patterns(_Strict):
    """Regular expressions (searched, on RE2: see patterns.py) the values of a column must match. Each
    name here is a ``Column.pattern`` of the schema, and validate/row.py checks every one of them."""

    order_no: str = r"^SO\d{10}$"
    customer_id: str = r"^C\d{4,6}$"
    sku: str = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,29}$"

    _usable = field_validator("*")(_usable_pattern)


class Lists(_Strict):
    carriers: list[Carrier] = Field(
        default_factory=lambda: [
            Carrier(name="顺丰速运", en="SF Express", tracking=r"^SF\d{12,13}$"),
            Carrier(name="中通快递", en="ZTO Express", tracking=r"^\d{14}$"),
            Carrier(name="圆通速递", en="YTO Express", tracking=r"^YT\d{13}$"),
            Carrier(name="韵达快递", en="Yunda Express", tracking=r"^(\d{13}|\d{15})$"),
            Carrier(name="申通快递", en="STO Express", tracking=r"^\d{12,15}$"),
            Carrier(name="极兔速递", en="J&T Express", tracking=r"^JT\d{12,13}$"),
            Carrier(name="京东物流", en="JD Logistics", tracking=r"^JD[XK]\d{12}$"),
            Carrier(name="EMS", en="EMS", tracking=r"^[A-Z]{2}\d{9}[A-Z]{2}$"),
            Carrier(name="德邦快递", en="Deppon", tracking=r"^\d{8,10}$"),
            Carrier(name="物流专线", en="Freight line", tracking="", needs_tracking=False),
            Carrier(name="送货上门", en="Own delivery", tracking="", needs_tracking=False),
            Carrier(name="自提", en="Customer pickup", tracking="", needs_tracking=False),
            Carrier(name="其他", en="Other", tracking=""),
        ]
    )
    payment_methods: list[str] = Field(
        default_factory=lambda: ["银行转账", "微信支付", "支付宝", "现金", "信用卡", "其他"]
    )
    customer_tiers: list[str] = Field(default_factory=lambda: ["普通客户", "银牌客户", "金牌客户", "VIP客户"])
    problem_types: list[str] = Field(
        default_factory=lambda: ["缺货", "延迟发货", "地址错误", "客户取消", "质量问题", "其他"]
    )
    units: list[str] = Field(default_factory=lambda: ["个", "件", "箱", "套", "台", "包", "瓶", "双", "千克", "米"])
    #: The 付款条件 dropdown of 客户 (the customer's default) and 订单 (an order's own terms).
    payment_terms: list[PaymentTerm] = Field(default_factory=_default_terms)

    @field_validator("carriers")
    @classmethod
    def _unique_carriers(cls, v: list[Carrier]) -> list[Carrier]:
        names = [c.name for c in v]
        if len(set(names)) != len(names):
            raise value_error(("承运商名称不能重复", "carrier names must be unique"))
        return v

    @field_validator("payment_terms")
    @classmethod
    def _unique_terms(cls, v: list[PaymentTerm]) -> list[PaymentTerm]:
        names = [t.name for t in v]
        if len(set(names)) != len(names):
            raise value_error(("付款条件名称不能重复", "payment term names must be unique"))
        return v


class Thresholds(_Strict):
    #: Reorder point used when a product's 安全库存 is blank.
    low_stock_default: int = Field(10, ge=0)
    #: Days after the due date before an unshipped order counts as overdue.
    overdue_grace_days: int = Field(3, ge=0)
    #: Relative distance of a line's unit price from the list price that raises a warning.
    price_deviation: float = Field(0.3, gt=0)
    #: Days a logged problem may stay without a resolution.
    unresolved_issue_days: int = Field(7, ge=0)
    #: Receivable ageing buckets: upper bounds in days past due (last bucket is open-ended).
    ageing_buckets: list[int] = Field(default_factory=lambda: [30, 60, 90])
    #: A payment dated more than this many days before its order is ``payment-before-order`` (a
    #: mistyped date or order number; an advance payment (预付款) comes a few days before at most).
    prepay_days: int = Field(30, ge=0)
    #: An unpaid order on prepay terms (款到发货) whose 交货日期 is this many days away or less is
    #: ``prepay-unpaid``: chase the money before the goods leave.
    prepay_notice_days: int = Field(3, ge=0)


class Receivables(_Strict):
    """Payments on account (付款 rows naming a customer, not an order) and how they pay orders."""

    #: ``oldest_due``: the customer's open orders, oldest 应付日期 first (orders not due yet last, in
    #: sheet order). ``memo``: first the orders whose numbers the 备注 of the customer's payments on
    #: account name, then the others, each group oldest due first.
    allocation: Literal["oldest_due", "memo"] = "oldest_due"


class Limits(_Strict):
    #: Refuse workbooks whose parts inflate beyond this (zip-bomb guard). 16 GB takes a book of our schema
    #: full to Excel's last row (about 10.6 GB of XML since the payment-terms and dashboard columns).
    max_uncompressed_mb: int = Field(16384, gt=0)
    #: Refuse a data sheet with more rows than this (a column filled down to row 1,048,576 by mistake).
    max_rows: int = Field(1_048_576, gt=0)


class Bank(_Strict):
    """Bank statement CSVs (``orderbook reconcile --bank-statement``): the header names to look for
    (case-insensitive; the first alias found wins) and how far apart a bank line and a payment may be."""

    date: list[str] = Field(
        default_factory=lambda: [
            "交易日期",
            "交易时间",
            "记账日期",
            "入账日期",
            "日期",
            "date",
            "transaction date",
            "value date",
        ]
    )
    credit: list[str] = Field(
        default_factory=lambda: [
            "收入金额",
            "贷方金额",
            "贷方发生额",
            "收入",
            "存入金额",
            "credit",
            "credit amount",
            "deposit",
        ]
    )
    debit: list[str] = Field(
        default_factory=lambda: [
            "支出金额",
            "借方金额",
            "借方发生额",
            "支出",
            "支取金额",
            "debit",
            "debit amount",
            "withdrawal",
        ]
    )
    #: One signed amount column, used when the statement has no separate credit column.
    amount: list[str] = Field(default_factory=lambda: ["交易金额", "发生额", "金额", "amount"])
    #: With a single amount column: the column that says which side (贷/借, 收/支, credit/debit).
    direction: list[str] = Field(default_factory=lambda: ["借贷标志", "借贷方向", "收支方向", "收支", "direction"])
    payer: list[str] = Field(
        default_factory=lambda: [
            "对方户名",
            "对方账户名称",
            "对方名称",
            "对方单位",
            "付款人",
            "付款方户名",
            "counterparty",
            "payer",
        ]
    )
    memo: list[str] = Field(
        default_factory=lambda: ["摘要", "附言", "用途", "交易附言", "备注", "memo", "description", "remarks"]
    )
    reference: list[str] = Field(
        default_factory=lambda: [
            "交易流水号",
            "流水号",
            "交易参考号",
            "银行流水号",
            "交易序号",
            "reference",
            "transaction id",
        ]
    )
    #: A bank line matches a payment by amount only within this many days of its date.
    date_window_days: int = Field(3, ge=0)


class BankAccount(_Strict):
    """The company's account that customers pay into, printed on their statements (对账单)."""

    account_name: str = ""  # 户名 (blank: the company name)
    bank: str = ""  # 开户行
    account_no: str = ""  # 账号


class Config(_Strict):
    company_name: str = "示例商贸有限公司"
    currency: str = "CNY"
    currency_symbol: str = "¥"
    #: Default workbook language: "zh" or "en".
    language: Lang = "zh"
    patterns: Patterns = Field(default_factory=Patterns)
    lists: Lists = Field(default_factory=Lists)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    limits: Limits = Field(default_factory=Limits)
    bank: Bank = Field(default_factory=Bank)
    receivables: Receivables = Field(default_factory=Receivables)
    bank_account: BankAccount = Field(default_factory=BankAccount)
    #: Extra header names accepted by the reader: "sheet.field" -> ["alias", …].
    aliases: dict[str, list[str]] = Field(default_factory=dict)

    def carrier(self, name: str) -> Carrier | None:
        return next((c for c in self.lists.carriers if c.name == name or c.en == name), None)

    def payment_term(self, name: object) -> PaymentTerm | None:
        """The term named ``name`` (either language, case-insensitive); None for blank or unknown."""
        if not name:
            return None
        key = str(name).strip().casefold()
        return next(
            (t for t in self.lists.payment_terms if key in (t.name.casefold(), (t.en or t.name).casefold())), None
        )


#: What each TOML file is called in a message.
CONFIG_FILE: Pair = ("设置文件", "config file")


def load_toml_model(path: str | os.PathLike[str], model: type[M], error: type[ConfigError], what: Pair) -> M:
    """Read the TOML file ``path`` into ``model``; ``error`` with one line saying what is wrong, in
    both languages (``what``: the file's name in each, ``("设置文件", "config file")``)."""
    path = Path(path)
    zh, en = what
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise error(about(path, Said(f"找不到{zh}", f"{en} not found"))) from None
    except OSError as exc:
        why = os_reason(exc)
        raise error(about(path, Said(f"无法读取{zh}（{why.zh}）", f"cannot read the {en} ({exc})"))) from None
    except UnicodeDecodeError as exc:
        raise error(
            about(path, Said(f"无法读取{zh}（不是 UTF-8 编码的文本，请另存为 UTF-8）", f"cannot read the {en} ({exc})"))
        ) from None
    except tomllib.TOMLDecodeError as exc:
        why = toml_problem(exc)
        raise error(about(path, Said(f"不是有效的 TOML 文件：{why.zh}", f"not valid TOML ({why.en})"))) from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(about(path, first_problem(exc))) from None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load ``path`` (or the defaults when None). Raises ConfigError with one clear line."""
    if path is None:
        return Config()
    return load_toml_model(path, Config, ConfigError, CONFIG_FILE)


def config_toml(config: Config | None = None) -> str:
    """The TOML text of ``config`` (defaults when None)."""
    data = (config or Config()).model_dump(mode="json")
    header = (
        "# 客户订单管理簿 — company settings (orderbook config init)\n"
        "# Every key is optional: a missing key takes its default.\n\n"
    )
    return header + tomli_w.dumps(data)


def write_default_config(path: str | os.PathLike[str], *, overwrite: bool = False, company: str | None = None) -> Path:
    """The default settings at ``path``, under ``company``'s name when given."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise ConfigError(about(path, ("已存在（要覆盖请加 --force）", "already exists (use --force to overwrite)")))
    config = Config(company_name=company.strip()) if company and company.strip() else None
    with atomic_path(path) as tmp:
        tmp.write_text(config_toml(config), encoding="utf-8")
    return path
