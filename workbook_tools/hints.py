"""What to type in a flagged cell: a hint for the clerk, built from the column (schema) and the value.

A finding's code has a general hint (codes.py). For the row-level codes the cell's column says
more: a quantity wants a whole number, and "9件" shows which one ("只填整数，例如 9"); an order
number wants the shape of the settings' pattern, shown as an example, never as the pattern.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from .lang import label, pick, say
from .schema import SHEETS, Column, Sheet, T

if TYPE_CHECKING:
    from .config import Carrier
    from .findings import Finding

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

#: (zh, en) templates by column type for a value of the wrong type; {example} is what to type.
_TYPE_HINTS = {
    T.INT: ("只填整数，不带单位，例如 {example}", "Type a whole number only, no unit, e.g. {example}"),
    T.MONEY: (
        "只填金额数字，不带货币符号和单位，例如 {example}",
        "Type the amount only, no currency sign or unit, e.g. {example}",
    ),
    T.PERCENT: ("填百分比，例如 {example}", "Type a percentage, e.g. {example}"),
    T.DATE: ("填日期（年-月-日），例如 {example}", "Type a date (year-month-day), e.g. {example}"),
    T.DATETIME: ("填日期和时间，例如 {example}", "Type a date and time, e.g. {example}"),
}
_FORMAT_HINTS = {
    T.PHONE: (
        "填 11 位手机号，例如 {example}；座机带区号，例如 0571-88886666",
        "Type an 11-digit mobile, e.g. {example}, or a landline with its area code, e.g. 0571-88886666",
    ),
    T.EMAIL: ("填完整邮箱地址，例如 {example}", "Type the whole address, e.g. {example}"),
    T.TAX_ID: (
        "照营业执照填 18 位统一社会信用代码（数字和大写字母）",
        "Copy the 18-character code from the business licence (digits and capital letters)",
    ),
}
_DEFAULT_EXAMPLES = {
    T.INT: "1",
    T.MONEY: "100.00",
    T.PERCENT: "5%",
    T.DATE: "2026-11-27",
    T.DATETIME: "2026-11-27 10:30",
}


@lru_cache(maxsize=64)
def _sheet(name: str | None) -> Sheet | None:
    return next((s for s in SHEETS if name in (s.zh, s.en, s.key)), None)


def column_of(f: Finding) -> Column | None:
    """The schema column a finding is about (by its sheet's name in either language and its field)."""
    sheet = _sheet(f.sheet)
    if sheet is None or f.field is None or f.field not in sheet.index:
        return None
    return sheet.column(f.field)


def _from_value(col: Column, value: object) -> str | None:
    """The number a clerk meant, read out of a value of the wrong type: "9件" -> "9", "¥499元" -> "499.00"."""
    if col.type not in (T.INT, T.MONEY) or value is None:
        return None
    m = _NUMBER.search(unicodedata.normalize("NFKC", str(value)).replace(",", ""))
    if m is None:
        return None
    if col.type is T.INT:
        return str(int(float(m[0])))
    return f"{float(m[0]):.2f}"


def _example(col: Column) -> str:
    return col.example or _DEFAULT_EXAMPLES.get(col.type, "")


def cell_hint(f: Finding, lang: str) -> str | None:
    """What to type in the finding's cell, or None when the code's own hint says it best."""
    col = column_of(f)
    if col is None:
        return None
    column = label(col, lang)
    p = f.params
    if f.code == "wrong-type" and col.type in _TYPE_HINTS:
        example = _from_value(col, f.value) or _example(col)
        return say(lang, _TYPE_HINTS[col.type], example=example)
    if f.code == "bad-format":
        if p.get("limit") is not None:
            return pick(
                lang,
                f"删减到 {p['limit']} 个字符以内；其余内容可写在备注中",
                f"Shorten it to {p['limit']} characters; put the rest in the notes",
            )
        if col.type in _FORMAT_HINTS:
            return say(lang, _FORMAT_HINTS[col.type], example=_example(col))
        if p.get("example"):
            return pick(lang, f"照这个样子填写：{p['example']}", f"Type it in this form: {p['example']}")
        return None
    if f.code == "tracking-format" and p.get("example"):
        return pick(
            lang,
            f"核对单号：{p.get('carrier', '')}的单号形如 {p['example']}（仅作提醒：快递公司未必公布格式）",
            f"Check the number: {p.get('carrier_en', '')} numbers look like {p['example']} "
            "(a reminder only: not every carrier publishes its format)",
        )
    if f.code == "required-missing":
        example = _example(col)
        if col.choices:
            return pick(
                lang, f"从下拉列表选择{column}，例如 {example}", f"Pick the {column} from the dropdown, e.g. {example}"
            )
        if col.ref:
            return pick(
                lang, f"填写已登记的{column}，例如 {example}", f"Type a {column} already on its sheet, e.g. {example}"
            )
        return pick(lang, f"填写{column}，例如 {example}", f"Type the {column}, e.g. {example}") if example else None
    if f.code == "out-of-range" and p.get("expected"):
        example = _example(col)
        return pick(
            lang,
            f"填写 {p['expected']} 的值，例如 {example}",
            f"Type a value {p.get('expected_en', p['expected'])}, e.g. {example}",
        )
    if f.code == "not-in-list" and col.example:
        return pick(
            lang,
            f"从下拉列表中选择，例如 {col.example}；新的选项先加到设置中",
            f"Pick from the dropdown, e.g. {col.example}; add a new choice in the settings first",
        )
    return None


def example_words(example: str | None, setting: str) -> tuple[str, str]:
    """(zh, en) of "the right form" for a message: the example, or, without one, the setting's name
    (never the pattern itself: clerks do not read regular expressions)."""
    if example:
        return f"例如 {example}", f"e.g. {example}"
    return f"格式见设置 {setting}", f"the form set in {setting}"


def pattern_example(name: str, pattern: str) -> str | None:
    """An example of the settings' pattern ``name`` (order_no, customer_id, sku): the schema's example
    of a column checked against it when that matches, else one built from the pattern."""
    from .patterns import example

    like = next((c.example for s in SHEETS for c in s.columns if c.pattern == name and c.example), "")
    return example(pattern, like)


def tracking_example(carrier: Carrier) -> str | None:
    """An example tracking number of ``carrier`` (config ``Carrier``), built from its pattern."""
    from .patterns import example

    like = next((c.example for s in SHEETS for c in s.columns if c.key == "tracking_no" and c.example), "")
    return example(carrier.tracking, like)
