"""The TOML mapping: checked up front, and each transform doing what it says."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from import_helpers import TODAY, rows_of, small_book, write_csv

from workbook_tools.importer import MappingError, import_rows, load_mapping
from workbook_tools.importer.mapping import International
from workbook_tools.importer.rows import _phone


def _mapping(tmp_path, text, name="m.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "no \\[\\[target\\]\\]"),
        ("[[target]]\nsheet = 'invoices'\n", "unknown sheet 'invoices'"),
        ("[[target]]\nsheet = 'orders'\n[target.fields]\ntotal = 'Total'\n", "'total' is not a field you can import"),
        ("[[target]]\nsheet = 'orders'\n[target.columns]\nX = 'nope'\n", "'nope' is not a field"),
        ("[[target]]\nsheet = 'orders'\n[target.fields]\nnotes = { column = 'a', constant = 'b' }\n", "exactly one of"),
        (
            "[[target]]\nsheet = 'orders'\n[target.fields]\nnotes = { column = 'a', replace = [['(', '']] }\n",
            "bad regular",
        ),
        ("[[skip]]\ncolumn = 'a'\n[[target]]\nsheet = 'orders'\n", "exactly one of equals"),
        ("[[target]]\nsheet = 'orders'\nrepeated = 'sometimes'\n", "repeated"),
        ("[[target]]\nsheet = 'orders'\ncolour = 'red'\n", "colour"),
        ("[[target]\n", "not valid TOML"),
    ],
)
def test_a_bad_mapping_is_one_clear_line(tmp_path, text, message):
    with pytest.raises(MappingError, match=message):
        load_mapping(_mapping(tmp_path, text))


def test_a_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match="mapping file not found"):
        load_mapping(tmp_path / "nope.toml")


def test_a_column_the_source_does_not_have(tmp_path):
    src = write_csv(tmp_path / "o.csv", ["单号"], [["SO2026020002"]])
    m = _mapping(tmp_path, "[[target]]\nsheet = 'orders'\n[target.fields]\norder_no = 'Order'\n")
    with pytest.raises(MappingError, match="no column 'Order' for orders.order_no .the file has: 单号"):
        import_rows(src, tmp_path / "b.xlsx", mapping=m, today=TODAY)


MAPPING = r"""
[[skip]]
column = "kind"
equals = "TEST"
reason = "test orders"

[[target]]
sheet = "orders"
files = ["shop-*.csv"]
auto = false
repeated = "merge"
[target.columns]
"Order ID" = "order_no"
[target.fields]
customer_id = { column = "Buyer", replace = [['^cust-', 'C']], values = { "guest" = "C0002" } }
order_date = { column = "Placed", date_format = ["%d/%m/%Y %H:%M", "%d/%m/%Y"] }
status = { column = "State", values = { "paid" = "processing", "sent" = "shipped", "" = "pending", "*" = "cancelled" } }
salesperson = { constant = "网店" }
notes = { join = ["Note", "Gift"], sep = " | ", default = "无备注" }

[[target]]
sheet = "order_lines"
files = ["shop-*.csv"]
[target.columns]
"Order ID" = "order_no"
Item = "sku"
[target.fields]
quantity = { column = "Qty", default = 1 }
unit_price = "Price"
notes = { template = "item of {Order ID} ({kind})" }
"""


def test_a_mapping_with_every_transform(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    header = ["Order ID", "Buyer", "Placed", "State", "Note", "Gift", "Item", "Qty", "Price", "kind"]
    src = write_csv(
        tmp_path / "shop-1.csv",
        header,
        [
            ["SO2026020101", "cust-0001", "21/02/2026 10:30", "paid", "快递到前台", "", "P1001", "2", "¥100.00", "web"],
            ["SO2026020101", "", "", "", "", "", "P1002", "", "20", "web"],
            ["SO2026020102", "guest", "22/02/2026", "", "", "", "P1002", "1", "20", "web"],
            ["SO2026020103", "cust-0001", "22/02/2026", "paid", "", "", "P1002", "1", "20", "TEST"],
        ],
    )
    m = _mapping(tmp_path, MAPPING)
    result = import_rows(src, book, mapping=m, today=TODAY)
    assert [(r.row, r.code, r.column, r.value) for r in result.rejects] == [(5, "skipped", "kind", "TEST")]
    assert "test orders" in result.rejects[0].message
    orders = rows_of(book, "orders")[1:]
    assert [
        (o["order_no"], o["customer_id"], o["order_date"], o["status"], o["salesperson"], o["notes"]) for o in orders
    ] == [
        ("SO2026020101", "C0001", date(2026, 2, 21), "processing", "网店", "快递到前台"),
        ("SO2026020102", "C0002", date(2026, 2, 22), "pending", "网店", "无备注"),
    ]
    lines = rows_of(book, "order_lines")[1:]
    assert [(ln["order_no"], ln["sku"], ln["quantity"], ln["unit_price"], ln["notes"]) for ln in lines] == [
        ("SO2026020101", "P1001", 2, D("100.00"), "item of SO2026020101 (web)"),
        ("SO2026020101", "P1002", 1, D("20.00"), "item of SO2026020101 (web)"),
        ("SO2026020102", "P1002", 1, D("20.00"), "item of SO2026020102 (web)"),
    ]
    assert result.counts["orders"]["add"] == 2  # three source rows, two orders (merged)
    assert result.sources[0].ignored == []


def test_a_file_no_target_reads(tmp_path):
    src = write_csv(tmp_path / "other.csv", ["Order ID"], [["SO2026020101"]])
    with pytest.raises(MappingError, match="no \\[\\[target\\]\\] of the mapping reads this file"):
        import_rows(src, tmp_path / "b.xlsx", mapping=_mapping(tmp_path, MAPPING), today=TODAY)


def test_a_folder_imports_the_files_the_mapping_reads(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(
        folder / "shop-1.csv",
        ["Order ID", "Buyer", "Placed", "State", "Note", "Gift", "Item", "Qty", "Price", "kind"],
        [["SO2026020101", "cust-0001", "21/02/2026", "paid", "", "", "P1001", "2", "100", "web"]],
    )
    write_csv(folder / "unrelated.csv", ["x"], [["1"]])
    book = small_book(tmp_path / "book.xlsx")
    result = import_rows(folder, book, mapping=_mapping(tmp_path, MAPPING), today=TODAY)
    assert [s.path.name for s in result.sources] == ["shop-1.csv"]
    assert result.counts["order_lines"]["add"] == 1


def test_the_mapping_names_its_company_settings(tmp_path):
    (tmp_path / "co.toml").write_text("[patterns]\norder_no = '^WEB\\d+$'\n", encoding="utf-8")
    m = _mapping(tmp_path, 'config = "co.toml"\n[[target]]\nsheet = "orders"\n')
    assert load_mapping(m).config_path() == tmp_path / "co.toml"
    src = write_csv(
        tmp_path / "o.csv",
        ["订单编号", "客户编号", "下单日期", "订单状态"],
        [["WEB1", "C0001", "2026-02-21", "已取消"], ["SO2026020002", "C0001", "2026-02-21", "已取消"]],
    )
    result = import_rows(src, small_book(tmp_path / "book.xlsx"), mapping=m, dry_run=True, today=TODAY)
    assert [(r.value, r.code) for r in result.rejects] == [("SO2026020002", "bad-format")]
    assert result.counts["orders"]["add"] == 1


@pytest.mark.parametrize(
    "number, country, expected",
    [
        ("030-0074321", "Germany", "+49 30 0074321"),
        ("(5) 555-4729", "Mexico", "+52 5 555 4729"),
        ("88.60.15.31", "France", "+33 88 60 15 31"),
        ("(02) 201 24 67", "Belgium", "+32 2 201 24 67"),
        ("011-4988260", "Italy", "+39 011 4988260"),
        ("+44 20 7946 0958", "UK", "+44 20 7946 0958"),
        ("555-1234", "Atlantis", "555-1234"),
    ],
)
def test_phone_numbers_to_international_form(number, country, expected):
    intl = International(
        country="country",
        codes={"Germany": "49", "Mexico": "52", "France": "33", "Belgium": "32", "Italy": "+39", "UK": "44"},
        keep_zero=["Italy"],
    )
    assert _phone(number, country, intl) == expected


def test_dates_in_a_declared_format_and_sql_datetimes(tmp_path):
    m = _mapping(
        tmp_path,
        """
[[target]]
sheet = "status_log"
[target.fields]
timestamp = { column = "when", date_format = "%m/%d/%Y %H:%M" }
""",
    )
    src = write_csv(
        tmp_path / "log.csv",
        ["订单编号", "状态", "when"],
        [
            ["SO2026020001", "processing", "2/21/2026 8:26"],
            ["SO2026020001", "shipped", "2026-02-22 09:00:00.000"],  # not the declared format: the reader's own
            ["SO2026020001", "completed", "06/25/16 8:00"],  # neither: wrong-type
        ],
    )
    book = small_book(tmp_path / "book.xlsx")
    result = import_rows(src, book, mapping=m, today=TODAY)
    assert [(r.row, r.code, r.value) for r in result.rejects] == [(4, "wrong-type", "06/25/16 8:00")]
    assert [e["timestamp"] for e in rows_of(book, "status_log")[1:]] == [
        datetime(2026, 2, 21, 8, 26),
        datetime(2026, 2, 22, 9, 0),
    ]


def test_the_documented_mapping_and_the_examples_load(tmp_path):
    import re
    from pathlib import Path

    examples = Path(__file__).resolve().parents[1] / "examples"
    text = (examples / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## The mapping file \(TOML\)\n\n```toml\n(.*?)```", text, re.S).group(1)
    assert load_mapping(_mapping(tmp_path, block)).target[0].repeated == "merge"
    for name in ("northwind", "online-retail"):
        m = load_mapping(examples / name / "mapping.toml")
        assert m.config_path() == examples / name / "orderbook.toml" and m.config_path().exists()
