"""The summary sheet (月报 YYYY-MM): key figures, charts, breakdowns, ageing, low stock, open problems.

``add_summary_sheet(workbook, summary, lang)`` adds it to any xlsxwriter workbook: the standalone
summary workbook (``write_summary``) or a copy of the order book (write_book's ``add_sheets``).
Layout: title; key figures (left) beside the last twelve months (right); four charts in a 2 × 2
grid; the breakdowns in two columns; the ageing, low-stock and open-problem lists; revenue per day.
A page break before the breakdowns, the lists and the days.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..choices import ORDER_STATUS, PROVINCES, choice_lists, label_of
from ..config import Config
from ..outputs import xlsx_workbook
from ..template.printing import page_setup
from ..template.styles import TEXT_AS_TEXT
from .charts import add_charts
from .grid import Grid
from .model import FIELD_KINDS, FIGURE_KINDS, TABLES, MonthlySummary
from .months import Month
from .texts import MONTH_NAMES, tr

#: Columns of the tables: the left block A–F, the right block H–M (G is a narrow gap), and the
#: lists that take the full width (skipping the gap).
LEFT, RIGHT = list(range(0, 6)), list(range(7, 13))
FULL = LEFT + RIGHT
GAP = 6
WIDTHS = [30, 13, 12, 17, 13, 12, 2, 17, 12, 12, 12, 16, 12]
#: Width of the columns right of M (an ageing with more buckets than the default four).
EXTRA_WIDTH = 12


def _width(col: int) -> float:
    return WIDTHS[col] if col < len(WIDTHS) else EXTRA_WIDTH


def _full(n: int) -> list[int]:
    """``n`` columns across the sheet, skipping the gap."""
    return [c for c in range(n + 1) if c != GAP][:n]


CHART_ROWS = 16  # rows a chart takes
ROW_HEIGHT = 16  # points

#: Each table's columns, left to right (the first is the wide name column): model.TABLES's.
DISPLAY: dict[str, tuple[str, ...]] = {name: t.shown for name, t in TABLES.items()}
#: Tables with a total row (sums of their count and money columns).
TOTALS = {"orders_by_status", "by_salesperson", "by_payment_method", "by_province", "daily"}
_HEADERS = {
    ("top_customers", "name"): "col_customer_name",
    ("top_products_by_revenue", "name"): "col_product_name",
    ("top_products_by_quantity", "name"): "col_product_name",
    ("low_stock", "name"): "col_product_name",
}
_NUM = {
    "int": "#,##0",
    "money": "#,##0.00",
    "rate": "0.0%",
    "days": "0.0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "change": "+0.0%;-0.0%;0.0%",
    "text": "@",
}
_BORDER = {"border": 1, "border_color": "#BFBFBF", "valign": "vcenter"}
ACCENT = "#1F4E78"


def sheet_name(month: Month | str, lang: str) -> str:
    return tr("sheet", lang, month=month)


def default_summary_path(month: Month | str) -> Path:
    return Path(f"summary_{month}.xlsx")


@dataclass(frozen=True)
class Placed:
    """Where a table's data rows landed: rows ``first``..``last`` (0-based), its fields' columns."""

    first: int
    last: int
    cols: dict[str, int]


class _Formats:
    def __init__(self, wb: Workbook):
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": ACCENT})
        self.note = add({"font_color": "#595959"})
        self.section = add({"bold": True, "font_size": 12, "font_color": ACCENT, "bottom": 2, "bottom_color": ACCENT})
        self.header = add({**_BORDER, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center"})
        self.cell = {k: add({**_BORDER, "num_format": n}) for k, n in _NUM.items()}
        self.total = {
            k: add({**_BORDER, "num_format": n, "bold": True, "bg_color": "#F2F2F2", "top": 2}) for k, n in _NUM.items()
        }
        self.label = add({**_BORDER, "bold": True})
        self.missing = add({**_BORDER, "align": "center", "font_color": "#808080"})
        self.value = {k: add({**_BORDER, "num_format": n, "bold": True, "font_size": 12}) for k, n in _NUM.items()}


class _Writer:
    def __init__(self, grid: Grid, fmt: _Formats, summary: MonthlySummary, lang: str, config: Config):
        self.grid, self.fmt, self.s, self.lang = grid, fmt, summary, lang
        lists = choice_lists(config)
        self.words = {
            "status": ORDER_STATUS,
            "method": lists["payment_method"],
            "carrier": lists["carrier"],
            "province": PROVINCES,
            "issue": lists["problem_type"],
        }

    def text(self, field: str, value: Any) -> Any:
        if value == "" and FIELD_KINDS.get(field, "text") == "text":
            return tr("blank", self.lang)
        if field in self.words:
            return label_of(self.words[field], value, self.lang)
        return value

    def headers(self, row: int, cols: Iterable[int], texts: list[str]) -> None:
        """A header row: two lines high when a header is wider than its column."""
        for c, text in zip(cols, texts):
            self.grid.put(row, c, text, self.fmt.header)
            if _text_width(text) > _width(c):
                self.grid.heights[row] = 30

    def section(self, row: int, cols: list[int], title: str) -> None:
        self.grid.put(row, cols[0], title, self.fmt.section)
        for c in cols[1:]:
            self.grid.fill(row, c, c, self.fmt.section)

    def table(self, row: int, block: list[int], name: str, rows: list[dict[str, Any]]) -> tuple[int, Placed]:
        """Title, header and rows from ``row`` in the columns ``block``; returns the next free row and
        where the data went."""
        fields = DISPLAY[name]
        cols = dict(zip(fields, block))
        self.section(row, block[: len(fields)], tr(name, self.lang, n=self.s.top))
        self.headers(row + 1, cols.values(), [tr(_HEADERS.get((name, f), f"col_{f}"), self.lang) for f in fields])
        first = row + 2
        if not rows:
            self.grid.put(first, block[0], tr("nothing", self.lang), self.fmt.note)
            return first + 2, Placed(first, first - 1, cols)
        labels = _product_labels(rows) if name.startswith("top_products") else {}
        for i, r in enumerate(rows):
            for f, c in cols.items():
                value = labels.get(i, r["name"]) if f == "name" and labels else self.text(f, r.get(f))
                self.grid.put(first + i, c, value, self.fmt.cell[FIELD_KINDS.get(f, "text")])
        last = first + len(rows) - 1
        if len(fields) > GAP:
            _bridge(self.grid, row + 1, last, self.fmt.cell["text"])
        if name not in TOTALS:
            return last + 2, Placed(first, last, cols)
        for f, c in cols.items():
            kind = FIELD_KINDS.get(f, "text")
            total = sum(r[f] for r in rows if r.get(f) is not None) if kind in ("int", "money") else None
            self.grid.put(last + 1, c, tr("total", self.lang) if c == block[0] else total, self.fmt.total[kind])
        return last + 3, Placed(first, last, cols)

    def figures(self, row: int) -> int:
        lang, fmt = self.lang, self.fmt
        self.section(row, LEFT, tr("key_figures", lang))
        heads = ("figure", "this_month", "previous", "change_previous", "last_year", "change_last_year")
        self.headers(row + 1, LEFT, [tr(h, lang) for h in heads])
        for i, key in enumerate(FIGURE_KINDS):
            r, f = row + 2 + i, self.s.figures[key]
            kind = f.kind
            self.grid.put(r, LEFT[0], tr(key, lang), fmt.label)
            cells = (
                (f.value, fmt.value[kind]),
                (f.previous, fmt.cell[kind]),
                (f.change_previous, fmt.cell["change"]),
                (f.last_year, fmt.cell[kind]),
                (f.change_last_year, fmt.cell["change"]),
            )
            for c, (value, style) in zip(LEFT[1:], cells):
                self.grid.put(r, c, "—" if value is None else value, fmt.missing if value is None else style)
        return row + 2 + len(FIGURE_KINDS) + 1

    def ageing(self, row: int) -> int:
        table, lang, fmt = self.s.ageing, self.lang, self.fmt
        heads = [
            tr(k, lang)
            for k in (
                "col_customer_name",
                "col_customer_id",
                "col_contact",
                "col_phone",
                "col_orders",
                "col_oldest_days",
            )
        ]
        heads += table.labels(lang) + [tr("col_total", lang)]
        cols = _full(len(heads))
        self.section(row, cols, tr("ageing", lang, as_of=f"{self.s.as_of:%Y-%m-%d}"))
        self.headers(row + 1, cols, heads)
        r = row + 2
        rows = sorted(table.rows, key=lambda a: (-a.total, a.customer_id))
        for a in rows:
            values = [
                (a.customer_name, "text"),
                (a.customer_id, "text"),
                (a.contact, "text"),
                (a.phone, "text"),
                (a.orders, "int"),
                (max(a.max_days, 0), "int"),
            ]
            values += [(x, "money") for x in a.amounts] + [(a.total, "money")]
            for c, (v, kind) in zip(cols, values):
                self.grid.put(r, c, v, fmt.cell[kind])
            r += 1
        totals = [
            (tr("total", lang), "text"),
            (None, "text"),
            (None, "text"),
            (None, "text"),
            (sum(a.orders for a in rows), "int"),
            (None, "int"),
        ]
        totals += [(v, "money") for v in table.totals] + [(table.grand_total, "money")]
        for c, (v, kind) in zip(cols, totals):
            self.grid.put(r, c, v, fmt.total[kind])
        _bridge(self.grid, row + 1, r, fmt.cell["text"])
        return r + 2


def _text_width(text: str) -> float:
    """Width of ``text`` in Excel's character units: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def _bridge(grid: Grid, first: int, last: int, fmt: Format) -> None:
    """A full-width table's cells in the narrow gap column, so the table reads as one."""
    for r in range(first, last + 1):
        value, style = grid.cells.get((r, GAP - 1), (None, None))
        grid.fill(r, GAP, GAP, style if style is not None else fmt)


def _product_labels(rows: list[dict[str, Any]]) -> dict[int, str]:
    """Row index -> the product's name, with its spec (or SKU) where two rows share a name."""
    names = [r["name"] for r in rows]
    return {
        i: f"{r['name']} {r.get('spec') or r['sku']}".strip() for i, r in enumerate(rows) if names.count(r["name"]) > 1
    }


def _pixels(block: list[int]) -> tuple[int, int]:
    """(first column, width in pixels) of a block, as Excel sizes columns (7 px a character + 5)."""
    return block[0], sum(int(_width(c) * 7 + 0.5) + 5 for c in block)


def add_summary_sheet(
    wb: Workbook, summary: MonthlySummary, lang: str = "zh", config: Config | None = None
) -> Worksheet:
    """Add the 月报 YYYY-MM sheet (with its charts) to ``wb`` and return it."""
    ws = wb.add_worksheet(sheet_name(summary.month, lang))
    grid, fmt = Grid(), _Formats(wb)
    w = _Writer(grid, fmt, summary, lang, config or Config())
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    ws.set_column(len(WIDTHS), len(WIDTHS) + 8, EXTRA_WIDTH)
    ws.hide_gridlines(2)
    ws.set_default_row(ROW_HEIGHT)  # fixed heights: spreadsheet apps would size rows by their CJK fallback font
    m = summary.month
    grid.put(
        0,
        0,
        tr("title", lang, company=summary.company, year=m.year, m=m.month, month_name=MONTH_NAMES[m.month - 1]),
        fmt.title,
    )
    grid.heights[0] = 26
    running = summary.as_of < m.last
    grid.put(
        1,
        0,
        tr(
            "period",
            lang,
            first=f"{m.first:%Y-%m-%d}",
            last=f"{m.last:%Y-%m-%d}",
            as_of=f"{summary.as_of:%Y-%m-%d}",
            today=f"{summary.today:%Y-%m-%d}",
        )
        + (tr("running", lang) if running else ""),
        fmt.note,
    )
    grid.put(
        2,
        0,
        tr("currency_note", lang, currency=f"{summary.currency} ({summary.currency_symbol})")
        + (summary.settings.after(lang) if summary.settings is not None else ""),
        fmt.note,
    )

    row = 4
    end_left = w.figures(row)
    end_right, monthly = w.table(row, RIGHT, "monthly", summary["monthly"])
    row = max(end_left, end_right) + 1
    charts_at = row
    row += 2 * CHART_ROWS + 1
    breaks = [charts_at + CHART_ROWS, row]  # a chart never split over two pages: a page break between their rows

    placed: dict[str, Placed] = {"monthly": monthly}
    left, right = row, row
    for name in ("top_customers", "top_products_by_revenue", "top_products_by_quantity", "by_salesperson"):
        left, placed[name] = w.table(left, LEFT, name, summary[name])
    for name in ("orders_by_status", "by_payment_method", "by_carrier", "by_province"):
        right, placed[name] = w.table(right, RIGHT, name, summary[name])
    breaks.append(max(left, right))
    row = w.ageing(breaks[-1])
    row, _ = w.table(row, FULL, "low_stock", summary["low_stock"])
    row, _ = w.table(row, FULL, "unresolved_problems", summary["unresolved_problems"])
    breaks.append(row)
    _, placed["daily"] = w.table(row, LEFT, "daily", summary["daily"])

    add_charts(wb, ws, summary, placed, lang, charts_at, _pixels(LEFT), _pixels(RIGHT), CHART_ROWS, ROW_HEIGHT * 4 / 3)
    grid.flush(ws)
    ws.set_h_pagebreaks(breaks)
    # the report's blocks side by side need the whole width: 75 % fits it, and 11 pt reads as 8 pt
    page_setup(ws, WIDTHS, company=summary.company, lang=lang, header_rows=None, min_scale=70)
    return ws


def write_summary(
    summary: MonthlySummary,
    path: str | os.PathLike[str] | None = None,
    lang: str = "zh",
    *,
    config: Config | None = None,
) -> Path:
    """Write the summary workbook (one sheet, 月报 YYYY-MM) atomically; default ``summary_YYYY-MM.xlsx``."""
    path = Path(path) if path is not None else default_summary_path(summary.month)
    with xlsx_workbook(path, "summary", TEXT_AS_TEXT) as wb:
        wb.set_properties(
            {
                "title": sheet_name(summary.month, lang),
                "company": summary.company,
                "created": datetime.combine(summary.today, time()),
            }
        )
        add_summary_sheet(wb, summary, lang, config)
    return path
