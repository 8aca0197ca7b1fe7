"""Printing, as the office prints: each sheet of the book and of the reports rendered by LibreOffice to
PDF and read back with pdftotext — every page headed by the company and the sheet's name, footed by
the print date and "page x of y", the data sheets at a readable scale (≥ 80 %, from the sheet's
pageSetup), the columns across the page, and the last row there.

Page widths are LibreOffice's with Calibri's metrics: the test needs Carlito (its metric twin,
Debian's fonts-crosextra-carlito; .ci/run installs it) — without it LibreOffice falls back to a
font a third wider and every table spills onto a second page across.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from workbook_tools.book import empty_data, new_row
from workbook_tools.commands.import_cmd import command as import_command
from workbook_tools.demo import generate_demo
from workbook_tools.libreoffice import convert, soffice
from workbook_tools.schema import SHEET_BY_KEY, SHEETS
from workbook_tools.template import write_book
from workbook_tools.template.printing import MIN_SCALE, fit_scale
from workbook_tools.xlsxpkg.package import Package

pytestmark = [
    pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None, reason="needs LibreOffice and poppler"),
    pytest.mark.skipif(
        shutil.which("fc-match") is None
        or "Carlito" not in subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True, check=False).stdout,
        reason="needs Carlito (Calibri's metrics)",
    ),
]

COMPANY = "示例商贸有限公司"
TODAY = date(2026, 11, 27)
FOOTER = re.compile(r"打印日期 \S+\s+第 (\d+) 页，共 (\d+) 页")


def render(xlsx: Path, tmp: Path) -> list[str]:
    """The PDF's pages as text, in order."""
    pdf = convert(xlsx, tmp / "pdf", "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def head(page: str) -> list[str]:
    lines = [line for line in page.splitlines() if line.strip()]
    return re.split(r"\s{2,}", lines[0].strip()) if lines else []


def pages_of(pages: list[str], sheet: str, company: str = COMPANY) -> list[str]:
    return [p for p in pages if head(p) == [company, sheet]]


def page_setup(xlsx: Path, sheet: str) -> dict[str, str]:
    with Package(xlsx) as pkg:
        part = {s.name: s.part for s in pkg.sheets()}[sheet]
        m = re.search(r"<pageSetup\b([^>]*)/>", pkg.text(part))
    return dict(re.findall(r'(\w+)="([^"]*)"', m[1])) if m else {}


def scale(xlsx: Path, sheet: str) -> int:
    setup = page_setup(xlsx, sheet)
    assert "fitToWidth" not in setup and "fitToHeight" not in setup
    return int(setup.get("scale", 100))


def numbered(pages: list[str]) -> None:
    """Every page says its number and the count, 1 to N in order."""
    found = [FOOTER.search(p) for p in pages]
    assert all(found), [p[-200:] for p, f in zip(pages, found) if not f][:1]
    assert [int(f[1]) for f in found] == list(range(1, len(pages) + 1))
    assert {int(f[2]) for f in found} == {len(pages)}


def fits_across(sheet) -> bool:
    return fit_scale([c.width for c in sheet.columns], True) >= MIN_SCALE


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict, list[str]]:
    tmp = tmp_path_factory.mktemp("print-demo")
    data = generate_demo(150, seed=4, today=TODAY)
    path = write_book(tmp / "demo.xlsx", data, today=TODAY)
    return path, data, render(path, tmp)


def test_every_page_of_the_book_says_company_sheet_page_and_date(demo):
    _path, _data, pages = demo
    numbered(pages)
    names = {s.name("zh") for s in SHEETS} | {"填写说明"}
    sheets_seen = {head(p)[1] for p in pages if len(head(p)) == 2 and head(p)[0] == COMPANY}
    assert names <= sheets_seen


def test_data_sheets_print_readable_with_their_header_on_every_page(demo):
    path, _data, pages = demo
    for sheet in SHEETS:
        name = sheet.name("zh")
        assert scale(path, name) >= MIN_SCALE, name
        mine = pages_of(pages, name)
        first, last = sheet.columns[0].header("zh"), sheet.columns[-1].header("zh")
        assert all(first in p for p in mine), name  # the header row repeats
        if fits_across(sheet):  # one page across: every page shows the last column's header too
            assert all(last[:4] in p for p in mine), name
        else:  # too wide at 80 %: the rest on the page to the right, the key columns again
            key = sheet.columns[1].header("zh")
            assert all(key in p for p in mine) and sum(last[:4] in p for p in mine) == len(mine) // 2, name


def test_wide_sheets_print_landscape_narrow_ones_upright(demo):
    path, _data, _pages = demo
    for sheet in SHEETS:
        upright = fit_scale([c.width for c in sheet.columns], False) == 100
        assert page_setup(path, sheet.name("zh"))["orientation"] == ("portrait" if upright else "landscape")
    # hand-worked: 状态记录 is 90 characters wide (6 columns): 7.5 px each + 5 a column = 705 px, and
    # upright A4 less 0.3" a side is 736 px; 客户 needs landscape
    assert page_setup(path, "状态记录")["orientation"] == "portrait" and scale(path, "状态记录") == 100
    assert page_setup(path, "客户")["orientation"] == "landscape"


def test_every_row_prints_and_the_rows_flow_onto_pages(demo):
    """The last row of each sheet is on paper; a sheet takes no more pages than its rows need."""
    _path, data, pages = demo
    for sheet in SHEETS:
        rows = data[sheet.key]
        mine = pages_of(pages, sheet.name("zh"))
        text = "\n".join(mine)
        key = sheet.columns[0].key
        last = rows[-1][key]
        shown = last.strftime("%Y-%m-%d") if isinstance(last, date) else str(last)
        assert shown in text, (sheet.key, shown)
        across = 1 if fits_across(sheet) else 2
        # at least 30 rows a page (an A4 page holds 40-50 rows of 15 pt at 80-100 %)
        assert len(mine) <= across * (len(rows) // 30 + 1), (sheet.key, len(rows), len(mine))


def test_status_log_of_a_big_book_flows_upright(tmp_path):
    """状态记录 of the 2,000-order demo took 268 landscape pages shrunk to fit; upright at 100 % with
    every row (measured: 171 pages for 8,010 rows, 47 rows a page)."""
    data = empty_data()
    data["status_log"] = [
        new_row(
            "status_log",
            order_no=f"SO2026{n:06d}",
            status="pending",
            timestamp=datetime(2026, 1, 1, 9),
            issue="缺货",
            resolution="已补货",
            handled_by="王伟",
        )
        for n in range(1, 471)
    ]
    path = write_book(tmp_path / "log.xlsx", data, today=TODAY)
    mine = pages_of(render(path, tmp_path), "状态记录")
    assert "SO2026000470" in mine[-1]
    assert len(mine) == 10  # 470 rows at 47 a page


def test_rows_typed_into_the_template_print(tmp_path):
    """A clerk types 60 status-log rows and 60 payments into the empty template: all of them print
    (sheets without prepared formula rows have no print area: every app prints the filled rows)."""
    assert not SHEET_BY_KEY["status_log"].derived and not SHEET_BY_KEY["payments"].derived
    path = write_book(tmp_path / "book.xlsx", None)
    wb = openpyxl.load_workbook(path)
    for n in range(1, 61):
        wb["状态记录"].append([f"SO2026110{n:03d}", "待处理", datetime(2026, 11, 2, 9), None, None, "王伟"])
        wb["付款"].append([f"SO2026110{n:03d}", date(2026, 11, 2), "银行转账", 100, f"TX{n:06d}"])
    wb.save(path)
    pages = render(path, tmp_path)
    log, payments = pages_of(pages, "状态记录"), pages_of(pages, "付款")
    assert "SO2026110060" in log[-1] and "TX000060" in payments[-1]
    assert len(log) == 2 and len(payments) == 2  # 61 rows: 2 pages down, each sheet one page across


def test_orders_written_or_imported_print_to_the_last(tmp_path):
    """订单 and 订单明细 have formulas prepared below their data, so they have a print area (or
    LibreOffice prints the 5,000 prepared rows as blank pages): it ends at the last row when the book
    is written, and an import in place moves it down over the new rows."""
    data = empty_data()
    data["customers"] = [
        new_row(
            "customers", customer_id="C0001", name="杭州明远贸易有限公司", phone="13812345678", address="文三路 90 号"
        )
    ]
    data["products"] = [new_row("products", sku="P1001", name="办公椅", list_price=D("100.00"), opening_stock=500)]
    data["orders"] = [
        new_row(
            "orders", order_no=f"SO2026110{n:03d}", customer_id="C0001", order_date=date(2026, 11, 2), status="pending"
        )
        for n in range(1, 61)
    ]
    path = write_book(tmp_path / "book.xlsx", data, today=TODAY)
    orders = pages_of(render(path, tmp_path), "订单")
    assert "SO2026110060" in "\n".join(orders) and "SO2026110060" not in "\n".join(orders[:-2])

    csv = tmp_path / "lines.csv"
    csv.write_text(
        "订单编号,产品编号,数量,单价\n" + "".join(f"SO2026110{n:03d},P1001,1,100\n" for n in range(1, 61)),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        import_command, [str(csv), "--into", str(path), "--sheet", "order_lines", "--today", "2026-11-27"]
    )
    assert result.exit_code == 0, result.output
    lines = pages_of(render(path, tmp_path), "订单明细")
    assert "SO2026110060" in lines[-1] and len(lines) == 2


def test_orders_typed_by_hand_print_after_extend(tmp_path):
    """Rows typed below 订单's print area print once ``orderbook extend`` has moved it down over them."""
    from workbook_tools.xlsxpkg.extend import extend_book

    data = empty_data()
    data["customers"] = [
        new_row(
            "customers", customer_id="C0001", name="杭州明远贸易有限公司", phone="13812345678", address="文三路 90 号"
        )
    ]
    path = write_book(tmp_path / "book.xlsx", data, today=TODAY)
    wb = openpyxl.load_workbook(path)
    for n in range(1, 61):
        wb["订单"].append([f"SO2026110{n:03d}", "C0001", None, date(2026, 11, 2), None, "待处理"])
    wb.save(path)
    assert "SO2026110060" not in "\n".join(pages_of(render(path, tmp_path), "订单"))  # the area ends at row 41
    extend_book(path, today=TODAY)
    assert "SO2026110060" in "\n".join(pages_of(render(path, tmp_path), "订单"))


def test_every_report_prints_with_company_sheet_page_and_date(demo, tmp_path):
    """The reconciliation, the customer history and the 月报: every page headed and numbered; tables at
    80 % or more (the 月报's two blocks side by side at 75 %)."""
    from workbook_tools.book import OrderBook
    from workbook_tools.customers import customer_history, write_customer_history
    from workbook_tools.reconcile import reconcile_book, write_reconciliation
    from workbook_tools.summary import monthly_summary
    from workbook_tools.summary.sheet import write_summary

    _path, data, _pages = demo
    rec = reconcile_book(OrderBook.from_data(data, path=Path("book.xlsx")), today=TODAY)
    reports = {
        "reconcile": write_reconciliation(rec, tmp_path / "rec.xlsx"),
        "customers": write_customer_history(customer_history(data, today=TODAY), tmp_path / "cus.xlsx", today=TODAY),
        "summary": write_summary(monthly_summary(data, "2026-10", today=TODAY), tmp_path / "sum.xlsx"),
    }
    for kind, path in reports.items():
        pages = render(path, tmp_path / kind)
        numbered(pages)
        with Package(path) as pkg:
            names = [s.name for s in pkg.sheets()]
        for name in names:
            assert scale(path, name) >= (75 if kind == "summary" else MIN_SCALE), (kind, name)
        # headed by company and sheet name (the 月报's charts may print above its header)
        headed = [head(p) for p in pages if p.lstrip().startswith(COMPANY)]
        assert all(h[0] == COMPANY and h[1] in names for h in headed), kind
        assert len(headed) == len(pages) or kind == "summary", kind
        assert {h[1] for h in headed} >= {names[0]}, kind
    assert scale(reports["summary"], "月报 2026-10") == 75
    assert page_setup(reports["customers"], "客户档案")["pageOrder"] == "overThenDown"  # ID and name again
