"""The reconciliation shows what needs action: the lists split into "needs action" and "for the
record", counts without a variance only on the detail sheet, variance totals found over, found short
and net, and a line at the top when the book does not pass validation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from reconcile_cases import TODAY, row, small_book

from workbook_tools.book import OrderBook
from workbook_tools.reconcile import reconcile_book, write_reconciliation
from workbook_tools.reconcile.terminal import summary_lines


def book_data():
    """small_book plus: P1001 counted 60 where the books say 58 (+2 × ¥100), P1002 counted 97 where they
    say 100 (−3 × ¥20) after a count that matched; an order paid and cancelled, the money paid back."""
    data = small_book()
    data["stock_moves"] += [
        row("stock_moves", date=date(2026, 2, 10), sku="P1001", type="stocktake", quantity=60),
        row("stock_moves", date=date(2026, 2, 15), sku="P1002", type="stocktake", quantity=97),
    ]
    data["orders"].append(
        row(
            "orders",
            order_no="SO2026020003",
            customer_id="C0002",
            order_date=date(2026, 2, 21),
            due_date=date(2026, 2, 28),
            status="cancelled",
        )
    )
    data["order_lines"].append(
        row("order_lines", order_no="SO2026020003", sku="P1001", quantity=1, unit_price=D("100.00"))
    )
    data["payments"] += [
        row(
            "payments",
            order_no="SO2026020003",
            paid_on=date(2026, 2, 21),
            method="微信支付",
            amount=D("100.00"),
            reference="4200000001",
        ),
        row(
            "payments",
            order_no="SO2026020003",
            paid_on=date(2026, 2, 23),
            method="微信支付",
            amount=D("-100.00"),
            reference="4200000002",
        ),
    ]
    return data


def reconcile(data):
    return reconcile_book(OrderBook.from_data(data, path=Path("book.xlsx")), today=TODAY)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = write_reconciliation(reconcile(book_data()), tmp_path_factory.mktemp("rec") / "rec.xlsx")
    return openpyxl.load_workbook(path)


def values(ws, first: int = 2) -> list[list]:
    return [[c for c in r] for r in ws.iter_rows(min_row=first, values_only=True)]


def test_payments_needing_action_apart_from_those_for_the_record(workbook):
    # SO2026020001: ¥60, ¥20 paid, due 02-27: past due (chase it). The refund of the cancelled order's
    # payment settles it: both rows are for the record.
    action = values(workbook["付款核对"])
    assert [(r[0], r[1]) for r in action] == [("欠款逾期", "SO2026020001")]
    record = values(workbook["付款备查"])
    assert [(r[0], r[1], r[12]) for r in record] == [
        ("已取消订单的付款", "SO2026020003", 100),
        ("退款", "SO2026020003", -100),
    ]
    # nothing to do about shipments: the sheet says so
    assert values(workbook["发货核对"])[0][0] == "没有需要处理的项目"


def test_only_counts_with_a_variance_and_gross_totals(workbook):
    rows = values(workbook["盘点差异"])
    assert [r[1:6] for r in rows[:2]] == [["P1001", "办公椅", 58, 60, 2], ["P1002", "文件柜", 100, 97, -3]]
    # found over +2 (¥200), found short −3 (−¥60), net −1 (¥140): never "1 short" alone
    assert [(r[0], r[5], r[7]) for r in rows[2:5]] == [("盘盈合计", 2, 200), ("盘亏合计", -3, -60), ("净差异", -1, 140)]
    assert "盘点明细" in rows[-1][0]
    detail = values(workbook["盘点明细"])
    assert [(r[1], r[5]) for r in detail[:3]] == [("P1002", 0), ("P1001", 2), ("P1002", -3)]
    assert [(r[0], r[5], r[7]) for r in detail[3:6]] == [
        ("盘盈合计", 2, 200),
        ("盘亏合计", -3, -60),
        ("净差异", -1, 140),
    ]


def test_summary_sheet_gross_and_split_figures(workbook):
    figures = {r[0]: r[1] for r in values(workbook["汇总"], 1) if r[0]}
    assert (figures["盘点次数"], figures["有差异的盘点"]) == (3, 2)
    assert (figures["盘盈数量"], figures["盘亏数量"], figures["净差异数量"]) == (2, -3, -1)
    assert (figures["盘盈金额"], figures["盘亏金额"], figures["净差异金额"]) == (200, -60, 140)
    assert (figures["需处理的付款问题"], figures["备查的付款记录"]) == (1, 2)
    assert not any(str(k).startswith("注意") for k in figures)  # the book passes validation


def test_terminal_gross_variance_and_split(tmp_path):
    lines = [text for text, _style in summary_lines(reconcile(book_data()))]
    assert lines[1] == (
        "库存  2 个产品，库存金额 ¥7,940.00；盘点 3 次，2 次有差异：盘盈 +2 件 ¥200.00，"
        "盘亏 -3 件 -¥60.00，净 -1 件 ¥140.00；负库存 0 个，需补货 0 个"
    )
    assert lines[2].endswith("；需处理 1 项，备查 2 项")
    en = [text for text, _style in summary_lines(reconcile(book_data()), "en")]
    assert "2 with a variance: over +2 units ¥200.00, short -3 units -¥60.00, net -1 units ¥140.00" in en[1]
    assert en[2].endswith("; 1 need action, 2 for the record")


def test_a_book_that_fails_validation_says_so_first(tmp_path):
    data = book_data()
    # a customer without phone and address: two required-missing errors
    data["customers"].append(row("customers", customer_id="C0003", name="王强"))
    rec = reconcile(data)
    lines = summary_lines(rec)
    assert lines[1] == (
        "注意  订单簿有 2 个校验错误，以下数字可能不准：先运行 orderbook validate，在原订单簿中修正",
        "bold red",
    )
    assert summary_lines(rec, "en")[1][0].startswith("Note      the order book has 2 validation errors")
    ws = openpyxl.load_workbook(write_reconciliation(rec, tmp_path / "rec.xlsx"))["汇总"]
    assert ws["A4"].value.startswith("注意：订单簿有 2 个校验错误") and ws["A4"].font.b
