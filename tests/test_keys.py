"""One key rule everywhere (keys.py): trimmed, full-width folded, case-insensitive; what the formulas
cannot match is named (key-spelling) and never blamed on a formula (validate/cached.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from workbook_tools.book import OrderBook, new_row
from workbook_tools.derive import derive
from workbook_tools.keys import (
    KEY_COLUMNS,
    Keys,
    as_formulas_compare,
    compare,
    display,
    misspelt,
    natural,
    normalise,
)
from workbook_tools.read import read_book
from workbook_tools.template import write_book
from workbook_tools.validate import validate_book

TODAY = date(2026, 3, 1)


def test_a_key_is_trimmed_folded_to_half_width_and_compared_without_case():
    assert display("  SO2026010001 ") == "SO2026010001"
    assert display("ＳＯ２０２６０１０００１") == "SO2026010001"
    assert display("C0001\u3000") == "C0001"  # the ideographic space of a Chinese input method
    assert display("C\xa00001") == "C 0001"  # a no-break space inside stays a (plain) space
    assert display(None) == "" and display(1001) == "1001"
    assert normalise(" ｓo2026010001") == "so2026010001"
    assert compare("p1001 ", "Ｐ1001") and not compare("P1001", "P 1001")
    assert (
        natural(" C0001 ") == "c0001"
        and natural(date(2026, 1, 2)) == date(2026, 1, 2)
        and natural(D("1.5")) == D("1.5")
    )
    keys = Keys()
    assert keys["Ｃ0001"] == "c0001" and keys[None] == "" and list(keys) == ["Ｃ0001", None]


def test_what_the_formulas_cannot_match_is_named_and_case_is_not_a_fault():
    assert [misspelt(t) for t in ("SO1", "so1", "SO1 ", " SO1", "ＳＯ1", " ＳＯ1", "SO1\u3000", "客户A", None, 12)] == [
        None,
        None,
        "spaces",
        "spaces",
        "full-width",
        "both",
        "spaces",
        None,
        None,
        None,
    ]
    assert as_formulas_compare("SO1 ") == "so1 " and as_formulas_compare(None) == ""


def test_key_columns_are_the_keys_other_sheets_name_and_the_columns_naming_them():
    assert KEY_COLUMNS == {
        "customers": {"customer_id"},
        "products": {"sku"},
        "orders": {"order_no", "customer_id"},
        "order_lines": {"order_no", "sku"},
        "status_log": {"order_no"},
        "shipments": {"order_no", "sku"},
        "payments": {"order_no", "customer_id"},
        "stock_moves": {"sku"},
    }


def _data():
    return {
        "customers": [
            new_row("customers", customer_id="C0001", name="甲公司", phone="13812345678", address="一路 1 号")
        ],
        "products": [new_row("products", sku="P1001", name="椅子", list_price=D("10.00"), opening_stock=100)],
        "orders": [
            new_row(
                "orders",
                order_no="SO2026010001",
                customer_id="c0001 ",
                order_date=date(2026, 1, 2),
                status="processing",
            ),
            new_row(
                "orders", order_no="SO2026010002", customer_id="C0001", order_date=date(2026, 1, 3), status="processing"
            ),
        ],
        "order_lines": [
            new_row("order_lines", order_no="ＳＯ2026010001", sku="p1001", quantity=2, unit_price=D("10.00")),
            new_row("order_lines", order_no="SO2026010002", sku=" P1001", quantity=1, unit_price=D("10.00")),
        ],
        "status_log": [],
        "shipments": [],
        "payments": [],
        "stock_moves": [],
    }


def test_derive_matches_keys_as_everywhere_and_the_formulas_view_as_typed():
    data = _data()
    d = derive(data, today=TODAY)
    assert d["orders"]["customer_name"] == ["甲公司", "甲公司"]
    assert d["orders"]["total"] == [D("20.00"), D("10.00")]
    assert d["order_lines"]["product_name"] == ["椅子", "椅子"]
    typed = derive(data, today=TODAY, keys=as_formulas_compare)  # what MATCH and SUMIFS make of them
    assert typed["orders"]["customer_name"] == ["", "甲公司"]
    assert typed["orders"]["total"] == [D("0.00"), D("10.00")]
    assert typed["order_lines"]["product_name"] == ["椅子", ""]


def test_the_reader_gives_each_key_as_it_should_be_typed_and_lists_the_cells_typed_otherwise(tmp_path):
    path = write_book(tmp_path / "b.xlsx", _data(), today=TODAY)
    book = read_book(path)
    assert [r["customer_id"] for r in book["orders"].rows] == ["c0001", "C0001"]  # case is kept
    assert [(r["order_no"], r["sku"]) for r in book["order_lines"].rows] == [
        ("SO2026010001", "p1001"),
        ("SO2026010002", "P1001"),
    ]
    assert book["orders"].spelling == [(0, "customer_id", "c0001 ")]
    assert book["order_lines"].spelling == [(0, "order_no", "ＳＯ2026010001"), (1, "sku", " P1001")]
    assert book["customers"].spelling == [] and book["products"].spelling == []


def _book(cached_total, spelling=True) -> OrderBook:
    data = _data()
    data["order_lines"][0]["order_no"] = "SO2026010001"
    book = OrderBook.from_data(data)
    if spelling:
        book["order_lines"].spelling = [(0, "order_no", "SO2026010001 ")]
    book["orders"].cached["total"] = cached_total
    return book


def _codes(book):
    return [
        (f.cell, f.code) for f in validate_book(book, today=TODAY) if f.code in ("key-spelling", "formula-overwritten")
    ]


def test_a_total_the_formulas_computed_without_a_misspelt_line_is_the_keys_fault_not_a_typed_over_formula():
    # 订单明细!A2 "SO2026010001 ": the workbook's SUMIFS leaves the line out of order 1's total (0.00)
    assert _codes(_book([0.0, 10.0])) == [("订单明细!A2", "key-spelling")]
    # a total that neither view explains is typed over, misspelt key or not
    assert _codes(_book([5.0, 10.0])) == [("订单!H2", "formula-overwritten"), ("订单明细!A2", "key-spelling")]
    # without the misspelt key, 0.00 is not what the formula computes
    assert _codes(_book([0.0, 10.0], spelling=False)) == [("订单!H2", "formula-overwritten")]


def test_the_reader_reads_an_identifier_as_display_spells_it_cell_by_cell_and_a_whole_column_at_once():
    from workbook_tools.read.coerce import to_id
    from workbook_tools.read.columns import convert_column

    typed = [" SO1", "ＳＯ２", "so3\u3000", "C\xa00001", "Ｐ１００１ ", "客户Ａ", "SO4"]
    assert (
        [to_id(t) for t in typed]
        == [display(t) for t in typed]
        == ["SO1", "SO2", "so3", "C 0001", "P1001", "客户A", "SO4"]
    )
    column = [f"{t}{i}" for i in range(3000) for t in ("ＳＯ", " SO")][:3000]  # distinct: the whole-column path
    read, problems = convert_column(column, to_id)
    assert problems == [] and read == [display(t) for t in column]


def test_the_shared_key_memo_gives_what_normalise_gives_for_every_kind_of_value():
    keys = Keys()
    values = [" so1 ", "SO1", "ＳＯ１", "\u00a0C01\u3000", "c 01", "", None, 12, 12.5, D("3.10"), date(2026, 1, 2)]
    assert [keys[v] for v in values] == [normalise(v) for v in values]
    assert [keys[v] for v in values] == [normalise(v) for v in values]  # and again, from the memo


def test_derive_with_the_checks_keys_gives_the_same_values_as_on_its_own():
    from workbook_tools.demo import generate_demo

    data = generate_demo(60, seed=7, today=TODAY)
    data["orders"][0] = {**data["orders"][0], "order_no": " " + data["orders"][0]["order_no"].lower() + " "}
    warm = Keys()
    for rows in data.values():
        for row in rows:
            for value in row.values():
                warm[value]
    assert derive(data, today=TODAY, known=warm).values == derive(data, today=TODAY).values
