"""The fast row writer against xlsxwriter's own output, and what happens when xlsxwriter's internals change.

The rows rowxml.py renders must be, byte for byte, what a stock xlsxwriter worksheet writes for the
same cells through its public API (write_string, write_number, write_datetime, write_boolean,
write_formula). CI runs this file on the pinned release and on the newest one (.ci/run). When the
internals xlsxwriter_adapter.py relies on are not the expected ones, the book is written cell by
cell through the public API and is the same file.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet

from workbook_tools.book import OtherSheet
from workbook_tools.demo import generate_demo
from workbook_tools.read import read_book
from workbook_tools.template import write_book
from workbook_tools.template import xlsxwriter_adapter as adapter
from workbook_tools.template.carry import Carry, Decor, ExtraColumn, Formula, Note, SheetCarry, StaffSheet
from workbook_tools.template.fill import PlainFormulaSheet
from workbook_tools.template.rowxml import (
    BulkSheet,
    LazyStyles,
    cells,
    date_body,
    formula_cells,
    formula_parts,
    number_body,
    rows_xml,
    text_cells,
    value_body,
)

TODAY = date(2026, 11, 27)
CREATED = datetime(2026, 1, 1)

TEXTS = [
    "plain",
    "订单 A-1",
    'a<b & "c" > d',
    "ctrl\x01\x1fend",
    "_x0041_ stays text",
    " lead",
    "trail ",
    "\ufffe\uffff",
    "line\nbreak",
    "tab\tinside",
    None,
    "",
    "😀" * 20_000,
    "x" * 40_000,
    "\u3000全角空格",
]
NUMBERS = [
    0,
    -1,
    7,
    1.5,
    1e20,
    1.5e-10,
    123456789012345678,
    D("2.50"),
    D("-0.1"),
    None,
    3.14159265358979,
    float("inf"),
    "十个",
    True,
    2**53 + 1,
]
#: From 1 March 1900 on: earlier dates never reach the row writer as dates (regenerate writes them
#: as the serial number the old book stored, carry.Serial), and derive.serial counts them from 30
#: December 1899 where xlsxwriter counts from 31 December.
DATES = [
    date(2026, 1, 2),
    datetime(2026, 1, 2, 3, 4, 5),
    date(1900, 3, 2),
    date(1900, 3, 31),
    date(1900, 3, 1),
    datetime(1900, 3, 1, 12),
    None,
    date(9999, 12, 31),
    "明天",
    date(1999, 12, 31),
    datetime(2026, 6, 30, 23, 59, 59),
    date(2026, 2, 1),
    None,
    date(2026, 2, 2),
    date(2000, 2, 29),
]
VALUES = [
    "wx",
    1.5,
    7,
    date(2026, 1, 2),
    datetime(2026, 1, 2, 3, 4, 5),
    True,
    False,
    time(1, 2, 3),
    timedelta(hours=30),
    D("2.50"),
    None,
    "  spaced  ",
    datetime(2026, 1, 2),
    time(0, 0, 0, 500_000),
    -3,
]
CACHED = [12.5, "a<b", True, False, "#N/A", "#DIV/0!", "", 0, -1.25, "文本", None, 3, "#VALUE!", 1e-5, "x&y"]
N = len(TEXTS)


def _formula(row: int) -> str:
    return f'=IF($A{row}="","",B{row}*2&"<"&C{row})'


def _columns(wb):
    """Each column: (kind, values, format). Formats are named so both books make them in the same order."""
    money = wb.add_format({"num_format": "#,##0.00", "locked": False})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    kinds = {
        k: wb.add_format({"num_format": f})
        for k, f in (
            ("date", "yyyy-mm-dd"),
            ("datetime", "yyyy-mm-dd hh:mm"),
            ("time", "hh:mm:ss"),
            ("duration", "[h]:mm:ss"),
        )
    }
    kinds["general"] = wb.add_format({"locked": False})
    text = wb.add_format({"bold": True})
    formula = wb.add_format({"num_format": "0.00", "bg_color": "#DDEBF7"})
    return [
        ("text", TEXTS, text),
        ("number", NUMBERS, money),
        ("date", DATES, day),
        ("value", VALUES, kinds),
        ("formula", CACHED, formula),
        ("text", TEXTS[::-1], None),
    ], kinds


def _header(ws, columns, kinds) -> None:
    """A header row that uses every format once, in order: formats are numbered in order of first use."""
    ws.set_column(5, 5, 12, kinds["general"])  # column F: cells without a format of their own take it
    for c, (kind, _values, fmt) in enumerate(columns):
        ws.write_string(0, c, kind, fmt if kind != "value" else None)
    for j, fmt in enumerate(kinds.values()):
        ws.write_string(0, len(columns) + j, "kind", fmt)


def _stock(path: Path, columns_of) -> Path:
    """The reference: a stock xlsxwriter worksheet, every cell through the public API."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties({"created": CREATED})
    ws = wb.add_worksheet("S")
    assert type(ws) is Worksheet
    columns, kinds = columns_of(wb)
    _header(ws, columns, kinds)
    for i in range(N):
        r = i + 1
        for c, (kind, values, fmt) in enumerate(columns):
            v = values[i]
            if kind == "formula":
                ws.write_formula(r, c, _formula(r + 1), fmt, "" if v is None else v)
            elif v is None or v == "":
                continue
            elif kind == "value":
                _put_any(ws, r, c, v, kinds)
            elif (
                isinstance(v, bool)
                or (isinstance(v, str))
                or (isinstance(v, float) and v in (float("inf"), float("-inf")))
            ):
                ws.write_string(r, c, str(v), fmt)
            elif isinstance(v, (date, datetime)):
                ws.write_datetime(r, c, v, fmt)
            else:
                ws.write_number(r, c, float(v) if isinstance(v, D) else v, fmt)
    wb.close()
    return path


def _put_any(ws, r, c, v, kinds) -> None:
    if isinstance(v, str):
        ws.write_string(r, c, v, kinds["general"])
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v, kinds["general"])
    elif isinstance(v, datetime):
        ws.write_datetime(r, c, v, kinds["date" if v.time() == time() else "datetime"])
    elif isinstance(v, date):
        ws.write_datetime(r, c, v, kinds["date"])
    elif isinstance(v, time):
        ws.write_datetime(r, c, v, kinds["time"])
    elif isinstance(v, timedelta):
        ws.write_datetime(r, c, v, kinds["duration"])
    else:
        ws.write_number(r, c, float(v) if isinstance(v, D) else v, kinds["general"])


def _fast(path: Path, columns_of) -> Path:
    """The same cells as rows of XML (rowxml.py), appended through the adapter."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties({"created": CREATED})
    ws = wb.add_worksheet("S", worksheet_class=BulkSheet)
    assert ws.bulk_ready()
    columns, kinds = columns_of(wb)
    _header(ws, columns, kinds)
    ws.flush_rows(1)
    nums = [str(i + 2) for i in range(N)]
    out, filled = [], []
    for c, (kind, values, fmt) in enumerate(columns):
        letter = "ABCDEF"[c]
        if kind == "text":
            out.append(text_cells(ws, letter, nums, ["" if v is None else v for v in values], ws.lazy_style(fmt, c)))
        elif kind == "number":
            out.append(cells(letter, nums, values, number_body(ws, ws.lazy_style(fmt, c))))
        elif kind == "date":
            out.append(cells(letter, nums, values, date_body(ws, ws.lazy_style(fmt, c))))
        elif kind == "value":
            out.append(cells(letter, nums, values, value_body(ws, LazyStyles(ws, kinds, c))))
        else:
            out.append(
                formula_cells(
                    ws,
                    letter,
                    nums,
                    ws.style(fmt, c),
                    lambda r: _formula(r),
                    formula_parts(ws, _formula),
                    ["" if v is None else v for v in values],
                )
            )
        filled += [(i + 1, c) for i, v in enumerate(values) if kind == "formula" or (v is not None and v != "")]
    ws.write_xml_rows(
        min(r for r, _ in filled),
        max(r for r, _ in filled),
        min(c for _, c in filled),
        max(c for _, c in filled),
        rows_xml(nums, out),
    )
    wb.close()
    return path


def _same_files(a: Path, b: Path) -> None:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            assert za.read(name) == zb.read(name), name


def test_rows_written_as_xml_are_byte_for_byte_what_a_stock_xlsxwriter_sheet_writes(tmp_path):
    """Texts (escapes, control characters, spaces, over 32,767 UTF-16 units), numbers (ints past 2**53,
    Decimal, infinity and text as text), dates (from 1 March 1900), values of any type,
    formulas with every kind of cached result, a column's own format: one file."""
    _same_files(_fast(tmp_path / "fast.xlsx", _columns), _stock(tmp_path / "stock.xlsx", _columns))
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="A5" s="' in sheet and "ctrl_x0001__x001F_end" in sheet and "_x005F_x0041_ stays text" in sheet
    assert '<f>IF($A2="","",B2*2&amp;"&lt;"&amp;C2)</f>' in sheet  # escaped once, as xlsxwriter does


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.text(min_size=0, max_size=12), min_size=N, max_size=N),
    numbers=st.lists(
        st.one_of(st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False)),
        min_size=N,
        max_size=N,
    ),
)
def test_any_text_and_number_is_written_as_xlsxwriter_writes_it(tmp_path, texts, numbers):
    def columns_of(wb):
        columns, kinds = _columns(wb)
        columns[0] = ("text", texts, columns[0][2])
        columns[1] = ("number", numbers, columns[1][2])
        return columns, kinds

    _same_files(_fast(tmp_path / "fast.xlsx", columns_of), _stock(tmp_path / "stock.xlsx", columns_of))


# --- when xlsxwriter's internals are not what the adapter expects ------------------------------


@pytest.fixture
def changed_internals(monkeypatch):
    """xlsxwriter as a release might change it: a private method with another signature (it still
    works for xlsxwriter itself)."""
    original = Worksheet._write_single_row

    def _write_single_row(self, current_row_num=0, flush=True):
        return original(self, current_row_num)

    assert adapter.internals_ok()
    monkeypatch.setattr(Worksheet, "_write_single_row", _write_single_row)
    yield
    monkeypatch.undo()
    assert adapter.internals_ok()


def test_changed_internals_are_named(changed_internals):
    assert not adapter.internals_ok()
    assert adapter.internals_problem() == (
        "Worksheet._write_single_row('current_row_num', 'flush') is not Worksheet._write_single_row('current_row_num',)"
    )


def test_with_changed_internals_the_book_is_written_cell_by_cell_and_is_the_same_file(tmp_path, monkeypatch):
    data = generate_demo(12, seed=3, today=TODAY)
    n = len(data["orders"])
    carry = Carry(
        {"orders": SheetCarry([ExtraColumn("微信号", (VALUES * 2)[:n])], {0: {"order_date": "明天"}})},
        [OtherSheet("我的", [["a", 1.5], [None, date(2026, 1, 1), True]])],
    )
    calls = []
    render = BulkSheet.write_xml_rows
    monkeypatch.setattr(BulkSheet, "write_xml_rows", lambda self, *a: calls.append(a) or render(self, *a))
    fast = write_book(tmp_path / "fast.xlsx", data, today=TODAY, carry=carry)
    assert calls  # the rows went as XML

    original = Worksheet._write_single_row
    monkeypatch.setattr(
        Worksheet, "_write_single_row", lambda self, current_row_num=0, flush=True: original(self, current_row_num)
    )
    calls.clear()
    slow = write_book(tmp_path / "slow.xlsx", data, today=TODAY, carry=carry)
    assert calls == []  # cell by cell through the public API
    _same_files(fast, slow)
    book = read_book(slow, other_sheets=True)
    assert book["orders"].rows == read_book(fast)["orders"].rows and len(book["orders"].rows) == n
    assert book.other_sheets[0].rows[1][1] == date(2026, 1, 1)


def test_with_another_formula_hook_formulas_get_xlsxwriters_own_rewriting(tmp_path, monkeypatch):
    """PlainFormulaSheet relies on ``_prepare_formula(formula, expand_future_functions)`` only."""
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet(worksheet_class=PlainFormulaSheet)
    original = Worksheet._prepare_formula
    monkeypatch.setattr(
        Worksheet,
        "_prepare_formula",
        lambda self, formula, expand_future_functions=False, strict=True: original(
            self, formula, expand_future_functions
        ),
    )
    assert ws._prepare_formula("=SUM(SEQUENCE(3))") == "SUM(_xlfn.SEQUENCE(3))"
    assert not adapter.internals_ok() and "_prepare_formula" in adapter.internals_problem()
    monkeypatch.undo()
    assert ws._prepare_formula("=SUM(SEQUENCE(3))") == "SUM(SEQUENCE(3))"
    wb.close()


def test_without_changed_internals_formulas_are_written_as_given(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet(worksheet_class=PlainFormulaSheet)
    assert ws._prepare_formula("=SUM(SEQUENCE(3))") == "SUM(SEQUENCE(3))"
    assert ws._prepare_formula("=SEQUENCE(3)", True) == "_xlfn.SEQUENCE(3)"  # data validation: xlsxwriter's own
    wb.close()


def test_with_changed_internals_staff_comments_and_formulas_refuse_rather_than_vanish(tmp_path, changed_internals):
    """A comment on a row already streamed has no public API: the book is not written, and says why."""
    data = generate_demo(5, seed=3, today=TODAY)
    staff = StaffSheet(
        "我的",
        [["a", 2.0]],
        source="我的",
        decor=Decor(cells={(1, 0): Formula("B1*2", 4.0)}, comments={(0, 0): Note("看这里", "王")}),
    )
    target = tmp_path / "book.xlsx"
    with pytest.raises(adapter.XlsxwriterChanged, match="a staff comment .*nothing was written"):
        write_book(target, data, today=TODAY, carry=Carry({}, [staff]))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_with_changed_internals_a_staff_formula_goes_through_write_formula(tmp_path, changed_internals):
    data = generate_demo(5, seed=3, today=TODAY)
    staff = StaffSheet(
        "我的",
        [["a", 2.0]],
        source="我的",
        decor=Decor(cells={(1, 0): Formula("B1*2", 4.0), (1, 1): Formula("SUM(B1:B1*2)", 4, array="B2")}),
    )
    path = write_book(tmp_path / "book.xlsx", data, today=TODAY, carry=Carry({}, [staff]))
    with zipfile.ZipFile(path) as z:
        sheet = next(
            z.read(n).decode()
            for n in z.namelist()
            if n.startswith("xl/worksheets/sheet") and "B1*2" in z.read(n).decode()
        )
    assert '<c r="A2" s="' in sheet and "<f>B1*2</f><v>4.0</v>" in sheet  # as the internals path writes it
    assert '<f t="array" ref="B2">SUM(B1:B1*2)</f><v>4</v>' in sheet
