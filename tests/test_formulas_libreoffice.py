"""LibreOffice — a real spreadsheet client — recalculates the template's formulas over known rows,
and every derived value must equal what Python computes (derive.py) for the same rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest

from conftest import cells_match, needs_soffice
from workbook_tools.book import new_row
from workbook_tools.choices import choice_lists, label_of
from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.libreoffice import convert
from workbook_tools.schema import SHEETS, T

pytestmark = [needs_soffice, pytest.mark.libreoffice]




def known_rows():
    """Hand-made rows that reach every branch of every derived formula."""
    cust = [new_row("customers", customer_id="C0001", name="杭州明远贸易有限公司", phone="13812345678", address="文三路 90 号"),
            new_row("customers", customer_id="C0002", name="王伟", phone="0571-88886666", address="解放路 1 号")]
    prod = [new_row("products", sku="P1001", name="办公椅", list_price=D("499.00"), opening_stock=100),
            new_row("products", sku="P1002", name="文件柜", list_price=D("0.35"), opening_stock=50),
            new_row("products", sku="P1003", name="台灯", list_price=D("89.90"), opening_stock=20),
            new_row("products", sku="P1004", name="无人问津", list_price=D("1.00"), opening_stock=7)]
    orders = [
        new_row("orders", order_no="SO2026010001", customer_id="C0001", order_date=date(2026, 1, 2), status="completed"),
        new_row("orders", order_no="SO2026010002", customer_id="c0002", order_date=date(2026, 1, 3), status="shipped"),
        new_row("orders", order_no="SO2026010003", customer_id="C0009", order_date=date(2026, 1, 4), status="processing"),
        new_row("orders", order_no="SO2026010004", customer_id="C0001", order_date=date(2026, 1, 5), status="pending"),
        new_row("orders", order_no="SO2026010005", customer_id="C0002", order_date=date(2026, 1, 6), status="cancelled"),
    ]
    lines = [
        new_row("order_lines", order_no="SO2026010001", sku="P1001", quantity=2, unit_price=D("499.00")),
        new_row("order_lines", order_no="SO2026010001", sku="P1002", quantity=3, unit_price=D("0.35"), discount=D("0.5")),
        new_row("order_lines", order_no="SO2026010002", sku="P1003", quantity=5, unit_price=D("89.90"), discount=D("0.05")),
        new_row("order_lines", order_no="SO2026010002", sku="p1001", quantity=1, unit_price=D("450.00")),
        new_row("order_lines", order_no="SO2026010003", sku="P1003", quantity=4, unit_price=D("89.90")),
        new_row("order_lines", order_no="SO2026010003", sku="P9999", quantity=1, unit_price=D("10.00")),
        new_row("order_lines", order_no="SO2026010004", sku="P1002", quantity=7, unit_price=D("0.35"), discount=D("0.15")),
    ]
    ships = [
        # order 1: one whole-order shipment (after the P1001 stocktake date, so it counts against it)
        new_row("shipments", order_no="SO2026010001", ship_date=date(2026, 1, 10), carrier="顺丰速运", tracking_no="SF1234567890123"),
        # order 2: two partial shipments of P1003 (before the P1003 stocktake) and one of p1001
        new_row("shipments", order_no="SO2026010002", ship_date=date(2026, 1, 4), carrier="中通快递",
             tracking_no="12345678901234", sku="P1003", quantity=2),
        new_row("shipments", order_no="SO2026010002", ship_date=date(2026, 1, 12), carrier="中通快递",
             tracking_no="12345678901235", sku="P1003", quantity=2),
        new_row("shipments", order_no="SO2026010002", ship_date=date(2026, 1, 12), carrier="中通快递",
             tracking_no="12345678901236", sku="P1001", quantity=1),
        # order 4: two whole-order shipments (a data error, but the formulas must still agree)
        new_row("shipments", order_no="SO2026010004", ship_date=date(2026, 1, 6), carrier="EMS", tracking_no="EA123456789CN"),
        new_row("shipments", order_no="SO2026010004", ship_date=date(2026, 1, 9), carrier="EMS", tracking_no="EA123456780CN"),
    ]
    pays = [
        new_row("payments", order_no="SO2026010001", paid_on=date(2026, 1, 2), method="微信支付", amount=D("500.00"), reference="R1"),
        new_row("payments", order_no="SO2026010001", paid_on=date(2026, 1, 3), method="支付宝", amount=D("498.53"), reference="R2"),
        new_row("payments", order_no="SO2026010002", paid_on=date(2026, 1, 3), method="银行转账", amount=D("100.00"), reference="R3"),
        new_row("payments", order_no="so2026010004", paid_on=date(2026, 1, 5), method="现金", amount=D("5.00")),
        new_row("payments", order_no="SO2026010005", paid_on=date(2026, 1, 6), method="信用卡", amount=D("20.00"), reference="R5"),
        new_row("payments", order_no="SO2026010005", paid_on=date(2026, 1, 7), method="信用卡", amount=D("-20.00"), reference="R6"),
    ]
    moves = [
        new_row("stock_moves", date=date(2026, 1, 1), sku="P1001", type="receipt", quantity=30, doc_no="RK1"),
        new_row("stock_moves", date=date(2026, 1, 5), sku="P1001", type="stocktake", quantity=125),
        new_row("stock_moves", date=date(2026, 1, 8), sku="P1001", type="stocktake", quantity=121),
        new_row("stock_moves", date=date(2026, 1, 8), sku="P1001", type="receipt", quantity=9),   # same day: before the count
        new_row("stock_moves", date=date(2026, 1, 9), sku="P1001", type="return", quantity=1),
        new_row("stock_moves", date=date(2026, 1, 11), sku="P1001", type="adjustment", quantity=-2),
        new_row("stock_moves", date=date(2026, 1, 7), sku="p1003", type="stocktake", quantity=15),
        new_row("stock_moves", date=date(2026, 1, 2), sku="P1002", type="receipt", quantity=10),
        new_row("stock_moves", date=date(2026, 1, 3), sku="P1002", type="adjustment", quantity=-1),
    ]
    status = [new_row("status_log", order_no="SO2026010001", status="completed", timestamp=datetime(2026, 1, 11, 9, 30))]
    return {"customers": cust, "products": prod, "orders": orders, "order_lines": lines, "status_log": status,
            "shipments": ships, "payments": pays, "stock_moves": moves}


def _cell_value(col, value, lists, lang):
    """A Python value as a spreadsheet holds it (blank: None; a choice: its label; money: a float)."""
    if value is None or value == "":
        return None
    if col.type == T.CHOICE:
        return label_of(lists[col.choices], value, lang)
    if isinstance(value, D):
        return float(value)
    return value


def _actual(col, value):
    if value == "":
        return None
    if col.type == T.DATE and isinstance(value, datetime):
        return value.date()
    return value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_recalculates_every_derived_column_as_python_does(tmp_path, lang):
    from workbook_tools.template import write_book

    data = known_rows()
    config = Config()
    lists = choice_lists(config)
    # Fill the empty template with the known rows, as staff would type them.
    template = write_book(tmp_path / f"template_{lang}.xlsx", None, config=config, lang=lang)
    wb = openpyxl.load_workbook(template)
    for sheet in SHEETS:
        ws = wb[sheet.name(lang)]
        for i, row in enumerate(data[sheet.key], start=2):
            for col in sheet.inputs:
                ws.cell(i, sheet.col(col.key) + 1, _cell_value(col, row[col.key], lists, lang))
    filled = tmp_path / f"filled_{lang}.xlsx"
    wb.save(filled)

    recalculated = convert(filled, tmp_path / "lo")
    got = openpyxl.load_workbook(recalculated, data_only=True)
    derived = derive(data)
    checked = 0
    for sheet in SHEETS:
        ws = got[sheet.name(lang)]
        for col in sheet.derived:
            expected = [_cell_value(col, v, lists, lang) for v in derived[sheet.key][col.key]]
            actual = [_actual(col, ws.cell(i, sheet.col(col.key) + 1).value)
                      for i in range(2, 2 + len(data[sheet.key]))]
            assert cells_match(actual, expected), (sheet.key, col.key, actual, expected)
            # the prepared rows below the data stay blank
            assert ws.cell(2 + len(data[sheet.key]), sheet.col(col.key) + 1).value in (None, "")
            checked += len(expected)
    assert checked == 4 * 2 + 5 * 5 + 7 * 4


def test_known_rows_reach_every_branch():
    """The fixture above is only useful if it exercises what it claims to."""
    d = derive(known_rows())
    assert d["orders"]["payment_status"] == ["paid", "partial", "unpaid", "overpaid", "unpaid"]
    assert d["orders"]["customer_name"] == ["杭州明远贸易有限公司", "王伟", "", "杭州明远贸易有限公司", "王伟"]
    assert d["orders"]["total"] == [D("998.53"), D("877.03"), D("369.60"), D("2.08"), D("0.00")]
    assert d["order_lines"]["amount"][1] == D("0.53")  # 3 × 0.35 × 0.5 = 0.525 → half away from zero
    assert d["order_lines"]["shipped_qty"] == [2, 3, 4, 1, 0, 0, 7]
    assert d["order_lines"]["whole_ship_date"] == [date(2026, 1, 10), date(2026, 1, 10), "", "", "", "",
                                                    date(2026, 1, 7)]
    assert d["products"]["last_count_date"] == [date(2026, 1, 8), "", date(2026, 1, 7), ""]
    # P1001: count 121 on 1-8 (the 1-8 receipt is before it), +1 return, −2 adjustment,
    #        −2 (order 1 whole shipment on 1-10), −1 (order 2 partial on 1-12)  → 117
    # P1002: no stocktake: 50 + 10 − 1 − 3 (order 1 whole) − 7 (order 4, two whole shipments, avg date 1-7) → 49
    # P1003: count 15 on 1-7, −2 (partial on 1-12; the 1-4 one is before the count) → 13
    assert d["products"]["on_hand"] == [117, 49, 13, 7]
