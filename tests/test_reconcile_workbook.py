"""The reconciliation workbook: sheets, headers, numbers as numbers, frozen panes, filters; LibreOffice opens it."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from conftest import needs_soffice
from reconcile_cases import TODAY, small_book

from workbook_tools.book import OrderBook
from workbook_tools.demo import generate_demo
from workbook_tools.libreoffice import convert
from workbook_tools.reconcile import reconcile_book, write_reconciliation

ZH = [
    "汇总",
    "库存台账",
    "盘点差异",
    "盘点明细",
    "付款核对",
    "付款备查",
    "发货核对",
    "发货备查",
    "账龄",
    "催收清单",
    "催收清单（按销售员）",
    "银行对账",
    "问题清单",
]
EN = [
    "Summary",
    "Stock ledger",
    "Stocktake",
    "Stocktake detail",
    "Payments",
    "Payments, record",
    "Shipments",
    "Shipments, record",
    "Ageing",
    "Collection list",
    "Collection by salesperson",
    "Bank",
    "Findings",
]
STATEMENT = (
    "交易日期,收入金额,支出金额,对方户名,摘要,交易流水号\n2026-01-05,200.00,,杭州明远贸易有限公司,货款,6222000011112222\n"
    "2026-02-25,3.21,,,利息,\n"
)


@pytest.fixture
def rec(tmp_path):
    data = small_book()
    data["orders"][2]["due_date"] = date(2026, 2, 26)
    statement = tmp_path / "流水.csv"
    statement.write_bytes(STATEMENT.encode("gbk"))
    return reconcile_book(OrderBook.from_data(data, path=Path("book.xlsx")), today=TODAY, bank_statement=statement)


def test_sheets_in_both_languages(tmp_path, rec):
    assert openpyxl.load_workbook(write_reconciliation(rec, tmp_path / "zh.xlsx")).sheetnames == ZH
    assert openpyxl.load_workbook(write_reconciliation(rec, tmp_path / "en.xlsx", "en")).sheetnames == EN
    rec.bank = None
    assert "银行对账" not in openpyxl.load_workbook(write_reconciliation(rec, tmp_path / "nobank.xlsx")).sheetnames
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.xlsx", "nobank.xlsx", "zh.xlsx", "流水.csv"]


def test_tables_have_headers_numbers_dates_frozen_panes_and_filters(tmp_path, rec):
    wb = openpyxl.load_workbook(write_reconciliation(rec, tmp_path / "rec.xlsx"))
    ws = wb["账龄"]
    assert [c.value for c in ws[1]] == [
        "客户编号",
        "客户名称",
        "联系人",
        "电话",
        "订单数",
        "未到期",
        "0–30天",
        "31–60天",
        "61–90天",
        "90天以上",
        "合计",
        "预收款",
        "净欠款",
    ]
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:M3"
    assert [c.value for c in ws[2]] == [
        "C0001",
        "杭州明远贸易有限公司",
        "王伟",
        "0571-88886666",
        1,
        0,
        20,
        0,
        0,
        0,
        20,
        0,
        20,
    ]
    assert [c.value for c in ws[3]][5:] == [0, 40, 0, 0, 0, 40, 0, 40]
    assert [c.value for c in ws[4]] == ["合计", None, None, None, 2, 0, 60, 0, 0, 0, 60, 0, 60]
    assert ws["G3"].number_format == "#,##0.00" and ws["A1"].font.b

    ws = wb["催收清单"]
    head = [c.value for c in ws[1]]
    first = dict(zip(head, [c.value for c in ws[2]]))
    assert (first["优先级"], first["客户编号"], first["订单编号"], first["未付金额"], first["逾期天数"]) == (
        1,
        "C0002",
        "SO2026020001",
        40,
        2,
    )
    # no terms: the payment falls due on the 交货日期
    assert (
        first["应付日期"] == datetime(2026, 2, 27)
        and ws.cell(2, head.index("应付日期") + 1).number_format == "yyyy-mm-dd"
    )
    assert (first["订单状态"], first["付款条件"]) == ("处理中", None)

    ws = wb["付款核对"]
    kinds = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert kinds == ["欠款逾期", "欠款逾期"] and ws.cell(2, 1).fill.fgColor.rgb.endswith("FFEB9C")

    ws = wb["银行对账"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, values_only=False)]
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("银行收款无对应付款", 3, 3.21),
        ("付款未在银行流水中", None, None),
        ("已匹配：流水号", 2, 200),
    ]
    assert rows[1][8:] == ["SO2026020001", datetime(2026, 2, 20), 20, "支付宝", None, "付款!D3"]
    assert rows[2][8:] == ["SO2026010001", datetime(2026, 1, 5), 200, "银行转账", 0, "付款!D2"]

    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["未收金额合计"] == 60 and summary["逾期金额"] == 60 and summary["文件编码"] == "GBK / GB18030"
    assert summary["欠款逾期"] == 2  # the discrepancy table: title → count
    findings = [[c.value for c in r] for r in wb["问题清单"].iter_rows(min_row=2)]
    assert {(r[2], r[6]) for r in findings} == {
        ("订单!J3", "unpaid-past-due"),
        ("订单!J4", "unpaid-past-due"),
        ("流水.csv!B3", "bank-line-unmatched"),
        ("付款!D3", "payment-not-in-bank"),
    }


def test_money_is_written_to_the_cent(tmp_path):
    data = small_book()
    data["order_lines"][1]["unit_price"] = D("33.33")  # 3 × 33.33 = 99.99 − 20.00 paid = 79.99
    rec = reconcile_book(OrderBook.from_data(data), today=TODAY)
    ws = openpyxl.load_workbook(write_reconciliation(rec, tmp_path / "rec.xlsx"))["付款核对"]
    row = [c.value for c in ws[2]]
    assert row[1] == "SO2026020001" and row[4:7] == [99.99, 20, 79.99]


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_opens_the_reconciliation_workbook(tmp_path):
    """One conversion for the suite: the demo's reconciliation, every sheet, to PDF; then a picture of page 1."""
    today = date(2026, 11, 27)
    rec = reconcile_book(OrderBook.from_data(generate_demo(300, seed=2, today=today)), today=today)
    path = write_reconciliation(rec, tmp_path / "对账.xlsx")
    pdf = convert(path, tmp_path, "pdf")
    assert pdf.stat().st_size > 10_000
    head = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    if head.returncode == 0:
        pages = int(next(ln.split()[-1] for ln in head.stdout.splitlines() if ln.startswith("Pages:")))
        assert pages >= 8  # a page at least per sheet
