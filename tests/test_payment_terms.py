"""Issue 10, points 1 and 2, on hand-made books with figures worked by hand: payment terms and the
payment due date (应付日期) they give, days overdue, the receivables, ageing and collection list by
that date, prepaid orders about to ship unpaid, payment-before-order under terms, and cancelled
orders that settle to zero (已取消 / 待退款 with the amount to refund)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from workbook_tools.book import OrderBook, empty_data
from workbook_tools.book import new_row as row
from workbook_tools.config import Config, PaymentTerm
from workbook_tools.derive import derive, month_end
from workbook_tools.receivables import ageing, receivables
from workbook_tools.reconcile.collection import collection_by_salesperson, collection_list
from workbook_tools.template import write_book
from workbook_tools.validate import validate_book, validate_file

TODAY = date(2026, 12, 10)


def book(orders, shipments=(), payments=(), customer_terms=None):
    """Customers C0001 (company, ``customer_terms``) and C0002 (a person, 款到发货); product P1001 at
    1.00. Each order is a dict of order columns plus ``amount`` (its one line: amount × P1001)."""
    data = empty_data()
    data["customers"] = [
        row(
            "customers",
            customer_id="C0001",
            name="杭州明远贸易有限公司",
            phone="0571-88886666",
            address="文三路 90 号",
            terms=customer_terms,
        ),
        row(
            "customers", customer_id="C0002", name="王伟", phone="13812345678", address="解放路 1 号", terms="款到发货"
        ),
    ]
    data["products"] = [row("products", sku="P1001", name="服务", list_price=D("1.00"), opening_stock=100000)]
    data["orders"] = [row("orders", **{k: v for k, v in o.items() if k != "amount"}) for o in orders]
    data["order_lines"] = [
        row("order_lines", order_no=o["order_no"], sku="P1001", quantity=o["amount"], unit_price=D("1.00"))
        for o in orders
    ]
    data["shipments"] = [row("shipments", carrier="送货上门", **s) for s in shipments]
    data["payments"] = [row("payments", method="银行转账", **p) for p in payments]
    return data


def order(no, day, status="shipped", amount=1000, customer="C0001", **kw):
    return dict(order_no=no, customer_id=customer, order_date=day, status=status, amount=amount, **kw)


def test_month_end_sixty_days_shipped_on_september_14_is_due_on_november_30():
    data = book(
        [order("SO2026090001", date(2026, 9, 10))],
        [dict(order_no="SO2026090001", ship_date=date(2026, 9, 14))],
        customer_terms="月结60天",
    )
    d = derive(data, today=TODAY)["orders"]
    assert d["shipped_on"] == [date(2026, 9, 14)]
    assert d["pay_due"] == [date(2026, 11, 30)]
    assert d["days_overdue"] == [10]  # 2026-12-10 − 2026-11-30
    assert month_end(date(2026, 9, 14), 2) == date(2026, 11, 30)
    assert month_end(date(2026, 12, 31), 2) == date(2027, 2, 28)


def test_each_basis_of_the_default_terms():
    shipped = date(2026, 10, 20)
    orders = [
        order(f"SO20261000{n:02d}", date(2026, 10, 15), terms=t, due_date=date(2026, 10, 25))
        for n, t in enumerate(["款到发货", "现结", "货到付款", "月结30天", "月结90天", "票到30天", None], 1)
    ]
    ships = [dict(order_no=o["order_no"], ship_date=shipped) for o in orders]
    d = derive(book(orders, ships), today=TODAY)["orders"]
    # prepay and cash: the order date; cash on delivery: the first shipment; 月结30: end of November;
    # 月结90: end of January; 票到30天: shipment + 30 days; no terms at all: the 交货日期
    assert d["pay_due"] == [
        date(2026, 10, 15),
        date(2026, 10, 15),
        date(2026, 10, 20),
        date(2026, 11, 30),
        date(2027, 1, 31),
        date(2026, 11, 19),
        date(2026, 10, 25),
    ]


def test_an_unshipped_order_on_month_end_terms_is_not_due_and_not_chased():
    data = book(
        [
            order("SO2026110001", date(2026, 11, 2), status="processing", due_date=date(2026, 11, 5)),
            order("SO2026110002", date(2026, 9, 1), amount=300),
        ],
        [dict(order_no="SO2026110002", ship_date=date(2026, 9, 3))],
        customer_terms="月结30天",
    )
    derived = derive(data, today=TODAY)
    assert derived["orders"]["pay_due"] == ["", date(2026, 10, 31)]
    assert derived["orders"]["days_overdue"] == ["", 40]
    items = receivables(data, derived, Config(), as_of=TODAY)
    assert [(r.order_no, r.due_date, r.days_past_due, r.status, r.terms) for r in items] == [
        ("SO2026110001", None, 0, "processing", "月结30天"),
        ("SO2026110002", date(2026, 10, 31), 40, "shipped", "月结30天"),
    ]
    table = ageing(items)
    assert table.rows[0].amounts == (D("1000.00"), D("0.00"), D("300.00"), D("0.00"), D("0.00"))
    entries = collection_list(items)
    assert [o.order_no for e in entries for o in e.orders] == ["SO2026110002"]  # the unshipped one is not due


def test_collection_list_per_salesperson():
    data = book(
        [
            order("SO2026090001", date(2026, 9, 1), salesperson="李娜", amount=100),
            order("SO2026090002", date(2026, 9, 2), salesperson="张敏", amount=200),
            order("SO2026090003", date(2026, 9, 3), salesperson="李娜", amount=300, customer="C0002"),
        ]
    )
    items = receivables(data, derive(data, today=TODAY), Config(), as_of=TODAY)
    lists = collection_by_salesperson(items)
    assert list(lists) == ["张敏", "李娜"]
    assert [(e.customer_id, e.overdue) for e in lists["李娜"]] == [("C0001", D("100.00")), ("C0002", D("300.00"))][::-1]
    assert [e.overdue for e in lists["张敏"]] == [D("200.00")]


def test_a_cancelled_order_paid_500_shows_refund_due_500_and_owes_nothing():
    data = book(
        [
            order("SO2026110001", date(2026, 11, 1), status="cancelled", amount=800),
            order("SO2026110002", date(2026, 11, 1), status="cancelled", amount=800),
        ],
        payments=[dict(order_no="SO2026110001", paid_on=date(2026, 11, 1), amount=D("500.00"))],
    )
    d = derive(data, today=TODAY)["orders"]
    assert d["paid"] == [D("500.00"), D("0.00")]
    assert d["balance"] == [D("0.00"), D("0.00")]
    assert d["payment_status"] == ["refund_due", "cancelled"]
    assert d["refund_due"] == [D("500.00"), D("0.00")]
    assert receivables(data, derive(data, today=TODAY), Config(), as_of=TODAY) == []
    # refunded: 已取消, nothing to refund
    data["payments"].append(
        row("payments", order_no="SO2026110001", paid_on=date(2026, 11, 3), method="银行转账", amount=D("-500.00"))
    )
    d = derive(data, today=TODAY)["orders"]
    assert d["payment_status"][0] == "cancelled" and d["refund_due"][0] == D("0.00")


def test_the_written_book_shows_the_cancelled_and_refund_labels(tmp_path):
    import openpyxl

    data = book(
        [order("SO2026110001", date(2026, 11, 1), status="cancelled", amount=800)],
        payments=[dict(order_no="SO2026110001", paid_on=date(2026, 11, 1), amount=D("500.00"))],
    )
    ws = openpyxl.load_workbook(write_book(tmp_path / "b.xlsx", data, today=TODAY), data_only=True)["订单"]
    head = [c.value for c in ws[1]]
    got = dict(zip(head, [c.value for c in ws[2]]))
    assert (got["付款状态"], got["应退金额"], got["未付金额"]) == ("待退款", 500, 0)


def _codes(data, config=None, today=TODAY):
    return [
        (f.cell, f.code)
        for f in validate_book(OrderBook.from_data(data), today=today, config=config)
        if f.code in ("prepay-unpaid", "payment-before-order", "overdue", "cancelled-with-payment")
    ]


def test_a_prepaid_order_about_to_ship_unpaid_is_reported():
    data = book(
        [
            order(
                "SO2026120001",
                date(2026, 12, 8),
                status="processing",
                customer="C0002",
                due_date=TODAY + timedelta(days=3),
            ),  # reported
            order(
                "SO2026120002",
                date(2026, 12, 8),
                status="processing",
                customer="C0002",
                due_date=TODAY + timedelta(days=4),
            ),  # not yet
            order(
                "SO2026120003",
                date(2026, 12, 8),
                status="processing",
                customer="C0002",
                due_date=TODAY + timedelta(days=1),
            ),  # paid
            order(
                "SO2026120004", date(2026, 12, 8), status="processing", due_date=TODAY + timedelta(days=1)
            ),  # 月结: fine
            order("SO2026120005", date(2026, 12, 8), status="processing", terms="款到发货", due_date=TODAY),
        ],  # order's terms
        payments=[dict(order_no="SO2026120003", paid_on=date(2026, 12, 8), amount=D("1000.00"))],
        customer_terms="月结30天",
    )
    assert _codes(data) == [("订单!J2", "prepay-unpaid"), ("订单!J6", "prepay-unpaid")]
    finding = next(f for f in validate_book(OrderBook.from_data(data), today=TODAY) if f.code == "prepay-unpaid")
    assert "款到发货" in finding.message("zh") and "1000.00" in finding.message("zh")


def test_payment_before_order_honours_prepay_terms():
    early = date(2026, 11, 1)
    data = book(
        [
            order("SO2026110001", date(2026, 11, 20), customer="C0002"),  # 款到发货: within 30 days
            order("SO2026110002", date(2026, 11, 20)),  # 月结30天: any day before
            order("SO2026110003", date(2026, 11, 20), terms="款到发货"),
        ],  # the order's own terms
        [dict(order_no=f"SO202611000{n}", ship_date=date(2026, 11, 21)) for n in (1, 2, 3)],
        [dict(order_no=f"SO202611000{n}", paid_on=early, amount=D("1000.00")) for n in (1, 2, 3)],
        customer_terms="月结30天",
    )
    assert _codes(data) == [("付款!B3", "payment-before-order")]
    found = next(f for f in validate_book(OrderBook.from_data(data), today=TODAY) if f.code == "payment-before-order")
    assert "0" in found.message("zh") and "19" in found.message("zh")  # 19 days early, 0 allowed


def test_days_overdue_is_never_called_overwritten_when_the_book_is_read_another_day(tmp_path):
    data = book(
        [order("SO2026090001", date(2026, 9, 10))],
        [dict(order_no="SO2026090001", ship_date=date(2026, 9, 14))],
        customer_terms="月结60天",
    )
    path = write_book(tmp_path / "b.xlsx", data, today=TODAY)
    later = date.today() + timedelta(days=9)
    result = validate_file(path, config=Config(), today=later)
    assert [f.code for f in result.findings if f.code == "formula-overwritten"] == []


def test_terms_come_from_the_settings():
    config = Config(lists={"payment_terms": [PaymentTerm(name="月结45天", basis="month_end", months=1, days=15)]})
    data = book(
        [order("SO2026090001", date(2026, 9, 10), terms="月结45天")],
        [dict(order_no="SO2026090001", ship_date=date(2026, 9, 14))],
    )
    assert derive(data, config, TODAY)["orders"]["pay_due"] == [date(2026, 11, 15)]  # 10-31 + 15 days
    assert derive(data, None, TODAY)["orders"]["pay_due"] == [date(2026, 9, 10)]  # unknown: the order date
