"""The 填写说明 / Instructions sheet, generated from the schema: how to fill the book, what the
colours mean, then per data sheet its purpose and a table of its columns."""

from __future__ import annotations

import math
import unicodedata

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..choices import YES_NO, Choice, label_of
from ..config import Config
from ..lang import pick, say
from ..schema import DASHBOARD, LISTS, SHEETS, Column, Sheet, aux_name, resolve_ref
from .printing import page_setup
from .styles import Styles
from .texts import HOW_TO, tr, type_name
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
    message: str = rule(sheet, col, lang).get("error_message", "")
    return message


def example(col: Column, lang: str, lists: dict[str, tuple[Choice, ...]]) -> str:
    """The schema's example, as a dropdown label of the workbook's language where it is one."""
    if col.choices:
        for c in lists[col.choices]:
            if col.example in (c.value, c.zh, c.en):
                return c.label(lang)
    return col.example


#: What the book does for whoever fills it, exactly (each line is a behaviour a test holds).
DOES: tuple[tuple[str, str], ...] = (
    (
        "订单、订单明细、付款、发货、库存变动中的客户编号和产品编号，下拉列表列出“编号 名称”（如 C0001 杭州明远贸易有限公司），"
        "按名称挑选即可；公式和 orderbook 只取空格前的编号。只填编号也可以（提示时点“是”）。",
        "The customer and product drop-downs on Orders, Order lines, Payments, Shipments and Stock movements list "
        '"code name" entries (C0001 Hangzhou Mingyuan Trading): pick by name; the formulas and orderbook take the code '
        "before the space. Typing the code alone works too (choose Yes when asked).",
    ),
    (
        "订单明细的单价不填时，金额按产品表中该产品的单价计算（单元格仍为空，orderbook 也按产品单价计算，不算错误）。",
        "A blank unit price on Order lines: the amount uses the product's list price from Products (the cell stays "
        "blank; orderbook computes it the same way and does not call it missing).",
    ),
    (
        "订单状态只需在订单表改一次。状态记录是可选的经过记录（时间、经办人、问题与处理）：最后一条与订单状态不同只是提醒，不是错误。",
        "Change an order's status once, on Orders. The status log is an optional history (time, who, problem and "
        "resolution): a last entry that differs from the order's status is a warning, not an error.",
    ),
    (
        "数字列里粘贴进来的文字（如数量“9件”）在公式中按 0 计算，不会让合计变成 #VALUE!；orderbook validate 会指出这个单元格。",
        'Text pasted into a number column (a quantity of "9 pcs") counts as 0 in the formulas, never turning a total '
        "into #VALUE!; orderbook validate names the cell.",
    ),
    (
        "库存变动表按产品编号显示产品名称；产品表的低库存序号给在售且不高于安全库存（未填用默认值）的产品编号，概览的低库存数与 orderbook validate 的“库存不足”一致。",
        "Stock movements show the product name beside the SKU; Products number the products on sale at or below their "
        "reorder point (blank: the default) in 低库存序号, and the dashboard's low-stock count is validate's.",
    ),
    (
        "逾期指过了应付日期仍有未付金额（订单表的逾期天数大于 0）；概览列出逾期最久的订单。",
        "Overdue means past the payment due date with a balance (Days overdue above 0 on Orders); the dashboard lists "
        "the most overdue orders.",
    ),
)


def write_instructions(
    ws: Worksheet, config: Config, lang: str, lists: dict[str, tuple[Choice, ...]], styles: Styles
) -> None:
    """Rows are written top to bottom (constant-memory mode); long lines overflow to the right."""
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    page_setup(ws, WIDTHS, company=config.company_name, lang=lang, header_rows=None)
    r = 0

    def line(text: str, fmt: Format | None = None, col: int = 0) -> None:
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
        paragraph(f"{i}. " + say(lang, pair, **names))
    r += 1
    line(pick(lang, "这本簿替你做的事", "What the book does for you"), styles.section)
    for i, pair in enumerate(DOES, start=1):
        paragraph(f"{i}. " + say(lang, pair))
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

    headers = [
        tr(k, lang) for k in ("ins_columns", "ins_req_col", "ins_type", "ins_allowed", "ins_example", "ins_help")
    ]
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
            cells = (
                col.header(lang),
                yes if col.required else no,
                type_name(col.type, col.derived, lang),
                allowed(sheet, col, lang, lists),
                example(col, lang, lists),
                col.help(lang),
            )
            ws.set_row(r, row_height(list(zip(cells, WIDTHS))))
            for c, text in enumerate(cells):
                ws.write_string(r, c, text, styles.wrap_required if (c == 0 and col.required) else styles.wrap)
            r += 1
        r += 1
