"""Imports change a staff book in place: only the cells that must change, every other part kept."""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from backups import is_backup_of
from import_helpers import write_csv
from staff_books import (
    COMMENT,
    COMMISSION,
    TODAY,
    VBA,
    assert_staff_work_kept,
    commission,
    macro_book,
    resaved,
    staff_book,
)

from workbook_tools.importer import import_rows
from workbook_tools.lang import Said
from workbook_tools.read import read_book
from workbook_tools.validate import validate_book

_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _rows(xml: bytes) -> dict[int, bytes]:
    return {int(m[1]): m[0] for m in _ROW.finditer(xml)}


def _sheet_parts(path: Path) -> dict[str, str]:
    from workbook_tools.xlsxpkg.package import Package

    with Package(path) as pkg:
        return {s.name: s.part for s in pkg.sheets()}


def _one_line(tmp_path: Path, book: Path) -> tuple[Path, str, str]:
    b = read_book(book)
    order = b["orders"].rows[-1]["order_no"]
    sku = b["products"].rows[0]["sku"]
    csv = write_csv(tmp_path / "line.csv", ["订单编号", "产品编号", "数量", "单价"], [[order, sku, "2", "15.50"]])
    return csv, order, sku


def _import_one_line(tmp_path: Path, book: Path):
    csv, order, sku = _one_line(tmp_path, book)
    before = _parts(book)
    result = import_rows(csv, book, sheet="order_lines", today=TODAY)
    assert result.written and result.counts["order_lines"]["add"] == 1
    return before, _parts(book), result, order, sku


def _changed_rows(before: bytes, after: bytes) -> set[int]:
    a, b = _rows(before), _rows(after)
    return {r for r in a.keys() | b.keys() if a.get(r) != b.get(r)}


def _check_in_place(book: Path, before: dict[str, bytes], after: dict[str, bytes], order: str, sku: str) -> None:
    parts = _sheet_parts(book)
    changed = {n for n in before if before[n] != after.get(n)}
    assert set(after) == set(before)
    # only the sheets whose cells must change: the new line, its order's totals, the product's
    # stock, the dashboard's figures
    # only the sheets whose cells must change: the new line; where the book holds formula results
    # (not in a file saved by a library that writes none), its order's totals, the product's stock
    # the customer's sales to date and the dashboard's figures
    # and workbook.xml when a print area stopped above the new row: it now takes the row in
    assert (
        {parts["订单明细"]}
        <= changed
        <= {parts[s] for s in ("订单明细", "订单", "产品", "客户", "概览")} | {"xl/workbook.xml"}
    )
    b = read_book(book)
    lines = b["order_lines"]
    new_row = lines.row_numbers[-1]
    assert lines.rows[-1] == {**lines.rows[-1], "order_no": order, "sku": sku, "quantity": 2, "unit_price": D("15.50")}
    assert _changed_rows(before[parts["订单明细"]], after[parts["订单明细"]]) == {new_row}
    if "xl/workbook.xml" in changed:
        names_before = re.findall(rb"<definedName\b[^>]*>[^<]*</definedName>", before["xl/workbook.xml"])
        names_after = re.findall(rb"<definedName\b[^>]*>[^<]*</definedName>", after["xl/workbook.xml"])
        moved = [(a, b) for a, b in zip(names_before, names_after) if a != b]
        assert len(names_before) == len(names_after) and len(moved) == 1
        assert b"Print_Area" in moved[0][1] and moved[0][1].endswith(b"$%d</definedName>" % new_row)
        assert re.sub(rb"<definedNames>.*</definedNames>", b"", before["xl/workbook.xml"], flags=re.S) == re.sub(
            rb"<definedNames>.*</definedNames>", b"", after["xl/workbook.xml"], flags=re.S
        )
    orders = b["orders"]
    order_row = orders.row_numbers[[r["order_no"] for r in orders.rows].index(order)]
    assert _changed_rows(before[parts["订单"]], after[parts["订单"]]) <= {order_row}
    products = b["products"]
    sku_row = products.row_numbers[[r["sku"] for r in products.rows].index(sku)]
    assert _changed_rows(before[parts["产品"]], after[parts["产品"]]) <= {sku_row}  # stock, when shipped
    # the book still validates as before, and the cached totals are Python's
    assert not [f for f in validate_book(b, today=TODAY) if f.code == "formula-overwritten"]


def test_a_one_row_import_changes_only_the_cells_it_must(tmp_path):
    book = staff_book(tmp_path)
    original = book.read_bytes()
    before, after, result, order, sku = _import_one_line(tmp_path, book)
    _check_in_place(book, before, after, order, sku)
    assert result.backup is not None and is_backup_of(result.backup, original)


def test_the_formula_results_that_change_are_python_s(tmp_path):
    """In a book with formula results (ours, or saved by a spreadsheet client), the new line's order
    total, balance and status and the dashboard's figures are refreshed; nothing else moves."""
    from python_calamine import CalamineWorkbook

    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    book = write_book(tmp_path / "book.xlsx", generate_demo(30, seed=3, today=TODAY), today=TODAY)
    before, after, _, order, sku = _import_one_line(tmp_path, book)
    parts = _sheet_parts(book)
    assert {parts["订单明细"], parts["订单"], parts["概览"]} <= {n for n in before if before[n] != after[n]}
    _check_in_place(book, before, after, order, sku)
    b = read_book(book)
    i = [r["order_no"] for r in b["orders"].rows].index(order)
    from workbook_tools.derive import derive

    expected = derive(b.data())["orders"]
    # cached numbers are read as floats (they are only compared to the cent)
    assert D(str(b["orders"].cached["total"][i])) == expected["total"][i]
    assert D(str(b["orders"].cached["balance"][i])) == expected["balance"][i]
    lines = [r for r in b.data()["order_lines"] if r["order_no"] == order]
    assert expected["total"][i] == sum(
        round(ln["quantity"] * ln["unit_price"] * (1 - (ln["discount"] or 0)), 2) for ln in lines
    )
    from workbook_tools.config import Config
    from workbook_tools.template.dashboard import dashboard_cells, dashboard_values

    figures = dashboard_values(b.data(), derive(b.data()), Config(), TODAY)
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("概览").to_python(skip_empty_area=False)
    for key in ("revenue_this_month", "receivables"):
        at = dashboard_cells()[key]
        assert D(str(rows[int(at[1:]) - 1][ord(at[0]) - 65])) == figures[key]


def test_what_staff_put_in_the_book_survives_an_import(tmp_path):
    book = staff_book(tmp_path)
    _import_one_line(tmp_path, book)
    wb = openpyxl.load_workbook(book)
    assert_staff_work_kept(wb)
    with zipfile.ZipFile(book) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_a_new_order_row_gets_the_staff_formula_of_the_row_above(tmp_path):
    book = staff_book(tmp_path)
    b = read_book(book)
    last = b["orders"].rows[-1]
    csv = write_csv(
        tmp_path / "order.csv",
        ["订单编号", "客户编号", "下单日期", "订单状态"],
        [["SO2026119999", last["customer_id"], "2026-11-20", "待处理"]],
    )
    lines = write_csv(
        tmp_path / "lines.csv",
        ["订单编号", "产品编号", "数量", "单价"],
        [["SO2026119999", b["products"].rows[0]["sku"], "1", "100"]],
    )
    result = import_rows([csv, lines], book, today=TODAY)
    assert result.counts["orders"]["add"] == 1 and result.counts["order_lines"]["add"] == 1
    b2 = read_book(book)
    r = b2["orders"].row_numbers[-1]
    wb = openpyxl.load_workbook(book)
    assert b2["orders"].rows[-1]["order_no"] == "SO2026119999"
    assert wb["订单"][f"{COMMISSION}{r}"].value == commission(r)
    assert result.written


def test_a_macro_book_keeps_its_macros_and_stays_xlsm(tmp_path):
    book = macro_book(staff_book(tmp_path, "src.xlsx"), tmp_path / "book.xlsm")
    before, after, _, order, sku = _import_one_line(tmp_path, book)
    _check_in_place(book, before, after, order, sku)
    assert after["xl/vbaProject.bin"] == VBA
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_book_saved_by_libreoffice_is_changed_in_place_and_opens_again(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    book = resaved(staff_book(tmp_path / "src"), tmp_path)
    before, after, _, order, sku = _import_one_line(tmp_path, book)
    _check_in_place(book, before, after, order, sku)
    wb = openpyxl.load_workbook(book)
    assert wb["客户"]["B2"].comment.text.strip() == COMMENT
    assert wb["订单"][f"{COMMISSION}2"].value == commission(2)
    again = resaved(book, tmp_path / "again")
    b = read_book(again)
    assert b["order_lines"].rows[-1]["order_no"] == order and b["order_lines"].rows[-1]["quantity"] == 2


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith(".") and (".tmp" in p.name or "partial" in p.name)
    )


KILLED_COMMANDS = {
    "import": lambda book, csv: [
        "import",
        str(csv),
        "--into",
        str(book),
        "--sheet",
        "order_lines",
        "--today",
        TODAY.isoformat(),
    ],
    "regenerate": lambda book, csv: ["regenerate", str(book), "--accept-loss"],
    "summary --into-book": lambda book, csv: [
        "summary",
        str(book),
        "--month",
        "2026-10",
        "--into-book",
        "-o",
        str(book),
        "--force",
        "--today",
        TODAY.isoformat(),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(KILLED_COMMANDS))
def test_killing_a_write_at_any_point_leaves_the_old_book_or_the_new_one(tmp_path, book_20000, command):
    """kill -9 at several points of a write into a 20,000-order book: the book is the old one byte for
    byte (or, past the rename, a whole new one), and the next run leaves no temporary file beside it
    or in $TMPDIR."""
    import os
    import signal
    import subprocess
    import sys
    import time

    old = book_20000.read_bytes()
    folder = tmp_path / "books"
    folder.mkdir()
    private_tmp = tmp_path / "tmpdir"
    private_tmp.mkdir()
    book = folder / "book.xlsx"
    csv, _, _ = _one_line(tmp_path, book_20000)
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    cmd = [sys.executable, "-m", "workbook_tools.cli", *KILLED_COMMANDS[command](book, csv)]
    outcomes = set()
    for delay in (0.5, 2.0, 4.0, 7.0):
        book.write_bytes(old)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if book.read_bytes() == old:
            outcomes.add("old")
        else:
            assert read_book(book)["orders"].rows, "a changed book must be a whole, readable book"
            outcomes.add("new")
        # the next run completes and cleans what the killed one left
        book.write_bytes(old)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode in (0, 1), done.stderr
        assert _leftovers(folder) == [] and list(private_tmp.iterdir()) == []
        for f in folder.glob("book.*.bak.xlsx"):
            f.unlink()
    assert "old" in outcomes


def test_rows_imported_past_the_prepared_ones_get_formulas_and_rows_are_prepared_again(tmp_path, monkeypatch):
    """An import that runs past the rows prepared with formulas fills the formulas down onto the new
    rows (with Python's results) and prepares rows ahead again, as ``orderbook extend`` does."""
    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write, write_book

    monkeypatch.setattr(write, "PREPARED_ROWS", 20)
    book = write_book(tmp_path / "book.xlsx", generate_demo(3, seed=3, today=TODAY), today=TODAY)
    b = read_book(book)
    last_prepared = len(b["order_lines"].rows) + 1 + 20
    order = b["orders"].rows[-1]["order_no"]
    skus = [
        p["sku"]
        for p in b["products"].rows
        if p["sku"] not in {line["sku"] for line in b["order_lines"].rows if line["order_no"] == order}
    ][:30]
    csv = write_csv(
        tmp_path / "lines.csv", ["订单编号", "产品编号", "数量", "单价"], [[order, sku, "1", "10"] for sku in skus]
    )
    result = import_rows(csv, book, sheet="order_lines", today=TODAY)
    assert result.counts["order_lines"]["add"] == len(skus) == 30
    assert result.notes == [
        Said(
            "已在 订单明细 重新预置行（orderbook extend）",
            "prepared rows added again on Order lines (orderbook extend)",
        )
    ]
    after = read_book(book)
    lines = after["order_lines"]
    assert lines.row_numbers[-1] > last_prepared
    wb = openpyxl.load_workbook(book)
    r = lines.row_numbers[-1]
    assert wb["订单明细"][f"G{r}"].value.startswith("=IF($A")  # the schema's amount formula, filled down
    assert lines.cached["amount"][-1] == D("10.00")  # with Python's result
    codes = {f.code for f in validate_book(after, today=TODAY)}
    assert not codes & {"formula-missing", "prepared-rows-low", "formula-overwritten", "validation-missing"}
