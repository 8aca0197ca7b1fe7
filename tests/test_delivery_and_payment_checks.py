"""Issue 10, points 5 and 6, on hand-made books: deliveries without a carrier's tracking number
(送货上门, 自提, 物流专线), a delivery dated before its shipment, payments dated long before their
order, an overpayment reported at the payment that caused it, and days to pay that ignore payments
dated before their order."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from workbook_tools.book import OrderBook, empty_data
from workbook_tools.book import new_row as row
from workbook_tools.config import Config, Thresholds, load_config
from workbook_tools.customers import customer_history
from workbook_tools.demo import generate_demo
from workbook_tools.schema import SHEETS
from workbook_tools.validate import payments as payment_rules
from workbook_tools.validate import validate_book, validate_file
from workbook_tools.validate.row import REQUIRED_IF

TODAY = date(2026, 3, 1)
D0 = date(2026, 2, 1)


def book(orders=(), shipments=(), payments=()):
    """Customer C0001; product P1001 at 100.00 (stock 100); each order ``(no, date, status, qty)``
    with one line of ``qty`` × P1001 (total qty × 100.00)."""
    data = empty_data()
    data["customers"] = [
        row(
            "customers", customer_id="C0001", name="杭州明远贸易有限公司", phone="0571-88886666", address="文三路 90 号"
        )
    ]
    data["products"] = [row("products", sku="P1001", name="办公椅", list_price=D("100.00"), opening_stock=100)]
    data["orders"] = [
        row("orders", order_no=no, customer_id="C0001", order_date=d, status=st) for no, d, st, _ in orders
    ]
    data["order_lines"] = [
        row("order_lines", order_no=no, sku="P1001", quantity=q, unit_price=D("100.00")) for no, _, _, q in orders
    ]
    data["shipments"] = [row("shipments", **s) for s in shipments]
    data["payments"] = [row("payments", **p) for p in payments]
    return data


def findings(data, config=None):
    return validate_book(OrderBook.from_data(data), today=TODAY, config=config)


def cells(data, config=None):
    return [(f.cell, f.code) for f in findings(data, config)]


def ship(no="SO2026020001", day=D0 + timedelta(days=1), carrier="顺丰速运", tracking=None, delivered=None):
    return dict(order_no=no, ship_date=day, carrier=carrier, tracking_no=tracking, delivered_on=delivered)


def pay(amount, day, no="SO2026020001", method="银行转账"):
    return dict(order_no=no, paid_on=day, method=method, amount=D(amount))


ONE_SHIPPED = [("SO2026020001", D0, "shipped", 2)]


# --- 5. delivery without a carrier's tracking number ----------------------------------------------


def test_the_default_carriers_include_deliveries_without_tracking():
    carriers = {c.name: c for c in Config().lists.carriers}
    assert [(n, carriers[n].en, carriers[n].needs_tracking) for n in ("送货上门", "自提", "物流专线")] == [
        ("送货上门", "Own delivery", False),
        ("自提", "Customer pickup", False),
        ("物流专线", "Freight line", False),
    ]
    assert all(c.needs_tracking for c in carriers.values() if c.name not in ("送货上门", "自提", "物流专线"))
    assert list(carriers)[-1] == "其他"  # still last in the dropdown


@pytest.mark.parametrize("carrier", ["送货上门", "自提", "物流专线"])
def test_a_shipment_without_tracking_number_by_a_carrier_that_needs_none_is_clean(carrier):
    assert cells(book(ONE_SHIPPED, [ship(carrier=carrier, delivered=D0 + timedelta(days=1))])) == []


def test_a_carrier_that_issues_numbers_still_needs_one():
    data = book(
        [("SO2026020001", D0, "shipped", 2), ("SO2026020002", D0, "shipped", 1)],
        [ship(carrier="自提"), ship("SO2026020002", carrier="顺丰速运")],
    )
    assert cells(data) == [("发货!D3", "required-missing")]
    assert findings(data)[0].message("zh") == "“物流单号”必须填写"


def test_a_blank_carrier_leaves_the_tracking_number_required():
    assert cells(book(ONE_SHIPPED, [ship(carrier=None)])) == [
        ("发货!C2", "required-missing"),
        ("发货!D2", "required-missing"),
    ]


def test_a_waybill_number_typed_for_a_freight_line_is_kept_and_not_checked():
    data = book(ONE_SHIPPED, [ship(carrier="物流专线", tracking="ZX-0001")])
    assert cells(data) == []


def test_the_settings_say_which_carriers_need_a_number(tmp_path):
    toml = tmp_path / "orderbook.toml"
    toml.write_text(
        '[[lists.carriers]]\nname = "顺丰速运"\ntracking = "^SF\\\\d{12,13}$"\n\n'
        '[[lists.carriers]]\nname = "同城配送"\nen = "City courier"\nneeds_tracking = false\n\n'
        '[[lists.carriers]]\nname = "自提"\n',
        encoding="utf-8",
    )
    config = load_config(toml)
    data = book(
        [("SO2026020001", D0, "shipped", 1), ("SO2026020002", D0, "shipped", 1)],
        [ship(carrier="同城配送"), ship("SO2026020002", carrier="自提")],
    )
    # 自提 without needs_tracking = false in this company's settings needs a number like any carrier
    assert cells(data, config) == [("发货!D3", "required-missing")]
    # the defaults know no 同城配送: not in the list, and, like any carrier not known to need none, it needs a number
    assert cells(data) == [("发货!C2", "not-in-list"), ("发货!D2", "required-missing")]


def test_every_conditional_requirement_of_the_schema_has_its_rule():
    conditional = {(s.key, c.key): c.required_if for s in SHEETS for c in s.columns if c.required_if}
    assert conditional == {
        ("shipments", "tracking_no"): "carrier_needs_tracking",
        ("payments", "order_no"): "payment_without_customer",
    }
    assert set(conditional.values()) <= set(REQUIRED_IF)
    assert not any(c.required for s in SHEETS for c in s.columns if c.required_if)


def test_a_book_written_and_read_back_checks_the_same(tmp_path):
    from workbook_tools.template import write_book

    data = book(
        [("SO2026020001", D0, "shipped", 1), ("SO2026020002", D0, "shipped", 1)],
        [ship(carrier="送货上门", delivered=D0 + timedelta(days=1)), ship("SO2026020002", carrier="韵达快递")],
    )
    path = write_book(tmp_path / "簿.xlsx", data, today=TODAY)
    result = validate_file(path, config=Config(), today=TODAY)
    assert [(f.cell, f.code) for f in result.findings] == [("发货!D3", "required-missing")]


def test_the_demo_delivers_some_orders_itself_or_has_them_collected():
    data = generate_demo(300, seed=1, today=date(2026, 11, 27))
    local = [s for s in data["shipments"] if s["tracking_no"] is None]
    assert {s["carrier"] for s in local} == {"送货上门", "自提"}
    assert all(s["sku"] is None and s["notes"] in ("公司货车送货上门", "客户到仓库自提") for s in local)
    assert all(s["tracking_no"] for s in data["shipments"] if s["carrier"] not in ("送货上门", "自提"))
    shipments = OrderBook.from_data(data)["shipments"].name
    assert [f for f in validate_book(OrderBook.from_data(data), today=date(2026, 11, 27)) if f.sheet == shipments] == []


# --- 6. the missing checks --------------------------------------------------------------------------


def test_a_delivery_dated_before_its_shipment():
    data = book(
        [("SO2026020001", D0, "shipped", 2), ("SO2026020002", D0, "shipped", 1), ("SO2026020003", D0, "shipped", 1)],
        [
            ship(tracking="SF1234567890123", day=D0 + timedelta(days=2), delivered=D0 + timedelta(days=3)),
            ship(
                "SO2026020002", tracking="SF1234567890124", day=D0 + timedelta(days=5), delivered=D0 + timedelta(days=3)
            ),
            ship("SO2026020003", carrier="自提", day=D0 + timedelta(days=4), delivered=D0 + timedelta(days=4)),
        ],
    )
    found = findings(data)
    assert [(f.cell, f.code) for f in found] == [("发货!G3", "delivered-before-shipped")]
    assert found[0].severity == "error"
    assert found[0].message("zh") == "签收日期 2026-02-04 早于发货日期 2026-02-06"
    assert found[0].message("en") == "Delivered on 2026-02-04, before the ship date 2026-02-06"


def test_a_payment_long_before_its_order():
    orders = [("SO2026020001", D0, "processing", 2), ("SO2026020002", D0 + timedelta(days=5), "processing", 1)]
    data = book(
        orders,
        payments=[
            pay("200.00", D0 - timedelta(days=30)),  # 30 days: an advance payment
            pay("50.00", D0 - timedelta(days=35), "SO2026020002"),
        ],
    )  # 40 days before
    found = findings(data)
    assert [(f.cell, f.code) for f in found] == [("付款!B3", "payment-before-order")]
    assert found[0].severity == "warning"
    assert found[0].message("zh") == (
        "付款日期 2025-12-28 比订单“SO2026020002”的下单日期 2026-02-06 早 40 天（预付款最多提前 30 天）"
    )
    assert found[0].message("en") == (
        "Payment dated 2025-12-28 is 40 days before order 'SO2026020002' was placed "
        "(2026-02-06; advance payments come at most 30 days ahead)"
    )


def test_how_far_ahead_a_payment_may_come_is_a_setting():
    data = book([("SO2026020001", D0, "processing", 2)], payments=[pay("200.00", D0 - timedelta(days=1))])
    assert cells(data) == []
    assert cells(data, Config(thresholds=Thresholds(prepay_days=0))) == [("付款!B2", "payment-before-order")]


def test_the_prepay_hook_decides_per_order(monkeypatch):
    """Where payment terms will plug in: an order on prepay terms keeps the allowance, others get 0."""
    monkeypatch.setattr(
        payment_rules,
        "prepay_allowance_days",
        lambda ctx, order: ctx.config.thresholds.prepay_days if order["order_no"].endswith("1") else 0,
    )
    orders = [("SO2026020001", D0, "processing", 1), ("SO2026020002", D0, "processing", 1)]
    data = book(
        orders, payments=[pay("100.00", D0 - timedelta(days=3)), pay("100.00", D0 - timedelta(days=3), "SO2026020002")]
    )
    assert cells(data) == [("付款!B3", "payment-before-order")]


def test_an_overpayment_is_reported_at_the_payment_that_caused_it_and_on_the_order():
    data = book(
        [("SO2026020001", D0, "processing", 10)],  # 1,000.00
        payments=[pay("600.00", D0 + timedelta(days=1)), pay("500.00", D0 + timedelta(days=5))],
    )
    found = findings(data)
    assert [(f.cell, f.code) for f in found] == [("订单!I2", "overpaid"), ("付款!D3", "overpaid")]
    assert [f.message("zh") for f in found] == ["订单“SO2026020001”收款 1100.00 超过订单金额 1000.00"] * 2


def test_the_payment_that_went_over_is_the_row_entered_last_whatever_its_date():
    """A payment booked late, or to the wrong order, is the row added after the order was paid."""
    data = book(
        [("SO2026020001", D0, "processing", 10), ("SO2026020002", D0, "processing", 1)],
        payments=[
            pay("1000.00", D0 + timedelta(days=5)),
            pay("100.00", D0 + timedelta(days=1), "SO2026020002"),
            pay("100.00", D0 + timedelta(days=1)),
        ],
    )  # SO…0002's payment booked to SO…0001 again
    assert cells(data) == [("订单!I2", "overpaid"), ("付款!D4", "overpaid")]


def test_an_excess_refunded_and_paid_again_is_the_later_payments():
    payments = [
        pay("600.00", D0 + timedelta(days=1)),
        pay("500.00", D0 + timedelta(days=2)),
        pay("-100.00", D0 + timedelta(days=3)),
        pay("50.00", D0 + timedelta(days=4)),
    ]
    data = book([("SO2026020001", D0, "processing", 10)], payments=payments)
    assert cells(data) == [("订单!I2", "overpaid"), ("付款!D5", "overpaid")]
    data["payments"].pop()  # the excess refunded: settled, nothing to report
    assert cells(data) == []


def test_days_to_pay_ignore_payments_dated_before_their_order():
    data = book(
        [
            ("SO2026020001", D0, "completed", 10),  # 1,000.00
            ("SO2026020002", D0, "completed", 5),  # 500.00
            ("SO2026020003", D0 + timedelta(days=10), "completed", 3),
        ],  # 300.00
        payments=[
            pay("1000.00", D0 - timedelta(days=365)),  # the year mistyped: left out
            pay("500.00", D0 + timedelta(days=7), "SO2026020002"),
            pay("300.00", D0 + timedelta(days=14), "SO2026020003"),
        ],
    )
    [p] = customer_history(data, today=TODAY)
    # before: (−365 + 7 + 4) / 3 = −118.0 over 3 orders; now SO1 was never paid after it was placed
    assert (p.days_to_pay, p.paid_orders) == (D("5.5"), 2)


def test_an_order_settled_only_with_a_payment_before_it_is_left_out():
    data = book(
        [("SO2026020001", D0, "completed", 10), ("SO2026020002", D0, "completed", 1)],
        payments=[
            pay("300.00", D0 - timedelta(days=2)),
            pay("700.00", D0 + timedelta(days=6)),
            pay("100.00", D0 + timedelta(days=3), "SO2026020002"),
        ],
    )
    [p] = customer_history(data, today=TODAY)
    assert (p.days_to_pay, p.paid_orders) == (D("3.0"), 1)
