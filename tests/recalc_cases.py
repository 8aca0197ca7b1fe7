"""Books for the recalculation tests (LibreOffice, Gnumeric) and how to hold a client's results
against Python's: hand-made rows reaching every branch of every derived formula, rows typed below
the prepared ones and after a gap, money that rounds on half a cent, and the comparison of every
derived cell and dashboard figure of a recalculated book."""

from __future__ import annotations

import math
import random
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl

from workbook_tools.book import new_row
from workbook_tools.choices import choice_lists, label_of
from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.keys import as_formulas_compare
from workbook_tools.read import read_book
from workbook_tools.schema import DASHBOARD, SHEET_BY_KEY, SHEETS, T, aux_name
from workbook_tools.template import dashboard_cells, dashboard_values
from workbook_tools.xlsxpkg.package import Package
from workbook_tools.xlsxpkg.sheet import Formula, SheetEdit, Value, patch_sheet

LISTS = choice_lists(Config())


def known_rows():
    """Hand-made rows that reach every branch of every derived formula."""
    cust = [
        new_row(
            "customers",
            customer_id="C0001",
            name="杭州明远贸易有限公司",
            phone="13812345678",
            address="文三路 90 号",
            terms="月结60天",
        ),
        new_row(
            "customers",
            customer_id="C0002",
            name="王伟",
            phone="0571-88886666",
            address="解放路 1 号",
            terms="款到发货",
        ),
        new_row(
            "customers", customer_id="C0003", name="宁波远航", phone="13812345670", address="中山路 3 号", terms="现结"
        ),
    ]
    prod = [
        new_row("products", sku="P1001", name="办公椅", list_price=D("499.00"), opening_stock=100, reorder_point=110),
        new_row("products", sku="P1002", name="文件柜", list_price=D("0.35"), opening_stock=50),
        new_row("products", sku="P1003", name="台灯", list_price=D("89.90"), opening_stock=20, reorder_point=13),
        new_row("products", sku="P1004", name="无人问津", list_price=D("1.00"), opening_stock=7),
    ]
    orders = [
        new_row(
            "orders", order_no="SO2026010001", customer_id="C0001", order_date=date(2026, 1, 2), status="completed"
        ),
        new_row("orders", order_no="SO2026010002", customer_id="c0002", order_date=date(2026, 1, 3), status="shipped"),
        new_row(
            "orders", order_no="SO2026010003", customer_id="C0009", order_date=date(2026, 1, 4), status="processing"
        ),
        new_row(
            "orders",
            order_no="SO2026010004",
            customer_id="C0001",
            order_date=date(2026, 1, 5),
            status="pending",
            terms="货到付款",
        ),
        new_row(
            "orders", order_no="SO2026010005", customer_id="C0002", order_date=date(2026, 1, 6), status="cancelled"
        ),
        # 月结60天 (the customer's), shipped 2026-09-14: due 2026-11-30
        new_row("orders", order_no="SO2026090006", customer_id="C0001", order_date=date(2026, 9, 10), status="shipped"),
        # 月结 and not shipped: not due, paid from money on account last
        new_row(
            "orders", order_no="SO2026100007", customer_id="C0001", order_date=date(2026, 10, 5), status="processing"
        ),
        # 现结 (due on the order date), in sheet order 5,000 / 3,000 / 4,000, oldest due 4,000 / 5,000 / 3,000:
        # a transfer of 10,000 on account pays the first two and 1,000 of the 3,000, leaving 2,000
        new_row(
            "orders", order_no="SO2026020008", customer_id="C0003", order_date=date(2026, 2, 3), status="completed"
        ),
        new_row(
            "orders", order_no="SO2026020009", customer_id="c0003", order_date=date(2026, 2, 5), status="completed"
        ),
        new_row(
            "orders",
            order_no="SO2026020010",
            customer_id="C0003",
            order_date=date(2026, 2, 1),
            status="completed",
            terms="no such terms",
            due_date=date(2026, 2, 1),
        ),
        # cancelled after 500 was paid: 待退款 500
        new_row(
            "orders", order_no="SO2026020011", customer_id="C0002", order_date=date(2026, 2, 7), status="cancelled"
        ),
    ]
    lines = [
        new_row("order_lines", order_no="SO2026010001", sku="P1001", quantity=2, unit_price=D("499.00")),
        new_row(
            "order_lines", order_no="SO2026010001", sku="P1002", quantity=3, unit_price=D("0.35"), discount=D("0.5")
        ),
        new_row(
            "order_lines", order_no="SO2026010002", sku="P1003", quantity=5, unit_price=D("89.90"), discount=D("0.05")
        ),
        new_row("order_lines", order_no="SO2026010002", sku="p1001", quantity=1, unit_price=D("450.00")),
        new_row("order_lines", order_no="SO2026010003", sku="P1003", quantity=4, unit_price=D("89.90")),
        new_row("order_lines", order_no="SO2026010003", sku="P9999", quantity=1, unit_price=D("10.00")),
        new_row(
            "order_lines", order_no="SO2026010004", sku="P1002", quantity=7, unit_price=D("0.35"), discount=D("0.15")
        ),
        # 39 × 8.70 × 0.95 = 322.335: 322.33499999… as a double, a cent less when rounded as such
        new_row(
            "order_lines", order_no="SO2026010003", sku="P1004", quantity=39, unit_price=D("8.70"), discount=D("0.05")
        ),
        new_row("order_lines", order_no="SO2026090006", sku="P1004", quantity=1, unit_price=D("10.00")),
        new_row("order_lines", order_no="SO2026100007", sku="P1002", quantity=10, unit_price=D("0.35")),
        new_row("order_lines", order_no="SO2026020008", sku="P1003", quantity=1, unit_price=D("5000.00")),
        new_row("order_lines", order_no="SO2026020009", sku="P1003", quantity=1, unit_price=D("3000.00")),
        new_row("order_lines", order_no="SO2026020010", sku="P1003", quantity=1, unit_price=D("4000.00")),
    ]
    ships = [
        # order 1: one whole-order shipment (after the P1001 stocktake date, so it counts against it)
        new_row(
            "shipments",
            order_no="SO2026010001",
            ship_date=date(2026, 1, 10),
            carrier="顺丰速运",
            tracking_no="SF1234567890123",
        ),
        # order 2: two partial shipments of P1003 (before the P1003 stocktake) and one of p1001
        new_row(
            "shipments",
            order_no="SO2026010002",
            ship_date=date(2026, 1, 4),
            carrier="中通快递",
            tracking_no="12345678901234",
            sku="P1003",
            quantity=2,
        ),
        new_row(
            "shipments",
            order_no="SO2026010002",
            ship_date=date(2026, 1, 12),
            carrier="中通快递",
            tracking_no="12345678901235",
            sku="P1003",
            quantity=2,
        ),
        new_row(
            "shipments",
            order_no="SO2026010002",
            ship_date=date(2026, 1, 12),
            carrier="中通快递",
            tracking_no="12345678901236",
            sku="P1001",
            quantity=1,
        ),
        # order 4: two whole-order shipments (a data error, but the formulas must still agree)
        new_row(
            "shipments", order_no="SO2026010004", ship_date=date(2026, 1, 6), carrier="EMS", tracking_no="EA123456789CN"
        ),
        new_row(
            "shipments", order_no="SO2026010004", ship_date=date(2026, 1, 9), carrier="EMS", tracking_no="EA123456780CN"
        ),
        new_row(
            "shipments",
            order_no="SO2026090006",
            ship_date=date(2026, 9, 14),
            carrier="送货上门",
            sku="P1004",
            quantity=1,
        ),
    ]
    pays = [
        new_row(
            "payments",
            order_no="SO2026010001",
            paid_on=date(2026, 1, 2),
            method="微信支付",
            amount=D("500.00"),
            reference="R1",
        ),
        new_row(
            "payments",
            order_no="SO2026010001",
            paid_on=date(2026, 1, 3),
            method="支付宝",
            amount=D("498.53"),
            reference="R2",
        ),
        new_row(
            "payments",
            order_no="SO2026010002",
            paid_on=date(2026, 1, 3),
            method="银行转账",
            amount=D("100.00"),
            reference="R3",
        ),
        new_row("payments", order_no="so2026010004", paid_on=date(2026, 1, 5), method="现金", amount=D("5.00")),
        new_row(
            "payments",
            order_no="SO2026010005",
            paid_on=date(2026, 1, 6),
            method="信用卡",
            amount=D("20.00"),
            reference="R5",
        ),
        new_row(
            "payments",
            order_no="SO2026010005",
            paid_on=date(2026, 1, 7),
            method="信用卡",
            amount=D("-20.00"),
            reference="R6",
        ),
        new_row(
            "payments",
            order_no="SO2026020011",
            paid_on=date(2026, 2, 7),
            method="微信支付",
            amount=D("500.00"),
            reference="R7",
        ),
        # on account: C0003's transfer, and C0001's 300 (10.00 + 3.50 of it used: a credit of 286.50)
        new_row(
            "payments",
            customer_id="C0003",
            paid_on=date(2026, 2, 20),
            method="银行转账",
            amount=D("10000.00"),
            reference="R8",
        ),
        new_row(
            "payments",
            customer_id="c0001",
            paid_on=date(2026, 10, 31),
            method="银行转账",
            amount=D("300.00"),
            reference="R9",
            notes="货款 SO2026100007",
        ),
    ]
    moves = [
        new_row("stock_moves", date=date(2026, 1, 1), sku="P1001", type="receipt", quantity=30, doc_no="RK1"),
        new_row("stock_moves", date=date(2026, 1, 5), sku="P1001", type="stocktake", quantity=125),
        new_row("stock_moves", date=date(2026, 1, 8), sku="P1001", type="stocktake", quantity=121),
        new_row(
            "stock_moves", date=date(2026, 1, 8), sku="P1001", type="receipt", quantity=9
        ),  # same day: before the count
        new_row("stock_moves", date=date(2026, 1, 9), sku="P1001", type="return", quantity=1),
        new_row("stock_moves", date=date(2026, 1, 11), sku="P1001", type="adjustment", quantity=-2),
        new_row("stock_moves", date=date(2026, 1, 7), sku="p1003", type="stocktake", quantity=10),
        new_row(
            "stock_moves", date=date(2026, 1, 7), sku="P1003", type="stocktake", quantity=5
        ),  # same day: both count
        new_row("stock_moves", date=date(2026, 1, 2), sku="P1002", type="receipt", quantity=10),
        new_row("stock_moves", date=date(2026, 1, 3), sku="P1002", type="adjustment", quantity=-1),
    ]
    status = [
        new_row("status_log", order_no="SO2026010001", status="completed", timestamp=datetime(2026, 1, 11, 9, 30))
    ]
    return {
        "customers": cust,
        "products": prod,
        "orders": orders,
        "order_lines": lines,
        "status_log": status,
        "shipments": ships,
        "payments": pays,
        "stock_moves": moves,
    }


def money_rows(n: int = 300, seed: int = 7):
    """Order lines whose amounts round on half a cent or near it: quantities × prices × discounts."""
    rnd = random.Random(seed)
    orders = [
        new_row("orders", order_no="SO2026090001", customer_id="C0001", order_date=date(2026, 9, 1), status="pending")
    ]
    lines = []
    for _ in range(n):
        q = rnd.choice([1, 3, 7, 13, 39, 99, 120, rnd.randint(1, 500)])
        p = D(rnd.randint(1, 2_000_000)) / 100
        d = D(rnd.choice([0, 5, 10, 15, 25, 50, 125, 333, 1250, rnd.randint(0, 1000)])) / (
            1000 if rnd.random() < 0.5 else 100
        )
        lines.append(
            new_row("order_lines", order_no="SO2026090001", sku="P1", quantity=q, unit_price=p, discount=min(d, D(1)))
        )
    lines.append(
        new_row("order_lines", order_no="SO2026090001", sku="P1", quantity=39, unit_price=D("8.70"), discount=D("0.05"))
    )
    data = {s.key: [] for s in SHEETS}
    data.update(orders=orders, order_lines=lines)
    return data


def spreadsheet_value(col, value, lang: str):
    """A Python value as a spreadsheet holds it (blank: None; a choice: its label; money: a float)."""
    if value is None or value == "":
        return None
    if col.type == T.CHOICE:
        return label_of(LISTS[col.choices], value, lang)
    if isinstance(value, D):
        return float(value)
    return value


def cell_value(col, value):
    """A recalculated cell as openpyxl gives it, for comparison ("" is blank, a date has no time)."""
    if value == "":
        return None
    if col.type == T.DATE and isinstance(value, datetime):
        return value.date()
    return value


def same(actual, expected) -> bool:
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (actual, expected))
    if numbers:
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9)
    return actual == expected


def type_in(
    path: Path, rows: dict[str, dict[int, dict]], *, lang: str = "zh", probes: dict[str, str] | None = None
) -> None:
    """Type ``rows`` (sheet key -> Excel row -> column key -> value) into the book at ``path`` as a
    clerk does — values in cells, no formulas, every other part as it was — and ``probes``
    (dashboard cell -> formula) to read what a client makes of a name."""
    with Package(path) as pkg:
        parts = {s.name: s.part for s in pkg.sheets()}
        for key, by_row in rows.items():
            sheet = SHEET_BY_KEY[key]
            edit = SheetEdit()
            for r, values in by_row.items():
                for k, v in values.items():
                    col = sheet.column(k)
                    edit.set(r, sheet.col(k), Value(spreadsheet_value(col, v, lang)))
            part = parts[sheet.name(lang)]
            pkg.new[part] = patch_sheet(pkg.read(part), edit)
        if probes:
            edit = SheetEdit()
            for at, text in probes.items():
                edit.set(int(at[1:]), ord(at[0]) - 65, Formula(text))
            part = parts[aux_name(DASHBOARD, lang)]
            pkg.new[part] = patch_sheet(pkg.read(part), edit)
        tmp = Path(path).with_name(Path(path).name + ".typing")
        with open(tmp, "wb") as out:
            pkg.write_to(out)
    tmp.replace(path)


def fill_template(path: Path, data: dict, *, lang: str = "zh") -> None:
    """Type ``data`` into a template from row 2 on."""
    type_in(
        path, {key: {i: row for i, row in enumerate(rows, start=2)} for key, rows in data.items() if rows}, lang=lang
    )


def gap_rows():
    """Rows typed below the template's 5,000 prepared rows and after gaps (sheet -> Excel row -> values).

    Without the rows below 5,001 computed, order 1's total misses the line at 订单明细!5004, and
    P1001's stock misses the stocktake at 库存变动!5003 (127 instead of 99)."""
    return {
        "customers": {
            2: dict(customer_id="C0001", name="甲公司", phone="13812345678", address="一路 1 号"),
            5003: dict(customer_id="C0002", name="乙公司", phone="13812345679", address="二路 2 号"),
        },
        "products": {2: dict(sku="P1001", name="椅子", list_price=D("8.70"), opening_stock=100, reorder_point=5)},
        "orders": {
            2: dict(order_no="SO2026010001", customer_id="C0001", order_date=date(2026, 1, 2), status="shipped"),
            5003: dict(order_no="SO2026010002", customer_id="C0002", order_date=date(2026, 1, 3), status="processing"),
        },
        "order_lines": {
            2: dict(order_no="SO2026010001", sku="P1001", quantity=3, unit_price=D("8.70")),
            5003: dict(order_no="SO2026010002", sku="P1001", quantity=39, unit_price=D("8.70"), discount=D("0.05")),
            5004: dict(order_no="SO2026010001", sku="P1001", quantity=1, unit_price=D("8.70")),
        },
        "shipments": {
            2: dict(
                order_no="SO2026010001", ship_date=date(2026, 1, 4), carrier="顺丰速运", tracking_no="SF1234567890123"
            )
        },
        "payments": {
            2: dict(order_no="SO2026010001", paid_on=date(2026, 1, 2), method="现金", amount=D("10.00")),
            5003: dict(order_no="SO2026010002", paid_on=date(2026, 1, 3), method="现金", amount=D("100.00")),
        },
        "stock_moves": {
            2: dict(date=date(2026, 1, 1), sku="P1001", type="receipt", quantity=30),
            5003: dict(date=date(2026, 1, 5), sku="P1001", type="stocktake", quantity=99),
        },
    }


#: Dashboard cells that read the dropdowns' key lists, as a client evaluates them.
KEY_PROBES = {
    "D30": "ROWS(keys_customers_customer_id)",
    "D31": "INDEX(keys_customers_customer_id,ROWS(keys_customers_customer_id))",
    "D32": 'COUNTIF(keys_orders_order_no,"SO2026010002")',
    "D33": 'COUNTIF(keys_products_sku,"P1001")',
}


def mismatches(
    book_path: Path, recalculated: Path, *, today: date, config: Config | None = None, as_typed: bool = False
) -> list[str]:
    """Every derived cell of every row of data, and every dashboard figure, of ``recalculated`` (the
    book at ``book_path`` after a client recalculated it) that differs from Python's values for the
    book's rows; [] when they all agree. ``as_typed``: Python's values with every misspelt key as
    typed and keys compared as the formulas compare them (validate/cached.py's view)."""
    config = config or Config()
    book = read_book(book_path, config=config)
    data = book.data()
    derived = derive(data, config)
    if as_typed:
        for s in SHEETS:
            for i, column, typed in book[s.key].spelling:
                data[s.key][i][column] = typed
        derived = derive(data, config, keys=as_formulas_compare)
    got = openpyxl.load_workbook(recalculated, data_only=True)
    out = []
    checked = 0
    for s in SHEETS:
        table = book[s.key]
        ws = got[table.name]
        for col in s.derived:
            c = table.columns[col.key] + 1
            for r, v in zip(table.row_numbers, derived[s.key][col.key]):
                expected, actual = spreadsheet_value(col, v, book.lang), cell_value(col, ws.cell(r, c).value)
                checked += 1
                if not same(actual, expected):
                    out.append(f"{table.name}!{ws.cell(r, c).coordinate} {col.key}: {actual!r}, Python {expected!r}")
    figures = dashboard_values(data, derived, config, today)
    ws = got[aux_name(DASHBOARD, book.lang)]
    for key, at in dashboard_cells().items():
        expected, actual = figures[key], ws[at].value
        if isinstance(expected, D):
            expected = float(expected)
        if expected == "":  # a list's empty entry: the formula's "" reads as an empty cell
            expected = None
        if actual == "":
            actual = None
        if isinstance(actual, datetime):
            actual = actual.date()
        if not same(actual, expected):
            out.append(f"dashboard {key}: {actual!r}, Python {expected!r}")
    assert checked, "no derived cell was compared"
    return out


def misspelt_keys():
    """Keys typed as a clerk sometimes types them (sheet key -> Excel row -> values): 订单!B2's customer
    ID with a trailing space, 订单明细!A3's order number with one, 库存变动!B2's SKU in full-width
    letters. The formulas match none of them (MATCH and SUMIFS ignore case, not spaces nor width);
    Python reads each as the key it spells (keys.py)."""
    return {
        "customers": {
            2: dict(customer_id="C0001", name="甲公司", phone="13812345678", address="一路 1 号"),
            3: dict(customer_id="C0002", name="乙公司", phone="13812345679", address="二路 2 号"),
        },
        "products": {
            2: dict(sku="P1001", name="椅子", list_price=D("10.00"), opening_stock=100),
            3: dict(sku="P1002", name="柜子", list_price=D("20.00"), opening_stock=10),
        },
        "orders": {
            2: dict(order_no="SO2026010001", customer_id="C0001 ", order_date=date(2026, 1, 2), status="processing"),
            3: dict(order_no="SO2026010002", customer_id="C0002", order_date=date(2026, 1, 3), status="processing"),
        },
        "order_lines": {
            2: dict(order_no="SO2026010001", sku="P1001", quantity=2, unit_price=D("10.00")),
            3: dict(order_no="SO2026010002 ", sku="P1001", quantity=3, unit_price=D("10.00")),
        },
        "payments": {2: dict(order_no="SO2026010002", paid_on=date(2026, 1, 3), method="现金", amount=D("30.00"))},
        "stock_moves": {2: dict(date=date(2026, 1, 5), sku="Ｐ１００２", type="receipt", quantity=5)},
    }


def dashboard_rows(today: date):
    """Rows for every figure of the dashboard, dated around ``today``: this month and last, payments
    and a refund, balances past their 应付日期, a blank 单价 (the list price), a product not on sale,
    customers tied on sales, an order row without a number (tests/test_dashboard.py works them out
    by hand for 2026-03-18). :data:`PASTED_QUANTITY` is then typed over one line's 数量."""
    from datetime import timedelta

    m0 = today.replace(day=1)
    m1 = (m0 - timedelta(days=1)).replace(day=1)
    day = lambda start, n: start + timedelta(days=n)  # noqa: E731
    cust = [
        new_row("customers", customer_id=c, name=n, phone="13812345678", address="一路 1 号", terms=t)
        for c, n, t in (
            ("C0001", "甲贸易有限公司", "现结"),
            ("C0002", "乙", None),
            ("C0003", "丙商行", "现结"),
            ("C0004", "丁", None),
            ("C0005", "戊", None),
            ("C0006", "己工作室", "现结"),
        )
    ]
    prod = [
        new_row("products", sku="P1", name="椅子", list_price=D("100.00"), opening_stock=50, reorder_point=10),
        new_row("products", sku="P2", name="台灯", list_price=D("20.00"), opening_stock=5),
        new_row(
            "products", sku="P3", name="文件柜", list_price=D("300.00"), opening_stock=3, reorder_point=5, active="no"
        ),
        new_row("products", sku="P4", name="白板", list_price=D("50.00"), opening_stock=8, reorder_point=8),
    ]
    order = lambda no, c, on, status, **kw: new_row(
        "orders",
        order_no=no,
        customer_id=c,
        order_date=on,  # noqa: E731
        status=status,
        **kw,
    )
    orders = [
        order("SO2026030001", "C0001", today - timedelta(days=3), "processing"),
        order("SO2026030002", "C0002", day(m0, 1), "pending", due_date=day(m0, 9)),
        order("SO2026030003", "C0005", day(m0, 4), "cancelled"),
        order("SO2026020004", "C0003", day(m1, 9), "completed"),
        order("SO2026020005", "C0001", day(m1, 19), "shipped"),
        order("SO2026010006", "C0006", m1 - timedelta(days=20), "completed"),
        order(None, "C0002", day(m0, 2), "pending"),
    ]
    line = lambda no, sku, q, p=None, d=None: new_row(
        "order_lines",
        order_no=no,
        sku=sku,
        quantity=q,  # noqa: E731
        unit_price=p,
        discount=d,
    )
    lines = [
        line("SO2026030001", "P1", 2),  # 单价 blank: the list price, 200.00
        line("SO2026030002", "P2", 9, D("20.00")),  # 数量 pasted over as "9件": 0
        line("SO2026030002", "P2", 1, D("20.00")),
        line("SO2026030003", "P1", 1, D("100.00")),
        line("SO2026020004", "P4", 3, D("50.00")),
        line("SO2026020004", "P2", 2, D("20.00"), D("0.05")),
        line("SO2026020005", "P1", 1, D("99.50")),
        line("SO2026010006", "P4", 1, D("188.00")),
    ]
    pay = lambda no, on, amount: new_row("payments", order_no=no, paid_on=on, method="银行转账", amount=amount)  # noqa: E731
    pays = [
        pay("SO2026030001", today - timedelta(days=2), D("50.00")),
        pay("SO2026030003", day(m0, 4), D("100.00")),
        pay("SO2026030003", day(m0, 5), D("-100.00")),
        pay("SO2026020004", day(m1, 11), D("188.00")),
        pay("SO2026010006", m1 - timedelta(days=20), D("100.00")),
    ]
    moves = [
        new_row("stock_moves", date=day(m1, 1), sku="P1", type="receipt", quantity=5),
        new_row("stock_moves", date=day(m1, 2), sku="P9", type="receipt", quantity=1),
    ]
    data = {s.key: [] for s in SHEETS}
    data.update(customers=cust, products=prod, orders=orders, order_lines=lines, payments=pays, stock_moves=moves)
    return data


#: "9件" pasted into 订单明细!D3 (the second line's 数量): the reader makes it blank, the formulas 0.
PASTED_QUANTITY = {"order_lines": {3: {"quantity": "9件"}}}
