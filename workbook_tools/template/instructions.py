"""The 填写说明 / Instructions sheet, generated from the schema: how to fill the book, what the
colours mean, then per data sheet its purpose and a table of its columns."""

from __future__ import annotations

import math
import unicodedata

from xlsxwriter.worksheet import Worksheet

from ..choices import YES_NO, Choice, label_of
from ..config import Config
from ..schema import DASHBOARD, LISTS, SHEETS, Column, Sheet, aux_name, resolve_ref
from .printing import page_setup
from .styles import Styles
from .texts import HOW_TO, pick, tr, type_name
from .validation import rule

#: Column widths: column, required, type, allowed values, example, help.
WIDTHS = (18, 8, 16, 40, 22, 52)
LINE_HEIGHT = 15


def text_width(text: str) -> int:
    """Width of ``text`` in column-width units: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def row_height(cells: list[tuple[str, float]]) -> float:
    """Height that shows every wrapped ``(text, column width)`` of a row (Excel does not grow
    rows on opening a file, and never grows merged cells)."""
    lines = max((math.ceil(text_width(text) / max(width - 2, 1)) for text, width in cells if text), default=1)
    return LINE_HEIGHT * max(lines, 1) + 3


def allowed(sheet: Sheet, col: Column, lang: str, lists: dict[str, tuple[Choice, ...]]) -> str:
    """The allowed values or limits of ``col``, in words."""
    if col.derived:
        return tr("ins_formula", lang)
    if col.choices:
        text = tr("ins_list_sep", lang).join(c.label(lang) for c in lists[col.choices])
        return text + ("" if col.strict else tr("ins_free", lang))
    if col.ref:
        target_sheet, target = resolve_ref(col.ref)
        return tr("ins_ref", lang, sheet=target_sheet.name(lang), what=target.header(lang))
    if col.unique:
        limit = tr("err_len_max", lang, n=col.max_len) if col.max_len else ""
        return tr("ins_unique", lang) + (tr("ins_sep", lang) + limit if limit else "")
    return rule(sheet, col, lang).get("error_message", "")


def example(col: Column, lang: str, lists: dict[str, tuple[Choice, ...]]) -> str:
    """The schema's example, as a dropdown label of the workbook's language where it is one."""
    if col.choices:
        for c in lists[col.choices]:
            if col.example in (c.value, c.zh, c.en):
                return c.label(lang)
    return col.example


def write_instructions(ws: Worksheet, config: Config, lang: str, lists: dict[str, tuple[Choice, ...]],
                       styles: Styles) -> None:
    """Rows are written top to bottom (constant-memory mode); long lines overflow to the right."""
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    page_setup(ws, WIDTHS, company=config.company_name, lang=lang, header_rows=None)
    r = 0

    def line(text: str, fmt=None, col: int = 0) -> None:
        nonlocal r
        ws.write_string(r, col, text, fmt)
        r += 1

    def paragraph(text: str) -> None:
        """A wrapped line across all the columns (a one-row merge: fine in constant-memory mode)."""
        nonlocal r
        ws.set_row(r, row_height([(text, sum(WIDTHS))]))
        ws.merge_range(r, 0, r, len(WIDTHS) - 1, "", styles.wrap_plain)
        ws.write_string(r, 0, text, styles.wrap_plain)
        r += 1

    line(tr("ins_title", lang, company=config.company_name), styles.title)
    r += 1
    line(tr("ins_how", lang), styles.section)
    names = {"lists": aux_name(LISTS, lang), "dashboard": aux_name(DASHBOARD, lang)}
    for i, pair in enumerate(HOW_TO, start=1):
        paragraph(f"{i}. " + pick(pair, lang).format(**names))
    r += 1
    line(tr("ins_legend", lang), styles.section)
    customers, products = SHEETS[0], SHEETS[1]
    samples = (
        (styles.header_required, next(c for c in customers.inputs if c.required), "ins_required"),
        (styles.header_optional, next(c for c in customers.inputs if not c.required), "ins_optional"),
        (styles.header_derived, products.derived[0], "ins_derived"),
    )
    for fmt, col, key in samples:
        ws.write_string(r, 0, col.header(lang), fmt)
        line(tr(key, lang), col=1)
    for fmt, key in ((styles.error, "ins_red"), (styles.warning, "ins_yellow")):
        ws.write_blank(r, 0, None, fmt)
        line(tr(key, lang), col=1)
    r += 1

    headers = [tr(k, lang) for k in ("ins_columns", "ins_req_col", "ins_type", "ins_allowed", "ins_example", "ins_help")]
    yes, no = label_of(YES_NO, "yes", lang), label_of(YES_NO, "no", lang)
    for sheet in SHEETS:
        for c in range(len(WIDTHS)):
            ws.write_blank(r, c, None, styles.section)
        line(sheet.name(lang), styles.section)
        paragraph(sheet.help(lang))
        for c, text in enumerate(headers):
            ws.write_string(r, c, text, styles.table_header)
        r += 1
        for col in sheet.columns:
            cells = (col.header(lang), yes if col.required else no, type_name(col.type, col.derived, lang),
                     allowed(sheet, col, lang, lists), example(col, lang, lists), col.help(lang))
            ws.set_row(r, row_height(list(zip(cells, WIDTHS))))
            for c, text in enumerate(cells):
                ws.write_string(r, c, text, styles.wrap_required if (c == 0 and col.required) else styles.wrap)
            r += 1
        r += 1
