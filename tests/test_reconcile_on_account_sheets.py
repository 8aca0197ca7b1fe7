"""The reconciliation workbook's 收款核销 (each payment on account, the orders it paid and how much,
what it left on account, the customer's credit) and 催收清单（按销售员） (each salesperson's list on
pages of its own: a manual page break above each salesperson's title row), worked out by hand."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest

from workbook_tools.book import OrderBook, empty_data
from workbook_tools.book import new_row as row
from workbook_tools.reconcile import reconcile_book, write_reconciliation

TODAY = date(2026, 12, 10)


def _order(data, no, customer, day, amount, salesperson=None):
    data["orders"].append(
        row("orders", order_no=no, customer_id=customer, order_date=day, status="processing", salesperson=salesperson)
    )
    data["order_lines"].append(row("order_lines", order_no=no, sku="P1", quantity=amount, unit_price=D("1.00")))


@pytest.fixture(scope="module")
def rec():
    """C0001 (现结: due on the order date) owes 5,000 (11-03), 3,000 (11-05) and 4,000 (11-01), paid 500
    on the 3,000 and two transfers on account, 6,000 on 11-30 and 7,000 on 12-01: the first pays the
    4,000 and 2,000 of the 5,000, the second the other 3,000 and the 2,500 left of the 3,000, and
    leaves 1,500 on account. C0002 and C0003 owe orders sold by 张伟, 李娜 and nobody, all past due."""
    data = empty_data()
    data["customers"] = [
        row("customers", customer_id=c, name=n, phone="13812345670", address="中山路 3 号", terms="现结")
        for c, n in (("C0001", "宁波远航"), ("C0002", "杭州明远"), ("C0003", "李娜娜"))
    ]
    data["products"] = [row("products", sku="P1", name="服务", list_price=D("1.00"), opening_stock=0)]
    for no, day, amount in (
        ("SO2026110001", date(2026, 11, 3), 5000),
        ("SO2026110002", date(2026, 11, 5), 3000),
        ("SO2026110003", date(2026, 11, 1), 4000),
    ):
        _order(data, no, "C0001", day, amount, "张伟")
    _order(data, "SO2026100001", "C0002", date(2026, 10, 1), 1000, "张伟")
    _order(data, "SO2026100002", "C0002", date(2026, 10, 15), 800, "李娜")
    _order(data, "SO2026100003", "C0002", date(2026, 10, 20), 300, "张伟")
    _order(data, "SO2026100004", "C0003", date(2026, 11, 20), 200, "李娜")
    _order(data, "SO2026100005", "C0003", date(2026, 11, 25), 100)
    data["payments"] = [
        row(
            "payments",
            customer_id="C0001",
            paid_on=date(2026, 11, 30),
            method="银行转账",
            amount=D("6000.00"),
            reference="B1",
        ),
        row(
            "payments",
            customer_id="c0001",
            paid_on=date(2026, 12, 1),
            method="银行转账",
            amount=D("7000.00"),
            reference="B2",
            notes="月结货款",
        ),
        row(
            "payments",
            order_no="SO2026110002",
            paid_on=date(2026, 11, 6),
            method="银行转账",
            amount=D("500.00"),
            reference="B3",
        ),
    ]
    return reconcile_book(OrderBook.from_data(data), today=TODAY)


@pytest.fixture(scope="module")
def path(rec, tmp_path_factory):
    return write_reconciliation(rec, tmp_path_factory.mktemp("rec") / "对账.xlsx")


def test_each_payment_on_account_with_the_orders_it_paid_and_the_credit_left(path):
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames.index("收款核销") == wb.sheetnames.index("付款备查") + 1
    ws = wb["收款核销"]
    assert [c.value for c in ws[1]] == [
        "客户编号",
        "客户名称",
        "付款日期",
        "付款金额",
        "付款方式",
        "交易流水号",
        "备注",
        "付款位置",
        "核销订单",
        "下单日期",
        "应付日期",
        "核销金额",
        "未付金额",
        "本笔未核销",
        "客户预收款余额",
    ]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    first, second = ["C0001", "宁波远航", datetime(2026, 11, 30)], ["c0001", "宁波远航", datetime(2026, 12, 1)]
    assert rows == [
        first
        + [
            6000,
            "银行转账",
            "B1",
            None,
            "付款!D2",
            "SO2026110003",
            datetime(2026, 11, 1),
            datetime(2026, 11, 1),
            4000,
            0,
            0,
            1500,
        ],
        first
        + [
            None,
            "银行转账",
            "B1",
            None,
            "付款!D2",
            "SO2026110001",
            datetime(2026, 11, 3),
            datetime(2026, 11, 3),
            2000,
            0,
            None,
            1500,
        ],
        second
        + [
            7000,
            "银行转账",
            "B2",
            "月结货款",
            "付款!D3",
            "SO2026110001",
            datetime(2026, 11, 3),
            datetime(2026, 11, 3),
            3000,
            0,
            1500,
            1500,
        ],
        second
        + [
            None,
            "银行转账",
            "B2",
            "月结货款",
            "付款!D3",
            "SO2026110002",
            datetime(2026, 11, 5),
            datetime(2026, 11, 5),
            2500,
            0,
            None,
            1500,
        ],
        ["合计", None, None, 13000, None, None, None, None, None, None, None, 11500, None, 1500, 1500],
    ]
    # money in = money allocated + money left on account, and what is left is the ageing's credit
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:O5" and ws["L2"].number_format == "#,##0.00"
    assert [c.value for c in wb["账龄"]["L"]][1] == 1500  # 预收款 of C0001


def test_the_sheet_is_left_out_without_payments_on_account(rec, tmp_path):
    data = {k: [dict(r) for r in t.rows] for k, t in rec.book.tables.items()}
    data["payments"] = data["payments"][2:]
    again = reconcile_book(OrderBook.from_data(data), today=TODAY)
    names = openpyxl.load_workbook(write_reconciliation(again, tmp_path / "r.xlsx", "en")).sheetnames
    assert "Payments on account" not in names and "Collection by salesperson" in names


def test_each_salesperson_starts_a_new_page(path):
    ws = openpyxl.load_workbook(path)["催收清单（按销售员）"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    titles = {n: r[0] for n, r in enumerate(values, 1) if r[0] and str(r[0]).startswith("销售员：")}
    # sorted by name: no salesperson, 张伟, 李娜; each block: title, header, its orders, total, a blank row
    assert titles == {
        1: "销售员：（订单未填销售员）　1 位客户逾期，合计 100.00",
        6: "销售员：张伟　1 位客户逾期，合计 1,300.00",
        12: "销售员：李娜　2 位客户逾期，合计 1,000.00",
    }
    assert values[1][:3] == ["优先级", "客户编号", "客户名称"] and "销售员" not in values[1]
    assert [(r[0], r[1], r[10], r[14]) for r in values[2:4]] == [
        (1, "C0003", "SO2026100005", 100),
        ("合计", None, None, 100),
    ]
    assert [(r[0], r[1], r[10], r[13], r[14]) for r in values[7:10]] == [
        (1, "C0002", "SO2026100001", 70, 1000),
        (1, "C0002", "SO2026100003", 51, 300),
        ("合计", None, None, None, 1300),
    ]
    # 李娜: C0002's order is 56 days past due (31–60), C0003's 20 (0–30): C0002 first
    assert [(r[0], r[1], r[10], r[13]) for r in values[13:15]] == [
        (1, "C0002", "SO2026100002", 56),
        (2, "C0003", "SO2026100004", 20),
    ]
    with zipfile.ZipFile(path) as z:
        sheet = next(
            n for n in z.namelist() if n.startswith("xl/worksheets/sheet") and "销售员：张伟" in _strings_of(z, n)
        )
        xml = z.read(sheet).decode()
    # a manual break after rows 5 and 11: the titles on rows 6 and 12 start new pages; scaled, never fit
    # to a page (which would make Excel ignore the breaks)
    assert re.findall(r'<brk id="(\d+)"[^>]*man="1"', xml) == ["5", "11"]
    assert 'rowBreaks count="2" manualBreakCount="2"' in xml and "fitToPage" not in xml


def _strings_of(z: zipfile.ZipFile, sheet: str) -> str:
    """The shared strings a sheet uses, joined (to find a sheet by its text)."""
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
    return " ".join(strings[int(i)] for i in re.findall(r'<c [^>]*t="s"[^>]*><v>(\d+)</v>', z.read(sheet).decode()))
