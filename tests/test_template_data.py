"""A book filled with data: typed input cells, Python's derived values as the formulas' cached
results, a dashboard whose cached figures are its Python twin's — and LibreOffice agrees."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import openpyxl
import pytest
from conftest import cells_match, needs_soffice
from python_calamine import CalamineWorkbook

from workbook_tools.choices import choice_lists
from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.errors import OutputError
from workbook_tools.schema import DASHBOARD, SHEET_BY_KEY, SHEETS, T, aux_name
from workbook_tools.template import dashboard_cells, dashboard_values, write_book

TODAY = date(2026, 3, 18)


def _rows(sheet_key, *rows):
    keys = [c.key for c in SHEET_BY_KEY[sheet_key].inputs]
    return [{k: r.get(k) for k in keys} for r in rows]


def sample_book(today: date = TODAY):
    """Rows touching every derived column and dashboard figure, dated around ``today``."""
    d = lambda days: today - timedelta(days=days)  # noqa: E731
    return {
        "customers": _rows(
            "customers",
            dict(
                customer_id="C0001",
                name="杭州明远贸易有限公司",
                phone="13812345678",
                address="文三路 90 号",
                tier="金牌客户",
                province="浙江省",
                tax_id="91330106MA2H0XXXX0",
                created_on=d(400),
                notes="=1+1",
            ),
            dict(customer_id="C0002", name="王伟", phone="0571-88886666", address="解放路 1 号", email="w@example.com"),
        ),
        "products": _rows(
            "products",
            dict(
                sku="P1001",
                name="办公椅",
                unit="把",
                list_price=D("499.00"),
                opening_stock=100,
                reorder_point=20,
                active="yes",
            ),
            dict(sku="P1002", name="文件柜", unit="个", list_price=D("0.35"), opening_stock=12, active="no"),
            dict(sku="P1003", name="台灯", list_price=D("89.90"), opening_stock=5, reorder_point=2),
            dict(sku=None, name="没有编号的产品", list_price=D("1.00"), opening_stock=3),
        ),
        "orders": _rows(
            "orders",
            dict(order_no="SO2026030001", customer_id="C0001", order_date=d(2), due_date=d(-5), status="processing"),
            dict(order_no="SO2026030002", customer_id="C0002", order_date=d(1), due_date=d(1), status="pending"),
            dict(order_no="SO2026020001", customer_id="C0001", order_date=d(40), due_date=d(30), status="shipped"),
            dict(order_no="SO2026020002", customer_id="C0002", order_date=d(45), due_date=d(10), status="processing"),
            dict(order_no="SO2026030003", customer_id="C0009", order_date=d(0), status="cancelled", salesperson="李娜"),
            dict(order_no=None, customer_id="C0001", order_date=d(0), status="pending"),
        ),
        "order_lines": _rows(
            "order_lines",
            dict(order_no="SO2026030001", sku="P1001", quantity=2, unit_price=D("499.00"), discount=D("0.05")),
            dict(order_no="SO2026030001", sku="P1002", quantity=3, unit_price=D("0.35")),
            dict(order_no="SO2026030002", sku="P1003", quantity=1, unit_price=D("89.90")),
            dict(order_no="SO2026020001", sku="P1001", quantity=1, unit_price=D("450.00")),
            dict(order_no="SO2026020002", sku="P1002", quantity=10, unit_price=D("0.35")),
            dict(order_no="SO2026030003", sku="P1003", quantity=1, unit_price=D("89.90")),
            dict(order_no=None, sku="P1001", quantity=1, unit_price=D("1.00")),
        ),
        "status_log": _rows(
            "status_log",
            dict(
                order_no="SO2026020001",
                status="shipped",
                timestamp=datetime.combine(d(39), datetime.min.time()),
                issue="缺货",
                resolution="已调货",
            ),
            dict(
                order_no="SO2026020002", status="processing", timestamp=datetime(2026, 2, 1, 10, 30), issue="供应商晚到"
            ),
        ),
        "shipments": _rows(
            "shipments",
            dict(
                order_no="SO2026020001",
                ship_date=d(39),
                carrier="顺丰速运",
                tracking_no="SF1234567890123",
                delivered_on=d(37),
            ),
            dict(
                order_no="SO2026030001",
                ship_date=d(1),
                carrier="中通快递",
                tracking_no="12345678901234",
                sku="P1001",
                quantity=1,
            ),
        ),
        "payments": _rows(
            "payments",
            dict(
                order_no="SO2026030001",
                paid_on=d(2),
                method="微信支付",
                amount=D("500.00"),
                reference="4200001234202603160001",
            ),
            dict(order_no="SO2026020001", paid_on=d(40), method="银行转账", amount=D("450.00"), reference="B1"),
            dict(order_no="SO2026030003", paid_on=d(0), method="支付宝", amount=D("89.90"), reference="A1"),
        ),
        "stock_moves": _rows(
            "stock_moves",
            dict(date=d(60), sku="P1001", type="receipt", quantity=10, doc_no="RK1"),
            dict(date=d(50), sku="P1003", type="stocktake", quantity=4),
            dict(date=d(5), sku="P1002", type="adjustment", quantity=-2),
        ),
    }


def _as_shown(col, value, lists, lang):
    """A Python value as a spreadsheet reader returns it (openpyxl, data_only)."""
    if col.type == T.CHOICE and value:
        return next((c.label(lang) for c in lists[col.choices] if c.value == value), value)
    return _plain(value)


def _plain(value):
    if value is None or value == "":
        return None
    if isinstance(value, D):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())
    return value


@pytest.fixture(scope="module", params=["zh", "en"])
def written(request, tmp_path_factory):
    lang = request.param
    data = sample_book()
    return lang, data, write_book(tmp_path_factory.mktemp(lang) / "book.xlsx", data, lang=lang, today=TODAY)


def cells(path, sheet_name: str, rows: int, *, data_only: bool = True) -> list[tuple]:
    """The first ``rows`` rows of one sheet (read-only mode parses only what it is asked for)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    return list(wb[sheet_name].iter_rows(min_row=1, max_row=rows))


def test_input_cells_hold_the_typed_values(written):
    lang, data, path = written
    lists = choice_lists(Config())
    for sheet in SHEETS:
        rows = cells(path, sheet.name(lang), 1 + len(data[sheet.key]))
        for row, cached in zip(data[sheet.key], rows[1:]):
            for col in sheet.inputs:
                got = cached[sheet.col(col.key)].value
                assert got == _as_shown(col, row[col.key], lists, lang), (sheet.key, row, col.key)


def test_cached_formula_results_are_what_derive_computes(written):
    lang, data, path = written
    lists = choice_lists(Config())
    derived = derive(data, today=TODAY)  # the day the book was written (逾期天数)
    for sheet in SHEETS:
        rows = cells(path, sheet.name(lang), 1 + len(data[sheet.key]))
        for col in sheet.derived:
            expected = [_as_shown(col, v, lists, lang) for v in derived[sheet.key][col.key]]
            assert [r[sheet.col(col.key)].value for r in rows[1:]] == expected, (sheet.key, col.key)


def test_blank_cached_values_are_empty_not_zero(written):
    lang, data, path = written
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_BY_KEY["orders"].name(lang)).to_python()
    total = SHEET_BY_KEY["orders"].col("total")
    assert rows[1][total] == pytest.approx(949.15)
    assert rows[6][total] == ""  # a data row without an order number
    assert len(rows) == 1 + len(data["orders"])  # the prepared rows' formulas read as nothing at all


def test_text_that_looks_like_a_formula_stays_text(written):
    lang, _, path = written
    customers = SHEET_BY_KEY["customers"]
    row = cells(path, customers.name(lang), 2, data_only=False)[1]
    notes = row[customers.col("notes")]
    assert notes.value == "=1+1" and notes.data_type == "s"
    assert row[0].protection.locked is False
    assert row[customers.col("phone")].number_format == "@"


def test_formulas_and_validation_extend_five_thousand_rows_below_the_data(written):
    lang, data, path = written
    ws = openpyxl.load_workbook(path)[SHEET_BY_KEY["orders"].name(lang)]
    last = 1 + len(data["orders"]) + 5000
    assert ws.auto_filter.ref == f"A1:U{last}"
    assert str(ws[f"H{last}"].value).startswith(f'=IF($A{last}="",""')
    assert ws[f"H{last + 1}"].value is None
    assert [str(r.sqref) for r in ws.conditional_formatting][0] == f"A2:A{last}"


def test_dashboard_caches_its_python_twin(written):
    lang, data, path = written
    values = dashboard_values(data, derive(data), Config(), TODAY)
    assert {
        k: values[k]
        for k in (
            "today",
            "month_start",
            "orders_this_month",
            "revenue_this_month",
            "receivables",
            "overdue_orders",
            "overdue_amount",
            "low_stock_products",
        )
    } == {
        "today": TODAY,
        "month_start": date(2026, 3, 1),
        "orders_this_month": 3,  # the row without an order number does not count
        "revenue_this_month": D("949.15") + D("89.90"),  # the cancelled order left out
        "receivables": D("449.15") + D("89.90") + D("3.50"),  # positive balances, not cancelled
        # past the payment due date (no terms: the 交货日期) with a balance: SO2026030002 by a day, SO2026020002 by 10
        "overdue_orders": 2,
        "overdue_amount": D("89.90") + D("3.50"),
        "low_stock_products": 0,  # P1002 is at the default point, but not on sale
    }
    assert [values[f"status_{s}"] for s in ("pending", "processing", "shipped", "completed", "cancelled")] == [
        1,
        2,
        1,
        0,
        1,
    ]
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)[aux_name(DASHBOARD, lang)]
    assert {key: ws[cell].value for key, cell in dashboard_cells().items()} == {
        key: _plain(v) for key, v in values.items()
    }


def test_template_dashboard_leaves_the_date_out(tmp_path):
    path = write_book(tmp_path / "t.xlsx", lang="en")
    where = dashboard_cells()
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)["Dashboard"]
    assert ws[where["today"]].value is None and ws[where["month_start"]].value is None
    values = dashboard_values({}, derive({s.key: [] for s in SHEETS}), Config(), TODAY)
    # no date, no text; every count and sum 0
    assert {k: ws[c].value for k, c in where.items()} == {
        k: 0 if isinstance(v, (int, D)) else None for k, v in values.items()
    }
    formulas = openpyxl.load_workbook(path, read_only=True)["Dashboard"]
    assert formulas[where["today"]].value == "=TODAY()"
    assert formulas[where["receivables"]].value == '=SUMIFS(rng_orders_balance,rng_orders_balance,">0")'
    assert formulas[where["low_stock_products"]].value == "=COUNT(rng_products_low_seq)"


def test_progress_reports_every_row(tmp_path):
    calls = []
    data = sample_book()
    write_book(tmp_path / "b.xlsx", data, progress=lambda *a: calls.append(a), today=TODAY)
    total = sum(len(rows) for rows in data.values())
    assert calls[-1] == (SHEET_BY_KEY["stock_moves"].zh, total, total)
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)


def test_writes_atomically_and_reports_unwritable_paths(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    write_book(target, sample_book(), today=TODAY)
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError):
        write_book(tmp_path / "file" / "book.xlsx")


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_written_book_to_the_cached_values(tmp_path):
    """The input cells as written (serial dates, text IDs, labels) feed the formulas exactly as
    Python reads them; the dashboard's TODAY() formulas match its twin for the real today."""
    from workbook_tools.libreoffice import convert

    today = date.today()
    data = sample_book(today)
    path = write_book(tmp_path / "book.xlsx", data, today=today)
    cached = openpyxl.load_workbook(path, data_only=True)
    recalculated = openpyxl.load_workbook(convert(path, tmp_path / "lo"), data_only=True)
    for sheet in [*SHEETS, None]:
        name = sheet.zh if sheet else aux_name(DASHBOARD, "zh")
        cols = [sheet.col(c.key) + 1 for c in sheet.derived] if sheet else [2]
        last = 2 + len(data[sheet.key]) if sheet else 30
        for col in cols:
            want = [cached[name].cell(r, col).value for r in range(2, last)]
            got = [recalculated[name].cell(r, col).value for r in range(2, last)]
            assert cells_match(got, want), (name, col, got, want)


def test_money_rounds_as_the_formulas_do_and_keeps_whole_cents_as_they_are():
    """``ROUND(ROUND(x*100,4),0)/100`` for every amount; one already to the cent comes back as it is
    (or as 0.00 with two places), and a zero is always the one shared 0.00."""
    import random
    from decimal import ROUND_HALF_UP
    from decimal import Decimal as D

    from workbook_tools.derive import ZERO, money

    def formulas(x: D) -> D:
        c = (x * 100).quantize(D("0.0001"), rounding=ROUND_HALF_UP).quantize(D(1), rounding=ROUND_HALF_UP)
        return (c / 100).quantize(D("0.01"))

    rnd = random.Random(7)
    values = [D(rnd.randint(-(10**7), 10**7)).scaleb(-rnd.randint(0, 6)) for _ in range(20_000)]
    values += [D("5"), D("1E+2"), D("0"), D("-0.00"), D("0.005"), D("-2.675"), D("322.334999"), ZERO]
    for x in values:
        assert str(money(x)) == str(formulas(x)), x
    assert money(ZERO) is money(ZERO) and str(money(ZERO)) == "0.00"
    amount = D("12.30")
    assert money(amount) is amount
