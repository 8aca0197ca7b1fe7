"""The change report: lines for the terminal and the log, a dict for JSON, an HTML page, a workbook.

The workbook lists every change (变更), and on one sheet per data sheet the deleted rows with all
their values, under the sheet's headers in the template's column order, typed as the book types
them (dates as dates, amounts as numbers): select a row, copy, and paste it back into the book.
Choice values are shown as the book shows them (已发货, not ``shipped``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..choices import ChoiceLists, choice_lists, label_of
from ..config import Config
from ..formats.labels import code_title
from ..lang import COLON, COMMA, SEMICOLON, lookup, pick, say
from ..schema import SHEET_BY_KEY, SHEETS
from .diff import ADDED, CHANGED, DELETED, RowChange
from .rules import show

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    from . import BookChanges

_KIND_WORDS = {ADDED: ("新增", "added"), CHANGED: ("修改", "changed"), DELETED: ("删除", "deleted")}


def _lists(config: Config | None) -> ChoiceLists:
    return choice_lists(config or Config())


def value_text(sheet_key: str, key: str, v: Any, lang: str, lists: ChoiceLists) -> str:
    """A value as the book shows it: choices as their label, dates as YYYY-MM-DD."""
    col = SHEET_BY_KEY[sheet_key].column(key)
    if col.choices and isinstance(v, str):
        v = label_of(lists[col.choices], v, lang)
    return "" if v is None else show(v, lang)


def summary_line(changes: BookChanges, lang: str = "zh") -> str:
    """One line per book: what changed since the night compared with."""
    c = changes.counts()
    if changes.since is None:
        return pick(
            lang, "首次记录快照：下次运行起报告变更", "first snapshot taken: changes are reported from the next run on"
        )
    return say(
        lang,
        (
            "自 {since} 以来：新增 {added} 行，修改 {changed} 行，删除 {deleted} 行",
            "since {since}: {added} added, {changed} changed, {deleted} deleted",
        ),
        since=changes.since,
        added=c[ADDED],
        changed=c[CHANGED],
        deleted=c[DELETED],
    )


def row_place(c: RowChange, lang: str) -> str:
    """Where the row is (``订单明细!5``), or was, for a deleted one (``订单原第 3 行``)."""
    name = SHEET_BY_KEY[c.sheet].name(lang)
    if c.kind == DELETED:
        return say(lang, ("{name}原第 {row} 行", "{name} row {row} (before)"), name=name, row=c.old_row)
    return f"{name}!{c.row}"


def change_body(c: RowChange, lang: str = "zh", lists: ChoiceLists | None = None) -> str:
    """What changed: ``数量 3 → 5；单价 …``; for a deleted row, every value it had ("" for a new row)."""
    lists = lists or _lists(None)
    sheet = SHEET_BY_KEY[c.sheet]
    if c.kind == CHANGED:
        blank = show(None, lang)
        return say(lang, SEMICOLON).join(
            f"{sheet.column(k).header(lang)} {value_text(c.sheet, k, a, lang, lists) or blank} → "
            f"{value_text(c.sheet, k, b, lang, lists) or blank}"
            for k, a, b in c.cells
        )
    if c.kind == DELETED:
        return " | ".join(
            f"{sheet.column(k).header(lang)} {value_text(c.sheet, k, v, lang, lists)}"
            for k, v in c.values.items()
            if v not in (None, "")
        )
    return ""


def rule_names(codes: Iterable[str], lang: str = "zh") -> str:
    """The findings' rules by name in ``lang`` (已付款或已发货订单的行被删除): people read names, JSON keeps the codes."""
    return say(lang, COMMA).join(code_title(code, lang) for code in codes)


def change_text(c: RowChange, lang: str = "zh", lists: ChoiceLists | None = None) -> str:
    """One line: ``修改 订单明细!5 SO… / P1001：数量 3 → 5``; a deleted row with all its values."""
    head = f"{lookup(_KIND_WORDS, c.kind, lang)} {row_place(c, lang)} {c.key}"
    body = change_body(c, lang, lists)
    codes = f" [{rule_names(c.codes, lang)}]" if c.codes else ""
    return f"{head}{say(lang, COLON)}{body}{codes}" if body else f"{head}{codes}"


def change_lines(
    changes: BookChanges, lang: str = "zh", config: Config | None = None, *, limit: int | None = None
) -> list[str]:
    lists = _lists(config)
    rows = changes.rows if limit is None else changes.rows[:limit]
    out = [f"  {change_text(c, lang, lists)}" for c in rows]
    if limit is not None and len(changes.rows) > limit:
        more = len(changes.rows) - limit
        out.append(say(lang, ("  …另有 {more} 处变更", "  … and {more} more"), more=more))
    return out


def change_dict(c: RowChange, lang: str = "zh", config: Config | None = None) -> dict[str, Any]:
    """A change for JSON: where, what, the changed cells; a deleted row with every value."""
    lists = _lists(config)
    sheet = SHEET_BY_KEY[c.sheet]
    out: dict[str, Any] = {
        "sheet": c.sheet,
        "sheet_name": sheet.name(lang),
        "kind": c.kind,
        "key": c.key,
        "row": c.row,
        "old_row": c.old_row,
        "codes": list(c.codes),
    }
    if c.kind == CHANGED:
        out["cells"] = [
            {
                "column": k,
                "header": sheet.column(k).header(lang),
                "old": value_text(c.sheet, k, a, lang, lists),
                "new": value_text(c.sheet, k, b, lang, lists),
            }
            for k, a, b in c.cells
        ]
    if c.kind == DELETED:
        out["values"] = {
            sheet.column(k).header(lang): value_text(c.sheet, k, v, lang, lists) for k, v in c.values.items()
        }
    return out


# ------------------------------------------------------------------------------------------- HTML

_CSS = """body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#1f2328}table{border-collapse:collapse;margin:.3rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #d1d9e0;padding:.2rem .5rem;text-align:left;vertical-align:top}th{background:#f0f3f6}
.added{background:#e6ffec}.deleted{background:#ffebe9}.code{color:#9c0006;font-weight:600}.meta{color:#59636e}"""


_HTML_HEAD = (
    ("变更", "change"),
    ("工作表", "sheet"),
    ("行", "row"),
    ("编号", "key"),
    ("内容", "what"),
    ("问题", "finding"),
)


def render_html(all_changes: list[BookChanges], lang: str = "zh", config: Config | None = None) -> str:
    """One self-contained page: per book the changes, then the deleted rows as tables to copy back."""
    lists = _lists(config)
    title = pick(lang, "变更报告", "Change report")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{pick(lang, "zh-CN", "en")}"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
    ]
    for ch in all_changes:
        out.append(f"<h2>{escape(str(ch.book))}</h2><p class=meta>{escape(summary_line(ch, lang))}</p>")
        if ch.rows:
            out.append("<table><tr>" + "".join(f"<th>{say(lang, h)}</th>" for h in _HTML_HEAD) + "</tr>")
            for c in ch.rows:
                sheet = SHEET_BY_KEY[c.sheet]
                out.append(
                    f'<tr class="{c.kind}"><td>{lookup(_KIND_WORDS, c.kind, lang)}</td>'
                    f"<td>{escape(sheet.name(lang))}</td><td>{c.row if c.row else c.old_row}</td>"
                    f"<td>{escape(c.key)}</td><td>{escape(change_body(c, lang, lists))}</td>"
                    f"<td class=code>{escape(rule_names(c.codes, lang))}</td></tr>"
                )
            out.append("</table>")
        for sheet in SHEETS:
            gone = [c for c in ch.rows if c.kind == DELETED and c.sheet == sheet.key]
            if gone:
                out.append(
                    f"<h3>{pick(lang, '已删除的行', 'Deleted rows')}: {escape(sheet.name(lang))}</h3><table><tr>"
                    + "".join(f"<th>{escape(c.header(lang))}</th>" for c in sheet.inputs)
                    + "</tr>"
                )
                for c in gone:
                    cells = (value_text(sheet.key, col.key, c.values.get(col.key), lang, lists) for col in sheet.inputs)
                    out.append("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in cells) + "</tr>")
                out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_html(
    all_changes: list[BookChanges], path: str | os.PathLike[str], lang: str = "zh", config: Config | None = None
) -> Path:
    from ..safe_io import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(render_html(all_changes, lang, config), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ Excel


def _cell(ws: Worksheet, r: int, c: int, v: Any, fmt: dict[str, Format]) -> None:
    if v is None or v == "":
        return
    if isinstance(v, bool):
        ws.write_string(r, c, str(v))
    elif isinstance(v, datetime):
        ws.write_datetime(r, c, v, fmt["datetime"])
    elif isinstance(v, date):
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmt["date"])
    elif isinstance(v, (int, float, Decimal)):
        ws.write_number(r, c, float(v))
    else:
        ws.write_string(r, c, str(v))


_XLSX_HEAD = (
    ("订单簿", "book"),
    ("自", "since"),
    ("至", "night"),
    ("变更", "change"),
    ("工作表", "sheet"),
    ("行", "row"),
    ("编号", "key"),
    ("列", "column"),
    ("原值", "old"),
    ("新值", "new"),
    ("问题", "finding"),
)


def write_xlsx(
    all_changes: list[BookChanges], path: str | os.PathLike[str], lang: str = "zh", config: Config | None = None
) -> Path:
    """变更 (every change) and, per data sheet with deleted rows, those rows ready to paste back."""
    from ..outputs import xlsx_workbook
    from ..template.styles import TEXT_AS_TEXT

    lists = _lists(config)
    path = Path(path)
    with xlsx_workbook(path, "changes", TEXT_AS_TEXT) as wb:
        fmt = {
            "head": wb.add_format({"bold": True, "bg_color": "#F0F3F6"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "title": wb.add_format({"bold": True}),
        }
        ws = wb.add_worksheet(pick(lang, "变更", "Changes"))
        head = [say(lang, h) for h in _XLSX_HEAD]
        for n, h in enumerate(head):
            ws.write_string(0, n, h, fmt["head"])
        r = 1
        for ch in all_changes:
            for c in ch.rows:
                sheet = SHEET_BY_KEY[c.sheet]
                cells = c.cells or ((None, None, None),)
                for key, old, new in cells:
                    values = [
                        str(ch.book),
                        str(ch.since or ""),
                        str(ch.night or ""),
                        lookup(_KIND_WORDS, c.kind, lang),
                        sheet.name(lang),
                        c.row if c.row else c.old_row,
                        c.key,
                        sheet.column(key).header(lang) if key else "",
                        value_text(c.sheet, key, old, lang, lists) if key else "",
                        value_text(c.sheet, key, new, lang, lists) if key else "",
                        rule_names(c.codes, lang),
                    ]
                    for n, v in enumerate(values):
                        _cell(ws, r, n, v, fmt)
                    r += 1
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(r - 1, 1), len(head) - 1)
        ws.set_column(0, 0, 28)
        ws.set_column(6, 6, 24)
        ws.set_column(8, 9, 18)
        for sheet in SHEETS:
            blocks = [(ch, [c for c in ch.rows if c.kind == DELETED and c.sheet == sheet.key]) for ch in all_changes]
            blocks = [(ch, gone) for ch, gone in blocks if gone]
            if not blocks:
                continue
            ws = wb.add_worksheet(f"{pick(lang, '已删除 ', 'Deleted ')}{sheet.name(lang)}"[:31])
            r = 0
            for ch, gone in blocks:
                ws.write_string(r, 0, f"{ch.book}  {ch.since or ''} → {ch.night or ''}", fmt["title"])
                for n, col in enumerate(sheet.inputs):
                    ws.write_string(r + 1, n, col.header(lang), fmt["head"])
                r += 2
                for change in gone:
                    for n, col in enumerate(sheet.inputs):
                        v = change.values.get(col.key)
                        if col.choices and isinstance(v, str):
                            v = label_of(lists[col.choices], v, lang)
                        _cell(ws, r, n, v, fmt)
                    r += 1
                r += 1
            ws.set_column(0, len(sheet.inputs) - 1, 14)
    return path
