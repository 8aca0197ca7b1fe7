"""The summary workbook, its charts, the JSON, and the copy of the book with the 月报 sheet."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from backups import is_backup_of
from conftest import needs_soffice

from workbook_tools.demo import generate_demo
from workbook_tools.read import read_book
from workbook_tools.summary import FIELDS, monthly_summary, summary_dict, summary_into_book, write_json, write_summary
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def data():
    return generate_demo(150, seed=2, today=TODAY)


@pytest.fixture(scope="module")
def summary(data):
    return monthly_summary(data, "2026-11", today=TODAY)


@pytest.fixture(scope="module")
def written(summary, tmp_path_factory):
    return write_summary(summary, tmp_path_factory.mktemp("summary") / "summary_2026-11.xlsx", "zh")


def _charts(path):
    """Each chart's XML, by part name."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in sorted(z.namelist()) if re.match(r"xl/charts/chart\d+\.xml", n)}


def _cells(ws, ref: str) -> list:
    """Values of a chart reference such as ``'月报 2026-11'!$C$40:$C$69``."""
    sheet, rng = ref.rsplit("!", 1)
    assert sheet.strip("'") == ws.title
    return [row[0].value for row in ws[rng.replace("$", "")]]


def test_the_summary_sheet_shows_every_key_figure(written, summary):
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames == ["月报 2026-11"]
    ws = wb.active
    assert "2026年11月" in ws["A1"].value and "2026-11-27" in ws["A2"].value
    labels = {ws.cell(r, 1).value: r for r in range(1, 30)}
    for label, key in (
        ("订单数", "orders"),
        ("销售额（不含已取消）", "revenue"),
        ("应收未收（期末）", "outstanding"),
        ("按时发货率", "on_time_rate"),
        ("新客户数", "new_customers"),
    ):
        f = summary.figures[key]
        row = labels[label]
        assert ws.cell(row, 2).value == pytest.approx(float(f.value))
        assert ws.cell(row, 3).value == pytest.approx(float(f.previous))
        assert ws.cell(row, 5).value == (pytest.approx(float(f.last_year)) if f.last_year is not None else "—")
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {
        "前10名客户（按销售额）",
        "收款按付款方式",
        "发货按物流公司",
        "按省份",
        "应收账龄（截至 2026-11-27）",
        "低库存产品（不高于安全库存）",
        "未到期",
        "90天以上",
        "已完成",
    } <= texts


def test_four_native_charts_drawn_from_the_sheets_own_tables(written, summary):
    charts = _charts(written)
    assert len(charts) == 4
    assert sum("<c:lineChart>" in x for x in charts.values()) == 1  # received, over 12 months
    assert sum('<c:barDir val="bar"/>' in x for x in charts.values()) == 1  # top products
    assert sum('<c:barDir val="col"/>' in x for x in charts.values()) == 3
    ws = openpyxl.load_workbook(written).active
    series = {}
    for xml in charts.values():
        title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0]))
        series[title] = [_cells(ws, f) for f in re.findall(r"<c:f>([^<]*)</c:f>", xml)]
    daily = series["每日销售额"]
    assert daily[0] == [datetime(2026, 11, i) for i in range(1, 31)]
    assert daily[1] == [pytest.approx(float(d["revenue"])) for d in summary["daily"]]
    months = series["近12个月销售额与收款"]
    assert months[0] == [r["month"] for r in summary["monthly"]]
    for i, field in ((1, "revenue"), (3, "received")):
        assert months[i] == [None if r[field] is None else pytest.approx(float(r[field])) for r in summary["monthly"]]
    products = series["销售额前10名产品"]
    assert products[1] == [pytest.approx(float(r["revenue"])) for r in summary["top_products_by_revenue"]]
    status = series["本月订单状态分布"]
    assert status == [
        ["待处理", "处理中", "已发货", "已完成", "已取消"],
        [r["orders"] for r in summary["orders_by_status"]],
    ]


def test_english_summary(summary, tmp_path):
    ws = openpyxl.load_workbook(write_summary(summary, tmp_path / "en.xlsx", "en")).active
    assert ws.title == "Report 2026-11"
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {
        "Key figures",
        "Orders",
        "Revenue (excl. cancelled)",
        "Top 10 customers by revenue",
        "Not yet due",
        "Completed",
        "Bank transfer",
    } <= texts
    assert "已完成" not in texts


def test_json_has_every_figure_and_table(summary, tmp_path):
    d = json.loads(write_json(summary, tmp_path / "s.json").read_text(encoding="utf-8"))
    assert d == json.loads(json.dumps(summary_dict(summary)))
    assert (d["month"], d["as_of"]) == ("2026-11", "2026-11-27")
    assert d["period"] == {"first": "2026-11-01", "last": "2026-11-30"}
    rev = d["key_figures"]["revenue"]
    assert rev["value"] == f"{summary.figures['revenue'].value:.2f}" and re.fullmatch(r"-?\d+\.\d\d", rev["value"])
    assert d["key_figures"]["orders"]["value"] == summary.figures["orders"].value
    assert d["key_figures"]["on_time_rate"]["value"] == round(summary.figures["on_time_rate"].value, 4)
    for name, fields in FIELDS.items():
        assert all(set(r) == set(fields) for r in d[name]), name
    assert d["daily"][0]["date"] == "2026-11-01"
    assert Decimal(d["receivables_ageing"]["total"]) == summary.figures["outstanding"].value
    assert [b["en"] for b in d["receivables_ageing"]["buckets"]][0] == "Not yet due"


@pytest.fixture
def book_file(data, tmp_path):
    return write_book(tmp_path / "订单管理簿.xlsx", data, today=TODAY)


def test_into_book_writes_a_new_copy_that_reads_back_the_same(book_file, summary):
    before = hashlib.sha256(book_file.read_bytes()).hexdigest()
    result = summary_into_book(book_file, summary)
    assert result.path == book_file.with_name("订单管理簿.with-summary-2026-11.xlsx") and result.backup is None
    assert hashlib.sha256(book_file.read_bytes()).hexdigest() == before
    assert read_book(result.path).data() == read_book(book_file).data()
    wb = openpyxl.load_workbook(result.path, read_only=True)
    active = openpyxl.load_workbook(book_file, read_only=True).active.title
    assert wb.sheetnames[-1] == "月报 2026-11" and wb.active.title == active  # the book's tab stays selected
    own, charts = (
        _charts(book_file),
        _charts(result.path),
    )  # the book's own (概览's) kept as they were, the report's four besides
    assert {n: charts[n] for n in own} == own
    added = [x for n, x in charts.items() if n not in own]
    assert len(added) == 4 and all(re.findall(r"<c:f>'月报 2026-11'!", x) for x in added)


def test_into_book_over_the_original_backs_it_up_first(book_file, summary):
    original = book_file.read_bytes()
    result = summary_into_book(book_file, summary, output=book_file, lang="en", now=datetime(2026, 11, 27, 8, 0))
    assert result.path == book_file
    assert result.backup == book_file.with_name("订单管理簿.20261127-080000.bak.xlsx")
    assert is_backup_of(result.backup, original)
    assert "Report 2026-11" in openpyxl.load_workbook(book_file, read_only=True).sheetnames


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_opens_the_summary(written, tmp_path):
    from workbook_tools.libreoffice import convert

    pdf = convert(written, tmp_path, "pdf")
    head = pdf.read_bytes()
    assert head.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", head)) >= 2


def test_an_empty_book_still_gives_a_summary_workbook(tmp_path):
    empty = monthly_summary({}, "2026-11", today=TODAY)
    path = write_summary(empty, tmp_path / "empty.xlsx", "en")
    ws = openpyxl.load_workbook(path).active
    assert [ws.cell(r, 2).value for r in range(7, 9)] == ["—", "—"]  # no data: a dash, not 0
    assert len(_charts(path)) == 3  # no products sold: no product chart
    assert json.loads(json.dumps(summary_dict(empty)))["key_figures"]["revenue"]["value"] is None


def test_more_ageing_buckets_widen_the_ageing_table(data, tmp_path):
    from workbook_tools.config import Config

    config = Config.model_validate({"thresholds": {"ageing_buckets": [7, 15, 30, 45, 60, 90, 120]}})
    s = monthly_summary(data, "2026-11", config=config, today=TODAY)
    ws = openpyxl.load_workbook(write_summary(s, tmp_path / "b.xlsx", "zh", config=config)).active
    title = next(c.row for c in ws["A"] if str(c.value or "").startswith("应收账龄"))
    header = [c.value for c in ws[title + 1] if c.value is not None]
    assert header[6:] == s.ageing.labels("zh") + ["合计"] and len(s.ageing.labels("zh")) == 9
    total_row = title + 2 + len(s.ageing.rows)
    assert ws.cell(total_row, 1).value == "合计"
    assert [ws.cell(total_row, c).value for c in range(8, 18)] == [
        pytest.approx(float(v)) for v in (*s.ageing.totals, s.ageing.grand_total)
    ]


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_into_book_keeps_what_staff_added_and_replaces_an_earlier_report(book_file, summary, tmp_path):
    wb = openpyxl.load_workbook(book_file)
    customers = wb["客户"]
    extra_col = customers.max_column + 1
    customers.cell(1, extra_col, "微信号")
    customers.cell(2, extra_col, "wx_guo92")
    wb.create_sheet("备忘")["A1"] = "月底对账"
    staff_book = tmp_path / "staff.xlsx"
    wb.save(staff_book)

    first = summary_into_book(staff_book, summary)
    again = summary_into_book(first.path, summary, output=tmp_path / "again.xlsx")
    assert "sheet '月报 2026-11' replaced by this summary" in [n.en for n in again.notes]
    for path in (first.path, again.path):
        book = read_book(path, other_sheets=True)
        assert book["customers"].extra["微信号"][1][0] == "wx_guo92"
        assert [s.name for s in book.other_sheets] == ["备忘", "月报 2026-11"]
        assert book.other_sheets[0].rows[0][0] == "月底对账"
