"""read_book: real .xlsx files (written here with xlsxwriter) → typed rows that keep their cells."""

import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
import xlsxwriter
from conftest import SHARED_DATA, needs_real_workbooks

from workbook_tools.cells import col_letter
from workbook_tools.config import Config
from workbook_tools.errors import BookReadError, MissingColumnError, MissingSheetError
from workbook_tools.read import read_book
from workbook_tools.read.xlsxparts import error_cells
from workbook_tools.schema import SHEET_BY_KEY, SHEETS

D = Decimal
ORDERS = SHEET_BY_KEY["orders"]
REAL_WORKBOOKS = SHARED_DATA / "real-workbooks"


class F:
    """A formula cell and the result cached with it."""

    def __init__(self, formula: str, cached):
        self.formula, self.cached = formula, cached


def headers(key: str, lang: str = "zh") -> list[str]:
    return [c.header(lang) for c in SHEET_BY_KEY[key].columns]


def write_xlsx(path, sheets, *, at=None, hidden=(), merges=None, date1904=False):
    """``sheets``: name -> rows of cells (None = empty cell). ``at``: name -> (row, col) of the first cell."""
    wb = xlsxwriter.Workbook(path, {"date_1904": date1904})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        r0, c0 = (at or {}).get(name, (0, 0))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                cell = (r0 + r, c0 + c)
                if v is None:
                    continue
                if isinstance(v, F):
                    ws.write_formula(*cell, v.formula, None, v.cached)
                elif isinstance(v, datetime):
                    ws.write_datetime(*cell, v, stamp)
                elif isinstance(v, date):
                    ws.write_datetime(*cell, datetime(v.year, v.month, v.day), day)
                elif isinstance(v, str):
                    ws.write_string(*cell, v)
                else:
                    ws.write(*cell, v)
        for rng, value in (merges or {}).get(name, []):
            ws.merge_range(rng, value)
        if name in hidden:
            ws.hide()
    wb.close()
    return path


def book(tmp_path, lang="zh", **overrides):
    """Every data sheet with its headers and no rows, except those given as ``key=rows``."""
    sheets = {}
    for s in SHEETS:
        sheets[s.name(lang)] = overrides.get(s.key, [headers(s.key, lang)])
    return sheets


def read(tmp_path, sheets, name="book.xlsx", config=None, **kw):
    return read_book(write_xlsx(tmp_path / name, sheets, **kw), config=config)


# --- sheets, rows, row numbers --------------------------------------------------------------


def order(no, customer="C0001", when=date(2026, 11, 2), status="待处理", **kw):
    row = dict(order_no=no, customer_id=customer, order_date=when, status=status, **kw)
    return [row.get(c.key) for c in ORDERS.columns]


def test_rows_are_typed_and_keep_their_excel_rows(tmp_path):
    blank = [None] * len(ORDERS.columns)
    formulas_only = [F('=IFERROR(1/0,"")', "") if c.derived else None for c in ORDERS.columns]
    sheets = book(
        tmp_path,
        orders=[
            headers("orders"),
            order("SO2026110001", salesperson="李娜"),
            blank,
            blank,
            order("SO2026110002", customer="C0002", when=date(2026, 11, 5), status="Shipped", notes="加急"),
            formulas_only,
            formulas_only,
        ],
    )
    b = read(tmp_path, sheets)
    t = b["orders"]
    assert b.lang == "zh" and t.name == "订单" and t.header_row == 1
    assert t.row_numbers == [2, 5]
    assert t.rows == [
        {
            "order_no": "SO2026110001",
            "customer_id": "C0001",
            "order_date": date(2026, 11, 2),
            "due_date": None,
            "status": "pending",
            "salesperson": "李娜",
            "notes": None,
            "terms": None,
        },
        {
            "order_no": "SO2026110002",
            "customer_id": "C0002",
            "order_date": date(2026, 11, 5),
            "due_date": None,
            "status": "shipped",
            "salesperson": None,
            "notes": "加急",
            "terms": None,
        },
    ]
    assert t.cell(1, "notes") == "订单!L5"
    assert t.problems == []
    assert [len(b[s.key].rows) for s in SHEETS if s.key != "orders"] == [0] * 7


def test_english_sheet_names_give_lang_en_and_mixed_names_zh(tmp_path):
    b = read(tmp_path, book(tmp_path, lang="en", orders=[headers("orders", "en"), order("SO1")]), "en.xlsx")
    assert b.lang == "en" and b["orders"].name == "Orders" and b["orders"].rows[0]["order_no"] == "SO1"
    mixed = book(tmp_path, lang="en")
    mixed["订单"] = mixed.pop("Orders")
    assert read(tmp_path, mixed, "mixed.xlsx").lang == "zh"


def test_sheet_names_match_after_normalising_and_hidden_sheets_are_read(tmp_path):
    sheets = book(tmp_path, lang="en")
    sheets[" ORDER LINES "] = sheets.pop("Order lines")
    sheets["ｐａｙｍｅｎｔｓ"] = sheets.pop("Payments")
    sheets["Orders"] = [headers("orders", "en"), order("SO1")]
    b = read(tmp_path, sheets, hidden={"Orders"})
    assert b["order_lines"].name == " ORDER LINES " and b["payments"].name == "ｐａｙｍｅｎｔｓ"
    assert [r["order_no"] for r in b["orders"].rows] == ["SO1"]


def test_data_starting_at_b3_keeps_excel_rows_and_columns(tmp_path):
    sheets = book(tmp_path, orders=[headers("orders"), order("SO1"), order("SO2")])
    b = read(tmp_path, sheets, at={"订单": (2, 1)})
    t = b["orders"]
    assert t.header_row == 3
    assert t.row_numbers == [4, 5]
    assert t.columns["order_no"] == 1 and t.columns["notes"] == 12
    assert t.cell(0, "order_no") == "订单!B4" and t.cell(1, "status") == "订单!G5"


def test_title_rows_above_the_header_are_skipped(tmp_path):
    rows = [["客户订单管理簿 — 订单"], ["导出：2026-11-27", "第 1 页"], [], headers("orders"), order("SO1")]
    sheets = book(tmp_path, orders=rows)
    b = read(tmp_path, sheets, merges={"订单": [("A1:F1", "客户订单管理簿 — 订单")]})
    assert b["orders"].header_row == 4 and b["orders"].row_numbers == [5]


def test_headers_in_any_order_language_alias_width_and_line_breaks(tmp_path):
    hdr = ["备注", "Status ＊", "下单\n日期", "ＯＲＤＥＲ　ＮＯ", "cust_id", "单据负责人"]
    rows = [hdr, ["急", "已发货", date(2026, 11, 2), "SO1", "C0001", "李娜"]]
    config = Config(aliases={"orders.salesperson": ["单据负责人"]})
    t = read(tmp_path, book(tmp_path, orders=rows), config=config)["orders"]
    assert t.columns == {"notes": 0, "status": 1, "order_date": 2, "order_no": 3, "customer_id": 4, "salesperson": 5}
    assert t.rows == [
        {
            "order_no": "SO1",
            "customer_id": "C0001",
            "order_date": date(2026, 11, 2),
            "due_date": None,
            "status": "shipped",
            "salesperson": "李娜",
            "notes": "急",
            "terms": None,
        }
    ]
    assert t.cached == {} and t.extra == {}


def test_unknown_columns_are_kept_with_their_values(tmp_path):
    rows = [
        headers("orders") + ["微信号", "", "内部编号"],
        order("SO1") + ["wx_1", None, 7.0],
        order("SO2") + [None, "无表头的值", None],
    ]
    t = read(tmp_path, book(tmp_path, orders=rows))["orders"]
    n = len(ORDERS.columns)  # the staff's columns come after the schema's
    assert t.extra == {
        "微信号": (n, ["wx_1", None]),
        "内部编号": (n + 2, [7.0, None]),
        f"({col_letter(n + 1)})": (n + 1, [None, "无表头的值"]),
    }
    assert set(t.rows[0]) == {c.key for c in ORDERS.inputs}


def test_cached_formula_results_are_captured_typed_and_never_used_as_input(tmp_path):
    def with_cache(no, total, status):
        row = order(no)
        for key, cached in (
            ("customer_name", "王伟"),
            ("total", total),
            ("paid", 0.0),
            ("balance", total),
            ("payment_status", status),
        ):
            row[ORDERS.col(key)] = F("=1", cached)
        return row

    rows = [
        headers("orders"),
        with_cache("SO1", 998.0, "未付款"),
        with_cache("SO2", 12.5, "Overpaid"),
        with_cache("SO3", "#N/A", "乱写"),
    ]
    t = read(tmp_path, book(tmp_path, orders=rows))["orders"]
    given = ("customer_name", "total", "paid", "balance", "payment_status")
    assert all(v is None for k, values in t.cached.items() if k not in given for v in values)  # no result cached
    assert {k: t.cached[k] for k in given} == {
        "customer_name": ["王伟", "王伟", "王伟"],
        "total": [D("998.00"), D("12.50"), "#N/A"],
        "paid": [D("0.00")] * 3,
        "balance": [D("998.00"), D("12.50"), "#N/A"],
        "payment_status": ["unpaid", "overpaid", "乱写"],
    }
    assert t.problems == []
    assert "total" not in t.rows[0]


def test_missing_derived_columns_mean_no_cached_values(tmp_path):
    rows = [[c.zh for c in ORDERS.inputs], [order("SO1")[ORDERS.col(c.key)] for c in ORDERS.inputs]]
    t = read(tmp_path, book(tmp_path, orders=rows))["orders"]
    assert t.cached == {} and t.rows[0]["order_no"] == "SO1"


def test_optional_input_columns_may_be_absent(tmp_path):
    rows = [["订单编号", "客户编号", "下单日期", "订单状态"], ["SO1", "C0001", date(2026, 1, 2), "待处理"]]
    t = read(tmp_path, book(tmp_path, orders=rows))["orders"]
    assert t.rows[0]["due_date"] is None and t.rows[0]["notes"] is None and t.rows[0]["status"] == "pending"


def test_merged_cells_give_their_value_to_every_row_they_span(tmp_path):
    lines = SHEET_BY_KEY["order_lines"]

    def line(no, sku, qty):
        row = [None] * len(lines.columns)
        row[lines.col("order_no")], row[lines.col("sku")], row[lines.col("quantity")] = no, sku, qty
        row[lines.col("unit_price")] = 10.0
        return row

    rows = [headers("order_lines"), line(None, "P1", 1), line(None, "P2", 2), line("SO2", "P3", 3)]
    merges = {"订单明细": [("A2:A3", "SO1"), ("F2:G2", "跨列备注")]}
    t = read(tmp_path, book(tmp_path, order_lines=rows), merges=merges)["order_lines"]
    assert [(r["order_no"], r["sku"]) for r in t.rows] == [("SO1", "P1"), ("SO1", "P2"), ("SO2", "P3")]
    assert [r["discount"] for r in t.rows] == [None, None, None]  # a merge across columns is not spread


# --- values as staff leave them ---------------------------------------------------------------


def test_every_kind_of_value_through_a_real_file(tmp_path):
    cust = SHEET_BY_KEY["customers"]

    def customer(**kw):
        return [kw.get(c.key) for c in cust.columns]

    customers = [
        headers("customers"),
        customer(
            customer_id=44.0,
            name="\xa0王伟 ",
            phone=13812345678.0,
            address="文三路\xa090 号",
            tier="Gold",
            created_on="2026年11月27日",
            tax_id="91330106MA2H0XXXX0",
        ),
        customer(
            customer_id="C0002",
            name="NULL",
            phone="1.38E+10",
            address="x",
            tier="钻石客户",
            created_on="20261127",
            tax_id=913301066000000000.0,
            email="ｗ＠ｅｘａｍｐｌｅ．ｃｏｍ",
        ),
        customer(
            customer_id="C0003",
            name="李娜",
            phone="0571-88886666",
            address="y",
            created_on=46353.0,
            province="浙江省",
            notes=F("=NA()", "#N/A"),
        ),
        customer(
            customer_id="C0004",
            name="赵",
            phone="13900000000",
            address="z",
            created_on="2026-02-30",
            contact="#REF!",
            notes="2026.11.27",
        ),
    ]
    prod = SHEET_BY_KEY["products"]

    def product(**kw):
        return [kw.get(c.key) for c in prod.columns]

    products = [
        headers("products"),
        product(sku="P1", name="椅", list_price="¥1,234.50", opening_stock="１２３", reorder_point=20.0, active="是"),
        product(sku="P2", name="柜", list_price=0.1 + 0.2, opening_stock="12.5", reorder_point="二十", active=True),
        product(sku="P3", name="灯", list_price="免费", opening_stock=7.0, active="No"),
    ]
    lines = SHEET_BY_KEY["order_lines"]

    def line(**kw):
        return [kw.get(c.key) for c in lines.columns]

    order_lines = [
        headers("order_lines"),
        line(order_no="SO1", sku="P1", quantity=2.0, unit_price=499.0, discount="5%"),
        line(order_no="SO1", sku="P2", quantity="3", unit_price="12.345", discount=0.05),
        line(order_no="SO1", sku="P3", quantity=1.0, unit_price=F("=1/0", "#DIV/0!"), discount="50 %"),
    ]
    log = SHEET_BY_KEY["status_log"]

    def entry(**kw):
        return [kw.get(c.key) for c in log.columns]

    status_log = [
        headers("status_log"),
        entry(order_no="SO1", status="待处理", timestamp=datetime(2026, 11, 2, 10, 30)),
        entry(order_no="SO1", status="Processing", timestamp="2026/11/03 09:05"),
        entry(order_no="SO1", status="shipped", timestamp="昨天", issue="缺货"),
    ]
    b = read(
        tmp_path, book(tmp_path, customers=customers, products=products, order_lines=order_lines, status_log=status_log)
    )

    c = b["customers"]
    assert [r["customer_id"] for r in c.rows] == ["44", "C0002", "C0003", "C0004"]
    assert [r["name"] for r in c.rows] == ["王伟", None, "李娜", "赵"]
    assert [r["phone"] for r in c.rows] == ["13812345678", None, "0571-88886666", "13900000000"]
    assert c.rows[0]["address"] == "文三路 90 号"
    assert [r["tier"] for r in c.rows] == ["金牌客户", "钻石客户", None, None]
    assert [r["created_on"] for r in c.rows] == [date(2026, 11, 27), date(2026, 11, 27), date(2026, 11, 27), None]
    assert [r["tax_id"] for r in c.rows] == ["91330106MA2H0XXXX0", None, None, None]
    assert c.rows[1]["email"] == "w@example.com"
    assert c.rows[2]["province"] == "浙江省"
    assert [r["notes"] for r in c.rows] == [None, None, None, "2026.11.27"]
    assert c.problems == [
        (1, "phone", "1.38E+10", "lost-digits"),
        (1, "tax_id", 913301066000000000.0, "lost-digits"),
        (2, "notes", "#N/A", "excel-error"),
        (3, "contact", "#REF!", "excel-error"),
        (3, "created_on", "2026-02-30", "bad-date"),
    ]

    p = b["products"]
    assert [r["list_price"] for r in p.rows] == [D("1234.50"), D("0.30"), None]
    assert [r["opening_stock"] for r in p.rows] == [123, None, 7]
    assert [r["reorder_point"] for r in p.rows] == [20, None, None]
    assert [r["active"] for r in p.rows] == ["yes", "yes", "no"]
    assert p.problems == [
        (1, "opening_stock", "12.5", "not-integer"),
        (1, "reorder_point", "二十", "wrong-type"),
        (2, "list_price", "免费", "wrong-type"),
    ]

    ol = b["order_lines"]
    assert [r["quantity"] for r in ol.rows] == [2, 3, 1]
    assert [r["unit_price"] for r in ol.rows] == [D("499.00"), D("12.35"), None]
    assert [r["discount"] for r in ol.rows] == [D("0.05"), D("0.05"), D("0.5")]
    assert ol.problems == [(2, "unit_price", "#DIV/0!", "excel-error")]

    sl = b["status_log"]
    assert [r["status"] for r in sl.rows] == ["pending", "processing", "shipped"]
    assert [r["timestamp"] for r in sl.rows] == [datetime(2026, 11, 2, 10, 30), datetime(2026, 11, 3, 9, 5), None]
    assert sl.rows[2]["issue"] == "缺货"
    assert sl.problems == [(2, "timestamp", "昨天", "wrong-type")]


def test_a_row_holding_only_an_error_value_is_a_record(tmp_path):
    row = [None] * len(ORDERS.columns)
    row[ORDERS.col("order_date")] = F("=NA()", "#N/A")
    t = read(tmp_path, book(tmp_path, orders=[headers("orders"), row]))["orders"]
    assert t.row_numbers == [2] and t.problems == [(0, "order_date", "#N/A", "excel-error")]


def test_the_1904_date_system(tmp_path):
    rows = [headers("orders"), order("SO1", when=0.0), order("SO2", when=date(2015, 1, 1))]
    t = read(tmp_path, book(tmp_path, orders=rows), date1904=True)["orders"]
    assert [r["order_date"] for r in t.rows] == [date(1904, 1, 1), date(2015, 1, 1)]


# --- files that are not what they claim -----------------------------------------------------


def test_a_missing_sheet_is_named_in_both_languages(tmp_path):
    sheets = book(tmp_path)
    del sheets["付款"]
    with pytest.raises(MissingSheetError) as err:
        read(tmp_path, sheets)
    assert (
        err.value.reason.en
        == "sheet 付款 / Payments not found (the file has: 客户, 产品, 订单, 订单明细, 状态记录, 发货, 库存变动)"
    )
    assert err.value.reason.zh == "缺少工作表 付款（文件中有：客户、产品、订单、订单明细、状态记录、发货、库存变动）"


def test_a_missing_required_column_is_named_in_both_languages(tmp_path):
    rows = [[h for h in headers("orders") if h != "下单日期"], ["SO1"]]
    with pytest.raises(MissingColumnError) as err:
        read(tmp_path, book(tmp_path, orders=rows))
    assert err.value.reason.en == (
        "sheet 订单 (订单 / Orders): required column 下单日期 / Order date not found in the header row (row 1)"
    )
    assert err.value.reason.zh == "工作表 订单 的表头（第 1 行）缺少必填列 下单日期"
    assert err.value.path.endswith("book.xlsx")


def test_a_sheet_without_any_header_row(tmp_path):
    with pytest.raises(MissingColumnError) as err:
        read(tmp_path, book(tmp_path, orders=[["just", "some"], ["words"]]))
    assert "no header row" in err.value.reason.en and "订单编号 / Order no" in err.value.reason.en
    assert err.value.reason.zh.startswith("工作表 订单 前 30 行找不到表头（应有 订单编号、")


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLSB_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.bin" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p.write_bytes(b""), "empty file"),
        (
            lambda p: p.write_text("订单编号,客户编号\nSO1,C1\n", encoding="utf-8"),
            "not a zip archive (it looks like text",
        ),
        (lambda p: p.write_bytes(b"\x00\x01\x02\x03garbage"), "not a zip archive"),
        (lambda p: p.write_bytes(OLE + b"\0" * 500 + "Workbook".encode("utf-16-le")), "legacy Excel 97-2003 (.xls)"),
        (lambda p: p.write_bytes(OLE + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le")), "password-protected"),
        (
            lambda p: _zip(p, {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
            "OpenDocument",
        ),
        (lambda p: _zip(p, {"hello.txt": "hi"}), "not an Excel workbook (no xl/workbook.xml)"),
        (lambda p: _zip(p, {"xl/workbook.bin": b"\x83\x01", "_rels/.rels": XLSB_RELS}), "binary workbook (.xlsb)"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path, make, expected):
    path = tmp_path / "bad.xlsx"
    make(path)
    with pytest.raises(BookReadError) as err:
        read_book(path)
    assert expected in err.value.reason.en
    assert str(err.value) == f"{path}: {err.value.reason.en}"
    assert err.value.text("zh") == f"{path}：{err.value.reason.zh}"


def test_a_truncated_download(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", book(tmp_path))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BookReadError, match="truncated or damaged"):
        read_book(cut)


def test_a_damaged_sheet_inside_an_intact_zip(tmp_path):
    rows = [headers("customers")] + [[f"C{i:04d}", "王伟", "13812345678", "地址"] for i in range(2000)]
    good = write_xlsx(tmp_path / "good.xlsx", book(tmp_path, customers=rows))
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(good.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100
    data[start : start + 64] = bytes(b ^ 0x5A for b in data[start : start + 64])
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    with pytest.raises(BookReadError, match="the file is damaged"):
        read_book(damaged)


def test_missing_files_folders_and_lock_files(tmp_path):
    with pytest.raises(BookReadError, match="file not found"):
        read_book(tmp_path / "nope.xlsx")
    with pytest.raises(BookReadError, match="folder"):
        read_book(tmp_path)
    lock = tmp_path / "~$book.xlsx"
    lock.write_bytes(b"\x05owner" + b"\0" * 100)
    with pytest.raises(BookReadError, match="lock file"):
        read_book(lock)


def test_a_zip_that_expands_past_the_limit_is_refused(tmp_path):
    members = {"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (3 << 20)}
    path = _zip(tmp_path / "bomb.xlsx", members)
    config = Config.model_validate({"limits": {"max_uncompressed_mb": 2}})
    with pytest.raises(BookReadError, match="over the 2 MB limit"):
        read_book(path, config=config)


def test_an_xml_entity_bomb_is_refused(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
        '<sheet name="&lol2;" sheetId="1"/></sheets></workbook>'
    )
    path = _zip(tmp_path / "xmlbomb.xlsx", {"xl/workbook.xml": bomb})
    with pytest.raises(BookReadError, match="XML bomb"):
        read_book(path)


# --- what other programs write --------------------------------------------------------------


@needs_real_workbooks
def test_error_cells_found_in_files_from_excel_and_libreoffice():
    with zipfile.ZipFile(REAL_WORKBOOKS / "tealeg-xlsx__testcelltypes.xlsx") as zf:  # Excel 2008 for Mac
        assert error_cells(zf, "xl/worksheets/sheet1.xml") == {(7, 0): "#DIV/0!"}
    with zipfile.ZipFile(REAL_WORKBOOKS / "fastexcel__fixture-invalid-cell-value.xlsx") as zf:  # LibreOffice
        assert error_cells(zf, "xl/worksheets/sheet1.xml") == {(1, 1): "#N/A", (2, 1): "#VALUE!"}


@pytest.mark.parametrize("path", sorted(REAL_WORKBOOKS.glob("*.xlsx")), ids=lambda p: p.name)
def test_real_workbooks_from_other_programs_give_a_clear_error_not_a_crash(path):
    # none of them is an order book: each must say which sheets are missing
    with pytest.raises(MissingSheetError, match="not found"):
        read_book(path)


# --- our own writer -------------------------------------------------------------------------


def test_the_empty_template_reads_as_an_empty_book(tmp_path):
    write_book = pytest.importorskip("workbook_tools.template").write_book
    for lang in ("zh", "en"):
        b = read_book(write_book(tmp_path / f"template_{lang}.xlsx", lang=lang))
        assert b.lang == lang
        assert all(t.rows == [] and t.problems == [] for t in b.tables.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_round_trip_through_write_book(tmp_path, lang):
    write_book = pytest.importorskip("workbook_tools.template").write_book
    generate_demo = pytest.importorskip("workbook_tools.demo").generate_demo
    data = generate_demo(60, seed=7, today=date(2026, 11, 20))
    b = read_book(write_book(tmp_path / f"demo_{lang}.xlsx", data, lang=lang, today=date(2026, 11, 20)))
    assert b.lang == lang
    assert b.data() == data
    assert all(t.problems == [] for t in b.tables.values())
    for s in SHEETS:
        t = b[s.key]
        assert t.row_numbers == list(range(2, 2 + len(data[s.key])))
        assert set(t.cached) == {c.key for c in s.derived}
    assert b["orders"].cached["payment_status"][0] in {"unpaid", "partial", "paid", "overpaid"}


def test_the_row_rules_see_the_same_columns_while_the_sheet_is_read_as_from_its_rows(tmp_path):
    """While a sheet is read, the row rules take the reader's typed columns (Table.by_column); a
    blank row in the middle is dropped from them as from the rows, so every finding lands on the
    row it does when the rules run over the rows afterwards."""
    from workbook_tools.validate import validate_book
    from workbook_tools.validate.files import validate_file

    rows = [
        headers("orders"),
        order("SO1", status="不存在的状态"),
        [None] * len(ORDERS.columns),  # a blank row: no record
        order("SO2", customer=None),
        order("SO3", when="下周"),
        order("SO4", status="已完成"),
    ]
    path = write_xlsx(tmp_path / "book.xlsx", book(tmp_path, orders=rows))
    today = date(2026, 11, 27)
    while_read = validate_file(path, config=Config(), today=today).findings
    book_ = read_book(path)
    assert all(t.by_column == {} for t in book_.tables.values())  # dropped once the sheet was read
    afterwards = validate_book(book_, today=today)

    def where(findings):
        return sorted((f.code, f.sheet, f.row, f.column) for f in findings)

    assert where(while_read) == where(afterwards)
    at = {(f.code, f.row) for f in while_read if f.sheet == "订单"}
    assert {("not-in-list", 2), ("required-missing", 4), ("wrong-type", 5)} <= at
