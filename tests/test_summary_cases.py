"""The monthly summary on small hand-made books with known answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from workbook_tools.book import new_row
from workbook_tools.config import Config
from workbook_tools.schema import SHEETS
from workbook_tools.summary import Month, MonthError, monthly_summary, previous_month

TODAY = date(2026, 11, 27)


def rows(sheet_key: str, *items: dict) -> list[dict]:
    return [new_row(sheet_key, **item) for item in items]


def book(**sheets) -> dict:
    return {s.key: rows(s.key, *sheets.get(s.key, ())) for s in SHEETS}


def order(no, customer, ordered, due=None, status="completed", salesperson="李娜"):
    return {
        "order_no": no,
        "customer_id": customer,
        "order_date": ordered,
        "due_date": due,
        "status": status,
        "salesperson": salesperson,
    }


def line(no, sku="P1", qty=1, price="100.00", discount=None):
    return {"order_no": no, "sku": sku, "quantity": qty, "unit_price": D(price), "discount": discount}


def pay(no, day, amount, method="银行转账"):
    return {"order_no": no, "paid_on": day, "method": method, "amount": D(amount)}


def ship(no, day, delivered=None, carrier="顺丰速运", sku=None, qty=None):
    return {
        "order_no": no,
        "ship_date": day,
        "carrier": carrier,
        "tracking_no": "SF1",
        "sku": sku,
        "quantity": qty,
        "delivered_on": delivered,
    }


CUSTOMERS = [
    {"customer_id": c, "name": f"客户{c}", "province": p}
    for c, p in (("C1", "浙江省"), ("C2", "广东省"), ("C3", "浙江省"))
]
PRODUCTS = [
    {"sku": "P1", "name": "办公椅", "list_price": D("100.00"), "opening_stock": 100, "reorder_point": 5},
    {"sku": "P2", "name": "文件夹", "list_price": D("10.00"), "opening_stock": 3, "reorder_point": None},
]


def summary(data, month="2026-10", **kw):
    return monthly_summary(data, month, today=TODAY, **kw)


def test_three_orders_one_shipped_late_is_two_thirds_on_time():
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[
            order("SO1", "C1", date(2026, 10, 1), date(2026, 10, 5)),
            order("SO2", "C2", date(2026, 10, 2), date(2026, 10, 6)),
            order("SO3", "C3", date(2026, 10, 3), date(2026, 10, 4)),
        ],
        order_lines=[line("SO1"), line("SO2"), line("SO3")],
        shipments=[
            ship("SO1", date(2026, 10, 5), date(2026, 10, 7)),  # on the due date
            ship("SO2", date(2026, 10, 3), date(2026, 10, 4)),  # early
            ship("SO3", date(2026, 10, 6), None, carrier="中通快递"),
        ],
    )  # two days late
    f = summary(data).figures
    assert f["on_time_rate"].value == pytest.approx(2 / 3)
    assert f["days_to_ship"].value == pytest.approx((4 + 1 + 3) / 3)
    assert f["days_to_deliver"].value == pytest.approx((2 + 1) / 2)  # the undelivered parcel is left out
    carriers = {r["carrier"]: (r["shipments"], r["delivered"]) for r in summary(data)["by_carrier"]}
    assert carriers == {"顺丰速运": (2, 2), "中通快递": (1, 0)}


def test_first_shipment_is_the_earliest_partial_one_and_counts_in_its_month():
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[order("SO1", "C1", date(2026, 9, 28), date(2026, 10, 2))],
        order_lines=[line("SO1", qty=2)],
        shipments=[ship("SO1", date(2026, 10, 9), sku="P1", qty=1), ship("SO1", date(2026, 10, 1), sku="P1", qty=1)],
    )
    oct_, sep = summary(data), summary(data, "2026-09")
    assert oct_.figures["on_time_rate"].value == 1.0  # first parcel 10-01, due 10-02
    assert oct_.figures["days_to_ship"].value == 3.0
    assert oct_.figures["orders"].value == 0  # placed in September
    assert sep.figures["on_time_rate"].value is None  # nothing first shipped in September


def test_a_refund_reduces_the_amount_received():
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[order("SO1", "C1", date(2026, 10, 1))],
        order_lines=[line("SO1", qty=2)],
        payments=[
            pay("SO1", date(2026, 10, 5), "200.00", "微信支付"),
            pay("SO1", date(2026, 10, 20), "-30.00", "微信支付"),
            pay("SO1", date(2026, 11, 2), "5.00"),
        ],
    )
    s = summary(data)
    assert s.figures["received"].value == D("170.00")
    assert s["by_payment_method"] == [{"method": "微信支付", "payments": 2, "amount": D("170.00")}]
    assert s.figures["outstanding"].value == D("30.00")  # 200 − 170 paid by October's end
    assert summary(data, "2026-11").figures["outstanding"].value == D("25.00")


def test_first_order_in_the_month_makes_a_new_customer():
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[
            order("SO1", "C1", date(2026, 9, 10)),
            order("SO2", "C1", date(2026, 10, 3)),
            order("SO3", "C2", date(2026, 10, 4)),
            order("SO4", "C2", date(2026, 10, 20)),
            order("SO5", "C3", date(2026, 10, 21), status="cancelled"),
        ],
        order_lines=[line(n) for n in ("SO1", "SO2", "SO3", "SO4", "SO5")],
    )
    f = summary(data).figures
    assert (f["new_customers"].value, f["returning_customers"].value) == (2, 1)  # C2 and C3 new; C1 returning
    assert (f["new_customers"].previous, f["returning_customers"].previous) == (1, 0)


def test_cancelled_orders_count_as_orders_but_not_as_revenue():
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[
            order("SO1", "C1", date(2026, 10, 1)),
            order("SO2", "C2", date(2026, 10, 2)),
            order("SO3", "C3", date(2026, 10, 3), status="cancelled"),
        ],
        order_lines=[
            line("SO1", qty=3),
            line("SO2", sku="P2", price="50.00", discount=D("0.1")),
            line("SO2"),
            line("SO3", qty=9),
        ],
    )
    s = summary(data)
    f = s.figures
    assert (f["orders"].value, f["order_lines"].value, f["cancelled_orders"].value) == (3, 4, 1)
    assert f["revenue"].value == D("445.00")  # 300 + 45 + 100
    assert f["average_order_value"].value == D("222.50")
    assert f["outstanding"].value == D("445.00")  # the cancelled order owes nothing
    assert {r["status"]: r["orders"] for r in s["orders_by_status"]}["cancelled"] == 1
    assert [(r["sku"], r["quantity"], r["revenue"]) for r in s["top_products_by_revenue"]] == [
        ("P1", 4, D("400.00")),
        ("P2", 1, D("45.00")),
    ]
    assert [(r["customer_id"], r["revenue"], r["share"]) for r in s["top_customers"]] == [
        ("C1", D("300.00"), pytest.approx(300 / 445)),
        ("C2", D("145.00"), pytest.approx(145 / 445)),
    ]
    assert [(r["province"], r["customers"], r["revenue"]) for r in s["by_province"]] == [
        ("浙江省", 1, D("300.00")),
        ("广东省", 1, D("145.00")),
    ]


def test_outstanding_at_month_end_ignores_later_orders_and_payments_and_overpayments():
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[
            order("SO1", "C1", date(2026, 10, 1), date(2026, 10, 1)),
            order("SO2", "C2", date(2026, 10, 2)),
            order("SO3", "C3", date(2026, 11, 2)),
        ],
        order_lines=[line("SO1", qty=10), line("SO2"), line("SO3")],
        payments=[
            pay("so1", date(2026, 10, 10), "400.00"),  # keys match case-insensitively
            pay("SO1", date(2026, 11, 3), "600.00"),
            pay("SO2", date(2026, 10, 2), "150.00"),
        ],
    )  # overpaid by 50: counts 0
    oct_, nov = summary(data), summary(data, "2026-11")
    assert oct_.figures["outstanding"].value == D("600.00")
    assert oct_.ageing.grand_total == D("600.00") and oct_.ageing.rows[0].customer_id == "C1"
    assert oct_.ageing.rows[0].max_days == 30  # due 10-01, as of 10-31
    assert oct_.ageing.totals == (D(0), D("600.00"), D(0), D(0), D(0))
    assert nov.figures["outstanding"].value == D("100.00")  # SO3 only
    assert nov.figures["outstanding"].previous == D("600.00")
    assert nov.as_of == TODAY and oct_.as_of == date(2026, 10, 31)


def test_months_before_the_book_have_no_figures_and_no_change():
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[order("SO1", "C1", date(2026, 10, 15))],
        order_lines=[line("SO1")],
    )
    s = summary(data)
    f = s.figures["revenue"]
    assert (f.value, f.previous, f.last_year, f.change_previous, f.change_last_year) == (
        D("100.00"),
        None,
        None,
        None,
        None,
    )
    assert [r["orders"] for r in s["monthly"]] == [None] * 11 + [1]
    nov = summary(data, "2026-11")
    assert nov.figures["revenue"].value == D("0.00") and nov.figures["revenue"].previous == D("100.00")
    assert nov.figures["revenue"].change_previous == -1.0
    assert nov.figures["average_order_value"].value is None and nov.figures["on_time_rate"].value is None


def test_unresolved_problems_and_low_stock():
    log = [
        {
            "order_no": "SO1",
            "status": "processing",
            "timestamp": datetime(2026, 10, 3, 9, 0),
            "issue": "缺货",
            "handled_by": "张敏",
        },
        {
            "order_no": "SO1",
            "status": "processing",
            "timestamp": datetime(2026, 10, 4, 9, 0),
            "issue": "地址错误",
            "resolution": "已电话确认",
        },
        {"order_no": "SO1", "status": "processing", "timestamp": datetime(2026, 11, 4, 9, 0), "issue": "延迟发货"},
    ]
    data = book(
        customers=CUSTOMERS,
        products=PRODUCTS,
        orders=[order("SO1", "C1", date(2026, 10, 1), status="processing")],
        order_lines=[line("SO1", sku="P1", qty=2)],
        status_log=log,
    )
    s = summary(data)
    assert [(r["issue"], r["days_open"], r["customer_name"], r["status"]) for r in s["unresolved_problems"]] == [
        ("缺货", 28, "客户C1", "processing")
    ]
    assert [r["issue"] for r in summary(data, "2026-11")["unresolved_problems"]] == ["缺货", "延迟发货"]
    # P2: 3 on hand, no reorder point -> the default 10; P1: 100 on hand (nothing shipped), point 5
    assert s["low_stock"] == [{"sku": "P2", "name": "文件夹", "on_hand": 3, "reorder_point": 10, "shortfall": 7}]
    config = Config.model_validate({"thresholds": {"low_stock_default": 2}})
    assert summary(data, config=config)["low_stock"] == []


def test_months_parse_and_a_month_not_begun_is_refused():
    assert Month.parse("2026-10") == Month.parse("2026/10") == Month.parse("2026年10月") == Month(2026, 10)
    assert str(Month(2026, 1).shift(-1)) == "2025-12" and Month(2024, 2).last == date(2024, 2, 29)
    assert previous_month(date(2026, 1, 1)) == Month(2025, 12)
    for bad in ("2026-13", "10/2026", "", "2026-1-1"):
        with pytest.raises(MonthError):
            Month.parse(bad)
    with pytest.raises(MonthError, match="has not begun"):
        summary(book(), "2026-12")
    empty = summary(book(), "2026-11")
    assert all(f.value is None for f in empty.figures.values())
    assert empty["daily"][0] == {"date": date(2026, 11, 1), "orders": 0, "revenue": D(0)}
