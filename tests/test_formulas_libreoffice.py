"""LibreOffice — a real spreadsheet client — recalculates the book's formulas over known rows, and
every derived value must equal what Python computes (derive.py) for the same rows: hand-made rows,
a small demo book, money that rounds on half a cent, rows typed below the prepared ones and after
a gap (then extended), and a book saved by LibreOffice (validation cut short, then restored)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from conftest import cells_match, needs_soffice
from recalc_cases import (
    KEY_PROBES,
    cell_value,
    fill_template,
    gap_rows,
    known_rows,
    mismatches,
    misspelt_keys,
    money_rows,
    spreadsheet_value,
    type_in,
)

from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.libreoffice import convert
from workbook_tools.patterns import compile_pattern
from workbook_tools.read import read_book
from workbook_tools.schema import DASHBOARD, SHEETS, aux_name
from workbook_tools.template import dashboard_cells, write_book
from workbook_tools.template.validation import pattern_check
from workbook_tools.validate import validate_file
from workbook_tools.xlsxpkg.extend import extend_book

pytestmark = [needs_soffice, pytest.mark.libreoffice]

TODAY = date.today()  # LibreOffice's TODAY() when it recalculates
BOOK_CODES = {"formula-missing", "prepared-rows-low", "validation-missing", "formula-overwritten"}


def _book_findings(path):
    result = validate_file(path, config=Config(), today=TODAY)
    assert result.error is None, result.error
    return sorted((f.cell, f.code) for f in result.findings if f.code in BOOK_CODES)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_recalculates_every_derived_column_as_python_does(tmp_path, lang):
    data = known_rows()
    template = write_book(tmp_path / f"known_{lang}.xlsx", None, lang=lang)
    fill_template(template, data, lang=lang)
    recalculated = convert(template, tmp_path / "lo")
    assert mismatches(template, recalculated, today=TODAY) == []
    got = openpyxl.load_workbook(recalculated, data_only=True)
    derived = derive(data)
    checked = 0
    for sheet in SHEETS:
        ws = got[sheet.name(lang)]
        for col in sheet.derived:
            expected = [spreadsheet_value(col, v, lang) for v in derived[sheet.key][col.key]]
            actual = [
                cell_value(col, ws.cell(i, sheet.col(col.key) + 1).value) for i in range(2, 2 + len(data[sheet.key]))
            ]
            assert cells_match(actual, expected), (sheet.key, col.key, actual, expected)
            # the prepared rows below the data stay blank
            assert ws.cell(2 + len(data[sheet.key]), sheet.col(col.key) + 1).value in (None, "")
            checked += len(expected)
    assert checked == 3 * 3 + 4 * 5 + 11 * 13 + 13 * 4 + 10 * 2


def test_known_rows_reach_every_branch():
    """The fixture above is only useful if it exercises what it claims to."""
    d = derive(known_rows(), today=date(2026, 11, 30))
    o = d["orders"]
    assert o["payment_status"] == [
        "paid",
        "partial",
        "unpaid",
        "overpaid",
        "cancelled",
        "paid",
        "paid",
        "paid",
        "partial",
        "paid",
        "refund_due",
    ]
    assert o["customer_name"] == [
        "杭州明远贸易有限公司",
        "王伟",
        "",
        "杭州明远贸易有限公司",
        "王伟",
        "杭州明远贸易有限公司",
        "杭州明远贸易有限公司",
        "宁波远航",
        "宁波远航",
        "宁波远航",
        "王伟",
    ]
    assert o["total"][:5] == [D("998.53"), D("877.03"), D("691.94"), D("2.08"), D("0.00")]
    # terms: C0001 月结60天 (first shipment 1-10 → 3-31; 9-14 → 11-30; not shipped → not due), C0002 款到发货
    # (the order date), an unknown customer or unknown terms: the 交货日期, else the order date; 货到付款 on
    # SO2026010004: its first shipment row (1-06); C0003 现结: the order date
    assert o["pay_due"] == [
        date(2026, 3, 31),
        date(2026, 1, 3),
        date(2026, 1, 4),
        date(2026, 1, 6),
        date(2026, 1, 6),
        date(2026, 11, 30),
        "",
        date(2026, 2, 3),
        date(2026, 2, 5),
        date(2026, 2, 1),
        date(2026, 2, 7),
    ]
    assert o["days_overdue"] == ["", 331, 330, "", "", "", "", "", 298, "", ""]
    # money on account: C0003's 10,000 pays 4,000 (due 2-01), 5,000 (2-03), then 1,000 of 3,000 (2-05);
    # C0001's 300 pays 10.00 (due 11-30) then 3.50 (not due, last)
    assert o["allocated"][5:10] == [D("10.00"), D("3.50"), D("5000.00"), D("1000.00"), D("4000.00")]
    assert o["balance"][8] == D("2000.00")
    # cancelled: 0 owed; 500 received and not refunded is 待退款 500; overpaid by 2.92
    assert o["balance"][4] == o["balance"][10] == D("0.00")
    assert o["refund_due"][10] == D("500.00") and o["refund_due"][3] == D("2.92")
    assert d["order_lines"]["amount"][1] == D("0.53")  # 3 × 0.35 × 0.5 = 0.525 → half away from zero
    assert d["order_lines"]["amount"][7] == D("322.34")  # 39 × 8.70 × 0.95 = 322.335
    assert d["order_lines"]["shipped_qty"] == [2, 3, 4, 1, 0, 0, 7, 0, 1, 0, 0, 0, 0]
    assert d["order_lines"]["whole_ship_date"] == [
        date(2026, 1, 10),
        date(2026, 1, 10),
        "",
        "",
        "",
        "",
        date(2026, 1, 7),
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    assert d["products"]["last_count_date"] == [date(2026, 1, 8), "", date(2026, 1, 7), ""]
    # P1001: count 121 on 1-8 (the 1-8 receipt is before it), +1 return, −2 adjustment,
    #        −2 (order 1 whole shipment on 1-10), −1 (order 2 partial on 1-12)  → 117
    # P1002: no stocktake: 50 + 10 − 1 − 3 (order 1 whole) − 7 (order 4, two whole shipments, avg date 1-7) → 49
    # P1003: counts of 10 and 5 on 1-7 (both the latest), −2 (partial on 1-12; the 1-4 one is before) → 13
    assert d["products"]["on_hand"] == [117, 49, 13, 6]  # P1004: one shipped for SO2026090006
    assert d["products"]["above_reorder"] == [7, "", 0, ""]  # P1003 at its reorder point
    assert d["stock_moves"]["latest_count"] == [
        "",
        "",
        date(2026, 1, 8),
        "",
        "",
        "",
        date(2026, 1, 7),
        date(2026, 1, 7),
        "",
        "",
    ]


@pytest.mark.slow
def test_libreoffice_recalculates_a_small_demo_book_as_python_does(tmp_path):
    from workbook_tools.demo import generate_demo

    book = write_book(tmp_path / "demo.xlsx", generate_demo(60, seed=3, today=TODAY), today=TODAY)
    assert mismatches(book, convert(book, tmp_path / "lo"), today=TODAY) == []


def test_money_rounds_as_python_does_whatever_its_binary_noise(tmp_path):
    data = money_rows()
    book = write_book(tmp_path / "money.xlsx", data, today=TODAY)
    assert mismatches(book, convert(book, tmp_path / "lo"), today=TODAY) == []


@pytest.mark.slow
def test_rows_typed_below_the_prepared_rows_and_after_a_gap_are_computed_once_extended(tmp_path):
    """A clerk types at row 5,003 of the template (and leaves a gap); validate says which rows have no
    formulas and that the sheets ran out of prepared rows; orderbook extend prepares them; LibreOffice
    then computes every row as Python does: totals, stock, dashboard and the dropdowns' key lists."""
    book = write_book(tmp_path / "book.xlsx")
    type_in(book, gap_rows(), probes=KEY_PROBES)

    before = _book_findings(book)
    assert ("订单!C5003", "formula-missing") in before and ("订单明细!C5004", "formula-missing") in before
    assert ("库存变动!F5003", "formula-missing") in before and ("订单明细!5004", "prepared-rows-low") in before
    assert not [f for f in before if f[1] == "formula-overwritten"]
    # the cliff, as LibreOffice shows it without the extension
    cliff = openpyxl.load_workbook(convert(book, tmp_path / "before"), data_only=True)
    assert cliff["产品"]["K2"].value == 127 and cliff["订单"]["H5003"].value is None
    assert cliff["订单"]["H2"].value == pytest.approx(26.1)

    result = extend_book(book, today=TODAY)
    assert result.sheets["order_lines"].new_end == 5004 + 5000 and result.sheets["customers"].new_end == 5003 + 5000
    assert _book_findings(book) == []

    recalculated = convert(book, tmp_path / "after")
    assert mismatches(book, recalculated, today=TODAY) == []
    got = openpyxl.load_workbook(recalculated, data_only=True)
    assert got["订单"]["H2"].value == pytest.approx(34.8)  # with the line at 订单明细!5004
    assert got["订单"]["H5003"].value == pytest.approx(322.34)  # 39 × 8.70 × 0.95
    assert got["产品"]["K2"].value == 99  # from the stocktake at 库存变动!5003
    dashboard = got["概览"]
    assert dashboard[dashboard_cells()["receivables"]].value == pytest.approx(24.8 + 222.34)  # both orders
    # the dropdowns see every key, the ones after the gap too
    assert [dashboard[at].value for at in KEY_PROBES] == [5002, "C0002", 1, 1]


@pytest.mark.slow
def test_libreoffice_save_then_validate_then_extend_round_trip(tmp_path):
    """Saving in LibreOffice cuts every validation range to the last used row + 1,000: validate says
    so, extend puts it back, and the book still computes as Python does."""
    book = write_book(tmp_path / "book.xlsx")
    fill_template(book, known_rows())
    saved_dir = tmp_path / "saved"
    saved = convert(book, saved_dir)  # what "save" in LibreOffice writes
    lost = _book_findings(saved)
    # 9 payments (rows 2-10) keep it to row 1,010; 客户, with formula cells down its prepared rows, keeps it all
    assert ("付款!A1011", "validation-missing") in lost and ("发货!A1009", "validation-missing") in lost
    assert not [cell for cell, _ in lost if cell.startswith("客户!")]
    assert {code for _cell, code in lost} == {"validation-missing"}

    result = extend_book(saved, today=TODAY)
    assert "付款方式" in result.sheets["payments"].validation
    assert _book_findings(saved) == []
    import zipfile

    with zipfile.ZipFile(saved) as z:
        payments = next(n for n in z.namelist() if n.endswith("sheet9.xml"))
        assert 'sqref="C2:C1048576"' in z.read(payments).decode()
    assert mismatches(saved, convert(saved, tmp_path / "again"), today=TODAY) == []


#: Candidates for the in-sheet ID checks, against the patterns that RE2 (validate) applies.
ID_CASES = {
    r"^C\d{4,6}$": [
        "C0001",
        "C123456",
        "C123",
        "C1234567",
        "c0001",
        "CX001",
        "C1e3",
        "C 123",
        "C-123",
        "C12.5",
        "C１２３４",
        "C0000",
        "",
        "0001",
        "C00010",
    ],
    r"^SO\d{10}$": [
        "SO2026110001",
        "SO202611000",
        "SO20261100011",
        "so2026110001",
        "SO2026-10001",
        "SO1.23456789",
        "SO 026110001",
        "SO0000000000",
        "XSO2026110001",
    ],
    r"^KH-\d{1,15}$": ["KH-1", "KH-", "KH-123456789012345", "KH-1234567890123456", "KH-12a", "KH1", "KH-0x1"],
    r"^[0-9]{6}\.CN$": ["123456.CN", "123456CN", "12345.CN", "123456.cn", "1234567.CN"],
}


def test_id_pattern_checks_agree_with_validate(tmp_path):
    """The in-sheet ID conditions (template/validation.py), evaluated by LibreOffice on candidates,
    accept exactly what validate's regular expressions accept."""
    import xlsxwriter

    path = tmp_path / "ids.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("ids")
    rows = [(p, v) for p, values in ID_CASES.items() for v in values]
    for r, (pattern, value) in enumerate(rows):
        ws.write_string(r, 0, value)
        check = pattern_check(pattern, f"A{r + 1}")
        assert check is not None, pattern
        ws.write_formula(r, 1, f"=IFERROR(AND({check}),FALSE)", None, "")
    wb.close()
    got = openpyxl.load_workbook(convert(path, tmp_path / "lo"), data_only=True)["ids"]
    for r, (pattern, value) in enumerate(rows, start=1):
        assert got.cell(r, 2).value is compile_pattern(pattern).search(value), (pattern, value)


def test_dashboard_low_stock_counts_what_python_counts(tmp_path):
    data = known_rows()
    book = write_book(tmp_path / "b.xlsx", data, today=TODAY)
    got = openpyxl.load_workbook(convert(book, tmp_path / "lo"), data_only=True)[aux_name(DASHBOARD, "zh")]
    assert got[dashboard_cells()["low_stock_products"]].value == 2  # P1003 at its reorder point, P1004 ≤ 10


def test_a_key_typed_with_a_space_or_in_full_width_is_reported_and_never_blamed_on_a_formula(tmp_path):
    """A trailing space or full-width letters in a key: LibreOffice's MATCH and SUMIFS do not match it,
    Python reads the key it spells. validate names each such key cell (key-spelling) and calls no
    formula typed over for what the key did to it (it used to: formula-overwritten at 订单!H3)."""
    book = write_book(tmp_path / "book.xlsx")
    type_in(book, misspelt_keys())
    recalculated = convert(book, tmp_path / "lo")
    # the workbook and Python differ where the keys are misspelt: 甲公司's name (订单!B2 "C0001 "), order 2's
    # total without its line (订单明细!A3 "SO2026010002 ") and what follows from it, P1002's stock without
    # the receipt of 5 (库存变动!B2 "Ｐ１００２")
    differ = [m.split(":")[0] for m in mismatches(book, recalculated, today=TODAY)]
    assert {
        "订单!C2 customer_name",
        "订单!H3 total",
        "订单!J3 balance",
        "订单!K3 payment_status",
        "订单!Q3 refund_due",
        "产品!K3 on_hand",
    } <= set(differ)
    assert not [m for m in differ if m.startswith(("订单明细", "发货", "付款"))]
    # and the workbook computes exactly what Python computes with the keys as typed (cached.py's view)
    assert mismatches(book, recalculated, today=TODAY, as_typed=True) == []
    result = validate_file(recalculated, config=Config(), today=TODAY)
    assert result.error is None, result.error
    assert sorted((f.cell, f.code) for f in result.findings if f.code in ("key-spelling", "formula-overwritten")) == [
        ("库存变动!B2", "key-spelling"),
        ("订单!B2", "key-spelling"),
        ("订单明细!A3", "key-spelling"),
    ]
    spelt = {f.cell: (f.message("zh"), f.message("en")) for f in result.findings if f.code == "key-spelling"}
    assert spelt["库存变动!B2"] == (
        "“产品编号”“Ｐ１００２”含全角字符：表中的公式找不到它，应为“P1002”",
        "SKU 'Ｐ１００２' has full-width characters: the book's formulas do not find it; it should be 'P1002'",
    )
    assert spelt["订单明细!A3"][0] == "“订单编号”“SO2026010002 ”前后有空格：表中的公式找不到它，应为“SO2026010002”"


def test_text_pasted_into_number_cells_computes_as_python_reads_it(tmp_path):
    """ "9件" in 数量, "九五折" in 折扣, "待定" in 单价, "五十" in 期初库存, "一百" in 金额: the reader makes each
    blank (a wrong-type finding); the formulas count the quantity, discount, stock and payment as 0 and
    price the line at the list price, as derive does — no #VALUE! anywhere, the dashboard included."""
    book = write_book(tmp_path / "pasted.xlsx", None)
    fill_template(book, known_rows())
    type_in(
        book,
        {
            "order_lines": {3: {"quantity": "9件"}, 4: {"discount": "九五折"}, 5: {"unit_price": "待定"}},
            "products": {3: {"opening_stock": "五十"}},
            "payments": {4: {"amount": "一百"}},
        },
    )
    data = read_book(book).data()
    assert [data["order_lines"][i][k] for i, k in ((1, "quantity"), (2, "discount"), (3, "unit_price"))] == [None] * 3
    recalculated = convert(book, tmp_path / "lo")
    assert mismatches(book, recalculated, today=TODAY) == []
    lines = openpyxl.load_workbook(recalculated, data_only=True)["订单明细"]
    # 0 × 0.35 × 0.5; 5 × 89.90 (no discount); 1 × 499.00 (P1001's list price)
    assert [lines[f"G{r}"].value for r in (3, 4, 5)] == [0, pytest.approx(449.5), 499]
