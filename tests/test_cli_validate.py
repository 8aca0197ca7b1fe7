"""orderbook validate on real files: exit codes, exact findings, untouched inputs, one line per unreadable file."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from datetime import date

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from workbook_tools.cli import cli
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.schema import SHEETS
from workbook_tools.template import write_book

TODAY = "2026-11-27"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """A clean demo book, and a copy in which staff typed text into one quantity cell."""
    folder = tmp_path_factory.mktemp("books")
    data = generate_demo(150, seed=11, today=date(2026, 11, 27))
    clean = write_book(folder / "clean.xlsx", data, today=date(2026, 11, 27))
    status = derive(data)["orders"]["payment_status"]
    i = next(i for i, o in enumerate(data["orders"]) if o["status"] == "pending" and status[i] == "unpaid")
    j = next(j for j, ln in enumerate(data["order_lines"]) if ln["order_no"] == data["orders"][i]["order_no"])
    wb = openpyxl.load_workbook(clean)
    wb["订单明细"].cell(j + 2, 4, "两箱")
    bad = folder / "typed_text.xlsx"
    wb.save(bad)
    return {"clean": clean, "bad": bad, "cell": f"订单明细!D{j + 2}"}


def test_a_clean_book_exits_0(books):
    result = run("validate", books["clean"], "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "0 个错误" in result.output


def test_text_in_a_quantity_cell_is_exactly_one_error_at_that_cell(books, tmp_path):
    result = run("validate", books["bad"], "--today", TODAY, "--format", "json", "--out", tmp_path)
    assert result.exit_code == 1
    report = json.loads((tmp_path / "validation_report.json").read_text(encoding="utf-8"))
    errors = [f for f in report["files"][0]["findings"] if f["severity"] == "error"]
    assert [(f["cell"], f["code"], f["value"]) for f in errors] == [(books["cell"], "wrong-type", "两箱")]
    assert errors[0]["message"] == "“数量”应为整数，实际为“两箱”"


def test_inputs_are_never_modified(books, tmp_path):
    before = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in (books["clean"], books["bad"])}
    result = run(
        "validate",
        books["clean"],
        books["bad"],
        "--today",
        TODAY,
        "--out",
        tmp_path,
        "--format",
        "text",
        "--format",
        "json",
        "--format",
        "xlsx",
        "--format",
        "html",
    )
    assert result.exit_code == 1
    assert {p.name for p in tmp_path.iterdir()} >= {
        "validation_report.json",
        "validation_report.html",
        "validation_report.xlsx",
        "typed_text.annotated.xlsx",
    }
    assert before == {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in before}


def _too_far(path):
    """An order book whose 订单 sheet has a heading in AH1 and a value on Excel's last row: a range of
    35 million cells, too big to read even cut to the columns with a heading."""
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    for sheet in SHEETS:
        ws = wb.add_worksheet(sheet.zh)
        ws.write_row(0, 0, [c.zh for c in sheet.columns])
        if sheet.key == "orders":
            ws.write_string(0, 33, "备用")
            ws.write_string(1_048_575, 0, "junk")
    wb.close()


def _encrypted(path, books):
    """A really password-protected copy of the clean book, encrypted as Excel does (MS-OFFCRYPTO)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(books["clean"], "rb") as src, open(path, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)


def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (1100 * 1024 * 1024))


def _entity_bomb(path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i else "")) * 10}">' for i in range(1, 10))
        + ']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
        '<sheet name="&lol9;" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        "</sheets></workbook>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", bomb)


def _missing_sheet(path, books):
    wb = openpyxl.load_workbook(books["clean"])
    del wb["付款"]
    wb.save(path)


def _missing_column(path, books):
    wb = openpyxl.load_workbook(books["clean"])
    wb["订单"].delete_cols(4)  # 下单日期
    wb.save(path)


BAD = {
    "not_a_zip.xlsx": (lambda p, b: p.write_text("订单编号,客户编号\nSO1,C1\n", encoding="utf-8"), "not a zip"),
    "legacy.xls": (lambda p, b: p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512), "legacy"),
    "encrypted.xlsx": (_encrypted, "password"),
    "truncated.xlsx": (lambda p, b: p.write_bytes(b["clean"].read_bytes()[:40_000]), "truncated"),
    "empty.xlsx": (lambda p, b: p.write_bytes(b""), "empty"),
    "zip_bomb.xlsx": (lambda p, b: _zip_bomb(p), "zip bomb"),
    "entity_bomb.xlsx": (lambda p, b: _entity_bomb(p), "entit"),
    "missing_sheet.xlsx": (_missing_sheet, "付款 / Payments"),
    "missing_column.xlsx": (_missing_column, "下单日期"),
    "too_far.xlsx": (lambda p, b: _too_far(p), "AH1,048,576"),
}


@pytest.mark.slow
def test_each_bad_input_is_one_line_and_the_run_goes_on(books, tmp_path):
    for name, (make, _) in BAD.items():
        make(tmp_path / name, books)
    shutil.copy(books["bad"], tmp_path / "typed_text.xlsx")
    (tmp_path / "~$typed_text.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped in folders
    paths = [tmp_path / n for n in BAD] + [tmp_path / "typed_text.xlsx"]
    result = run("validate", *paths, "--today", TODAY, "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    files = {
        os.path.basename(f["path"]): f
        for f in json.loads((tmp_path / "out" / "validation_report.json").read_text(encoding="utf-8"))["files"]
    }
    for name, (_, words) in BAD.items():
        error = files[name]["error"]
        assert error and "\n" not in error and words.lower() in error.lower(), (name, error)
    assert files["typed_text.xlsx"]["error"] is None and files["typed_text.xlsx"]["errors"] == 1
    # folders are searched recursively and lock files skipped
    folder = run("validate", tmp_path, "--today", TODAY, "--format", "json", "--out", tmp_path / "out2")
    assert folder.exit_code == 2
    seen = {
        os.path.basename(f["path"])
        for f in json.loads((tmp_path / "out2" / "validation_report.json").read_text(encoding="utf-8"))["files"]
    }
    assert "~$typed_text.xlsx" not in seen and "typed_text.xlsx" in seen


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_nightly_writes_a_dated_report_folder_and_one_line_per_book(books, tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    shutil.copy(books["clean"], folder / "clean.xlsx")
    shutil.copy(books["bad"], folder / "typed_text.xlsx")
    result = run("nightly", folder, "--reports", tmp_path / "reports")
    assert result.exit_code == 1, result.output
    day = tmp_path / "reports" / date.today().isoformat()
    assert day.is_dir()
    assert {"summary.json", "validation_report.html", "validation_report.xlsx"} <= {p.name for p in day.iterdir()}
    lines = result.output.splitlines()
    assert any("clean.xlsx" in line for line in lines) and any("typed_text.xlsx" in line for line in lines)
