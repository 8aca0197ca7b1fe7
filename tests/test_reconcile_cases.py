"""Small hand-made books with known answers: each discrepancy at its cell, with its figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from reconcile_cases import TODAY, row, small_book

from workbook_tools.book import OrderBook
from workbook_tools.reconcile import reconcile_book


def reconcile(data, **kw):
    return reconcile_book(OrderBook.from_data(data), today=TODAY, **kw)


def found(rec):
    return [(f.cell, f.code) for f in rec.findings]


def test_the_small_book_reconciles_with_one_past_due_balance():
    rec = reconcile(small_book())
    assert found(rec) == [("订单!J3", "unpaid-past-due")]
    assert rec.exit_code == 0
    assert rec.report().flatten(["cell", "code", "severity"]) == [["订单!J3", "unpaid-past-due", "warning"]]
    p = rec.payments
    assert (p.orders, p.total, p.paid, p.outstanding) == (3, D("280.00"), D("220.00"), D("60.00"))
    assert [(s.sku, s.opening, s.receipts, s.shipped, s.closing) for s in rec.stock.lines] == [
        ("P1001", 50, 10, 2, 58),
        ("P1002", 100, 0, 0, 100),
    ]


def test_a_stocktake_variance_of_exactly_minus_3_units():
    data = small_book()
    # P1001: 50 + 10 received on 2 Jan − 2 shipped on 7 Jan = 58 on the books; 55 counted that evening
    data["stock_moves"].append(row("stock_moves", date=date(2026, 1, 7), sku="P1001", type="stocktake", quantity=55))
    rec = reconcile(data)
    (count,) = [c for c in rec.stock.counts if c.sku == "P1001"]
    assert (count.date, count.book, count.counted, count.variance, count.value) == (
        date(2026, 1, 7),
        58,
        55,
        -3,
        D("-300.00"),
    )
    assert count.cell == "库存变动!D4"
    assert ("库存变动!D4", "stocktake-variance") in found(rec)
    line = rec.stock.lines[0]
    assert (line.count_corrections, line.closing, line.last_count) == (-3, 55, date(2026, 1, 7))
    assert (rec.stock.variance_units, rec.stock.variance_value) == (-3, D("-300.00"))


def test_negative_stock_is_an_error_with_its_date():
    data = small_book()
    data["stock_moves"].append(row("stock_moves", date=date(2026, 1, 20), sku="P1001", type="adjustment", quantity=-70))
    data["stock_moves"].append(row("stock_moves", date=date(2026, 2, 3), sku="P1001", type="receipt", quantity=30))
    rec = reconcile(data)
    (spell,) = rec.stock.negatives
    assert (spell.sku, spell.date, spell.stock, spell.lowest, spell.recovered_on) == (
        "P1001",
        date(2026, 1, 20),
        -12,
        -12,
        date(2026, 2, 3),
    )
    assert ("产品!A2", "negative-stock") in found(rec) and rec.exit_code == 1
    assert rec.stock.lines[0].negative_on == date(2026, 1, 20)


def test_low_stock_uses_the_default_reorder_point_when_blank():
    data = small_book()
    data["products"][1]["reorder_point"] = None
    data["products"][1]["opening_stock"] = 8
    data["stock_moves"] = []
    rec = reconcile(data)
    assert [(s.sku, s.reorder_point, s.low) for s in rec.stock.lines] == [("P1001", 5, False), ("P1002", 10, True)]
    assert ("产品!K3", "low-stock") in found(rec)


def test_a_61_day_old_balance_is_in_the_61_to_90_bucket_and_first_to_chase():
    data = small_book()
    data["orders"][2].update(order_date=TODAY - timedelta(days=70), due_date=TODAY - timedelta(days=61))
    rec = reconcile(data)
    c1 = next(r for r in rec.ageing.rows if r.customer_id == "C0001")
    assert c1.amounts == (D(0), D(0), D(0), D("20.00"), D(0))
    assert [(e.rank, e.customer_id, e.overdue, e.bucket, rec.ageing.labels()[e.bucket]) for e in rec.collection] == [
        (1, "C0001", D("20.00"), 3, "61–90天"),  # older beats larger
        (2, "C0002", D("40.00"), 1, "0–30天"),
    ]
    assert (rec.collection[0].contact, rec.collection[0].phone) == ("王伟", "0571-88886666")


def test_collection_order_within_a_bucket_is_by_amount():
    data = small_book()
    data["orders"][2].update(order_date=date(2026, 2, 20), due_date=date(2026, 2, 25))
    data["order_lines"][2]["quantity"] = 5  # C0001 owes 100.00, 4 days past due; C0002 owes 40.00, 2 days
    rec = reconcile(data)
    assert [(e.customer_id, e.overdue, e.max_days) for e in rec.collection] == [
        ("C0001", D("100.00"), 4),
        ("C0002", D("40.00"), 2),
    ]


def test_a_payment_to_an_unknown_order_and_a_duplicate_reference_are_errors():
    data = small_book()
    data["payments"].append(
        row(
            "payments",
            order_no="SO2026099999",
            paid_on=date(2026, 2, 21),
            method="支付宝",
            amount=D("10.00"),
            reference="X1",
        )
    )
    data["payments"].append(
        row(
            "payments",
            order_no="SO2026020001",
            paid_on=date(2026, 2, 22),
            method="支付宝",
            amount=D("20.00"),
            reference="2026022022001100000001",
        )
    )
    rec = reconcile(data)
    assert ("付款!A4", "unknown-order") in found(rec)
    assert ("付款!E5", "duplicate-key") in found(rec)
    dup = next(i for i in rec.payments.items if i.kind == "duplicate-key")
    assert (dup.order_no, dup.cell, dup.other) == ("SO2026020001", "付款!E5", "付款!E3")
    assert rec.exit_code == 1


def test_overpaid_cancelled_and_refunds():
    data = small_book()
    data["payments"][0]["amount"] = D("250.00")
    data["orders"][1]["status"] = "cancelled"
    data["payments"].append(
        row(
            "payments",
            order_no="SO2026010001",
            paid_on=date(2026, 1, 20),
            method="银行转账",
            amount=D("-50.00"),
            reference="R1",
        )
    )
    rec = reconcile(data)
    kinds = [(i.kind, i.order_no) for i in rec.payments.items]
    assert kinds == [
        ("cancelled-with-payment", "SO2026020001"),
        ("payment-on-cancelled-order", "SO2026020001"),
        ("refund", "SO2026010001"),
    ]
    assert ("订单!I3", "cancelled-with-payment") in found(rec)
    assert rec.payments.refunded == D("-50.00") and rec.exit_code == 0  # 250 − 50 = 200: settled
    data["payments"].pop()
    rec = reconcile(data)
    assert ("订单!I2", "overpaid") in found(rec) and rec.exit_code == 1


def test_a_shipment_after_the_due_date():
    data = small_book()
    data["shipments"][0]["ship_date"] = date(2026, 1, 14)  # due 10 Jan
    rec = reconcile(data)
    (late,) = [i for i in rec.shipments.items if i.kind == "shipped-after-due"]
    assert (late.order_no, late.due_date, late.first_ship, late.days_late, late.cell) == (
        "SO2026010001",
        date(2026, 1, 10),
        date(2026, 1, 14),
        4,
        "订单!E2",
    )
    assert ("订单!E2", "shipped-after-due") in found(rec)
    assert (rec.shipments.with_due, rec.shipments.on_time) == (1, 0)
    f = next(f for f in rec.findings if f.code == "shipped-after-due")
    assert f.message("en") == (
        "Order 'SO2026010001' first shipped 2026-01-14, after its due date 2026-01-10 (4 days late)"
    )


def test_shipments_against_order_lines_and_status():
    data = small_book()
    data["shipments"][0].update(sku="P1001", quantity=1)  # completed, but 1 of 2 shipped
    data["orders"][1]["status"] = "shipped"  # shipped, no shipment
    data["orders"][2]["status"] = "cancelled"
    data["shipments"].append(
        row(
            "shipments",
            order_no="SO2026020002",
            ship_date=date(2026, 2, 26),
            carrier="顺丰速运",
            tracking_no="SF1234567890124",
        )
    )
    rec = reconcile(data)
    kinds = [(i.kind, i.order_no, i.sku, i.ordered, i.shipped) for i in rec.shipments.items]
    assert kinds == [
        ("shipped-without-shipment", "SO2026020001", "", None, None),
        ("shipped-less-than-ordered", "SO2026010001", "P1001", 2, 1),
        ("cancelled-order-shipped", "SO2026020002", "", None, None),
    ]
    assert set(found(rec)) >= {
        ("订单!F3", "shipped-without-shipment"),
        ("订单明细!D2", "shipped-less-than-ordered"),
        ("发货!B3", "cancelled-order-shipped"),
    }
    assert rec.exit_code == 1


def test_shipped_more_than_ordered():
    data = small_book()
    data["shipments"][0].update(sku="P1001", quantity=3)
    rec = reconcile(data)
    (over,) = [i for i in rec.shipments.items if i.kind == "shipped-more-than-ordered"]
    assert (over.sku, over.ordered, over.shipped) == ("P1001", 2, 3)
    assert ("发货!F2", "shipped-more-than-ordered") in found(rec) and rec.exit_code == 1
