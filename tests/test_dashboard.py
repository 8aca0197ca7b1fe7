"""The 概览 dashboard: this month against last, where things stand now, orders by status, twelve
months of revenue (a chart), the top customers and the overdue and low-stock lists — worked out by
hand on rows dated around 2026-03-18, with "9件" pasted into a quantity; the low-stock count agrees
with ``validate``; LibreOffice computes every figure as Python does."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from conftest import needs_soffice
from recalc_cases import PASTED_QUANTITY, dashboard_rows, fill_template, mismatches, type_in

from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.formulas import FormulaContext
from workbook_tools.read import read_book
from workbook_tools.template import dashboard_cells, dashboard_values, write_book
from workbook_tools.template.dashboard import dashboard_formulas
from workbook_tools.validate import validate_file

T = date(2026, 3, 18)


def _book(tmp_path, today: date, lang: str = "zh"):
    """The template filled with dashboard_rows(today), then "9件" typed over a quantity."""
    path = write_book(tmp_path / f"dash_{lang}.xlsx", None, lang=lang)
    fill_template(path, dashboard_rows(today), lang=lang)
    type_in(path, PASTED_QUANTITY, lang=lang)
    return path


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    path = _book(tmp_path_factory.mktemp("dash"), T)
    book = read_book(path)
    data = book.data()
    assert data["order_lines"][1]["quantity"] is None  # "9件" is not a quantity: a wrong-type finding
    return path, dashboard_values(data, derive(data, Config(), T), Config(), T)


def test_this_month_against_last_month(figures):
    _, v = figures
    assert (v["month_start"], v["last_month_start"]) == (date(2026, 3, 1), date(2026, 2, 1))
    # orders: SO…0001, 0002, 0003 (cancelled counts as an order; the row without a number does not) / 0004, 0005
    assert (v["orders_this_month"], v["orders_last_month"], v["orders_change"]) == (3, 2, 1)
    # revenue: 2 × 100.00 (单价 blank: the list price) + 20.00 (the "9件" line is 0) / 188.00 + 99.50
    assert (v["revenue_this_month"], v["revenue_last_month"], v["revenue_change"]) == (
        D("220.00"),
        D("287.50"),
        D("-67.50"),
    )
    # receipts by date paid: 50 + 100 − 100 (a refund) / 188; the January 100 in neither
    assert (v["receipts_this_month"], v["receipts_last_month"], v["receipts_change"]) == (
        D("50.00"),
        D("188.00"),
        D("-138.00"),
    )
    # still owed on the month's orders: 150 + 20 (the cancelled one 0) / 0 + 99.50
    assert (v["receivables_this_month"], v["receivables_last_month"]) == (D("170.00"), D("99.50"))
    # fell due in the month and overdue: 现结 0001 due 03-15, 0002 due 03-10 (its 交货日期) / 0005 due 02-20
    assert (v["overdue_this_month"], v["overdue_last_month"], v["overdue_change"]) == (
        D("170.00"),
        D("99.50"),
        D("70.50"),
    )


def test_where_things_stand_today(figures):
    _, v = figures
    assert v["receivables"] == D("357.50")  # 150 + 20 + 99.50 + 88 (0006: 188 − 100)
    assert v["overdue_orders"] == 4 and v["overdue_amount"] == D("357.50")
    assert v["low_stock_products"] == 2  # 台灯 5 ≤ 10 (default), 白板 8 ≤ 8; 文件柜 is not on sale
    assert [v[f"status_{s}"] for s in ("pending", "processing", "shipped", "completed", "cancelled")] == [1, 1, 1, 2, 1]


def test_twelve_months_of_revenue(figures):
    _, v = figures
    assert v["trend_month_0"] == date(2025, 4, 1) and v["trend_month_11"] == date(2026, 3, 1)
    assert [v[f"trend_revenue_{i}"] for i in range(9, 12)] == [D("188.00"), D("287.50"), D("220.00")]
    assert [v[f"trend_orders_{i}"] for i in range(9, 12)] == [1, 2, 3]
    assert all(v[f"trend_revenue_{i}"] == 0 and v[f"trend_orders_{i}"] == 0 for i in range(9))


def test_the_lists(figures):
    _, v = figures
    # sales to date: C0001 200 + 99.50; C0003 188 and C0006 188 (tied: row order); C0002 20; C0005 only cancelled
    top = [(v[f"top_{k}_customer_id"], v[f"top_{k}_name"], v[f"top_{k}_sales"]) for k in range(1, 6)]
    assert top == [
        ("C0001", "甲贸易有限公司", D("299.50")),
        ("C0003", "丙商行", D("188.00")),
        ("C0006", "己工作室", D("188.00")),
        ("C0002", "乙", D("20.00")),
        ("", "", ""),
    ]
    overdue = [
        (
            v[f"overdue_{k}_order_no"],
            v[f"overdue_{k}_customer_name"],
            v[f"overdue_{k}_balance"],
            v[f"overdue_{k}_pay_due"],
            v[f"overdue_{k}_days_overdue"],
        )
        for k in range(1, 6)
    ]
    assert overdue == [
        ("SO2026010006", "己工作室", D("88.00"), date(2026, 1, 12), 65),
        ("SO2026020005", "甲贸易有限公司", D("99.50"), date(2026, 2, 20), 26),
        ("SO2026030002", "乙", D("20.00"), date(2026, 3, 10), 8),
        ("SO2026030001", "甲贸易有限公司", D("150.00"), date(2026, 3, 15), 3),
        ("", "", "", "", ""),
    ]
    low = [(v[f"low_{k}_sku"], v[f"low_{k}_name"], v[f"low_{k}_on_hand"], v[f"low_{k}_point"]) for k in range(1, 4)]
    assert low == [("P2", "台灯", 5, 10), ("P4", "白板", 8, 8), ("", "", "", "")]


def test_low_stock_counts_what_validate_counts(figures, tmp_path):
    path, v = figures
    found = [f for f in validate_file(path, config=Config(), today=T).findings if f.code == "low-stock"]
    assert sorted(f.cell for f in found) == ["产品!K3", "产品!K5"] and v["low_stock_products"] == len(found)
    # and on a demo book with one of its four low products taken off sale (the old count took it in)
    from workbook_tools.demo import generate_demo

    demo = generate_demo(1500, seed=5, today=T)
    on_hand = derive(demo, Config(), T)["products"]["on_hand"]
    low = [
        i
        for i, (p, n) in enumerate(zip(demo["products"], on_hand))
        if n <= (p["reorder_point"] if p["reorder_point"] is not None else 10)
    ]
    assert len(low) == 4
    demo["products"][low[0]]["active"] = "no"
    book = write_book(tmp_path / "demo.xlsx", demo, today=T)
    data = read_book(book).data()
    count = dashboard_values(data, derive(data, Config(), T), Config(), T)["low_stock_products"]
    found = [f for f in validate_file(book, config=Config(), today=T).findings if f.code == "low-stock"]
    assert count == len(found) == 3


def test_the_written_dashboard_caches_python_s_figures_and_charts_them(tmp_path):
    data = dashboard_rows(T)
    path = write_book(tmp_path / "book.xlsx", data, today=T)
    ws = openpyxl.load_workbook(path, data_only=True)["概览"]
    at = dashboard_cells()
    assert (at["revenue_this_month"], at["revenue_last_month"], at["receivables"], at["low_stock_products"]) == (
        "B10",
        "C10",
        "B16",
        "B19",
    )
    assert ws["B10"].value == 400.0 and ws["C10"].value == 287.5  # as written: the "9件" line still 9 × 20
    assert ws[at["top_1_name"]].value == "甲贸易有限公司" and ws[at["overdue_1_order_no"]].value == "SO2026010006"
    assert ws["A8"].value == "本月与上月" and ws["A9"].value == "订单数"
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = [z.read(n).decode() for n in charts]
    assert len(charts) == 2
    refs = [re.findall(r"<c:f>([^<]*)</c:f>", x) for x in xml]
    # revenue by month: columns over the twelve months; orders by status: bars over the five counts
    assert '<c:barDir val="col"/>' in xml[0] and refs[0] == ["概览!$A$30:$A$41", "概览!$B$30:$B$41"]
    assert '<c:barDir val="bar"/>' in xml[1] and refs[1] == ["概览!$A$22:$A$26", "概览!$B$22:$B$26"]


def test_every_formula_survives_bad_cells():
    """SUMIFS / COUNTIFS / COUNT skip text; what picks a list entry is wrapped in IFERROR."""
    for lang in ("zh", "en"):
        for key, f in dashboard_formulas(FormulaContext(lang, {}), Config()).items():
            assert re.match(r"=(IFERROR|SUMIFS|COUNTIFS|COUNT|DATE|TODAY|B\d+-C\d+)\(?", f), (key, f)
            if re.match(r"(top|overdue|low)_\d+_", key):  # a list entry
                assert f.startswith("=IFERROR("), (key, f)


@needs_soffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_computes_every_figure_as_python_does_after_a_pasted_text_quantity(tmp_path, lang):
    from workbook_tools.libreoffice import convert

    today = date.today()  # LibreOffice's TODAY()
    path = _book(tmp_path, today, lang)
    recalculated = convert(path, tmp_path / "lo")
    assert mismatches(path, recalculated, today=today) == []
    got = openpyxl.load_workbook(recalculated, data_only=True)
    lines = got["订单明细" if lang == "zh" else "Order lines"]
    assert lines["D3"].value == "9件" and lines["G3"].value == 0 and lines["G2"].value == 200  # blank 单价: 2 × 100
    ws = got["概览" if lang == "zh" else "Dashboard"]
    assert isinstance(ws["B10"].value, (int, float))  # 本月销售额: a number, never #VALUE!
    assert ws[dashboard_cells()["low_stock_products"]].value == 2


@pytest.mark.skipif(shutil.which("ssconvert") is None, reason="Gnumeric (ssconvert) is not installed")
@pytest.mark.gnumeric
@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_gnumeric_computes_every_figure_as_python_does_after_a_pasted_text_quantity(tmp_path):
    from workbook_tools.gnumeric import recalculate

    today = date.today()
    path = _book(tmp_path, today)
    assert mismatches(path, recalculate(path, tmp_path / "gnumeric").path, today=today) == []
