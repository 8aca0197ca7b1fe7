"""Why settings (or an import mapping) cannot be used, in both languages.

pydantic says what is wrong with a value in English only; a clerk running ``orderbook`` in Chinese
gets the same fact in Chinese, by the kind of error (``type``) and its numbers (``ctx``). A validator
of ours that wants its own words raises ``SaidValueError`` with both spellings.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .lang import COLON, Pair, Said, said, say

#: pydantic's error type -> the Chinese of its message (``{placeholders}`` from its ``ctx``). The
#: English stays pydantic's own message: the stable text scripts and tests already match.
_ZH: dict[str, str] = {
    "extra_forbidden": "没有这个设置项（名字写错了？）",
    "missing": "缺少这一项",
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}",
    "less_than": "应小于 {lt}",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数（不带小数）",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字（TOML 中加引号）",
    "list_type": '应为列表，例如 ["甲", "乙"]',
    "dict_type": "应为一个表（[名称] 小节）",
    "model_type": "应为一个表（[名称] 小节）",
    "literal_error": "应为以下之一：{expected}",
    "string_pattern_mismatch": "格式不对（应符合 {pattern}）",
    "too_short": "项数太少",
    "too_long": "项数太多",
}


class SaidValueError(ValueError):
    """A validator's reason in both languages (pydantic keeps the exception in the error's ``ctx``)."""

    def __init__(self, reason: Said) -> None:
        self.said = reason
        super().__init__(reason.en)


def value_error(pair: Pair, **kw: object) -> SaidValueError:
    return SaidValueError(said(pair, **kw))


def problem(error: Mapping[str, Any]) -> Said:
    """``where: what is wrong`` for one of pydantic's errors (``ValidationError.errors()`` item)."""
    where = ".".join(str(p) for p in error["loc"])
    en = str(error["msg"]).removeprefix("Value error, ")
    ctx = error.get("ctx") or {}
    own = ctx.get("error")
    if isinstance(own, SaidValueError):
        reason = own.said
    else:
        zh = _ZH.get(error["type"])
        if error["type"] == "literal_error":  # pydantic lists the choices in English: 'a', 'b' or 'c'
            ctx = {**ctx, "expected": "、".join(re.findall(r"'[^']*'", str(ctx.get("expected", ""))))}
        reason = Said(zh.format(**ctx) if zh else en, en)
    if not where:
        return reason
    return Said(where + say("zh", COLON) + reason.zh, f"{where}: {reason.en}")


def first_problem(exc: ValidationError) -> Said:
    """The first thing wrong (one line: the rest often follows from it)."""
    return problem(exc.errors()[0])


_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_problem(exc: tomllib.TOMLDecodeError) -> Said:
    """Where a TOML text stops parsing: the line and column in Chinese, tomllib's words in English."""
    at = _AT.search(str(exc))
    zh = f"第 {at[1]} 行第 {at[2]} 列写法不对" if at else "文件末尾写法不对（少了值，或同一项写了两次？）"
    return Said(zh, str(exc))
