"""orderbook merge: staff copies combined by natural key — identical rows merged, differing copies
reported as conflicts naming both cells and never resolved silently, --prefer to choose."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest
from backups import is_backup_of
from click.testing import CliRunner

from workbook_tools.commands.merge import command
from workbook_tools.merge import MergeError, merge_books, write_master
from workbook_tools.read import read_book
from workbook_tools.schema import SHEET_BY_KEY, SHEETS
from workbook_tools.template import write as template_write
from workbook_tools.template import write_book

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True, scope="module")
def few_prepared_rows():
    """30 formula rows below the data instead of 5,000: openpyxl edits small books fast."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(template_write, "PREPARED_ROWS", 30)
        yield


def rows(sheet_key, *items):
    keys = [c.key for c in SHEET_BY_KEY[sheet_key].inputs]
    return [{k: item.get(k) for k in keys} for item in items]


def small_book():
    return {
        "customers": rows(
            "customers",
            dict(customer_id="C0001", name="杭州明远贸易有限公司", phone="13812345678", address="文三路 90 号"),
            dict(customer_id="C0002", name="王伟", phone="0571-88886666", address="解放路 1 号"),
        ),
        "products": rows(
            "products",
            dict(sku="P1001", name="办公椅", list_price=D("499.00"), opening_stock=100),
            dict(sku="P1002", name="文件柜", list_price=D("899.00"), opening_stock=10),
        ),
        "orders": rows(
            "orders",
            dict(
                order_no="SO2026110001",
                customer_id="C0001",
                order_date=date(2026, 11, 2),
                due_date=date(2026, 11, 9),
                status="processing",
            ),
            dict(
                order_no="SO2026110002",
                customer_id="C0002",
                order_date=date(2026, 11, 3),
                due_date=date(2026, 11, 10),
                status="pending",
            ),
        ),
        "order_lines": rows(
            "order_lines",
            dict(order_no="SO2026110001", sku="P1001", quantity=2, unit_price=D("499.00")),
            dict(order_no="SO2026110002", sku="P1002", quantity=1, unit_price=D("899.00")),
        ),
        "status_log": rows(
            "status_log", dict(order_no="SO2026110001", status="processing", timestamp=datetime(2026, 11, 2, 10, 30))
        ),
        "shipments": [],
        "payments": rows(
            "payments",
            dict(
                order_no="SO2026110001",
                paid_on=date(2026, 11, 2),
                method="微信支付",
                amount=D("998.00"),
                reference="4200001234202611020001",
            ),
        ),
        "stock_moves": [],
    }


@pytest.fixture
def copies(tmp_path):
    """a.xlsx and b.xlsx: the same book, then b's keeper moved a due date and added an order, its
    line (typing the order number in lower case) and its customer."""
    a = write_book(tmp_path / "a.xlsx", small_book(), today=TODAY)
    b = tmp_path / "b.xlsx"
    shutil.copyfile(a, b)
    wb = openpyxl.load_workbook(b)
    orders = wb["订单"]
    orders["E3"] = datetime(2026, 11, 12)  # SO2026110002's due date: a says 11-10
    orders["E3"].number_format = "yyyy-mm-dd"
    orders.append(["SO2026110003", "C0003", None, datetime(2026, 11, 5), None, "待处理"])
    wb["订单明细"].append(["so2026110003", "P1001", None, 5, 450])  # key case differs: still the same key
    wb["客户"].append(["C0003", "李娜", None, "13900001111", None, None, None, "西湖区 1 号"])
    wb.save(b)
    return a, b


def test_identical_rows_merge_and_a_conflict_names_both_cells(copies):
    a, b = copies
    result = merge_books([a, b])
    data = result.data
    assert [r["order_no"] for r in data["orders"]] == ["SO2026110001", "SO2026110002", "SO2026110003"]
    assert [r["customer_id"] for r in data["customers"]] == ["C0001", "C0002", "C0003"]
    assert [(c.sheet, c.key, c.field, c.resolved) for c in result.conflicts] == [
        ("orders", ("SO2026110002",), "due_date", False)
    ]
    conflict = result.conflicts[0]
    assert (conflict.kept.file, conflict.kept.cell, conflict.kept.value) == (str(a), "订单!E3", date(2026, 11, 10))
    assert (conflict.other.file, conflict.other.cell, conflict.other.value) == (str(b), "订单!E3", date(2026, 11, 12))
    assert "a.xlsx 订单!E3 = 2026-11-10 [kept, UNRESOLVED]  ≠  b.xlsx 订单!E3 = 2026-11-12" in conflict.describe()
    assert data["orders"][1]["due_date"] == date(2026, 11, 10)  # without --prefer: the first book's row
    assert len(result.unresolved) == 1


def test_provenance_counts_rows_per_file_merged_copies_and_conflicts(copies):
    a, b = map(str, copies)
    prov = merge_books([a, b]).provenance
    assert (prov["orders"].taken, prov["orders"].only_in, prov["orders"].merged, prov["orders"].conflicting) == (
        {a: 2, b: 1},
        {a: 0, b: 1},
        1,
        1,
    )
    assert (prov["order_lines"].taken, prov["order_lines"].merged) == ({a: 2, b: 1}, 2)
    assert (prov["customers"].taken, prov["customers"].only_in, prov["customers"].merged) == (
        {a: 2, b: 1},
        {a: 0, b: 1},
        2,
    )
    assert (prov["payments"].taken, prov["payments"].merged, prov["payments"].conflicting) == ({a: 1, b: 0}, 1, 0)


def test_prefer_takes_that_books_copy_and_still_lists_the_conflict(copies):
    a, b = copies
    result = merge_books([a, b], prefer=b)
    assert result.data["orders"][1]["due_date"] == date(2026, 11, 12)
    assert [(c.kept.file, c.other.file, c.resolved) for c in result.conflicts] == [(str(b), str(a), True)]
    assert result.unresolved == []
    with pytest.raises(MergeError, match="not one of the books"):
        merge_books([a, b], prefer=a.with_name("c.xlsx"))


def test_rows_unique_to_each_book_are_kept(tmp_path, copies):
    a, b = copies
    wb = openpyxl.load_workbook(a)
    wb["付款"].append(["SO2026110002", datetime(2026, 11, 4), "支付宝", 100, "A-ONLY-1"])
    wb.save(a)
    result = merge_books([a, b])
    assert [p["reference"] for p in result.data["payments"]] == ["4200001234202611020001", "A-ONLY-1"]
    assert result.provenance["payments"].only_in == {str(a): 1, str(b): 0}
    assert {r["order_no"] for r in result.data["orders"]} == {"SO2026110001", "SO2026110002", "SO2026110003"}


def test_staff_columns_follow_the_row_that_was_kept(tmp_path, copies):
    a, b = copies
    wb = openpyxl.load_workbook(b)
    wb["订单"]["M1"], wb["订单"]["M3"] = "微信号", "wx_wang"
    wb.save(b)
    path, saved = write_master(merge_books([a, b], prefer=b), tmp_path / "master.xlsx", today=TODAY)
    assert saved is None
    orders = read_book(path)["orders"]
    assert orders.extra["微信号"][1] == [None, "wx_wang", None]


def test_command_writes_the_master_prints_the_summary_and_exits_1_on_unresolved_conflicts(tmp_path, copies):
    a, b = copies
    master = tmp_path / "master.xlsx"
    result = CliRunner().invoke(command, [str(a), str(b), "-o", str(master)])
    assert result.exit_code == 1, result.output
    out = result.output.splitlines()
    assert out[0] == f"已写入 {master}（来自 2 本簿）"
    assert out[1].split() == ["工作表", "取自", "a.xlsx（仅此簿有）", "取自", "b.xlsx（仅此簿有）", "合并", "冲突"]
    assert out[4].split() == ["订单", "2", "(0)", "1", "(1)", "1", "1"]
    assert "冲突：1 处，未解决：1 处" in out
    assert any(line.endswith("订单!E3 = 2026-11-10 [保留，未解决]  ≠  b.xlsx 订单!E3 = 2026-11-12") for line in out)
    assert out[-1] == "设置：订单簿中保存的设置"
    book = read_book(master)
    assert book["orders"].rows[1]["due_date"] == date(2026, 11, 10)
    assert len(book["orders"].rows) == 3 and all(not t.problems for t in book.tables.values())

    result = CliRunner().invoke(command, [str(a), str(b), "-o", str(master), "--prefer", str(b), "--force"])
    assert result.exit_code == 0, result.output
    assert any("[保留（--prefer）]" in line for line in result.output.splitlines())
    assert read_book(master)["orders"].rows[1]["due_date"] == date(2026, 11, 12)


def test_command_speaks_english_with_lang_en(tmp_path, copies):
    a, b = copies
    master = tmp_path / "master.xlsx"
    result = CliRunner().invoke(command, [str(a), str(b), "-o", str(master), "--lang", "en"])
    assert result.exit_code == 1, result.output
    out = result.output.splitlines()
    assert out[0] == f"wrote {master} from 2 books"
    assert out[1].split() == [
        "sheet",
        "from",
        "a.xlsx",
        "(only",
        "there)",
        "from",
        "b.xlsx",
        "(only",
        "there)",
        "merged",
        "conflicting",
    ]
    assert out[4].split() == ["Orders", "2", "(0)", "1", "(1)", "1", "1"]
    assert "conflicts: 1, unresolved: 1" in out
    assert (
        "  Orders SO2026110002 Due date: a.xlsx 订单!E3 = 2026-11-10 [kept, UNRESOLVED]  ≠  b.xlsx 订单!E3 = 2026-11-12"
        in out
    )
    assert out[-1] == "settings: the settings stored in the book"


def test_merging_into_one_of_the_books_backs_it_up_first(copies):
    a, b = copies
    before = a.read_bytes()
    result = CliRunner().invoke(command, [str(a), str(b), "-o", str(a), "--prefer", str(a), "--force"])
    assert result.exit_code == 0, result.output
    backups = list(a.parent.glob("a.*.bak.xlsx"))
    assert len(backups) == 1 and is_backup_of(backups[0], before)
    assert len(read_book(a)["orders"].rows) == 3


def test_identical_books_merge_without_conflicts(tmp_path):
    a = write_book(tmp_path / "a.xlsx", small_book(), today=TODAY)
    b = write_book(tmp_path / "b.xlsx", small_book(), today=TODAY, lang="en")  # the other language: same data
    result = merge_books([a, b])
    assert result.conflicts == [] and result.data == small_book()
    assert all(p.merged == len(small_book()[s.key]) for s, p in zip(SHEETS, result.provenance.values()))


def test_a_book_that_cannot_be_read_exits_2(tmp_path, copies):
    a, _b = copies
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    result = CliRunner().invoke(command, [str(a), str(bad), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 2 and "bad.xlsx" in result.output
    assert not (tmp_path / "m.xlsx").exists()
    result = CliRunner().invoke(command, [str(a), "-o", str(tmp_path / "m.xlsx"), "--prefer", str(bad)])
    assert result.exit_code == 2 and "--prefer" in result.output


# A key corrected in one copy (issue 8.6): the same row under another key is a probable correction,
# a conflict to decide, never a second shipment or payment.

SHIPMENT = dict(
    order_no="SO2026110001",
    ship_date=date(2026, 11, 3),
    carrier="顺丰速运",
    tracking_no="SF1234567890123",
    delivered_on=date(2026, 11, 5),
)


def with_shipment():
    data = small_book()
    data["shipments"] = rows("shipments", SHIPMENT)
    return data


def book_pair(tmp_path, change_b, change_a=None):
    """a.xlsx and b.xlsx written from with_shipment(), each changed by a function of its data."""
    paths = []
    for name, change in (("a", change_a), ("b", change_b)):
        data = with_shipment()
        if change:
            change(data)
        paths.append(write_book(tmp_path / f"{name}.xlsx", data, today=TODAY))
    return paths


def set_value(sheet_key, field, value, row=0):
    def change(data):
        data[sheet_key][row][field] = value

    return change


CORRECTED = {
    "tracking": ("shipments", "tracking_no", "SF1234567890124", "发货!D2", "物流单号不同，其余相同：可能是更正"),
    "reference": ("payments", "reference", "4200001234202611020009", "付款!E2", "交易流水号不同，其余相同：可能是更正"),
    "reference-filled-in": ("payments", "reference", None, "付款!E2", "交易流水号不同"),
    "line-sku": ("order_lines", "sku", "P1002", "订单明细!B2", "产品编号不同，其余相同：可能是更正"),
}


@pytest.mark.parametrize("case", CORRECTED, ids=list(CORRECTED))
def test_a_corrected_key_is_one_conflict_naming_both_cells_not_a_second_row(tmp_path, case):
    sheet_key, field, corrected, cell, words = CORRECTED[case]
    a, b = book_pair(tmp_path, set_value(sheet_key, field, corrected))
    original = with_shipment()[sheet_key][0][field]
    count = len(with_shipment()[sheet_key])

    result = merge_books([a, b])
    assert [(c.sheet, c.field, c.correction, c.resolved) for c in result.conflicts] == [(sheet_key, field, True, False)]
    conflict = result.conflicts[0]
    assert (conflict.kept.file, conflict.kept.cell, conflict.kept.value) == (str(a), cell, original)
    assert (conflict.other.file, conflict.other.cell, conflict.other.value) == (str(b), cell, corrected)
    assert words in conflict.describe() and "[kept, UNRESOLVED]" in conflict.describe()
    assert len(result.data[sheet_key]) == count  # the first book's row, once
    assert result.data[sheet_key][0][field] == original
    assert result.provenance[sheet_key].conflicting == 1

    master = tmp_path / "master.xlsx"
    run = CliRunner().invoke(command, [str(a), str(b), "-o", str(master)])
    assert run.exit_code == 1, run.output
    assert "冲突：1 处，未解决：1 处" in run.output
    line = next(line for line in run.output.splitlines() if words in line)
    assert f"a.xlsx {cell} = " in line and f"b.xlsx {cell} = " in line
    assert len(read_book(master)[sheet_key].rows) == count

    run = CliRunner().invoke(command, [str(a), str(b), "-o", str(master), "--prefer", str(b), "--force"])
    assert run.exit_code == 0, run.output
    assert "[保留（--prefer）]" in run.output
    kept = read_book(master)[sheet_key].rows
    assert len(kept) == count and kept[0][field] == corrected


def test_rows_that_differ_in_more_than_the_key_are_still_two_rows(tmp_path):
    def change(data):
        data["payments"][0].update(amount=D("500.00"), reference="4200001234202611020009")
        data["shipments"][0].update(tracking_no="YT0000000001", ship_date=date(2026, 11, 4))

    a, b = book_pair(tmp_path, change)
    result = merge_books([a, b])
    assert result.conflicts == []
    assert [p["amount"] for p in result.data["payments"]] == [D("998.00"), D("500.00")]
    assert [s["tracking_no"] for s in result.data["shipments"]] == ["SF1234567890123", "YT0000000001"]
    run = CliRunner().invoke(command, [str(a), str(b), "-o", str(tmp_path / "master.xlsx")])
    assert run.exit_code == 0, run.output
    assert len(read_book(tmp_path / "master.xlsx")["payments"].rows) == 2


def test_two_equal_rows_in_one_book_are_two_rows(tmp_path):
    """A book that holds both keys has two rows (two equal payments by different references): they
    are not a correction of each other, and the other book's copy of each merges."""
    second = dict(small_book()["payments"][0], reference="4200001234202611020009")
    a, b = book_pair(
        tmp_path, lambda data: data["payments"].append(second), lambda data: data["payments"].append(second)
    )
    result = merge_books([a, b])
    assert result.conflicts == [] and len(result.data["payments"]) == 2
    a, b = book_pair(tmp_path, lambda data: None, lambda data: data["payments"].append(second))
    result = merge_books([a, b])  # b lacks one of a's two: nothing to correct
    assert result.conflicts == [] and len(result.data["payments"]) == 2


def test_a_different_note_does_not_hide_a_correction(tmp_path):
    def change(data):
        data["shipments"][0].update(tracking_no="SF1234567890124", notes="单号更正")

    a, b = book_pair(tmp_path, change)
    result = merge_books([a, b])
    assert [(c.field, c.correction) for c in result.conflicts] == [("tracking_no", True), ("notes", False)]
    assert len(result.data["shipments"]) == 1


def test_a_renamed_customer_id_is_a_probable_correction(tmp_path):
    def change(data):
        data["customers"][1]["customer_id"] = "C0009"
        data["orders"][1]["customer_id"] = "C0009"

    a, b = book_pair(tmp_path, change)
    result = merge_books([a, b], prefer=b)
    assert [(c.sheet, c.field, c.correction, c.resolved) for c in result.conflicts] == [
        ("customers", "customer_id", True, True),
        ("orders", "customer_id", False, True),
    ]
    assert "客户编号不同，其余相同：可能是更正" in result.conflicts[0].describe()
    assert [c["customer_id"] for c in result.data["customers"]] == ["C0001", "C0009"]
    assert result.unresolved == []


def test_a_correction_made_in_one_of_three_copies(tmp_path):
    a, b = book_pair(tmp_path, set_value("shipments", "tracking_no", "SF1234567890124"))
    c = tmp_path / "c.xlsx"
    shutil.copyfile(a, c)
    result = merge_books([a, b, c])  # c's copy is a's: merged; b's is the one correction
    assert [(x.field, x.other.file, x.correction) for x in result.conflicts] == [("tracking_no", str(b), True)]
    assert len(result.data["shipments"]) == 1 and result.provenance["shipments"].merged == 1
    result = merge_books([b, a, c])  # the key as b holds it first
    assert [(x.kept.file, x.other.file) for x in result.conflicts] == [(str(b), str(a)), (str(b), str(c))]
    assert len(result.data["shipments"]) == 1
