"""Each rule fires at a known cell and nowhere else: a clean hand-made book, then one corruption at a time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from workbook_tools.book import OrderBook
from workbook_tools.book import new_row as row
from workbook_tools.codes import CODES
from workbook_tools.ids import uscc_check_char
from workbook_tools.validate import CHECKS, validate_book

TODAY = date(2026, 3, 1)


def clean():
    tax = "91330106MA2H0XXX0"[:17].replace("X", "A")
    return {
        "customers": [
            row(
                "customers",
                customer_id="C0001",
                name="杭州明远贸易有限公司",
                contact="王伟",
                phone="0571-88886666",
                email="ww@example.com",
                province="浙江省",
                city="杭州市",
                address="文三路 90 号",
                tier="金牌客户",
                tax_id=tax + uscc_check_char(tax),
                created_on=date(2025, 12, 1),
            ),
            row(
                "customers",
                customer_id="C0002",
                name="李娜",
                phone="13812345678",
                address="解放路 1 号",
                tier="普通客户",
            ),
        ],
        "products": [
            row(
                "products",
                sku="P1001",
                name="办公椅",
                unit="把",
                list_price=D("100.00"),
                opening_stock=50,
                reorder_point=5,
                active="yes",
            ),
            row(
                "products",
                sku="P1002",
                name="文件柜",
                unit="个",
                list_price=D("20.00"),
                opening_stock=100,
                reorder_point=10,
                active="yes",
            ),
        ],
        "orders": [
            row(
                "orders",
                order_no="SO2026010001",
                customer_id="C0001",
                order_date=date(2026, 1, 5),
                due_date=date(2026, 1, 10),
                status="completed",
            ),
            row(
                "orders",
                order_no="SO2026020001",
                customer_id="C0002",
                order_date=date(2026, 2, 20),
                due_date=date(2026, 2, 27),
                status="processing",
            ),
        ],
        "order_lines": [
            row("order_lines", order_no="SO2026010001", sku="P1001", quantity=2, unit_price=D("100.00")),
            row("order_lines", order_no="SO2026020001", sku="P1002", quantity=3, unit_price=D("20.00")),
        ],
        "status_log": [
            row("status_log", order_no="SO2026010001", status="pending", timestamp=datetime(2026, 1, 5, 9)),
            row("status_log", order_no="SO2026010001", status="processing", timestamp=datetime(2026, 1, 6, 9)),
            row("status_log", order_no="SO2026010001", status="shipped", timestamp=datetime(2026, 1, 7, 9)),
            row("status_log", order_no="SO2026010001", status="completed", timestamp=datetime(2026, 1, 9, 9)),
            row("status_log", order_no="SO2026020001", status="pending", timestamp=datetime(2026, 2, 20, 9)),
            row("status_log", order_no="SO2026020001", status="processing", timestamp=datetime(2026, 2, 21, 9)),
        ],
        "shipments": [
            row(
                "shipments",
                order_no="SO2026010001",
                ship_date=date(2026, 1, 7),
                carrier="顺丰速运",
                tracking_no="SF1234567890123",
                delivered_on=date(2026, 1, 9),
            ),
        ],
        "payments": [
            row(
                "payments",
                order_no="SO2026010001",
                paid_on=date(2026, 1, 5),
                method="微信支付",
                amount=D("200.00"),
                reference="4200001234202601050001",
            ),
            row(
                "payments",
                order_no="SO2026020001",
                paid_on=date(2026, 2, 20),
                method="支付宝",
                amount=D("20.00"),
                reference="2026022022001100000001",
            ),
        ],
        "stock_moves": [
            row("stock_moves", date=date(2026, 1, 2), sku="P1001", type="receipt", quantity=10, doc_no="RK1"),
            row("stock_moves", date=date(2026, 2, 1), sku="P1002", type="stocktake", quantity=100),
        ],
    }


def findings_of(data, edit_book=None):
    book = OrderBook.from_data(data)
    if edit_book:
        edit_book(book)
    return [(f.cell, f.code) for f in validate_book(book, today=TODAY)]


def test_the_clean_book_has_no_findings():
    assert findings_of(clean()) == []


def _set(sheet, i, **values):
    def edit(d):
        d[sheet][i].update(values)

    return edit


def _add(sheet, **values):
    def edit(d):
        d[sheet].append(row(sheet, **values))

    return edit


def _both(*edits):
    def edit(d):
        for e in edits:
            e(d)

    return edit


def _problem(sheet, i, key, raw, reason):
    def edit_book(book):
        book[sheet].rows[i][key] = None
        book[sheet].problems.append((i, key, raw, reason))

    return edit_book


def _spelt(sheet, i, key, typed):
    def edit_book(book):
        book[sheet].spelling.append((i, key, typed))

    return edit_book


def _cache(sheet, key, values):
    def edit_book(book):
        book[sheet].cached[key] = values

    return edit_book


CASES = [
    # (code, edit of the data, edit of the read book, expected cell)
    ("required-missing", _set("customers", 1, address=None), None, "客户!H3"),
    # 物流单号 is required for a carrier that issues tracking numbers (not for 自提 and the like)
    ("required-missing", _set("shipments", 0, tracking_no=None), None, "发货!D2"),
    ("wrong-type", None, _problem("order_lines", 0, "discount", "九折", "wrong-type"), "订单明细!F2"),
    ("lost-digits", None, _problem("customers", 1, "phone", 13812345670.0, "lost-digits"), "客户!D3"),
    ("bad-format", _set("customers", 0, phone="12345"), None, "客户!D2"),
    ("tracking-format", _set("shipments", 0, tracking_no="SF12"), None, "发货!D2"),
    ("out-of-range", _set("products", 0, reorder_point=-1), None, "产品!H2"),
    ("not-in-list", _set("customers", 1, tier="钻石客户"), None, "客户!I3"),
    ("formula-overwritten", None, _cache("orders", "total", [999.0, 60.0]), "订单!H2"),
    ("duplicate-key", _set("payments", 1, reference="4200001234202601050001"), None, "付款!E3"),
    # as the reader lists a key typed with a trailing space (the row holds it trimmed)
    ("key-spelling", None, _spelt("order_lines", 0, "order_no", "SO2026010001 "), "订单明细!A2"),
    ("possible-duplicate-customer", _set("customers", 1, phone="0571-88886666"), None, "客户!A3"),
    ("unknown-customer", _set("orders", 1, customer_id="C0099"), None, "订单!B3"),
    ("unknown-order", _set("payments", 1, order_no="SO2026019999"), None, "付款!A3"),
    ("unknown-sku", _set("stock_moves", 0, sku="P9999"), None, "库存变动!B2"),
    ("due-before-order", _set("orders", 0, due_date=date(2026, 1, 1)), None, "订单!E2"),
    ("future-date", _set("payments", 1, paid_on=date(2026, 3, 5)), None, "付款!B3"),
    (
        "order-without-lines",
        _add("orders", order_no="SO2026020002", customer_id="C0002", order_date=date(2026, 2, 25), status="pending"),
        None,
        "订单!A4",
    ),
    ("overdue", _set("orders", 1, due_date=date(2026, 2, 21)), None, "订单!E3"),
    (
        "cancelled-with-payment",
        _both(
            _set("orders", 1, status="cancelled"),
            _add("status_log", order_no="SO2026020001", status="cancelled", timestamp=datetime(2026, 2, 22, 9)),
        ),
        None,
        "订单!I3",
    ),
    (
        "shipped-without-shipment",
        _both(
            _set("orders", 1, status="shipped"),
            _add("status_log", order_no="SO2026020001", status="shipped", timestamp=datetime(2026, 2, 22, 9)),
        ),
        None,
        "订单!F3",
    ),
    (
        "shipment-but-not-shipped",
        _add(
            "shipments",
            order_no="SO2026020001",
            ship_date=date(2026, 2, 25),
            carrier="EMS",
            tracking_no="EA123456789CN",
        ),
        None,
        "订单!F3",
    ),
    (
        "status-log-mismatch",
        _add("status_log", order_no="SO2026020001", status="shipped", timestamp=datetime(2026, 2, 22, 9)),
        None,
        "订单!F3",
    ),
    ("status-regression", _set("status_log", 1, timestamp=datetime(2026, 1, 8, 9)), None, "状态记录!B3"),
    ("unresolved-issue", _set("status_log", 5, issue="缺货"), None, "状态记录!D7"),
    ("ship-before-order", _set("shipments", 0, ship_date=date(2026, 1, 4)), None, "发货!B2"),
    ("delivered-before-shipped", _set("shipments", 0, delivered_on=date(2026, 1, 6)), None, "发货!G2"),
    (
        "shipped-more-than-ordered",
        _add(
            "shipments",
            order_no="SO2026010001",
            ship_date=date(2026, 1, 8),
            carrier="EMS",
            tracking_no="EA123456780CN",
            sku="P1001",
            quantity=1,
        ),
        None,
        "发货!F3",
    ),
    (
        "negative-stock",
        _both(_set("products", 0, opening_stock=0), _set("stock_moves", 0, date=date(2026, 1, 8))),
        None,
        "产品!A2",
    ),
    ("low-stock", _set("products", 0, reorder_point=58), None, "产品!K2"),
    ("stocktake-variance", _set("stock_moves", 1, quantity=97), None, "库存变动!D3"),
    (
        "overpaid",
        _add("payments", order_no="SO2026020001", paid_on=date(2026, 2, 21), method="现金", amount=D("50.00")),
        None,
        ("订单!I3", "付款!D4"),
    ),  # on the order and the payment
    ("payment-before-order", _set("payments", 1, paid_on=date(2026, 1, 10)), None, "付款!B3"),  # 41 days > 30
    ("completed-unpaid", _set("payments", 0, amount=D("150.00")), None, "订单!J2"),
    # 款到发货 and 40.00 of 60.00 unpaid, not shipped, 交货日期 3 days away (thresholds.prepay_notice_days)
    ("prepay-unpaid", _set("orders", 1, terms="款到发货", due_date=date(2026, 3, 4)), None, "订单!J3"),
    ("price-deviation", _set("order_lines", 1, unit_price=D("30.00")), None, "订单明细!E3"),
]


@pytest.mark.parametrize("code, edit, edit_book, cell", CASES, ids=[c[0] for c in CASES])
def test_each_rule_fires_at_its_cell_and_nowhere_else(code, edit, edit_book, cell):
    data = clean()
    if edit:
        edit(data)
    cells = cell if isinstance(cell, tuple) else (cell,)
    assert findings_of(data, edit_book) == [(c, code) for c in cells]


def test_every_code_has_a_case_and_a_check():
    """Every validation code (reconciliation and the nightly change report have codes of their own, tested
    with them) has a check and a case here; the checks of the book's file itself (group "book":
    formulas, prepared rows and validation as the XML has them) have theirs in test_extend.py."""
    declared = {c for check in CHECKS for c in check.CODES}
    validation_codes = {c for c, code in CODES.items() if code.group not in ("reconcile", "changes")}
    assert declared == validation_codes
    assert {c[0] for c in CASES} == {c for c in validation_codes if CODES[c].group != "book"}


def test_messages_in_both_languages_name_the_value():
    data = clean()
    data["orders"][1]["customer_id"] = "C0099"
    (f,) = validate_book(OrderBook.from_data(data), today=TODAY)
    assert f.message("zh") == "客户编号“C0099”不在客户表中"
    assert f.message("en") == "Customer ID 'C0099' is not on the Customers sheet"
    assert f.hint("en") == "Add the customer first, or correct the ID."
    assert f.severity == "error"


def test_partial_shipments_are_held_against_the_lines_of_their_order_summed_per_product():
    """SO2026020001 orders 文件柜 P1002 on two lines (3 + 2): partial shipments of 4 and 1 are within
    them, one more is over; the product key as typed in another case is the same product."""
    data = clean()
    data["order_lines"].append(
        row("order_lines", order_no="SO2026020001", sku="P1002", quantity=2, unit_price=D("20.00"))
    )
    data["orders"][1]["status"] = "shipped"
    for n, (sku, qty) in enumerate((("P1002", 4), ("p1002", 1), ("P1002", 1))):
        data["shipments"].append(
            row(
                "shipments",
                order_no="so2026020001",
                ship_date=date(2026, 2, 22),
                carrier="EMS",
                tracking_no=f"EA12345678{n}CN",
                sku=sku,
                quantity=qty,
            )
        )
    over = [f for f in validate_book(OrderBook.from_data(data), today=TODAY) if f.code == "shipped-more-than-ordered"]
    assert [(f.cell, f.params["shipped"], f.params["expected"]) for f in over] == [("发货!F5", 6, 5)]


def _status_findings_by_sorting(book: OrderBook) -> set[tuple[str, int, str, str]]:
    """The status-log rules as their definition reads: each order's entries with a status, sorted by
    time and then sheet order; the last must show the order's status, and no step may go back."""
    from workbook_tools.validate.status import _RANK

    log = book["status_log"].rows
    out = set()
    for i, o in enumerate(book["orders"].rows):
        k = o["order_no"].casefold()
        entries = sorted(
            (e["timestamp"] or datetime.min, j)
            for j, e in enumerate(log)
            if e["status"] and (e["order_no"] or "").casefold() == k
        )
        order = [j for _, j in entries]
        if order and o["status"] and log[order[-1]]["status"] != o["status"]:
            out.add(("status-log-mismatch", i, o["status"], log[order[-1]]["status"]))
        for prev, j in zip(order, order[1:]):
            if _RANK[log[j]["status"]] < _RANK[log[prev]["status"]]:
                out.add(("status-regression", j, log[j]["status"], log[prev]["status"]))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_the_status_log_rules_agree_with_sorting_each_orders_entries(seed):
    """The one pass over the log (entries mostly in time order, some not, some without a status, keys
    typed in another case, equal times) finds what sorting each order's entries finds."""
    import random

    from workbook_tools.choices import STATUS_RANK
    from workbook_tools.config import Config
    from workbook_tools.validate import status
    from workbook_tools.validate.context import Context

    rnd = random.Random(seed)
    statuses = [*STATUS_RANK, "cancelled"]
    orders = [row("orders", order_no=f"SO{n}", status=rnd.choice(statuses)) for n in range(8)]
    log = []
    for step in range(rnd.randint(5, 40)):
        n = rnd.randrange(9)  # SO8 is no order's
        stamp = datetime(2026, 1, 1 + step // 3, 9) if rnd.random() < 0.8 else datetime(2026, 1, rnd.randint(1, 9))
        log.append(
            row(
                "status_log",
                order_no=f"so{n}" if rnd.random() < 0.2 else f"SO{n}",
                status=rnd.choice([*statuses, None]) if rnd.random() < 0.9 else None,
                timestamp=stamp if rnd.random() < 0.95 else None,
            )
        )
    book = OrderBook.from_data({"orders": orders, "status_log": log})
    ctx = Context(book, Config(), date(2026, 2, 1))
    found = {
        (f.code, (f.row or 0) - 2, f.params["expected_en"], f.params["other_en"])
        for f in status.check(ctx)
        if f.code in ("status-log-mismatch", "status-regression")
    }
    words = {s: status.status_words(s)[1] for s in statuses}
    assert found == {(c, j, words[now], words[was]) for c, j, now, was in _status_findings_by_sorting(book)}
