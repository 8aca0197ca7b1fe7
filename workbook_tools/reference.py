"""The field reference (docs/fields.md) and the rule catalogue (docs/rules.md), generated from the
schema and the codes so they cannot drift.

    python -m workbook_tools.reference
"""

from __future__ import annotations

from pathlib import Path

from .choices import ChoiceLists, choice_lists
from .codes import CODES
from .config import Config
from .schema import SHEETS, Column, T

_TYPE_ZH = {
    T.TEXT: "文本",
    T.ID: "编号（文本）",
    T.PHONE: "电话（文本）",
    T.EMAIL: "邮箱",
    T.TAX_ID: "信用代码（文本）",
    T.INT: "整数",
    T.MONEY: "金额",
    T.PERCENT: "百分比",
    T.DATE: "日期",
    T.DATETIME: "日期时间",
    T.CHOICE: "下拉选项",
}


def _allowed(col: Column, lists: ChoiceLists, config: Config) -> str:
    if col.choices:
        words = "、".join(c.zh for c in lists[col.choices])
        return words if col.strict else f"{words}（或自由填写 / or free text）"
    if col.ref:
        sheet_key, key = col.ref.split(".")
        target = next(s for s in SHEETS if s.key == sheet_key)
        return f"{target.zh}·{target.column(key).zh} 中已有的值 / an existing {target.en} {target.column(key).en}"
    bounds = []
    if col.min is not None:
        bounds.append(f"≥ {col.min:g}")
    if col.max is not None:
        bounds.append(f"≤ {col.max:g}")
    if col.nonzero:
        bounds.append("≠ 0")
    if col.pattern:
        from .template.validation import in_sheet_pattern

        pattern = getattr(config.patterns, col.pattern)
        where = (
            "also checked in the sheet 表内同样检查"
            if in_sheet_pattern(col, config)
            else "checked by orderbook validate only, not in the sheet 仅由 orderbook validate 检查"
        )
        bounds.append(f"pattern `{pattern}` (config `patterns.{col.pattern}`; {where})")
    if col.type == T.TAX_ID and col.max_len:
        bounds.append(f"= {col.max_len} chars (in the sheet 表内检查); check character: orderbook validate 校验位")
    elif col.max_len:
        bounds.append(f"≤ {col.max_len} chars")
    return ", ".join(bounds)


def render_markdown(config: Config | None = None) -> str:
    config = config or Config()
    lists = choice_lists(config)
    out = [
        "# 字段说明 Field reference",
        "",
        "Generated from `workbook_tools/schema.py` by `python -m workbook_tools.reference`; a test keeps it current.",
        "`*` = required 必填. Formula columns (公式) are computed: never type into them.",
        "",
    ]
    for sheet in SHEETS:
        out += [
            f"## {sheet.zh} {sheet.en}",
            "",
            sheet.help_zh,
            "",
            sheet.help_en,
            "",
            "| 列 column | key | 类型 type | 允许的值 allowed | 示例 example | 说明 help |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for col in sheet.columns:
            name = f"{col.zh} {col.en}" + (" *" if col.required else "") + (" (公式 formula)" if col.derived else "")
            kind = f"{_TYPE_ZH[col.type]} {col.type.value}" + (" unique" if col.unique else "")
            out.append(
                f"| {name} | `{col.key}` | {kind} | {_allowed(col, lists, config)} | {col.example} | "
                f"{col.help_zh} {col.help_en} |"
            )
        out.append("")
    return "\n".join(out)


def render_rules_markdown() -> str:
    out = [
        "# 校验规则 Rule catalogue",
        "",
        "Generated from `workbook_tools/codes.py` by `python -m workbook_tools.reference`; codes are stable.",
        "级别 severity: error = 错误 (exit code 1), warning = 提醒.",
        "",
        "| code | 级别 severity | 规则 rule | 说明 message | 处理建议 hint |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in CODES.values():
        out.append(
            f"| `{c.code}` | {c.severity.value} | {c.title_zh} {c.title_en} | {c.message_zh}<br>{c.message_en} | "
            f"{c.hint_zh}<br>{c.hint_en} |"
        )
    return "\n".join(out) + "\n"


DOCS = {"fields.md": render_markdown, "rules.md": render_rules_markdown}

if __name__ == "__main__":
    docs = Path(__file__).resolve().parents[1] / "docs"
    for name, render in DOCS.items():
        (docs / name).write_text(render(), encoding="utf-8")
        print(f"wrote docs/{name}")
