"""Receivables as of a past day (summary/as_of.py) with money on account: the allocation as the
book stood at the end of that day — a payment to an order dated later does not move earlier money
on account to another order, and an order placed later takes none of it. Worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from workbook_tools.book import empty_data
from workbook_tools.book import new_row as row
from workbook_tools.derive import derive
from workbook_tools.summary.as_of import derived_as_of

DAY = date(2026, 11, 12)


def book(orders, payments):
    """Customer C0001 (现结: due on the order date); ``orders``: (number, order date, amount, terms)."""
    data = empty_data()
    data["customers"] = [
        row("customers", customer_id="C0001", name="宁波远航", phone="13812345670", address="中山路 3 号", terms="现结")
    ]
    data["products"] = [row("products", sku="P1", name="服务", list_price=D("1.00"), opening_stock=0)]
    for no, day, amount, terms in orders:
        data["orders"].append(
            row("orders", order_no=no, customer_id="C0001", order_date=day, status="shipped", terms=terms)
        )
        data["order_lines"].append(row("order_lines", order_no=no, sku="P1", quantity=amount, unit_price=D("1.00")))
        data["shipments"].append(row("shipments", order_no=no, ship_date=date(2026, 11, 2), carrier="送货上门"))
    data["payments"] = [row("payments", method="银行转账", **p) for p in payments]
    return data


def balances(data, day=DAY):
    return derived_as_of(data, derive(data, today=day), day)["orders"]["balance"]


def test_a_later_payment_to_an_order_does_not_move_earlier_money_on_account():
    # 100 on account on 11-05 paid the older of two orders of 100 (due 11-01, then 11-02); the customer
    # paid that order again on 11-20, so today the 100 on account pays the second: on 11-12 it was the
    # first that was paid and the second that owed 100
    data = book(
        [("SO2026110001", date(2026, 11, 1), 100, None), ("SO2026110002", date(2026, 11, 2), 100, None)],
        [
            dict(customer_id="C0001", paid_on=date(2026, 11, 5), amount=D("100.00"), reference="B1"),
            dict(order_no="SO2026110001", paid_on=date(2026, 11, 20), amount=D("100.00"), reference="B2"),
        ],
    )
    assert derive(data)["orders"]["allocated"] == [D("0.00"), D("100.00")]  # today
    assert balances(data) == [D("0.00"), D("100.00")]


def test_an_order_placed_later_takes_none_of_the_money_on_account():
    # SO2026110001 (月结30天, shipped 11-02: due 12-31) is open on 11-12; SO2026110015, placed 11-15 on
    # 现结 (due 11-15, so first in 核销顺序 today), did not exist yet: the 100 of 11-10 paid the first
    data = book(
        [("SO2026110001", date(2026, 11, 1), 100, "月结30天"), ("SO2026110015", date(2026, 11, 15), 100, None)],
        [dict(customer_id="C0001", paid_on=date(2026, 11, 10), amount=D("100.00"), reference="B1")],
    )
    assert derive(data)["orders"]["allocated"] == [D("0.00"), D("100.00")]  # today
    assert balances(data) == [D("0.00"), ""]
