"""The tools that derive a book's columns use the book's own settings: a company's own payment term
(月结45天: the end of the month after the shipment's, plus 15 days) gives the 应付日期 in the
DataFrames (frames.py) and in the database export (export/rows.py), not the defaults' (which do not
know the term, so the order falls due on its 交货日期)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import sqlalchemy as sa

from workbook_tools.book import OrderBook, empty_data
from workbook_tools.book import new_row as row
from workbook_tools.config import Config, PaymentTerm
from workbook_tools.export import export_book

OWN = Config().model_copy(deep=True)
OWN.lists.payment_terms.append(
    PaymentTerm(name="月结45天", en="Month-end 45 days", basis="month_end", months=1, days=15)
)


def book():
    """C0001 on 月结45天: SO2026090001 (交货日期 09-20) shipped 09-14 → due 10-31 + 15 = 11-15; SO2026090002
    (交货日期 09-01, shipped 10-02 → due 12-15) is older by 交货日期. A transfer of 300 on account pays the
    one due first: under 月结45天 the first (200), then 100 of the second; under the defaults (no such
    term: due on the 交货日期) the second (250), then 50 of the first."""
    data = empty_data()
    data["customers"] = [
        row(
            "customers",
            customer_id="C0001",
            name="宁波远航",
            phone="13812345670",
            address="中山路 3 号",
            terms="月结45天",
        )
    ]
    data["products"] = [row("products", sku="P1", name="服务", list_price=D("1.00"), opening_stock=1000)]
    for no, due, amount, shipped in (
        ("SO2026090001", date(2026, 9, 20), 200, date(2026, 9, 14)),
        ("SO2026090002", date(2026, 9, 1), 250, date(2026, 10, 2)),
    ):
        data["orders"].append(
            row(
                "orders", order_no=no, customer_id="C0001", order_date=date(2026, 8, 30), due_date=due, status="shipped"
            )
        )
        data["order_lines"].append(row("order_lines", order_no=no, sku="P1", quantity=amount, unit_price=D("1.00")))
        data["shipments"].append(row("shipments", order_no=no, ship_date=shipped, carrier="送货上门"))
    data["payments"] = [
        row(
            "payments",
            customer_id="C0001",
            paid_on=date(2026, 12, 1),
            method="银行转账",
            amount=D("300.00"),
            reference="B1",
        )
    ]
    return data


def test_frames_give_the_due_date_of_the_books_own_term():
    orders = OrderBook.from_data(book()).frames(config=OWN)["orders"]
    assert [d.date() for d in orders["pay_due"]] == [date(2026, 11, 15), date(2026, 12, 15)]
    assert list(orders["allocated"]) == [200.0, 100.0] and list(orders["balance"]) == [0.0, 150.0]
    defaults = OrderBook.from_data(book()).frames()["orders"]
    assert [d.date() for d in defaults["pay_due"]] == [date(2026, 9, 20), date(2026, 9, 1)]
    assert list(defaults["allocated"]) == [50.0, 250.0]


def test_the_export_writes_the_due_date_of_the_books_own_term(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    export_book(book(), url, name="宁波", config=OWN)
    with sa.create_engine(url).connect() as conn:
        got = conn.execute(sa.text("select order_no, pay_due, allocated from orders order by order_no")).all()
    assert [(no, str(due)[:10], D(str(a))) for no, due, a in got] == [
        ("SO2026090001", "2026-11-15", D("200.00")),
        ("SO2026090002", "2026-12-15", D("100.00")),
    ]
