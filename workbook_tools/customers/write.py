"""The customer history workbook: 客户档案 (one row per customer) and 客户分层 (counts per segment)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..choices import ChoiceLists, choice_lists, label_of
from ..config import Config
from ..derive import ZERO
from ..lang import LANGS, Pair, label, pick, say
from ..outputs import xlsx_workbook
from ..schema import CUSTOMERS
from ..template.printing import page_setup
from ..template.styles import TEXT_AS_TEXT
from .history import CustomerProfile
from .rfm import SEGMENT_BY_VALUE, SEGMENTS

if TYPE_CHECKING:
    from xlsxwriter import Workbook
    from xlsxwriter.format import Format

SHEET_NAMES = {"profiles": ("客户档案", "Customer history"), "segments": ("客户分层", "Segments")}
HEADER_FILL, HEADER_FONT = "#1F4E78", "#FFFFFF"
#: Cell fill per segment, so a filtered list still reads at a glance.
SEGMENT_FILL = {
    "key_value": "#C6EFCE",
    "key_retain": "#DDEBF7",
    "key_develop": "#E2EFDA",
    "key_win_back": "#FFEB9C",
    "regular": "#F2F2F2",
    "churn_risk": "#FFC7CE",
    "no_orders": "#FFFFFF",
}


@dataclass(frozen=True)
class OutColumn:
    key: str
    zh: str
    en: str
    kind: str  # text | int | money | date | days | segment
    width: float
    value: Callable[[CustomerProfile], Any]

    def header(self, lang: str) -> str:
        return label(self, lang)


def _from_sheet(key: str, kind: str = "text") -> OutColumn:
    col = CUSTOMERS.column(key)
    return OutColumn(key, col.zh, col.en, kind, col.width, lambda p: getattr(p, key))


def _favourites_text(p: CustomerProfile) -> str:
    return "；".join(f"{f.sku} {f.name} ×{f.quantity}".replace("  ", " ") for f in p.favourites)


def _attr(key: str, zh: str, en: str, kind: str, width: float) -> OutColumn:
    return OutColumn(key, zh, en, kind, width, lambda p: getattr(p, key))


COLUMNS: tuple[OutColumn, ...] = (
    _from_sheet("customer_id"),
    _from_sheet("name"),
    _from_sheet("contact"),
    _from_sheet("phone"),
    _from_sheet("tier"),
    _from_sheet("province"),
    _from_sheet("city"),
    _attr("segment", "客户分层", "Segment", "segment", 16),
    _attr("r", "R 分", "R score", "int", 6),
    _attr("f", "F 分", "F score", "int", 6),
    _attr("m", "M 分", "M score", "int", 6),
    _attr("recency_days", "距上次下单天数", "Days since last order", "int", 10),
    _attr("first_order", "首次下单日期", "First order", "date", 12),
    _attr("last_order", "最近下单日期", "Last order", "date", 12),
    _attr("orders", "订单数", "Orders", "int", 8),
    _attr("cancelled", "取消订单数", "Cancelled orders", "int", 9),
    _attr("total_spent", "累计消费金额", "Total spent", "money", 14),
    _attr("average_order", "平均订单金额", "Average order", "money", 13),
    _attr("open_balance", "未付余额", "Open balance", "money", 13),
    _attr("usual_method", "常用付款方式", "Usual payment method", "method", 12),
    _attr("days_to_pay", "平均付款天数", "Average days to pay", "days", 10),
    _attr("paid_orders", "已付清订单数", "Orders paid in full", "int", 9),
    OutColumn(
        "favourites", "常购产品（数量前三）", "Favourite products (top 3 by quantity)", "text", 44, _favourites_text
    ),
    _from_sheet("preferences"),
)

NUM_FORMATS = {"int": "0", "money": "#,##0.00", "date": "yyyy-mm-dd", "days": "0.0", "share": "0.0%"}

#: The notes under the segment table, Chinese and English side by side.
_NOTES: tuple[Pair, ...] = (
    ("说明", "Notes"),
    (
        "订单数、金额、日期、常购产品和付款天数只计未取消的订单；常用付款方式按收款笔数（不含退款），笔数相同看金额。",
        "Orders, amounts, dates, favourites and days to pay count orders that were not cancelled; the usual payment "
        "method is the one of most payments received (refunds left out), ties by amount.",
    ),
    (
        "平均付款天数：从下单日期到付清日期（按日期累计付款首次达到订单金额的那一天）；早于下单日期的付款不计。",
        "Days to pay: from the order date to the day the running sum of the order's payments first reaches its total; "
        "payments dated before the order are left out.",
    ),
    (
        "R = 距最近一次下单的天数（越少越好），F = 订单数，M = 累计消费金额。",
        "R = days since the last order (fewer is better), F = number of orders, M = total spent.",
    ),
    (
        "分数 1–5 按五分位：比 b 位客户更好（并列不算）得 1 + ⌊5b/n⌋ 分，n 为有订单的客户数；并列同分。",
        "Scores 1–5 by quintiles: better than b customers (ties not counted) scores 1 + ⌊5b/n⌋, n = customers "
        "with orders; ties share a score.",
    ),
    (
        "4–5 分为“高”，1–2 分为“低”，3 分居中；各分层的规则见“客户分层”表。",
        "A score of 4–5 is high, 1–2 low, 3 neither; each segment's rule is on the Segments sheet.",
    ),
)


def write_customer_history(
    profiles: list[CustomerProfile],
    path: str | os.PathLike[str],
    lang: str = "zh",
    *,
    config: Config | None = None,
    today: date | None = None,
) -> Path:
    """Write the customer history workbook to ``path`` (atomically) and return the path."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    config = config or Config()
    lists = choice_lists(config)
    path = Path(path)
    with xlsx_workbook(path, "customers", TEXT_AS_TEXT) as wb:
        fmt = _formats(wb)
        _profiles_sheet(wb, fmt, profiles, lang, lists, config.company_name)
        _segments_sheet(wb, fmt, profiles, lang, today, config.company_name)
    return path


def _formats(wb: Workbook) -> dict[str, Format]:
    base = {"valign": "top", "font_size": 10}
    out = {
        "head": wb.add_format(
            {
                **base,
                "bold": True,
                "bg_color": HEADER_FILL,
                "font_color": HEADER_FONT,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                "border": 1,
            }
        ),
        "text": wb.add_format(base),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "title": wb.add_format({"bold": True, "font_size": 14, "font_color": HEADER_FILL}),
        "total": wb.add_format({**base, "bold": True, "top": 1}),
    }
    for kind, num in NUM_FORMATS.items():
        out[kind] = wb.add_format({**base, "num_format": num})
        out[f"total_{kind}"] = wb.add_format({**base, "num_format": num, "bold": True, "top": 1})
    for seg, fill in SEGMENT_FILL.items():
        out[f"seg_{seg}"] = wb.add_format({**base, "bg_color": fill})
    return out


def _profiles_sheet(
    wb: Workbook, fmt: dict[str, Format], profiles: list[CustomerProfile], lang: str, lists: ChoiceLists, company: str
) -> None:
    ws = wb.add_worksheet(say(lang, SHEET_NAMES["profiles"]))
    for c, col in enumerate(COLUMNS):
        ws.write_string(0, c, col.header(lang), fmt["head"])
        ws.set_column(c, c, col.width, fmt["wrap"] if col.key in ("favourites", "preferences") else None)
    ws.set_row(0, 32)
    choice_of = {"tier": lists["customer_tier"], "province": lists["province"]}
    for r, p in enumerate(profiles, 1):
        for c, col in enumerate(COLUMNS):
            v = col.value(p)
            if v is None or v == "":
                continue
            kind = col.kind
            if kind == "segment":
                ws.write_string(r, c, SEGMENT_BY_VALUE[v].label(lang), fmt[f"seg_{v}"])
            elif kind == "method":
                ws.write_string(r, c, label_of(lists["payment_method"], v, lang), fmt["text"])
            elif kind == "date":
                ws.write_datetime(r, c, v, fmt["date"])
            elif kind in ("int", "money", "days"):
                ws.write_number(r, c, v, fmt[kind])
            else:
                text = label_of(choice_of[col.key], v, lang) if col.key in choice_of else str(v)
                ws.write_string(r, c, text, fmt["wrap"] if col.key in ("favourites", "preferences") else fmt["text"])
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(len(profiles), 1), len(COLUMNS) - 1)
    # 24 columns: at 80 % on pages across, the customer's ID and name again on each
    page_setup(ws, [col.width for col in COLUMNS], company=company, lang=lang, key_columns=2)
    ws.activate()


def _segments_sheet(
    wb: Workbook, fmt: dict[str, Format], profiles: list[CustomerProfile], lang: str, today: date | None, company: str
) -> None:
    ws = wb.add_worksheet(say(lang, SHEET_NAMES["segments"]))
    heads = (
        ("客户分层", "Segment", 18),
        ("规则", "Rule", 44),
        ("客户数", "Customers", 10),
        ("占比", "Share", 9),
        ("累计消费金额", "Total spent", 16),
        ("未付余额", "Open balance", 14),
    )
    for c, (h_zh, h_en, width) in enumerate(heads):
        ws.write_string(0, c, pick(lang, h_zh, h_en), fmt["head"])
        ws.set_column(c, c, width)
    counts = Counter(p.segment for p in profiles)
    spent: dict[str, Decimal] = {}
    open_: dict[str, Decimal] = {}
    for p in profiles:
        spent[p.segment] = spent.get(p.segment, ZERO) + p.total_spent
        open_[p.segment] = open_.get(p.segment, ZERO) + p.open_balance
    n = len(profiles)
    for r, seg in enumerate(SEGMENTS, 1):
        ws.write_string(r, 0, seg.label(lang), fmt[f"seg_{seg.value}"])
        ws.write_string(r, 1, seg.rule(lang), fmt["wrap"])
        ws.write_number(r, 2, counts.get(seg.value, 0), fmt["int"])
        ws.write_number(r, 3, counts.get(seg.value, 0) / n if n else 0, fmt["share"])
        ws.write_number(r, 4, spent.get(seg.value, ZERO), fmt["money"])
        ws.write_number(r, 5, open_.get(seg.value, ZERO), fmt["money"])
    total_row = len(SEGMENTS) + 1
    ws.write_string(total_row, 0, pick(lang, "合计", "Total"), fmt["total"])
    ws.write_string(total_row, 1, "", fmt["total"])
    ws.write_number(total_row, 2, n, fmt["total_int"])
    ws.write_number(total_row, 3, 1 if n else 0, fmt["total_share"])
    ws.write_number(total_row, 4, sum(spent.values(), ZERO), fmt["total_money"])
    ws.write_number(total_row, 5, sum(open_.values(), ZERO), fmt["total_money"])
    ws.freeze_panes(1, 0)
    row = total_row + 2
    notes = [say(lang, note) for note in _NOTES]
    ws.write_string(row, 0, notes[0], fmt["title"])
    if today is not None:
        ws.write_string(row, 1, say(lang, ("统计日期 {day}", "As of {day}"), day=f"{today:%Y-%m-%d}"), fmt["text"])
    for i, line in enumerate(notes[1:], 1):
        ws.write_string(row + i, 0, line, fmt["text"])
    page_setup(ws, [width for _zh, _en, width in heads], company=company, lang=lang)
