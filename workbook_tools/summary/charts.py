"""Native Excel charts of the summary sheet (xlsxwriter), drawn from its own tables.

Revenue per day (columns), the last twelve months (revenue columns, payments line), the top
products by revenue (bars, largest on top) and this month's orders by status (columns).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlsxwriter import Workbook
from xlsxwriter.chart import Chart
from xlsxwriter.worksheet import Worksheet

from .texts import tr

if TYPE_CHECKING:
    from .model import MonthlySummary
    from .sheet import Placed

BLUE, ORANGE, GREEN = "#4472C4", "#ED7D31", "#70AD47"
_FONT = {"name": "Microsoft YaHei"}
_TITLE = {"name_font": {**_FONT, "size": 12, "bold": True}}
_AXIS = {"num_font": {**_FONT, "size": 9}, "line": {"color": "#BFBFBF"}}
_GRID = {"major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}}


def _ref(ws: Worksheet, placed: Placed, field: str) -> list[str | int]:
    """A series' cells as xlsxwriter takes them: [sheet, first row, col, last row, col]."""
    col = placed.cols[field]
    return [ws.name, placed.first, col, placed.last, col]


def _chart(wb: Workbook, kind: str, title: str, **options: Any) -> Chart:
    chart = wb.add_chart({"type": kind, **options})
    chart.set_title({"name": title, **_TITLE})
    chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})
    return chart


def add_charts(
    wb: Workbook,
    ws: Worksheet,
    summary: MonthlySummary,
    placed: dict[str, Placed],
    lang: str,
    row: int,
    left_block: tuple[int, int],
    right_block: tuple[int, int],
    rows: int,
    row_px: float,
) -> None:
    """Four charts in a 2 × 2 grid from ``row``, each ``rows`` rows high and as wide as its block
    ((first column, width in pixels)); they move and size with the cells."""
    height = int(rows * row_px) - 8

    def place(chart: Chart, at_row: int, block: tuple[int, int]) -> None:
        chart.set_size({"width": block[1] - 2, "height": height})
        ws.insert_chart(at_row, block[0], chart, {"x_offset": 1, "y_offset": 4, "object_position": 1})

    money = {"num_format": "#,##0", **_AXIS, **_GRID}

    daily = placed["daily"]
    chart = _chart(wb, "column", tr("chart_daily", lang))
    chart.add_series(
        {
            "name": tr("series_revenue", lang),
            "categories": _ref(ws, daily, "date"),
            "values": _ref(ws, daily, "revenue"),
            "fill": {"color": BLUE},
            "gap": 60,
        }
    )
    chart.set_x_axis(
        {"num_format": "d", "date_axis": False, "text_axis": True, **_AXIS, "num_font": {**_FONT, "size": 8}}
    )
    chart.set_y_axis(money)
    place(chart, row, left_block)

    monthly = placed["monthly"]
    chart = _chart(wb, "column", tr("chart_monthly", lang))
    chart.add_series(
        {
            "name": tr("series_revenue", lang),
            "categories": _ref(ws, monthly, "month"),
            "values": _ref(ws, monthly, "revenue"),
            "fill": {"color": BLUE},
            "gap": 50,
        }
    )
    line = wb.add_chart({"type": "line"})
    line.add_series(
        {
            "name": tr("series_received", lang),
            "categories": _ref(ws, monthly, "month"),
            "values": _ref(ws, monthly, "received"),
            "line": {"color": ORANGE, "width": 2.25},
            "marker": {"type": "circle", "size": 5, "fill": {"color": ORANGE}, "border": {"color": ORANGE}},
        }
    )
    chart.combine(line)
    chart.set_legend({"position": "bottom", "font": {**_FONT, "size": 9}})
    chart.set_x_axis({**_AXIS, "num_font": {**_FONT, "size": 8, "rotation": -45}})
    chart.set_y_axis(money)
    place(chart, row, right_block)

    products = placed["top_products_by_revenue"]
    if products.last >= products.first:
        chart = _chart(wb, "bar", tr("chart_top_products", lang, n=summary.top))
        chart.add_series(
            {
                "name": tr("series_revenue", lang),
                "categories": _ref(ws, products, "name"),
                "values": _ref(ws, products, "revenue"),
                "fill": {"color": GREEN},
                "gap": 40,
                "data_labels": {"value": True, "num_format": "#,##0", "font": {**_FONT, "size": 8}},
            }
        )
        chart.set_y_axis({"reverse": True, **_AXIS})  # the bar chart's category axis: rank 1 on top
        chart.set_x_axis({**money, "num_font": {**_FONT, "size": 8}})
        place(chart, row + rows, left_block)

    status = placed["orders_by_status"]
    chart = _chart(wb, "column", tr("chart_status", lang))
    chart.add_series(
        {
            "name": tr("series_orders", lang),
            "categories": _ref(ws, status, "status"),
            "values": _ref(ws, status, "orders"),
            "fill": {"color": ORANGE},
            "gap": 80,
            "data_labels": {"value": True, "font": {**_FONT, "size": 9}},
        }
    )
    chart.set_x_axis(_AXIS)
    chart.set_y_axis({"num_format": "0", **_AXIS, **_GRID})
    place(chart, row + rows, right_block)
