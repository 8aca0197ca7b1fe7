"""Growth without a cliff: validate says when a sheet runs out of prepared rows, which rows of data
have no formulas, which input rows lost their validation; ``orderbook extend`` prepares rows again
in place, changing only what it must. (The recalculation of the extended rows in LibreOffice and
Gnumeric: test_formulas_libreoffice.py, test_formulas_gnumeric.py.)"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from recalc_cases import fill_template, gap_rows, known_rows, type_in
from staff_books import TODAY, assert_staff_work_kept, staff_book

from workbook_tools.cells import col_letter
from workbook_tools.cli import cli
from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.errors import BookLockedError
from workbook_tools.formulas import FormulaContext, formula
from workbook_tools.read import read_book
from workbook_tools.schema import SHEET_BY_KEY, SHEETS
from workbook_tools.template import PREPARED_ROWS, write_book
from workbook_tools.template.write import low_threshold, rows_ahead
from workbook_tools.validate import validate_file
from workbook_tools.xlsxpkg.extend import ExtendError, extend_book, read_facts
from workbook_tools.xlsxpkg.package import Package

BOOK_CODES = {"formula-missing", "prepared-rows-low", "validation-missing", "formula-overwritten"}
LAST = 1 + PREPARED_ROWS


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sheet_parts(path: Path) -> dict[str, str]:
    with Package(path) as pkg:
        return {s.name: s.part for s in pkg.sheets()}


def _findings(path: Path, today: date = TODAY):
    result = validate_file(path, config=Config(), today=today)
    assert result.error is None, result.error
    return result.findings


def _book_codes(path: Path):
    return sorted((f.cell, f.code) for f in _findings(path) if f.code in BOOK_CODES)


@pytest.fixture
def gap_book(tmp_path):
    """The template with rows typed at row 5,003 and after gaps, as a clerk types them."""
    book = write_book(tmp_path / "book.xlsx")
    type_in(book, gap_rows())
    return book


def test_how_far_ahead_and_when_to_warn():
    assert rows_ahead(0) == rows_ahead(20_000) == PREPARED_ROWS == 5000
    assert rows_ahead(100_000) == 20_000  # a fifth of a large sheet
    assert low_threshold(0) == low_threshold(4_000) == 500
    assert low_threshold(100_000) == 10_000
    for n in (0, 10, 30_000, 250_000):  # a book just written or extended is never short
        assert rows_ahead(n) >= low_threshold(n)


def test_the_template_and_a_written_book_know_their_prepared_rows(tmp_path):
    template = write_book(tmp_path / "t.xlsx")
    book = read_book(template)
    facts = read_facts(template, book)
    assert facts.current and {s.key: facts.prepared_end(book, s.key) for s in SHEETS} == {s.key: LAST for s in SHEETS}
    assert _book_codes(template) == []
    data = known_rows()
    written = write_book(tmp_path / "b.xlsx", data, today=TODAY)
    b = read_book(written)
    facts = read_facts(written, b)
    assert {s.key: facts.prepared_end(b, s.key) for s in SHEETS} == {s.key: 1 + len(data[s.key]) + 5000 for s in SHEETS}


def test_rows_typed_below_the_prepared_rows_are_named_not_called_overwritten(gap_book):
    found = _findings(gap_book, date(2026, 1, 10))
    codes = sorted((f.cell, f.code) for f in found if f.code in BOOK_CODES)
    assert codes == [
        ("付款!5003", "prepared-rows-low"),
        ("客户!5003", "prepared-rows-low"),
        ("客户!O5003", "formula-missing"),
        ("库存变动!5003", "prepared-rows-low"),
        ("库存变动!F5003", "formula-missing"),
        ("订单!5003", "prepared-rows-low"),
        ("订单!C5003", "formula-missing"),
        ("订单明细!5004", "prepared-rows-low"),
        ("订单明细!C5003", "formula-missing"),
        ("订单明细!C5004", "formula-missing"),
    ]
    missing = next(f for f in found if f.cell == "订单!C5003")
    assert "“订单金额”" in missing.message("zh") and "Order total" in missing.message("en")
    low = next(f for f in found if f.cell == "订单明细!5004")
    assert "5001" in low.message("zh") and "500" in low.message("en")


def test_extend_prepares_rows_ahead_and_changes_only_what_it_must(gap_book):
    before = _parts(gap_book)
    parts = _sheet_parts(gap_book)
    result = extend_book(gap_book, today=date(2026, 1, 10))
    after = _parts(gap_book)
    ends = {k: (e.old_end, e.new_end) for k, e in result.sheets.items()}
    assert ends == {
        "customers": (LAST, 10003),
        "products": (LAST, 5002),
        "orders": (LAST, 10003),
        "order_lines": (LAST, 10004),
        "status_log": (LAST, LAST),
        "shipments": (LAST, 5002),
        "payments": (LAST, 10003),
        "stock_moves": (LAST, 10003),
    }
    # every part but the extended sheets, the dashboard and the defined names is as it was
    changed = {n for n in before if before[n] != after[n]}
    assert set(before) == set(after)
    assert changed == {parts[SHEET_BY_KEY[k].zh] for k in ends if ends[k][0] != ends[k][1]} | {
        "xl/workbook.xml",
        parts["概览"],
    }
    # the rows of the prepared range keep their XML; formulas of formulas.py on every new row
    orders = parts["订单"]
    rows = lambda xml: dict(re.findall(rb'<row r="(\d+)"[^>]*>(.*?)</row>', xml, re.S))  # noqa: E731
    old_rows, new_rows = rows(before[orders]), rows(after[orders])
    assert all(new_rows[r] == old_rows[r] for r in old_rows if int(r) <= LAST)
    wb = openpyxl.load_workbook(gap_book)
    ctx = FormulaContext("zh", {s.key: 10003 for s in SHEETS})
    ws, orders_sheet = wb["订单"], SHEET_BY_KEY["orders"]
    for r in (5002, 5003, 7777, 10003):
        for col in orders_sheet.derived:
            assert ws.cell(r, orders_sheet.col(col.key) + 1).value == formula(ctx, "orders", col.key, r)
    assert ws.cell(10004, orders_sheet.col("total") + 1).value is None
    # conditional formats, filter, names and print areas grow with the rows: the rules on 订单编号 and
    # 客户编号 (repeated, unknown), 交货日期 and 未付金额 (overdue); the filter and the print area over
    # every column of the schema
    assert {str(rng.sqref) for rng in ws.conditional_formatting} == {
        f"{orders_sheet.letter(k)}2:{orders_sheet.letter(k)}10003"
        for k in ("order_no", "customer_id", "due_date", "balance")
    }
    last = col_letter(len(orders_sheet.columns) - 1)
    assert ws.auto_filter.ref == f"A1:{last}10003"
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert names["rng_order_lines_amount"] == "'订单明细'!$G$2:$G$10004"
    assert names["rng_products_on_hand"] == "'产品'!$K$2:$K$5002"
    assert ws.print_area == f"'订单'!$A$1:${last}$5003"
    assert wb["状态记录"].auto_filter.ref == f"A1:F{LAST}"  # nothing typed there: left alone
    # the new formulas carry Python's values as their cached results, and the dashboard is refreshed
    values = openpyxl.load_workbook(gap_book, data_only=True)
    assert values["订单"]["H5003"].value == pytest.approx(322.34) and values["订单"]["K5003"].value == "部分付款"
    assert values["订单明细"]["G5004"].value == pytest.approx(8.7)
    assert values["库存变动"]["F5003"].value.date() == date(2026, 1, 5)
    # validate now finds nothing of the kind
    assert _book_codes(gap_book) == []


def test_extend_twice_changes_nothing_the_second_time(gap_book):
    extend_book(gap_book, today=date(2026, 1, 10))
    first = gap_book.read_bytes()
    result = extend_book(gap_book, today=date(2026, 1, 10))
    assert not result.changed and gap_book.read_bytes() == first


def test_a_sheet_running_low_is_reported_before_it_runs_out(tmp_path):
    book = write_book(tmp_path / "b.xlsx")
    type_in(
        book, {"payments": {4600: dict(order_no="SO2026010001", paid_on=date(2026, 1, 2), method="现金", amount=10)}}
    )
    found = [f for f in _findings(book) if f.code == "prepared-rows-low"]
    assert [(f.cell, f.params["remaining"], f.params["needed"]) for f in found] == [("付款!4600", 401, 500)]
    assert not [f for f in _findings(book) if f.code == "formula-missing"]
    extend_book(book, today=TODAY)
    assert [f for f in _findings(book) if f.code == "prepared-rows-low"] == []


def _cut_validation(path: Path, sheet: str, rows: int, drop_column: str | None = None) -> None:
    """What LibreOffice's save does to a sheet's validation (every range cut to ``rows``), and a
    column's validation deleted outright."""
    with Package(path) as pkg:
        part = {s.name: s.part for s in pkg.sheets()}[sheet]
        xml = pkg.text(part)
        xml = re.sub(
            r'(<dataValidation\b[^>]*?sqref=")([A-Z]+)2:\2(\d+)"', lambda m: f'{m[1]}{m[2]}2:{m[2]}{rows}"', xml
        )
        if drop_column:
            xml = re.sub(
                rf'<dataValidation\b[^>]*sqref="{drop_column}2:[^"]*".*?</dataValidation>', "", xml, flags=re.S
            )
        pkg.new[part] = xml.encode()
        tmp = path.with_name(path.name + ".cut")
        with open(tmp, "wb") as out:
            pkg.write_to(out)
    tmp.replace(path)


def test_validation_lost_is_noticed_and_restored(tmp_path):
    book = write_book(tmp_path / "b.xlsx")
    fill_template(book, known_rows())
    template_payments = _parts(book)[_sheet_parts(book)["付款"]].decode()
    _cut_validation(book, "付款", 1007, drop_column="C")
    _cut_validation(book, "订单", 3000)
    found = [f for f in _findings(book) if f.code == "validation-missing"]
    assert [(f.cell, f.value) for f in found] == [
        ("订单!A3001", "3001–5001"),
        ("付款!C2", "2–5001"),
        ("付款!A1008", "1008–5001"),
    ]
    assert "“付款方式”" in found[1].message("zh") and "Method" in found[1].message("en")
    assert "“订单编号”" in found[2].message("zh") and "“金额”" in found[2].message("zh")
    result = extend_book(book, today=TODAY)
    assert "付款方式" in result.sheets["payments"].validation and "订单编号" in result.sheets["orders"].validation
    assert [f for f in _findings(book) if f.code == "validation-missing"] == []
    restored = _parts(book)[_sheet_parts(book)["付款"]].decode()
    dvs = lambda xml: sorted(re.findall(r"<dataValidation\b[^>]*?(?:/>|>.*?</dataValidation>)", xml, re.S))  # noqa: E731
    assert dvs(restored) == dvs(template_payments)  # the template's rules, back over the whole column


def test_a_book_of_an_older_template_is_refused_untouched(gap_book):
    with Package(gap_book) as pkg:
        xml = pkg.text("xl/workbook.xml")
        pkg.new["xl/workbook.xml"] = re.sub(r'<definedName name="rng_[^"]*">[^<]*</definedName>', "", xml).encode()
        old = gap_book.with_name("old.xlsx")
        with open(old, "wb") as out:
            pkg.write_to(out)
    before = old.read_bytes()
    with pytest.raises(ExtendError, match="regenerate"):
        extend_book(old, today=TODAY)
    assert old.read_bytes() == before


def test_a_book_open_in_a_spreadsheet_program_is_not_extended(gap_book):
    lock = gap_book.with_name(f".~lock.{gap_book.name}#")
    lock.write_text(",王会计,PC-01,27.11.2026 09:30,file:///C:/Users/wang;\n", encoding="utf-8")
    before = gap_book.read_bytes()
    with pytest.raises(BookLockedError):
        extend_book(gap_book, today=TODAY)
    assert gap_book.read_bytes() == before
    assert extend_book(gap_book, today=TODAY, force=True).changed


def test_staff_work_survives_an_extension(tmp_path):
    book = staff_book(tmp_path)
    type_in(book, {"order_lines": {6000: dict(order_no="SO2026110001", sku="P1001", quantity=1, unit_price=5)}})
    extend_book(book, today=TODAY)
    wb = openpyxl.load_workbook(book)
    assert_staff_work_kept(wb)
    assert wb["订单明细"]["G6000"].value.startswith("=IF($A6000")
    assert not [f for f in _findings(book) if f.code in ("formula-missing", "prepared-rows-low")]


def test_orderbook_extend_and_nightly_extend(tmp_path, gap_book):
    runner = CliRunner()
    english = tmp_path / "english.xlsx"
    english.write_bytes(gap_book.read_bytes())
    out = runner.invoke(cli, ["extend", str(english), "--today", "2026-01-10", "--lang", "en"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert (
        "订单明细: prepared to row 10,004 (was 5,001); 20,012 formula cells written" in lines
    )  # the book's sheet name
    assert lines[-3:] == [
        "cached results refreshed: 48",
        "settings: the settings stored in the book",
        f"wrote {english}",
    ]
    out = runner.invoke(cli, ["extend", str(gap_book), "--today", "2026-01-10"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "订单明细：预置到第 10,004 行（原来到 5,001 行）；写入公式单元格 20,012 个" in lines
    assert "发货：预置到第 5,002 行（原来到 5,001 行）" in lines
    assert lines[-3:] == ["刷新缓存的计算结果：48 个", "设置：订单簿中保存的设置", f"已写入 {gap_book}"]
    again = runner.invoke(cli, ["extend", str(gap_book)])
    assert again.exit_code == 0 and again.output.splitlines() == [
        "设置：订单簿中保存的设置",
        f"{gap_book}：每个表预置的行都还够，无需改动",
    ]
    again = runner.invoke(cli, ["extend", str(gap_book), "--lang", "en"])
    assert again.exit_code == 0 and again.output.splitlines() == [
        "settings: the settings stored in the book",
        f"{gap_book}: every sheet is prepared far enough ahead; nothing to do",
    ]

    folder = tmp_path / "books"
    folder.mkdir()
    low = write_book(folder / "low.xlsx")
    type_in(low, gap_rows())
    fine = write_book(folder / "fine.xlsx")
    fine_bytes = fine.read_bytes()
    night = runner.invoke(cli, ["nightly", str(folder), "--extend", "--reports", str(tmp_path / "reports")])
    assert f"extend: {low}" in night.output, night.output
    assert fine.read_bytes() == fine_bytes  # nothing was low there: not touched
    assert not [f for f in _findings(low) if f.code in ("formula-missing", "prepared-rows-low")]


def test_extend_of_a_book_with_data_keeps_python_s_cached_values(tmp_path):
    data = known_rows()
    book = write_book(tmp_path / "b.xlsx", data, today=TODAY)
    type_in(book, {"order_lines": {5010: dict(order_no="SO2026010002", sku="P1002", quantity=2, unit_price=1)}})
    extend_book(book, today=TODAY)
    b = read_book(book)
    derived = derive(b.data())
    assert derived["orders"]["total"][1] == b["orders"].cached["total"][1] or float(
        derived["orders"]["total"][1]
    ) == pytest.approx(b["orders"].cached["total"][1])
    assert [f for f in _findings(book) if f.code in BOOK_CODES] == []


def test_regenerate_restores_validation_too(tmp_path):
    from workbook_tools.regenerate import regenerate

    book = write_book(tmp_path / "b.xlsx")
    fill_template(book, known_rows())
    _cut_validation(book, "付款", 1007, drop_column="C")
    assert [f for f in _findings(book) if f.code == "validation-missing"]
    out = regenerate(book, output=tmp_path / "rebuilt.xlsx").path
    assert [f for f in _findings(out) if f.code in BOOK_CODES] == []


def test_a_formula_cell_emptied_inside_the_prepared_rows_is_missing_and_put_back(tmp_path):
    data = known_rows()
    book = write_book(tmp_path / "b.xlsx", data, today=TODAY)
    with Package(book) as pkg:
        part = _sheet_parts(book)["订单"]
        pkg.new[part] = re.sub(rb'<c r="H3"[^>]*>.*?</c>', b"", pkg.read(part), count=1, flags=re.S)
        tmp = book.with_name("cut.xlsx")
        with open(tmp, "wb") as out:
            pkg.write_to(out)
    tmp.replace(book)
    found = [(f.cell, f.code) for f in _findings(book) if f.code in BOOK_CODES]
    assert found == [("订单!H3", "formula-missing")]
    result = extend_book(book, today=TODAY)
    assert result.sheets["orders"].formulas == 1
    assert [f for f in _findings(book) if f.code in BOOK_CODES] == []
    assert openpyxl.load_workbook(book, data_only=True)["订单"]["H3"].value == pytest.approx(877.03)


def test_a_value_typed_over_a_formula_is_still_overwritten(tmp_path):
    from workbook_tools.xlsxpkg.sheet import SheetEdit, Value, patch_sheet

    book = write_book(tmp_path / "b.xlsx", known_rows(), today=TODAY)
    with Package(book) as pkg:
        part = _sheet_parts(book)["订单"]
        edit = SheetEdit()
        edit.set(3, 7, Value(1.5))
        pkg.new[part] = patch_sheet(pkg.read(part), edit)
        tmp = book.with_name("typed.xlsx")
        with open(tmp, "wb") as out:
            pkg.write_to(out)
    tmp.replace(book)
    assert [(f.cell, f.code) for f in _findings(book) if f.code in BOOK_CODES] == [("订单!H3", "formula-overwritten")]
    extend_book(book, today=TODAY)  # a typed value is the clerk's: left as it is
    assert openpyxl.load_workbook(book)["订单"]["H3"].value == 1.5


def test_the_book_checks_are_these_three():
    from workbook_tools.codes import CODES

    assert {c for c, code in CODES.items() if code.group == "book"} == {
        "formula-missing",
        "prepared-rows-low",
        "validation-missing",
    }


def test_a_large_book_s_xml_is_read_in_a_second_process_with_the_same_findings(tmp_path, monkeypatch):
    """Past prepared.BACKGROUND_RECORDS the blank-cached cells are looked up in a forked process while
    the checks run; the findings are the same as read in this one, also with a typed-over result
    (cached.py's mismatch, looked up afterwards and merged)."""
    from concurrent.futures import Future

    from workbook_tools.validate import prepared
    from workbook_tools.validate.context import Context

    book = write_book(tmp_path / "b.xlsx", known_rows(), today=TODAY)
    with Package(book) as pkg:  # 订单!H3's formula gone; a number typed over 订单!H2's
        part = _sheet_parts(book)["订单"]
        xml = re.sub(rb'<c r="H3"[^>]*>.*?</c>', b"", pkg.read(part), count=1, flags=re.S)
        typed = re.search(rb'<c r="H2"([^>]*)>.*?</c>', xml, flags=re.S)
        pkg.new[part] = xml.replace(
            typed.group(0), b'<c r="H2"%s><v>12345</v></c>' % re.sub(rb'\st="[^"]*"', b"", typed.group(1)), 1
        )
        tmp = book.with_name("cut.xlsx")
        with open(tmp, "wb") as out:
            pkg.write_to(out)
    tmp.replace(book)
    here = sorted((f.cell, f.code) for f in _findings(book) if f.code in BOOK_CODES)
    assert here == [("订单!H2", "formula-overwritten"), ("订单!H3", "formula-missing")]

    pending = []
    start = prepared.start

    def watched(ctx: Context, pool=None) -> None:
        start(ctx, pool)
        pending.append(ctx.once("prepared_blank", lambda: None))

    monkeypatch.setattr(prepared, "BACKGROUND_RECORDS", 0)
    monkeypatch.setattr(prepared, "start", watched)
    there = sorted((f.cell, f.code) for f in _findings(book) if f.code in BOOK_CODES)
    assert len(pending) == 1 and isinstance(pending[0], Future)
    assert there == here


def test_the_second_process_is_forked_before_the_book_is_read(tmp_path, monkeypatch):
    """A book past prepared.BACKGROUND_BYTES has its second process forked before any sheet is read
    (forked after, from a process holding the rows, it makes that process copy each page it touches),
    and it is the one that looks the cells up: the findings are those read in line."""
    from workbook_tools.validate import prepared

    book = write_book(tmp_path / "b.xlsx", known_rows(), today=TODAY)
    here = _book_codes(book)
    events = []
    fork_ahead, start, read_facts = prepared.fork_ahead, prepared.start, prepared.read_facts

    def ahead(path):
        pool = fork_ahead(path)
        events.append(("forked", pool is not None))
        return pool

    def watched(ctx, pool=None):
        events.append(("start", pool is not None))
        start(ctx, pool)

    def in_line(*args):
        events.append(("read in this process",))
        return read_facts(*args)

    monkeypatch.setattr(prepared, "BACKGROUND_BYTES", 0)
    monkeypatch.setattr(prepared, "BACKGROUND_RECORDS", 10**9)  # no late fork to fall back on
    monkeypatch.setattr(prepared, "fork_ahead", ahead)
    monkeypatch.setattr(prepared, "start", watched)
    monkeypatch.setattr(prepared, "read_facts", in_line)
    assert _book_codes(book) == here
    assert events == [("forked", True), ("start", True)]


def test_an_unreadable_book_lets_its_second_process_go(tmp_path, monkeypatch):
    """The process forked ahead for a book that then cannot be read is given no job and exits."""
    import multiprocessing

    from workbook_tools.validate import prepared

    book = write_book(tmp_path / "b.xlsx", known_rows(), today=TODAY)
    book.write_bytes(book.read_bytes()[: book.stat().st_size // 2])  # truncated: no sheet can be read
    monkeypatch.setattr(prepared, "BACKGROUND_BYTES", 0)
    forked = []
    fork_ahead = prepared.fork_ahead
    monkeypatch.setattr(prepared, "fork_ahead", lambda path: forked.append(fork_ahead(path)) or forked[-1])
    before = set(multiprocessing.active_children())  # (other tests' children in this worker)
    result = validate_file(book, config=Config(), today=TODAY)
    assert result.error is not None and forked and forked[0] is not None
    deadline = time.monotonic() + 30
    while set(multiprocessing.active_children()) - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(multiprocessing.active_children()) - before == set()


def _holds_a_second_process(pids) -> None:
    from workbook_tools.validate import prepared

    pool = prepared._second_process()
    pool.submit(int).result()
    pids.put([p.pid for p in pool._processes.values()])
    time.sleep(600)  # killed long before


@pytest.mark.skipif(sys.platform != "linux", reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_the_second_process_dies_with_the_one_that_forked_it():
    """The nightly job kills a book's process at its memory cap or deadline: the process it forked
    ahead to read the XML goes with it instead of waiting for its job forever."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    pids = fork.Queue()
    holder = fork.Process(target=_holds_a_second_process, args=(pids,))
    holder.start()
    (worker,) = pids.get(timeout=60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join()
    deadline = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by init, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_prepared_rows_stop_at_excel_s_last_row():
    """A 250,000-order book has a status log of about a million rows: a fifth more would pass Excel's
    1,048,576 rows (xlsxwriter refuses the formats there), so the prepared rows stop at the last row."""
    from workbook_tools.book import empty_data
    from workbook_tools.template.write import last_rows

    data = empty_data()
    data["status_log"] = [{}] * 1_000_362
    data["orders"] = [{}] * 250_000
    ends = last_rows(data)
    assert ends["status_log"] == 1_048_576
    assert ends["orders"] == 1 + 250_000 + 50_000
    assert ends["customers"] == 1 + 5000


def _book_codes_with_background(book: Path, queue) -> None:
    from workbook_tools.validate import prepared

    prepared.BACKGROUND_RECORDS = prepared.BACKGROUND_BYTES = 0  # this (forked) process only
    queue.put(_book_codes(book))


def test_a_daemon_process_reads_the_xml_itself(tmp_path):
    """A daemon process may not start one of its own ("daemonic processes are not allowed to have
    children"): there the XML is read in the process itself."""
    import multiprocessing

    book = write_book(tmp_path / "b.xlsx", known_rows(), today=TODAY)
    here = _book_codes(book)
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    child = fork.Process(target=_book_codes_with_background, args=(book, queue), daemon=True)
    child.start()
    try:
        assert queue.get(timeout=120) == here
    finally:
        child.join(timeout=10)
