"""orderbook regenerate: the book rebuilt on the current template, and nothing staff put in it lost —
rows, values the reader could not type, staff columns and staff sheets; a backup first."""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from backups import is_backup_of
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook_tools.book import OtherSheet
from workbook_tools.carry_over import extra_header, free_name
from workbook_tools.cells import col_letter
from workbook_tools.choices import choice_lists
from workbook_tools.commands.regenerate import command
from workbook_tools.config import Config
from workbook_tools.demo import generate_demo
from workbook_tools.read import read_book
from workbook_tools.read.coerce import Dates, converter
from workbook_tools.regenerate import WouldLoseError, regenerate
from workbook_tools.schema import SHEET_BY_KEY, SHEETS, T
from workbook_tools.template import write as template_write
from workbook_tools.template import write_book
from workbook_tools.template.carry import Carry, ExtraColumn, SheetCarry
from workbook_tools.template.rowxml import BulkSheet
from workbook_tools.validate import validate_book

TODAY = date(2026, 11, 20)
LISTS = choice_lists(Config())
#: 订单's first free column (1-based, as openpyxl counts): staff columns come after all of the schema's
STAFF = len(SHEET_BY_KEY["orders"].columns) + 1


@pytest.fixture(autouse=True, scope="module")
def few_prepared_rows():
    """Books with 30 formula rows below the data instead of 5,000: what is tested here does not
    depend on them, and openpyxl (standing in for staff editing in Excel) loads small books fast."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(template_write, "PREPARED_ROWS", 30)
        yield


def demo_book(folder: Path, name: str = "book.xlsx", orders: int = 12, **kw) -> Path:
    return write_book(folder / name, generate_demo(orders, seed=4, today=TODAY), today=TODAY, **kw)


def edit(path: Path, fn) -> None:
    """Change a book the way staff do, in Excel (here: openpyxl)."""
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)


# --- the property: valid data → book → read → regenerate → read is the same data ---------------

_CJK = "订单客户王伟李娜杭州明远贸易有限公司文三路号办公椅产品备注急"
_TEXT = st.text(st.sampled_from(list(_CJK + "abcXYZ0123456789 -_/&<>\"'=+@#%()（）.")), min_size=1, max_size=12)
_CONVERT = {(s.key, c.key): converter(c, lists=LISTS, dates=Dates()) for s in SHEETS for c in s.columns}


def _canonical(sheet_key: str, col_key: str):
    """Values the reader gives back unchanged from their cell (no surrounding spaces, no "NULL", no
    "#N/A" …); numbers reach the reader as python-calamine's floats."""
    conv = _CONVERT[(sheet_key, col_key)]

    def ok(v):
        back = conv(float(v) if isinstance(v, (int, D)) else v)
        return back == v and type(back) is type(v)

    return ok


def column_values(sheet_key: str, col) -> st.SearchStrategy:
    """Typed values of one input column, from its schema type."""
    t = col.type
    lo = col.min
    if t == T.TEXT:
        s = _TEXT
    elif t == T.ID:
        s = st.one_of(
            st.from_regex(r"0[0-9]{1,6}", fullmatch=True),  # leading zeros
            st.from_regex(r"[1-9][0-9]{15,23}", fullmatch=True),  # past Excel's 15 digits
            st.from_regex(r"[A-Z]{1,3}[0-9]{2,8}", fullmatch=True),
            _TEXT,
        )
    elif t == T.PHONE:
        s = st.from_regex(r"(\+86)?1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}", fullmatch=True)
    elif t == T.EMAIL:
        s = st.from_regex(r"[a-z0-9._]{1,8}@[a-z]{1,6}\.(com|cn)", fullmatch=True)
    elif t == T.TAX_ID:
        s = st.from_regex(r"[0-9A-HJ-NPQRTUWXY]{18}", fullmatch=True)
    elif t == T.INT:
        s = st.integers(int(lo) if lo is not None else -(10**6), 10**6)
    elif t == T.MONEY:
        s = st.integers(int(lo * 100) if lo is not None else -(10**9), 10**9).map(lambda c: D(c) / 100)
        if col.nonzero:
            s = s.filter(lambda d: d != 0)
    elif t == T.PERCENT:
        s = st.integers(0, 10_000).map(lambda k: D(k) / 10_000)
    elif t == T.DATE:
        s = st.dates(date(2000, 1, 1), date(2099, 12, 31))
    elif t == T.DATETIME:
        s = st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59, 59)).map(
            lambda d: d.replace(microsecond=0)
        )
    else:
        s = st.sampled_from([c.value for c in LISTS[col.choices]])
        if not col.strict:
            s = st.one_of(s, _TEXT)
    s = s.filter(_canonical(sheet_key, col.key))
    return s if col.required else st.one_of(st.none(), s)


def rows_of(sheet) -> st.SearchStrategy:
    return st.lists(st.fixed_dictionaries({c.key: column_values(sheet.key, c) for c in sheet.inputs}), max_size=3)


_EXTRA_VALUES = st.one_of(
    st.none(),
    st.text(st.sampled_from(list(_CJK + "ab 01-&<")), min_size=1, max_size=8),
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False),
    st.booleans(),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31)).map(lambda d: d.replace(microsecond=0)),
)
_EXTRA_HEADERS = ["微信号", "内部编号", "来源渠道", "WeChat", "跟进人"]
#: Built once: hypothesis validates a strategy the first time it draws from it.
_BOOKS = st.fixed_dictionaries({s.key: rows_of(s) for s in SHEETS})
_CARRIED = st.lists(st.sampled_from([s.key for s in SHEETS]), max_size=2, unique=True)
_HEADERS = st.lists(st.sampled_from(_EXTRA_HEADERS), max_size=2, unique=True)


#: CI draws the same 25 books every run (a red CI must mean a change broke something); set
#: ROUND_TRIP_EXAMPLES=500 to explore afresh with random books.
_EXPLORE = os.environ.get("ROUND_TRIP_EXAMPLES")


@settings(
    max_examples=int(_EXPLORE or 25),
    derandomize=_EXPLORE is None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_valid_data_survives_write_read_regenerate_read(data):
    book = data.draw(_BOOKS, label="book")
    carry = Carry()
    for key in data.draw(_CARRIED, label="sheets"):
        headers = data.draw(_HEADERS, label=f"{key} headers")
        carry.sheets[key] = SheetCarry([ExtraColumn(h, [data.draw(_EXTRA_VALUES) for _ in book[key]]) for h in headers])
    with tempfile.TemporaryDirectory() as tmp:
        first = read_book(write_book(Path(tmp) / "a.xlsx", book, today=TODAY, carry=carry))
        assert first.data() == book
        assert all(t.problems == [] for t in first.tables.values())
        regenerate(first.path, output=Path(tmp) / "b.xlsx", today=TODAY)
        second = read_book(Path(tmp) / "b.xlsx")
        assert second.data() == first.data()
        assert {k: t.extra for k, t in second.tables.items()} == {k: t.extra for k, t in first.tables.items()}
        assert {k: list(t.extra) for k, t in first.tables.items() if t.extra} == {
            k: [c.header for c in sc.columns] for k, sc in carry.sheets.items() if sc.columns
        }


# --- what staff put in a book -----------------------------------------------------------------


def test_values_the_reader_could_not_type_are_carried_as_found(tmp_path):
    """Text in a quantity, a fraction in a quantity, an error value, a date typed as words, a date
    in a money cell, a phone number stored as a number that lost digits: each is written back as
    found (a string as text, a number as a number), so validation finds the same problems again."""
    path = demo_book(tmp_path)

    def damage(wb):
        lines, orders, customers = wb["订单明细"], wb["订单"], wb["客户"]
        lines["D2"] = "十个"
        lines["D3"] = 2.5
        lines["E4"] = datetime(2026, 1, 2)
        lines["E4"].number_format = "yyyy-mm-dd"
        orders["D3"] = "下周一"
        orders["E4"] = "#N/A"
        customers["D2"] = 1.3812345678901234e17

    edit(path, damage)
    before = read_book(path)
    problems = {k: t.problems for k, t in before.tables.items() if t.problems}
    assert {k: [(i, key, reason) for i, key, _raw, reason in p] for k, p in problems.items()} == {
        "customers": [(0, "phone", "lost-digits")],
        "orders": [(1, "order_date", "wrong-type"), (2, "due_date", "excel-error")],
        "order_lines": [(0, "quantity", "wrong-type"), (1, "quantity", "not-integer"), (2, "unit_price", "wrong-type")],
    }
    result = regenerate(path, today=TODAY)
    assert result.raw_values == 6
    after = read_book(path)
    assert {k: t.problems for k, t in after.tables.items() if t.problems} == problems
    assert after.data() == before.data()
    ws = openpyxl.load_workbook(path)["订单明细"]
    assert (ws["D2"].value, ws["D2"].data_type, ws["D3"].value) == ("十个", "s", 2.5)
    findings = lambda b: sorted((f.cell, f.code, str(f.value)) for f in validate_book(b, today=TODAY))  # noqa: E731
    assert findings(after) == findings(before)
    assert {"订单明细!D2", "订单!E4", "客户!D2"} <= {cell for cell, _code, _value in findings(after)}


def test_staff_columns_keep_header_values_and_types_after_the_schema_columns(tmp_path):
    path = demo_book(tmp_path)
    width = len(SHEET_BY_KEY["orders"].columns)
    # after the column put in the middle, the schema's columns end at col_letter(width): two blank
    # columns, then 跟进日期 and a column without a header
    follow_up, headerless = col_letter(width + 3), col_letter(width + 4)

    def add_columns(wb):
        ws = wb["订单"]
        ws.insert_cols(3)  # staff put their own column in the middle: the reader maps by header
        ws["C1"], ws["C2"], ws["C3"], ws["C4"] = "微信号", "wx_wang", 42, True
        ws[f"{follow_up}1"], ws[f"{follow_up}2"] = "跟进日期", datetime(2026, 11, 3)
        ws[f"{follow_up}2"].number_format = "yyyy-mm-dd"
        ws[f"{headerless}3"] = "一个没有表头的值"
        ws[f"{headerless}60"] = "表格下方的备注"  # on a row without an order

    edit(path, add_columns)
    before = read_book(path)
    assert list(before["orders"].extra) == ["微信号", "跟进日期", f"({headerless})"]
    result = regenerate(path, today=TODAY)
    moved = f"({col_letter(width + 2)})"  # named by the letter of its place in the rebuilt book, the third after the schema's
    assert result.extra_columns == {"orders": ["微信号", "跟进日期", moved]}
    after = read_book(path)
    extra = after["orders"].extra
    assert {k: c for k, (c, _v) in extra.items()} == {"微信号": width, "跟进日期": width + 1, moved: width + 2}
    assert extra["微信号"][1][:3] == ["wx_wang", 42.0, True]
    assert extra["跟进日期"][1][0] == date(2026, 11, 3)
    assert extra[moved][1][1] == "一个没有表头的值"
    assert after["orders"].stray == [(len(after["orders"].rows) + 2, moved, "表格下方的备注")]
    assert after.data() == before.data()
    ws = openpyxl.load_workbook(path)["订单"]
    assert ws.cell(1, width + 1).value == "微信号" and ws.cell(1, width + 3).value is None
    assert ws.cell(2, width + 1).protection.locked is False  # staff keep editing their column


def test_staff_sheets_are_carried_as_values_and_renamed_when_their_name_is_taken(tmp_path):
    path = demo_book(tmp_path)

    def add_sheets(wb):
        mine = wb.create_sheet("我的统计")
        mine["A1"], mine["B2"], mine["C3"], mine["D4"] = "月份", 3.5, datetime(2026, 1, 2, 10, 30), "=B2*2"
        mine["C3"].number_format = "yyyy-mm-dd hh:mm"
        wb.create_sheet("Orders")["A1"] = "an English sheet of our own"
        wb.create_sheet("隐藏").sheet_state = "hidden"
        wb["隐藏"]["A1"] = "秘密"

    edit(path, add_sheets)
    result = regenerate(path, output=tmp_path / "en.xlsx", lang="en", today=TODAY)
    assert result.extra_sheets == ["我的统计", "Orders (2)", "隐藏"]
    assert any("renamed 'Orders (2)'" in n.en for n in result.notes)
    book = read_book(tmp_path / "en.xlsx", other_sheets=True)
    assert book.lang == "en"
    sheets = {s.name: s for s in book.other_sheets}
    assert sheets["我的统计"].rows[:3] == [
        ["月份", None, None],
        [None, 3.5, None],
        [None, None, datetime(2026, 1, 2, 10, 30)],
    ]
    assert len(sheets["我的统计"].rows) == 3  # values only: openpyxl left the formula without one
    assert sheets["Orders (2)"].rows == [["an English sheet of our own"]]
    assert sheets["隐藏"].hidden and sheets["隐藏"].rows == [["秘密"]]
    assert book.data() == read_book(path).data()


def test_a_chart_sheet_is_named_as_lost_and_error_cells_keep_their_text(tmp_path):
    path = demo_book(tmp_path)

    def add(wb):
        mine = wb.create_sheet("对账")
        mine["A1"], mine["A2"] = "差额", "=1/0"
        chart = openpyxl.chart.BarChart()
        chart.add_data(openpyxl.chart.Reference(mine, min_col=1, min_row=1, max_row=2))
        wb.create_chartsheet("图表").add_chart(chart)

    edit(path, add)
    with zipfile.ZipFile(path) as zf:  # openpyxl writes no cached value: give the formula its error, as Excel would
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = next(n for n, b in parts.items() if n.startswith("xl/worksheets/") and b"<f>1/0</f>" in b)
    parts[sheet] = re.sub(rb'<c r="A2"[^>]*>.*?</c>', b'<c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', parts[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    before = path.read_bytes()
    with pytest.raises(WouldLoseError) as refused:
        regenerate(path, today=TODAY)
    assert [str(loss) for loss in refused.value.lost] == ["图表: a chart sheet: the whole sheet"]
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]
    result = regenerate(path, today=TODAY, accept_loss=True)
    assert result.extra_sheets == ["对账"]
    assert [str(loss) for loss in result.lost] == ["图表: a chart sheet: the whole sheet"]
    mine = next(s for s in read_book(path, other_sheets=True).other_sheets if s.name == "对账")
    assert mine.rows == [["差额"], ["#DIV/0!"]]
    assert openpyxl.load_workbook(path)["对账"]["A2"].value == "=1/0"  # the formula itself, and its error


def test_in_place_with_a_backup_and_with_output_the_book_untouched(tmp_path):
    path = demo_book(tmp_path)
    edit(path, lambda wb: wb["订单"].data_validations.dataValidation.clear())  # someone broke the dropdowns
    original = path.read_bytes()

    result = regenerate(path, output=tmp_path / "new.xlsx", today=TODAY)
    assert result.backup_path is None and path.read_bytes() == original

    result = regenerate(path, today=TODAY)
    assert result.path == path and is_backup_of(result.backup_path, original)
    assert result.backup_path.name.startswith("book.") and result.backup_path.name.endswith(".bak.xlsx")
    assert len(openpyxl.load_workbook(path)["订单"].data_validations.dataValidation) > 5  # repaired
    assert read_book(path).data() == read_book(result.backup_path).data()
    assert path.read_bytes() == (tmp_path / "new.xlsx").read_bytes()


def test_data_given_carries_staff_values_by_natural_key(tmp_path):
    """What import does: the book's rows plus new ones, in another order. Staff values follow their
    row by key; a row that is gone takes its staff values with it, and that is said."""
    path = demo_book(tmp_path)
    edit(path, lambda wb: [wb["订单"].cell(r, STAFF, f"wx{r}") for r in range(1, 5)])  # 微信号 on rows 2–4
    edit(path, lambda wb: wb["订单"].cell(1, STAFF, "微信号"))
    edit(path, lambda wb: wb["订单明细"].cell(2, 4, "十个"))
    book = read_book(path)
    data = book.data()
    orders = data["orders"]
    first, second, third = orders[0], orders[1], orders[2]
    data["orders"] = [second, *orders[3:], dict(first, notes="改过")]  # the third order is gone
    data["orders"].append(dict(first, order_no="SO2099010001"))
    result = regenerate(path, data=data, today=TODAY)
    after = read_book(path)
    wechat = dict(zip((r["order_no"] for r in after["orders"].rows), after["orders"].extra["微信号"][1]))
    assert wechat[second["order_no"]] == "wx3" and wechat[first["order_no"]] == "wx2"
    assert wechat["SO2099010001"] is None and third["order_no"] not in wechat
    assert after["order_lines"].problems[0][2:] == ("十个", "wrong-type")
    assert any(n.en.startswith("订单: staff-column or unreadable values of 1 row(s)") for n in result.notes)
    assert result.rows["orders"] == len(data["orders"])


def test_title_rows_above_the_header_are_noted(tmp_path):
    path = demo_book(tmp_path)
    edit(path, lambda wb: (wb["客户"].insert_rows(1, 2), wb["客户"].cell(1, 1, "2026 年客户名单")))
    result = regenerate(path, today=TODAY)
    assert any(n.en.startswith("客户: the header was on row 3") for n in result.notes)
    assert read_book(path)["customers"].header_row == 1


def test_extra_header_undoes_the_readers_names():
    assert extra_header("微信号", 12) == "微信号"
    assert extra_header("(N)", 13) is None
    assert extra_header("微信号 (P)", 15) == "微信号"
    assert extra_header("(N)", 14) == "(N)"  # a real header that happens to look like one
    assert free_name("订单", {"订单"}) == "订单 (2)"
    assert free_name("x" * 31, {"x" * 31}) == "x" * 27 + " (2)"


# --- the fast row writer is xlsxwriter's own output -------------------------------------------


def test_rows_written_as_xml_are_what_xlsxwriter_writes_cell_by_cell(tmp_path, monkeypatch):
    """Data, formulas, staff columns of every type, raw values and staff sheets: the bulk XML path
    gives the same file, byte for byte, as writing each cell through xlsxwriter."""
    data = generate_demo(15, seed=9, today=TODAY)
    n = len(data["orders"])
    values = [
        "wx",
        1.5,
        7,
        date(2026, 1, 2),
        datetime(2026, 1, 2, 3, 4, 5),
        True,
        'a<b & "c"',
        " lead",
        time(1, 2, 3),
        timedelta(hours=30),
        False,
        "_x0041_",
        D("2.50"),
        None,
    ]
    carry = Carry(
        {
            "orders": SheetCarry(
                [ExtraColumn("微信号", (values * 2)[:n]), ExtraColumn(None, [None] * (n - 1) + ["end"])],
                {0: {"order_date": "明天"}, 1: {"due_date": 3e6, "salesperson": 5.0}},
            ),
            "order_lines": SheetCarry(
                [], {0: {"quantity": "十个"}, 1: {"quantity": 2.5}, 2: {"unit_price": date(2026, 1, 1)}}
            ),
        },
        [OtherSheet("我的", [[None, None], ["a", 1.0, None], [None, date(2026, 1, 1), True]], hidden=True)],
    )
    fast = write_book(tmp_path / "fast.xlsx", data, today=TODAY, carry=carry)
    monkeypatch.setattr(BulkSheet, "bulk_ready", lambda self: False)
    slow = write_book(tmp_path / "slow.xlsx", data, today=TODAY, carry=carry)
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(slow) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


# --- the command ------------------------------------------------------------------------------


def test_command_regenerates_in_place_and_says_what_it_kept(tmp_path):
    path = demo_book(tmp_path)
    edit(
        path, lambda wb: (wb["订单"].cell(1, STAFF, "微信号"), wb["订单"].cell(2, STAFF, "wx"), wb.create_sheet("我的"))
    )
    result = CliRunner().invoke(command, [str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    backup = next(tmp_path.glob("book.*.bak.xlsx"))
    assert lines == [
        f"已写入 {path}（原簿已保存为 {backup}）",
        "设置：订单簿中保存的设置",
        "行数：客户 30，产品 60，订单 12，订单明细 30，状态记录 45，发货 10，付款 14，库存变动 73",
        "已带过去的员工列（订单）：微信号",
        "已带过去的员工工作表：我的",
    ]
    assert len(list(tmp_path.glob("book.*.bak.xlsx"))) == 1


def test_command_with_output_and_english(tmp_path):
    path = demo_book(tmp_path)
    result = CliRunner().invoke(command, [str(path), "-o", str(tmp_path / "en.xlsx"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {tmp_path / 'en.xlsx'}",
        "settings: the settings stored in the book",
        "rows: Customers 30, Products 60, Orders 12, Order lines 30, Status log 45, Shipments 10, Payments 14, "
        "Stock movements 73",
    ]
    assert read_book(tmp_path / "en.xlsx").lang == "en"
    assert list(tmp_path.glob("*.bak.xlsx")) == []


@pytest.mark.parametrize("content", [b"", b"not a workbook", None])
def test_command_on_a_book_that_cannot_be_read_exits_2_and_writes_nothing(tmp_path, content):
    path = tmp_path / "book.xlsx"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(command, [str(path)])
    assert result.exit_code == 2
    assert result.output.startswith("orderbook: ") and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if content is None else ["book.xlsx"])


def test_bench_times_regenerate_and_the_bare_write_on_a_copy(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))
    from benchmarks.regenerate_ratio import bench

    path = demo_book(tmp_path)
    before = path.read_bytes()
    result = bench(path, folder=tmp_path)
    assert set(result) == {"regenerate", "baseline", "ratio"}
    assert result["regenerate"]["seconds"] > 0 and result["baseline"]["peak_mb"] > 0
    assert result["ratio"] == result["regenerate"]["seconds"] / result["baseline"]["seconds"]
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]
