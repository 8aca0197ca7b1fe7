"""import_rows: header mapping, validation by the nightly rules, idempotence, conflicts, rejects,
formula injection, dry runs, and writing through regeneration."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest
from import_helpers import TODAY, rows_of, small_book, small_data, write_csv

from workbook_tools.book import new_row as row
from workbook_tools.config import Config
from workbook_tools.importer import MappingError, import_rows
from workbook_tools.read import read_book
from workbook_tools.validate import validate_file

CUSTOMER_HEADER = ["客户编号", "客户名称", "手机", "详细地址", "备注"]


def _customers_csv(tmp_path, rows, name="customers.csv", **kw):
    return write_csv(tmp_path / name, CUSTOMER_HEADER, rows, **kw)


def test_new_book_from_the_template_with_columns_matched_by_header(tmp_path):
    src = _customers_csv(
        tmp_path,
        [
            ["C0101", "宁波海曙文具店", "13912345678", "海曙区中山西路 8 号", ""],
            ["C0102", "Jane Doe", "+44 20 7946 0958", "221B Baker Street", "英国客户"],
        ],
    )
    book = tmp_path / "book.xlsx"
    result = import_rows(src, book, today=TODAY)
    assert result.created and result.written and result.backup is None
    assert dict(result.counts["customers"]) | {} == {
        "add": 2,
        "update": 0,
        "identical": 0,
        "conflict": 0,
        "rejected": 0,
        "duplicate": 0,
        "source-conflict": 0,
    }
    assert [r["customer_id"] for r in rows_of(book, "customers")] == ["C0101", "C0102"]
    assert rows_of(book, "customers")[1]["notes"] == "英国客户"
    assert result.exit_code == 0 and result.rejects == []


def test_the_same_file_twice_adds_nothing(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    src = _customers_csv(tmp_path, [["C0101", "宁波海曙文具店", "13912345678", "海曙区中山西路 8 号", ""]])
    first = import_rows(src, book, today=TODAY)
    assert first.counts["customers"]["add"] == 1 and first.backup is not None and first.backup.exists()
    before = book.read_bytes()
    second = import_rows(src, book, today=TODAY)
    assert second.counts["customers"]["identical"] == 1 and second.total("add") == 0
    assert not second.written and book.read_bytes() == before
    assert [r["customer_id"] for r in rows_of(book, "customers")] == ["C0001", "C0002", "C0101"]


def test_book_rows_survive_an_import(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    before = read_book(book).data()
    src = _customers_csv(tmp_path, [["C0101", "宁波海曙文具店", "13912345678", "海曙区中山西路 8 号", ""]])
    import_rows(src, book, today=TODAY)
    after = read_book(book).data()
    for sheet, rows in before.items():
        assert after[sheet][: len(rows)] == rows
    assert validate_file(book, config=Config(), today=TODAY).errors == 0


def test_same_key_other_values_is_a_conflict_left_alone_unless_update(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    src = _customers_csv(tmp_path, [["c0002", "李娜", "13900000000", "解放路 1 号", ""]])
    result = import_rows(src, book, today=TODAY)
    assert result.counts["customers"]["conflict"] == 1 and not result.written
    [c] = result.rejects
    assert (c.code, c.row, c.column, c.value, c.field) == ("conflict", 2, "手机", "13900000000", "phone")
    assert "13812345678" in c.message
    assert rows_of(book, "customers")[1]["phone"] == "13812345678"

    updated = import_rows(src, book, update=True, today=TODAY)
    assert updated.counts["customers"]["update"] == 1 and updated.written and updated.rejects == []
    rows = rows_of(book, "customers")
    assert rows[1]["phone"] == "13900000000" and rows[1]["customer_id"] == "C0002" and len(rows) == 2


def test_a_blank_incoming_value_is_no_conflict(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    src = write_csv(tmp_path / "c.csv", ["客户编号", "客户名称", "联系人"], [["C0001", "杭州明远贸易有限公司", ""]])
    assert import_rows(src, book, sheet="customers", today=TODAY).counts["customers"]["identical"] == 1


def test_rows_with_errors_are_rejected_cell_by_cell(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    src = write_csv(
        tmp_path / "lines.csv",
        ["订单编号", "产品编号", "数量", "单价", "折扣"],
        [
            ["SO2026020001", "P1001", "2", "100", ""],  # fine
            ["SO2026020001", "P9999", "1", "5", ""],  # unknown SKU
            ["SO2099999999", "P1002", "abc", "20", "150%"],  # unknown order, quantity not a number, discount > 100%
        ],
    )
    result = import_rows(src, book, today=TODAY, rejects_dir=tmp_path / "rejects")
    assert result.counts["order_lines"]["add"] == 1 and result.counts["order_lines"]["rejected"] == 2
    got = sorted((r.row, r.column, r.code, str(r.value)) for r in result.rejects)
    assert got == [
        (3, "产品编号", "unknown-sku", "P9999"),
        (4, "折扣", "out-of-range", "150%"),
        (4, "数量", "wrong-type", "abc"),
        (4, "订单编号", "unknown-order", "SO2099999999"),
    ]
    assert result.reject_counts() == {"unknown-sku": 1, "out-of-range": 1, "wrong-type": 1, "unknown-order": 1}
    assert result.exit_code == 1
    csv_path, xlsx_path = result.rejects_paths
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["源文件", "源行号", "源列", "值", "目标表", "字段", "代码", "说明"]
    assert ["lines.csv", "3", "产品编号", "P9999", "order_lines", "sku", "unknown-sku"] == lines[1][:7]
    ws = openpyxl.load_workbook(xlsx_path).worksheets[0]
    assert [c.value for c in ws[2]][:7] == ["lines.csv", 3, "产品编号", "P9999", "order_lines", "sku", "unknown-sku"]
    assert [r["sku"] for r in rows_of(book, "order_lines")] == ["P1002", "P1001"]


def test_rejecting_a_row_rejects_what_depends_on_it(tmp_path):
    """An order whose only line is rejected has no lines: rejected in turn (the next round)."""
    book = small_book(tmp_path / "book.xlsx")
    orders = write_csv(
        tmp_path / "orders.csv",
        ["订单编号", "客户编号", "下单日期", "订单状态"],
        [["SO2026020002", "C0001", "2026-02-21", "处理中"], ["SO2026020003", "C0001", "2026/2/22", "pending"]],
    )
    lines = write_csv(
        tmp_path / "lines.csv",
        ["订单编号", "产品编号", "数量", "单价"],
        [["SO2026020002", "P1001", "0", "100"], ["SO2026020003", "P1001", "1", "100"]],
    )
    result = import_rows([orders, lines], book, today=TODAY)
    assert result.rounds == 3  # line rejected; then its order; then a clean pass
    assert sorted((r.file, r.row, r.code) for r in result.rejects) == [
        ("lines.csv", 2, "out-of-range"),
        ("orders.csv", 2, "order-without-lines"),
    ]
    assert [o["order_no"] for o in rows_of(book, "orders")] == ["SO2026020001", "SO2026020003"]
    assert validate_file(book, config=Config(), today=TODAY).errors == 0


def test_repeats_in_the_source(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    src = _customers_csv(
        tmp_path,
        [
            ["C0101", "甲", "13912345678", "地址一", ""],
            ["C0101", "甲", "13912345678", "地址一", ""],
            ["C0101", "乙", "13912345678", "地址一", ""],
        ],
    )
    result = import_rows(src, book, today=TODAY)
    assert result.counts["customers"]["add"] == 1
    assert [(r.row, r.code, r.field) for r in result.rejects] == [
        (3, "duplicate-row", None),
        (4, "source-conflict", "name"),
    ]
    assert "2" in result.rejects[0].message


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_formula_injection_is_stored_as_text(tmp_path):
    hostile = ['=HYPERLINK("http://evil.example","click")', "+SUM(1,2)", "@cmd", "-2+3"]
    src = _customers_csv(
        tmp_path,
        [
            ["C0101", hostile[0], "13912345678", hostile[3], hostile[1]],
            ["C0102", hostile[2], "13912345679", "地址", "-1"],
        ],
    )
    book = tmp_path / "book.xlsx"
    result = import_rows(src, book, today=TODAY)
    assert result.counts["customers"]["add"] == 2
    ws = openpyxl.load_workbook(book)["客户"]
    cells = [ws["B2"], ws["H2"], ws["M2"], ws["B3"], ws["M3"]]
    assert [c.value for c in cells] == [hostile[0], hostile[3], hostile[1], hostile[2], "-1"]
    assert [c.data_type for c in cells] == ["s"] * 5
    # the rejects report is just as careful: the rejected phone "=1+1" stays text in both files
    bad = write_csv(
        tmp_path / "bad.csv", ["客户编号", "客户名称", "手机", "详细地址"], [["C0103", "某人", "=1+1", "x"]]
    )
    out = import_rows(bad, book, today=TODAY, rejects_dir=tmp_path)
    assert [(r.code, r.value) for r in out.rejects] == [("bad-format", "=1+1")]
    with open(out.rejects_paths[0], encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[1][3] == "'=1+1"
    cell = openpyxl.load_workbook(out.rejects_paths[1]).worksheets[0]["D2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_the_rejects_csv_defuses_formulas():
    from workbook_tools.importer.rejects import csv_safe

    assert [csv_safe(v) for v in ("=1+1", "+cmd", "@x", "-5", "-1.5e3", "abc", "")] == [
        "'=1+1",
        "'+cmd",
        "'@x",
        "-5",
        "-1.5e3",
        "abc",
        "",
    ]


def test_dry_run_changes_nothing(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    src = _customers_csv(
        tmp_path,
        [
            ["C0101", "宁波海曙文具店", "13912345678", "海曙区中山西路 8 号", ""],
            ["C0102", "无电话", "", "某地", ""],
            ["C0002", "李娜", "13900000000", "解放路 1 号", ""],
        ],
    )
    before, stat = book.read_bytes(), book.stat()
    files = set(tmp_path.iterdir())
    result = import_rows(src, book, dry_run=True, today=TODAY)
    assert (result.total("add"), result.total("rejected"), result.total("conflict")) == (1, 1, 1)
    assert not result.written
    assert book.read_bytes() == before and book.stat().st_mtime_ns == stat.st_mtime_ns
    assert set(tmp_path.iterdir()) == files
    missing = tmp_path / "new.xlsx"
    assert import_rows(src, missing, dry_run=True, today=TODAY).created and not missing.exists()


def test_sheet_is_guessed_from_headers_or_must_be_given(tmp_path):
    src = write_csv(tmp_path / "x.csv", ["foo", "bar"], [["1", "2"]])
    with pytest.raises(MappingError, match="--sheet"):
        import_rows(src, tmp_path / "b.xlsx", today=TODAY)
    with pytest.raises(MappingError, match="unknown sheet"):
        import_rows(src, tmp_path / "b.xlsx", sheet="nope", today=TODAY)


def test_an_xlsx_source(tmp_path):
    import xlsxwriter

    src = tmp_path / "export.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, ["商品编号", "品名", "价格", "期初库存"])
    ws.write_row(1, 0, ["P2001", "台灯", 35.5, 12])
    ws.write_row(2, 0, [3001, "书立", 8, 40])  # a SKU typed as a number
    wb.close()
    book = small_book(tmp_path / "book.xlsx")
    result = import_rows(src, book, today=TODAY)
    assert result.counts["products"]["add"] == 2 and result.sources[0].sheet == "Sheet1"
    rows = rows_of(book, "products")
    assert [(r["sku"], r["list_price"], r["opening_stock"]) for r in rows[2:]] == [
        ("P2001", D("35.50"), 12),
        ("3001", D("8.00"), 40),
    ]


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_an_unreadable_value_in_the_book_is_written_back_as_found(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["产品"]["G2"] = "很多"  # opening stock typed as a word
    wb.save(book)
    src = _customers_csv(tmp_path, [["C0101", "宁波海曙文具店", "13912345678", "海曙区中山西路 8 号", ""]])
    result = import_rows(src, book, today=TODAY)
    assert result.written and result.new_errors == []
    table = read_book(book)["products"]
    assert table.problems == [(0, "opening_stock", "很多", "wrong-type")]


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_staff_columns_and_sheets_survive_an_import(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["客户"]["Q1"] = "微信号"
    wb["客户"]["Q3"] = "lina_wx"
    wb.create_sheet("我的统计")["A1"] = "自己的表"
    wb.save(book)
    src = _customers_csv(tmp_path, [["C0101", "宁波海曙文具店", "13912345678", "海曙区中山西路 8 号", ""]])
    assert import_rows(src, book, today=TODAY).written
    after = read_book(book, other_sheets=True)
    assert after["customers"].extra["微信号"][1] == [None, "lina_wx", None]
    assert [s.name for s in after.other_sheets] == ["我的统计"]


def test_shipments_without_tracking_numbers_by_carriers_that_need_none(tmp_path):
    """Historical shipments: delivered in the company's own van or collected (自提), no tracking number
    at all — they import (twice: nothing added the second time); a carrier's parcel without one does not."""
    data = small_data()
    data["orders"][0]["status"] = "shipped"
    data["status_log"].append(
        row("status_log", order_no="SO2026020001", status="shipped", timestamp=datetime(2026, 2, 22, 9))
    )
    data["orders"].append(
        row("orders", order_no="SO2026020002", customer_id="C0001", order_date=date(2026, 2, 21), status="processing")
    )
    data["order_lines"].append(
        row("order_lines", order_no="SO2026020002", sku="P1001", quantity=1, unit_price=D("100.00"))
    )
    book = small_book(tmp_path / "book.xlsx", data)
    src = write_csv(
        tmp_path / "shipments.csv",
        ["订单编号", "发货日期", "物流公司", "物流单号", "签收日期"],
        [
            ["SO2026020001", "2026-02-22", "自提", "", "2026-02-22"],
            ["SO2026020002", "2026-02-23", "顺丰速运", "", ""],
        ],
    )
    result = import_rows(src, book, today=TODAY)
    assert result.counts["shipments"]["add"] == 1 and result.counts["shipments"]["rejected"] == 1
    assert [(r.row, r.column, r.code) for r in result.rejects] == [(3, "物流单号", "required-missing")]
    assert [(s["carrier"], s["tracking_no"], s["delivered_on"]) for s in rows_of(book, "shipments")] == [
        ("自提", None, date(2026, 2, 22))
    ]
    assert validate_file(book, config=Config(), today=TODAY).errors == 0
    second = import_rows(src, book, today=TODAY)  # the row without a tracking number is found again
    assert (second.counts["shipments"]["identical"], second.total("add")) == (1, 0) and not second.written

    no_column = write_csv(
        tmp_path / "shipments2.csv", ["订单编号", "发货日期", "物流公司"], [["SO2026020001", "2026-02-22", "送货上门"]]
    )
    again = import_rows(no_column, book, today=TODAY, update=True)
    assert dict(again.counts["shipments"]) | {} == {
        "add": 0,
        "update": 1,
        "identical": 0,
        "conflict": 0,
        "rejected": 0,
        "duplicate": 0,
        "source-conflict": 0,
    }
    assert [(s["carrier"], s["tracking_no"]) for s in rows_of(book, "shipments")] == [("送货上门", None)]


def test_days_overdue_of_rows_the_import_does_not_touch_keep_their_cached_result(tmp_path):
    """逾期天数 is a result of TODAY(): the spreadsheet computes it again when it opens the book, so an import
    a month later rewrites it only on the rows it writes, not on every order of the book."""
    from datetime import timedelta

    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    made = date(2026, 11, 27)
    book = write_book(tmp_path / "b.xlsx", generate_demo(60, seed=5, today=made), today=made)
    before = read_book(book)["orders"]
    overdue = [i for i, d in enumerate(before.cached["days_overdue"]) if isinstance(d, int) and d > 0]
    assert overdue  # the demo has orders past their payment due date
    order = before.rows[overdue[0]]["order_no"]
    sku = next(
        p["sku"]
        for p in read_book(book)["products"].rows
        if p["sku"] not in {ln["sku"] for ln in read_book(book)["order_lines"].rows if ln["order_no"] == order}
    )
    csv_path = write_csv(tmp_path / "one.csv", ["订单编号", "产品编号", "数量", "单价"], [[order, sku, 1, "9.90"]])
    later = made + timedelta(days=30)
    assert import_rows(csv_path, book, sheet="order_lines", today=later).written
    after = read_book(book)["orders"]
    was, now = before.cached["days_overdue"], after.cached["days_overdue"]
    assert was[overdue[0]] > 0 and now[overdue[0]] == was[overdue[0]] + 30  # the order the import changed: that day's
    assert (
        now[: overdue[0]] + now[overdue[0] + 1 :] == was[: overdue[0]] + was[overdue[0] + 1 :]
    )  # the others as they were
