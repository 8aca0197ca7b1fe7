"""Issue 10, point 3: payments on account (a 付款 row naming a customer, order blank), allocated to
the customer's open orders oldest due first (or memo-named first), on 订单's 已付金额 and in Python
alike; which payment paid what (receivables.allocate); the credit left over in the ageing; and a
customer-level payments CSV imported through a mapping, no code of the user's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from import_helpers import TODAY as IMPORT_TODAY
from import_helpers import rows_of, write_csv

from workbook_tools.book import OrderBook, empty_data
from workbook_tools.book import new_row as row
from workbook_tools.config import Config, Receivables
from workbook_tools.derive import derive
from workbook_tools.importer import import_rows
from workbook_tools.read import read_book
from workbook_tools.receivables import ageing, allocate, credits, receivables
from workbook_tools.template import write_book
from workbook_tools.validate import validate_book

TODAY = date(2026, 12, 10)


def book(amounts_and_days, payments, terms="现结"):
    """Customer C0001 on ``terms``; one order per ``(amount, order day)``, SO2026110001 … in that
    sheet order, each one line of amount × P1 at 1.00; ``payments``: payment columns."""
    data = empty_data()
    data["customers"] = [
        row("customers", customer_id="C0001", name="宁波远航", phone="13812345670", address="中山路 3 号", terms=terms)
    ]
    data["products"] = [row("products", sku="P1", name="服务", list_price=D("1.00"), opening_stock=0)]
    for n, (amount, day) in enumerate(amounts_and_days, 1):
        no = f"SO20261100{n:02d}"
        data["orders"].append(row("orders", order_no=no, customer_id="C0001", order_date=day, status="completed"))
        data["order_lines"].append(row("order_lines", order_no=no, sku="P1", quantity=amount, unit_price=D("1.00")))
    data["payments"] = [row("payments", method="银行转账", **p) for p in payments]
    return data


# 4,000 due 11-01, 5,000 due 11-03, 3,000 due 11-05 (现结: due on the order date), listed 5,000 / 3,000 / 4,000
THREE = [(5000, date(2026, 11, 3)), (3000, date(2026, 11, 5)), (4000, date(2026, 11, 1))]
TRANSFER = dict(customer_id="C0001", paid_on=date(2026, 11, 30), amount=D("10000.00"), reference="B1")


def test_a_transfer_of_10000_over_4000_5000_3000_leaves_2000_open_on_the_third():
    data = book(THREE, [TRANSFER])
    d = derive(data, today=TODAY)["orders"]
    assert d["allocated"] == [D("5000.00"), D("1000.00"), D("4000.00")]
    assert d["paid"] == [D("5000.00"), D("1000.00"), D("4000.00")]
    assert d["balance"] == [D("0.00"), D("2000.00"), D("0.00")]
    assert d["payment_status"] == ["paid", "partial", "paid"]
    # no required-missing for the blank order, no overpaid, no unknown order
    assert [f.code for f in validate_book(OrderBook.from_data(data), today=TODAY) if f.sheet == "payments"] == []


def test_allocate_says_which_payment_paid_which_order_and_the_credit_left():
    data = book(
        THREE,
        [
            dict(TRANSFER, amount=D("6000.00")),
            dict(customer_id="c0001", paid_on=date(2026, 12, 1), amount=D("7000.00"), reference="B2"),
            dict(order_no="SO2026110002", paid_on=date(2026, 11, 6), amount=D("500.00"), reference="B3"),
        ],
    )
    derived = derive(data, today=TODAY)
    # own payment 500 on the 3,000: open 4,000 / 5,000 / 2,500 take 11,500 of the 13,000 on account
    assert derived["orders"]["allocated"] == [D("5000.00"), D("2500.00"), D("4000.00")]
    alloc = allocate(data, derived, Config())
    first, second = alloc.payments
    assert [(s.order_no, s.amount) for s in first.shares] == [
        ("SO2026110003", D("4000.00")),
        ("SO2026110001", D("2000.00")),
    ]
    assert first.unallocated == D("0.00")
    assert [(s.order_no, s.amount) for s in second.shares] == [
        ("SO2026110001", D("3000.00")),
        ("SO2026110002", D("2500.00")),
    ]
    assert second.unallocated == D("1500.00")
    assert alloc.credit_of("C0001") == D("1500.00")
    assert [(p.index, a) for p, a in alloc.of_order(0)] == [(0, D("2000.00")), (1, D("3000.00"))]
    # the ageing: nothing owed, a credit of 1,500 on the customer's row
    table = ageing(receivables(data, derived, Config(), as_of=TODAY), credit=credits(data, alloc))
    assert [(r.customer_id, r.total, r.credit, r.net) for r in table.rows] == [
        ("C0001", D("0.00"), D("1500.00"), D("-1500.00"))
    ]
    assert table.credit_total == D("1500.00") and table.net_total == D("-1500.00")


def test_orders_not_due_yet_are_paid_last_and_cancelled_ones_never():
    data = book(
        [(100, date(2026, 11, 20)), (200, date(2026, 11, 2)), (300, date(2026, 11, 1))],
        [dict(TRANSFER, amount=D("250.00"))],
        terms="月结30天",
    )
    data["orders"][2]["status"] = "cancelled"
    data["shipments"] = [row("shipments", order_no="SO2026110001", ship_date=date(2026, 11, 21), carrier="自提")]
    d = derive(data, today=TODAY)["orders"]
    # SO…01 shipped (due 12-31) first; SO…02 not shipped, not due: the rest; the cancelled one nothing
    assert d["pay_due"] == [date(2026, 12, 31), "", ""]
    assert d["allocated"] == [D("100.00"), D("150.00"), D("0.00")]
    assert d["balance"] == [D("0.00"), D("50.00"), D("0.00")]


def test_memo_allocation_pays_the_orders_a_memo_names_first():
    payments = [dict(TRANSFER, amount=D("3000.00"), notes="付 SO2026110002 货款")]
    oldest = derive(book(THREE, payments), today=TODAY)["orders"]["allocated"]
    memo = derive(book(THREE, payments), Config(receivables=Receivables(allocation="memo")), TODAY)["orders"][
        "allocated"
    ]
    assert oldest == [D("0.00"), D("0.00"), D("3000.00")]
    assert memo == [D("0.00"), D("3000.00"), D("0.00")]


def test_the_written_book_shows_the_allocation_on_the_orders_sheet(tmp_path):
    import openpyxl

    path = write_book(tmp_path / "b.xlsx", book(THREE, [TRANSFER]), today=TODAY)
    ws = openpyxl.load_workbook(path, data_only=True)["订单"]
    head = [c.value for c in ws[1]]
    got = [dict(zip(head, [c.value for c in r])) for r in ws.iter_rows(min_row=2, max_row=4)]
    assert [(g["已付金额"], g["核销金额"], g["未付金额"]) for g in got] == [
        (5000, 5000, 0),
        (1000, 1000, 2000),
        (4000, 4000, 0),
    ]


CUSTOMER_PAYMENTS = """
[[target]]
sheet = "payments"
files = ["*.csv"]
[target.columns]
"客户代码" = "customer_id"
"收款日期" = "paid_on"
"金额" = "amount"
"支票号" = "reference"
[target.fields]
method = { constant = "银行转账" }
notes = { template = "支票 {支票号}" }
"""


def test_a_customer_level_payments_csv_imports_through_a_mapping(tmp_path):
    data = book(THREE, [])
    path = write_book(tmp_path / "book.xlsx", data, today=IMPORT_TODAY)
    src = write_csv(
        tmp_path / "cheques.csv",
        ["客户代码", "收款日期", "金额", "支票号"],
        [
            ["C0001", "2026-11-30", "10000.00", "CHK0001"],
            ["C0001", "2026-12-01", "1500.00", "CHK0002"],
        ],
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(CUSTOMER_PAYMENTS, encoding="utf-8")
    result = import_rows(src, path, mapping=mapping, today=IMPORT_TODAY)
    assert result.rejects == []
    pays = rows_of(path, "payments")
    assert [(p["order_no"], p["customer_id"], p["amount"], p["reference"]) for p in pays] == [
        (None, "C0001", D("10000.00"), "CHK0001"),
        (None, "C0001", D("1500.00"), "CHK0002"),
    ]
    after = read_book(path).data()
    d = derive(after, today=TODAY)["orders"]
    assert d["balance"] == [D("0.00"), D("500.00"), D("0.00")]  # 11,500 over 12,000


def _statement(tmp_path, *lines):
    path = tmp_path / "流水.csv"
    text = "交易日期,摘要,收入金额,支出金额,对方户名,交易流水号\n" + "".join(f"{ln}\n" for ln in lines)
    path.write_text(text, encoding="utf-8")
    return path


def test_bank_matching_finds_the_customer_of_a_transfer_for_several_orders(tmp_path):
    from workbook_tools.reconcile import reconcile_book

    data = book(THREE, [])
    st = _statement(
        tmp_path,
        "2026-12-01,货款,9000.00,,某某贸易,B9",  # 4,000 + 5,000: the two oldest open balances
        "2026-12-02,货款,123.45,,宁波远航有限公司,B10",  # the payer is the customer
        "2026-12-03,货款,77.00,,别人,B11",
    )  # nobody's
    rec = reconcile_book(OrderBook.from_data(data), today=TODAY, bank_statement=st)
    got = [(m.line.credit, m.customer_id, m.how, m.orders) for m in rec.bank.customer_matches]
    assert got == [
        (D("9000.00"), "C0001", "open_balances", ("SO2026110003", "SO2026110001")),
        (D("123.45"), "C0001", "payer", ("SO2026110003", "SO2026110001", "SO2026110002")),
    ]
    # recorded as a payment on account, the transfer matches it by amount and the customer's name
    data["payments"] = [
        row("payments", customer_id="C0001", paid_on=date(2026, 12, 2), method="银行转账", amount=D("123.45"))
    ]
    rec = reconcile_book(OrderBook.from_data(data), today=TODAY, bank_statement=st)
    assert [(m.line.credit, m.payment, m.how) for m in rec.bank.matches] == [(D("123.45"), 0, "amount_date_name")]
