"""Errors in the data are data: a ``Finding`` says what is wrong, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from .codes import CODES, Severity
from .lang import is_zh, pick


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class Finding:
    code: str
    sheet: str | None = None  # sheet name as in the file
    row: int | None = None  # 1-based Excel row
    column: str | None = None  # column letter, e.g. "C"
    field: str | None = None  # schema column key
    value: Any = None  # the offending value
    params: dict[str, Any] = dc_field(default_factory=dict, compare=False, hash=False)
    file: str | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def cell(self) -> str | None:
        if self.sheet is None or self.row is None:
            return None
        return f"{self.sheet}!{self.column or ''}{self.row}" if self.column else f"{self.sheet}!{self.row}"

    def message(self, lang: str = "zh") -> str:
        code = CODES[self.code]
        words = _Blank({"value": "" if self.value is None else self.value, **self.params})
        words.setdefault("expected_en", words.get("expected", ""))
        words.setdefault("other_en", words.get("other", ""))
        words.setdefault("reason_en", words.get("reason", ""))
        template = pick(lang, code.message_zh, code.message_en)
        if not is_zh(lang):
            words["column"] = self.params.get("column_en", words.get("column", ""))
        return template.format_map(words)

    def hint(self, lang: str = "zh") -> str:
        """What to do, said for this cell when its column tells (hints.py), else the code's hint."""
        from .hints import cell_hint

        specific = cell_hint(self, lang)
        if specific:
            return specific
        code = CODES[self.code]
        return pick(lang, code.hint_zh, code.hint_en)

    def title(self, lang: str = "zh") -> str:
        """The rule's name in ``lang`` (格式错误 / Bad format): what people read; ``code`` is for machines."""
        return CODES[self.code].title(lang)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "file": self.file,
            "code": self.code,
            "rule": self.title(lang),
            "severity": self.severity.value,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "field": self.field,
            "value": _jsonable(self.value),
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, each in the order found (sheet by sheet, row by row): the order
    every report shows them in, so no warning sits between two errors."""
    return sorted(findings, key=lambda f: f.severity is not Severity.ERROR)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class FindingCounts:
    """``errors`` and ``warnings`` of anything holding ``findings`` (a file's result, a reconciliation)."""

    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)
