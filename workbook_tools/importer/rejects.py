"""The rejects report: every source row not imported, and why, cell by cell (CSV and Excel).

One line per reason: source file, source row number (as a spreadsheet shows it: header = 1),
source column, the value found there, the target sheet and field, a code and a message. Codes are
the validation rule codes (docs/rules.md) plus the import's own:

``ragged-row``, ``skipped``, ``duplicate-row``, ``source-conflict``, ``conflict``.

A row built from several source rows (an invoice's order, made from each of its lines) is
reported at the first of them. Both reports are safe to open: the Excel one holds every value as
text, and in the CSV a value Excel would read as a formula is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputError, os_reason
from ..lang import Pair, Said, lookup, pick, say
from ..outputs import xlsx_workbook
from ..safe_io import atomic_path
from ..template.styles import TEXT_AS_TEXT

#: The import's own codes: (中文, English) message templates.
IMPORT_CODES: dict[str, tuple[str, str]] = {
    "ragged-row": (
        "该行有 {found} 个字段，表头有 {width} 个，无法对应到列",
        "the row has {found} fields, the header {width}: its values cannot be matched to columns",
    ),
    "skipped": ("按映射规则跳过：{reason}", "skipped by the mapping: {reason}"),
    "duplicate-row": ("与源文件第 {other} 行相同，只导入一次", "same as source row {other}: imported once"),
    "source-conflict": (
        "与源文件第 {other} 行的键相同但“{fields}”不同：保留第 {other} 行",
        "same key as source row {other} but different {fields}: row {other} is kept",
    ),
    "conflict": (
        "订单簿中已有此键，“{field}”为“{book}”，导入值不同：未修改（--update 可覆盖）",
        "the book already has this key with {field} = '{book}': left alone (--update overwrites)",
    ),
}

#: The columns of both reports, Chinese and English side by side.
HEADERS: tuple[Pair, ...] = (
    ("源文件", "file"),
    ("源行号", "row"),
    ("源列", "column"),
    ("值", "value"),
    ("目标表", "sheet"),
    ("字段", "field"),
    ("代码", "code"),
    ("说明", "message"),
)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Reject:
    file: str
    row: int
    column: str
    value: Any
    sheet: str
    field: str | None
    code: str
    message: str

    def cells(self) -> tuple[Any, ...]:
        return (self.file, self.row, self.column, self.value, self.sheet, self.field or "", self.code, self.message)


def import_message(code: str, lang: str, **params: Any) -> str:
    return lookup(IMPORT_CODES, code, lang, **params)


def counts_by_code(rejects: list[Reject]) -> dict[str, int]:
    """Code -> number of distinct source rows it was given for."""
    rows: dict[str, set[tuple[str, int]]] = {}
    for r in rejects:
        rows.setdefault(r.code, set()).add((r.file, r.row))
    return dict(Counter({code: len(s) for code, s in rows.items()}).most_common())


def _shown(v: Any) -> str:
    return "" if v is None else v if isinstance(v, str) else str(v)


def csv_safe(text: str) -> str:
    """A value that Excel would take for a formula when it opens the CSV gets a leading ``'``."""
    if text and text[0] in "=+-@\t\r" and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_rejects_csv(rejects: list[Reject], path: Path, lang: str = "zh") -> Path:
    """UTF-8 with a BOM, so Excel shows Chinese and accents right."""
    try:
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow([say(lang, h) for h in HEADERS])
            for r in rejects:
                out.writerow([csv_safe(_shown(v)) if not isinstance(v, int) else v for v in r.cells()])
    except OSError as exc:
        why = os_reason(exc)
        raise OutputError(Said(f"无法写入 {path}：{why.zh}", f"cannot write {path}: {why.en}")) from exc
    return path


def write_rejects_xlsx(rejects: list[Reject], path: Path, lang: str = "zh") -> Path:
    """One sheet of rejects and one of counts by code; every value written as text (never a formula)."""
    widths = (18, 8, 16, 24, 12, 14, 20, 60)
    with xlsx_workbook(path, "rejects", {**TEXT_AS_TEXT, "constant_memory": True}) as wb:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        ws = wb.add_worksheet(pick(lang, "被拒绝的行", "Rejects"))
        for c, (h, w) in enumerate(zip(HEADERS, widths)):
            ws.set_column(c, c, w)
            ws.write_string(0, c, say(lang, h), bold)
        for i, r in enumerate(rejects, 1):
            for c, v in enumerate(r.cells()):
                if c == 1:
                    ws.write_number(i, c, v)
                else:
                    ws.write_string(i, c, _shown(v))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rejects), 1), len(widths) - 1)
        summary = wb.add_worksheet(pick(lang, "按代码汇总", "By code"))
        summary.set_column(0, 0, 22)
        summary.set_column(1, 1, 10)
        summary.write_string(0, 0, pick(lang, "代码", "code"), bold)
        summary.write_string(0, 1, pick(lang, "行数", "rows"), bold)
        for i, (code, n) in enumerate(counts_by_code(rejects).items(), 1):
            summary.write_string(i, 0, code)
            summary.write_number(i, 1, n)
    return path


def write_rejects(rejects: list[Reject], folder: Path, stem: str, lang: str = "zh") -> list[Path]:
    folder = Path(folder)
    return [
        write_rejects_csv(rejects, folder / f"{stem}.rejects.csv", lang),
        write_rejects_xlsx(rejects, folder / f"{stem}.rejects.xlsx", lang),
    ]
