"""Dropdown lists: the fixed ones the rules depend on, and the ones the config supplies.

A choice has a canonical ``value`` (what Python sees after reading) and a label per language
(what staff see in the dropdown). The reader accepts either label.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config
from .lang import pick


@dataclass(frozen=True)
class Choice:
    value: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)


def _fixed(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(*item) for item in items)


ORDER_STATUS = _fixed(
    ("pending", "待处理", "Pending"),
    ("processing", "处理中", "Processing"),
    ("shipped", "已发货", "Shipped"),
    ("completed", "已完成", "Completed"),
    ("cancelled", "已取消", "Cancelled"),
)
#: Rank of each status along the normal flow; a later entry with a lower rank is a regression.
STATUS_RANK = {"pending": 0, "processing": 1, "shipped": 2, "completed": 3}

PAYMENT_STATUS = _fixed(
    ("unpaid", "未付款", "Unpaid"),
    ("partial", "部分付款", "Partly paid"),
    ("paid", "已付款", "Paid"),
    ("overpaid", "超额付款", "Overpaid"),
    # a cancelled order settles to zero: nothing received (or all refunded), or money still to give back
    ("cancelled", "已取消", "Cancelled"),
    ("refund_due", "待退款", "Refund due"),
)

MOVEMENT_TYPE = _fixed(
    ("receipt", "入库", "Receipt"),
    ("return", "退货", "Return"),
    ("adjustment", "调整", "Adjustment"),
    ("stocktake", "盘点", "Stocktake"),
)

YES_NO = _fixed(("yes", "是", "Yes"), ("no", "否", "No"))

PROVINCES = _fixed(
    *(
        (zh, zh, en)
        for zh, en in [
            ("北京市", "Beijing"),
            ("天津市", "Tianjin"),
            ("上海市", "Shanghai"),
            ("重庆市", "Chongqing"),
            ("河北省", "Hebei"),
            ("山西省", "Shanxi"),
            ("辽宁省", "Liaoning"),
            ("吉林省", "Jilin"),
            ("黑龙江省", "Heilongjiang"),
            ("江苏省", "Jiangsu"),
            ("浙江省", "Zhejiang"),
            ("安徽省", "Anhui"),
            ("福建省", "Fujian"),
            ("江西省", "Jiangxi"),
            ("山东省", "Shandong"),
            ("河南省", "Henan"),
            ("湖北省", "Hubei"),
            ("湖南省", "Hunan"),
            ("广东省", "Guangdong"),
            ("海南省", "Hainan"),
            ("四川省", "Sichuan"),
            ("贵州省", "Guizhou"),
            ("云南省", "Yunnan"),
            ("陕西省", "Shaanxi"),
            ("甘肃省", "Gansu"),
            ("青海省", "Qinghai"),
            ("台湾省", "Taiwan"),
            ("内蒙古自治区", "Inner Mongolia"),
            ("广西壮族自治区", "Guangxi"),
            ("西藏自治区", "Tibet"),
            ("宁夏回族自治区", "Ningxia"),
            ("新疆维吾尔自治区", "Xinjiang"),
            ("香港特别行政区", "Hong Kong"),
            ("澳门特别行政区", "Macao"),
        ]
    )
)

#: English labels for the default config words; a word not listed keeps its own text in English.
_EN = {
    "银行转账": "Bank transfer",
    "微信支付": "WeChat Pay",
    "支付宝": "Alipay",
    "现金": "Cash",
    "信用卡": "Credit card",
    "其他": "Other",
    "普通客户": "Regular",
    "银牌客户": "Silver",
    "金牌客户": "Gold",
    "VIP客户": "VIP",
    "缺货": "Out of stock",
    "延迟发货": "Delayed shipment",
    "地址错误": "Wrong address",
    "客户取消": "Cancelled by customer",
    "质量问题": "Quality problem",
    "个": "pcs",
    "件": "item",
    "箱": "box",
    "套": "set",
    "台": "unit",
    "包": "pack",
    "瓶": "bottle",
    "双": "pair",
    "千克": "kg",
    "米": "m",
}


def _words(words: list[str]) -> tuple[Choice, ...]:
    return tuple(Choice(w, w, _EN.get(w, w)) for w in words)


#: The parts of a payment term the formulas read from the Lists sheet (``lst_payment_terms_<part>``).
TERM_PARTS = ("basis", "months", "days")


#: Every named dropdown list: list name -> its choices (``choice_lists``).
ChoiceLists = dict[str, tuple[Choice, ...]]


def choice_lists(config: Config) -> ChoiceLists:
    """Every named dropdown list, in the order it appears on the Lists sheet."""
    lists = config.lists
    return {
        "order_status": ORDER_STATUS,
        "payment_status": PAYMENT_STATUS,
        "movement_type": MOVEMENT_TYPE,
        "yes_no": YES_NO,
        "customer_tier": _words(lists.customer_tiers),
        "province": PROVINCES,
        "unit": _words(lists.units),
        "carrier": tuple(Choice(c.name, c.name, c.en or c.name) for c in lists.carriers),
        "payment_method": _words(lists.payment_methods),
        "problem_type": _words(lists.problem_types),
        "payment_terms": tuple(Choice(t.name, t.name, t.en or t.name) for t in lists.payment_terms),
        # what each term means, for the 应付日期 formula (formulas._pay_due): one row per term
        **{
            f"payment_terms_{part}": tuple(
                Choice(str(getattr(t, part)), str(getattr(t, part)), str(getattr(t, part))) for t in lists.payment_terms
            )
            for part in TERM_PARTS
        },
        # how payments on account are allocated (config.Receivables), for the 核销顺序 formula
        "allocation": (
            Choice(config.receivables.allocation, config.receivables.allocation, config.receivables.allocation),
        ),
        # the reorder point of products without one (config.Thresholds), for the 低库存序号 formula
        "low_stock_default": (Choice(*[str(config.thresholds.low_stock_default)] * 3),),
    }


def label_of(choices: tuple[Choice, ...], value: str, lang: str) -> str:
    for c in choices:
        if c.value == value:
            return c.label(lang)
    return value


def lookup(choices: tuple[Choice, ...]) -> dict[str, str]:
    """Map every label (both languages, case-folded) and value to the canonical value."""
    out: dict[str, str] = {}
    for c in choices:
        for word in (c.value, c.zh, c.en):
            out.setdefault(word.casefold(), c.value)
    return out
