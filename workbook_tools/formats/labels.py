"""Words every formatter shares: headers, severity names, comment texts, in Chinese and English."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..codes import CODES, Severity
from ..findings import Finding
from ..lang import Pair, lookup, pick, say
from ..report import FileResult, Report

#: Every word the formatters share, Chinese and English side by side.
_WORDS: dict[str, Pair] = {
    "issues": ("问题清单", "Issues"),
    "summary": ("汇总", "Summary"),
    "file": ("文件", "File"),
    "sheet": ("工作表", "Sheet"),
    "cell": ("单元格", "Cell"),
    "severity": ("级别", "Severity"),
    "code": ("代码", "Code"),
    "value": ("值", "Value"),
    "message": ("说明", "Message"),
    "hint": ("处理建议", "How to fix"),
    "title": ("问题", "Problem"),
    "count": ("数量", "Count"),
    "rows": ("读取行数", "Rows read"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "status": ("状态", "Status"),
    "annotated": ("标注副本", "Annotated copy"),
    "error": ("错误", "Error"),
    "warning": ("警告", "Warning"),
    "unreadable": ("无法读取", "cannot read"),
    "clean": ("无问题", "clean"),
    "no_copy": ("未能生成标注副本", "annotated copy not written"),
    "title_report": ("订单簿校验报告", "Order book validation report"),
    "generated": ("生成时间", "Generated"),
    "files": ("文件数", "Files"),
    "by_code": ("按问题类型", "By problem"),
    "more": (
        "另有 {n} 条问题未显示（JSON、Excel、HTML 报告中有全部问题）",
        "{n} more findings not shown (the JSON, Excel and HTML reports have them all)",
    ),
    "total": (
        "合计：{files} 个文件，{errors} 个错误，{warnings} 个警告，{unreadable} 个无法读取",
        "Total: {files}, {errors}, {warnings}, {unreadable} unreadable",
    ),
    "file_line": ("{rows} 行，{errors} 个错误，{warnings} 个警告", "{rows}, {errors}, {warnings}"),
    "read_error": ("无法读取：{reason}", "cannot read: {reason}"),
    "too_many": (
        "问题超过 {n} 条，此表只列出前 {n} 条；完整清单见 JSON 报告",
        "More than {n} findings: this sheet lists the first {n}; the JSON report has them all",
    ),
    "rule": ("规则", "Rule"),
    "about": ("文件与设置", "File and settings"),
    "checked": ("检查时间：{at}", "Checked: {at}"),
    "settings": ("设置：{s}", "Settings: {s}"),
    "file_info": ("{size}，修改于 {modified}", "{size}, modified {modified}"),
    "fix_original": (
        "请在原文件中改正，不要改标注副本：副本只供查看，改在副本上的内容不会被采用。",
        "Fix the problems in the original book, not in an annotated "
        "copy: copies are for looking only, and what is changed in them is not used.",
    ),
    "fix_original_at": (
        "请在原文件 {path} 中改正，不要改本副本：本副本只供查看，改在这里的内容不会被采用。",
        "Fix the problems in the original book, {path}, not in this "
        "copy: it is for looking only, and what is changed here is not used.",
    ),
}

#: Column keys of an Issues table, in order (header words come from ``word``): what people read
#: first, the rule code last, as a small column for filters and for asking for help.
ISSUE_COLUMNS = ("file", "sheet", "cell", "severity", "rule", "value", "message", "hint", "code")

#: Fills: light red for errors, light yellow for warnings (Excel's own "bad" / "neutral" colours).
COLOURS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C"}
TEXT_COLOURS = {Severity.ERROR: "9C0006", Severity.WARNING: "9C5700"}


def word(key: str, lang: str, **fmt: object) -> str:
    return lookup(_WORDS, key, lang, **fmt)


def _n(count: int, noun: str, lang: str) -> str:
    """``3`` in Chinese templates (the words are in the template), ``3 errors`` / ``1 error`` in English."""
    return pick(lang, f"{count:,}", f"{count:,} {noun}{'' if count == 1 else 's'}")


def severity_word(severity: Severity | str, lang: str) -> str:
    return word(Severity(severity).value, lang)


def code_title(code: str, lang: str) -> str:
    c = CODES.get(code)
    if c is None:
        return code
    return pick(lang, c.title_zh, c.title_en)


def value_text(value: object) -> str:
    """The offending value as people read it (blank for None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def comment_text(finding: Finding, lang: str) -> str:
    """One finding as it appears in a cell comment: ``【错误·必填项为空】… / 处理建议：…``."""
    sev = severity_word(finding.severity, lang)
    return say(
        lang,
        ("【{sev}·{title}】{message}\n{hint}：{how}", "[{sev} · {title}] {message}\n{hint}: {how}"),
        sev=sev,
        title=finding.title(lang),
        message=finding.message(lang),
        hint=word("hint", lang),
        how=finding.hint(lang),
    )


def size_text(size: int) -> str:
    """``812 B``, ``56 KB``, ``1.2 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def checked_line(report: Report, lang: str) -> str | None:
    """``检查时间：2026-11-27 10:30``: when the check ran (the first file's; a run checks them together)."""
    moments = [r.checked_at for r in report.files if r.checked_at is not None]
    return word("checked", lang, at=min(moments).strftime("%Y-%m-%d %H:%M")) if moments else None


def file_facts(result: FileResult, lang: str, *, settings: bool = True) -> list[str]:
    """What a report says of the file it checked: size and time modified, the settings used."""
    lines = []
    if result.size is not None and result.modified is not None:
        lines.append(
            word("file_info", lang, size=size_text(result.size), modified=result.modified.strftime("%Y-%m-%d %H:%M"))
        )
    used = result.settings_text(lang) if settings else None
    if used:
        lines.append(word("settings", lang, s=used))
    return lines


def rows_read(result: FileResult) -> int:
    return sum(result.rows.values())


@dataclass(frozen=True)
class Totals:
    files: int
    errors: int
    warnings: int
    unreadable: int

    def line(self, lang: str) -> str:
        return word(
            "total",
            lang,
            files=_n(self.files, "file", lang),
            errors=_n(self.errors, "error", lang),
            warnings=_n(self.warnings, "warning", lang),
            unreadable=f"{self.unreadable:,}",
        )


def totals(report: Report) -> Totals:
    return Totals(
        files=len(report.files),
        errors=sum(r.errors for r in report.files),
        warnings=sum(r.warnings for r in report.files),
        unreadable=sum(1 for r in report.files if r.error),
    )


def file_line(result: FileResult, lang: str) -> str:
    """``12,034 行，3 个错误，1 个警告`` or ``无法读取：not a zip file``."""
    if result.error:
        return word("read_error", lang, reason=result.error_text(lang))
    return word(
        "file_line",
        lang,
        rows=_n(rows_read(result), "row", lang),
        errors=_n(result.errors, "error", lang),
        warnings=_n(result.warnings, "warning", lang),
    )


def code_counts(findings: list[Finding]) -> list[tuple[str, Severity, int]]:
    """``[(code, severity, count)]``: errors first, then by count, then by code."""
    counts = Counter(f.code for f in findings)
    rows = [(code, CODES[code].severity, n) for code, n in counts.items()]
    rows.sort(key=lambda r: (r[1] is not Severity.ERROR, -r[2], r[0]))
    return rows
