"""The demo book is clean for every seed; single known corruptions of it give exactly the expected finding."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from workbook_tools.book import OrderBook
from workbook_tools.codes import Severity
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.validate import validate_book

TODAY = date(2026, 11, 27)


def errors(data, today=TODAY):
    found = validate_book(OrderBook.from_data(data), today=today)
    return [(f.cell, f.code) for f in found if f.severity is Severity.ERROR]


@pytest.fixture(scope="module")
def demo():
    return generate_demo(400, seed=3, today=TODAY)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_demo_has_no_error_level_findings(seed):
    assert errors(generate_demo(300, seed=seed, today=TODAY)) == []


def test_default_demo_size_is_clean():
    assert errors(generate_demo(seed=1, today=TODAY)) == []


def test_a_deleted_customer_is_named_at_each_of_its_orders(demo):
    data = copy.deepcopy(demo)
    gone = data["orders"][10]["customer_id"]
    data["customers"] = [c for c in data["customers"] if c["customer_id"] != gone]
    expected = [
        (f"订单!B{i + 2}", "unknown-customer") for i, o in enumerate(data["orders"]) if o["customer_id"] == gone
    ]
    # and at each of its payments on account (付款.客户编号)
    on_account = [
        (f"付款!G{j + 2}", "unknown-customer") for j, p in enumerate(data["payments"]) if p["customer_id"] == gone
    ]
    assert expected and on_account and errors(data) == expected + on_account


def test_a_duplicated_order_number(demo):
    data = copy.deepcopy(demo)
    data["orders"].append(dict(data["orders"][5]))
    assert errors(data) == [(f"订单!A{len(data['orders']) + 1}", "duplicate-key")]


def test_a_shipped_order_without_its_shipment(demo):
    data = copy.deepcopy(demo)
    shipped = [o["order_no"] for o in data["orders"] if o["status"] == "shipped"]
    last = max(shipped, key=lambda no: max(s["ship_date"] for s in data["shipments"] if s["order_no"] == no))
    data["shipments"] = [s for s in data["shipments"] if s["order_no"] != last]
    row = next(i for i, o in enumerate(data["orders"]) if o["order_no"] == last) + 2
    assert errors(data) == [(f"订单!F{row}", "shipped-without-shipment")]


def test_an_overpayment(demo):
    data = copy.deepcopy(demo)
    i = next(i for i, o in enumerate(data["orders"]) if o["status"] == "completed")
    data["payments"].append(
        {
            **data["payments"][0],
            "order_no": data["orders"][i]["order_no"],
            "amount": Decimal("10.00"),
            "reference": "EXTRA-1",
        }
    )
    # on the order, and at the payment that took it over: the row added, whatever its date
    assert errors(data) == [(f"订单!I{i + 2}", "overpaid"), (f"付款!D{len(data['payments']) + 1}", "overpaid")]


def test_a_line_for_an_unknown_product(demo):
    data = copy.deepcopy(demo)
    totals = derive(data)["orders"]["payment_status"]
    # an unpaid pending order, so the changed total moves no payment rule
    i = next(i for i, o in enumerate(data["orders"]) if o["status"] == "pending" and totals[i] == "unpaid")
    j = next(j for j, ln in enumerate(data["order_lines"]) if ln["order_no"] == data["orders"][i]["order_no"])
    data["order_lines"][j]["sku"] = "X-404"
    assert errors(data) == [(f"订单明细!B{j + 2}", "unknown-sku")]


def test_a_status_typed_over_without_a_log_entry(demo):
    """A status change is entered once, on 订单: a log that lags behind is a warning, not an error."""
    data = copy.deepcopy(demo)
    i = next(i for i, o in enumerate(data["orders"]) if o["status"] == "processing")
    data["orders"][i]["status"] = "pending"
    assert errors(data) == []
    found = validate_book(OrderBook.from_data(data), today=TODAY)
    assert [(f.cell, f.severity) for f in found if f.code == "status-log-mismatch"] == [
        (f"订单!F{i + 2}", Severity.WARNING)
    ]


def test_the_derived_values_are_worked_out_while_the_status_log_is_still_being_read(tmp_path):
    """read_book reads the status log last, and validation derives from the other sheets as soon as
    they are in: on a large book the log's parse then runs beside derive instead of before it."""
    from workbook_tools.derive import INPUTS
    from workbook_tools.read import read_book
    from workbook_tools.schema import SHEETS
    from workbook_tools.template import write_book
    from workbook_tools.validate.runner import Validation

    path = write_book(tmp_path / "b.xlsx", generate_demo(40, seed=2, today=TODAY), today=TODAY)
    validation = Validation(today=TODAY, path=path)
    seen = []

    def on_table(table):
        seen.append((table.sheet.key, "derived" in vars(validation.ctx)))
        validation.on_table(table)

    book = read_book(path, on_table=on_table)
    assert seen[-1] == ("status_log", True)
    assert sorted(k for k, _ in seen[:-1]) == sorted(INPUTS)
    assert [k for k, ready in seen if ready] == ["status_log"]  # derived once the last input is in
    assert list(book.tables) == [s.key for s in SHEETS]  # the book keeps the schema's order
    early = validation.ctx.derived
    findings = validation.finish(book)
    assert validation.ctx.derived is early  # not worked out twice
    assert findings == validate_book(book, today=TODAY)


def test_rows_other_than_those_the_row_rules_saw_are_derived_again(demo):
    """An import checks its incoming rows with the row rules and the whole would-be book with the
    rest: what was derived from the incoming rows alone must not stand for the book's."""
    from workbook_tools.validate.runner import Validation

    book = OrderBook.from_data(demo)
    validation = Validation(today=TODAY)
    for table in book.tables.values():
        part = copy.copy(table)
        part.rows = table.rows[:3]
        validation.on_table(part)
    assert len(validation.ctx.derived["orders"]["total"]) == 3
    validation.finish(book)
    assert validation.ctx.derived["orders"]["total"] == derive(demo, today=TODAY)["orders"]["total"]
