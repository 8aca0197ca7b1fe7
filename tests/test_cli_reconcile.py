"""orderbook reconcile on real files: the workbook, the terminal summary, exit codes 0 / 1 / 2."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from workbook_tools.commands.reconcile import command
from workbook_tools.demo import generate_demo
from workbook_tools.settings import resolve_settings
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)


def run(*args):
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    data = generate_demo(150, seed=11, today=TODAY)
    clean = write_book(folder / "clean.xlsx", data, today=TODAY)
    data["payments"].append(dict(data["payments"][0], amount=Decimal("99999.00"), reference="DUP-REF"))
    data["payments"].append(dict(data["payments"][1], reference="DUP-REF"))
    broken = write_book(folder / "broken.xlsx", data, today=TODAY)
    return clean, broken


def test_a_clean_book_exits_0_with_the_workbook_and_a_summary(books, tmp_path):
    clean, _ = books
    out = tmp_path / "对账.xlsx"
    result = run(clean, "-o", out, "--today", TODAY)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "对账 clean.xlsx（截至 2026-11-27）"
    assert lines[1].startswith("库存  ") and lines[2].startswith("付款  ") and "0 个错误" in result.output
    assert lines[-1] == f"已写入 {out}"
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "汇总"
    # the workbook says which settings made it, as the command's line does
    used = resolve_settings(clean).line("zh")
    assert used in lines and openpyxl.load_workbook(out)["汇总"]["A3"].value == f"对账日期: 2026-11-27；{used}"


def test_errors_exit_1_and_english(books, tmp_path, monkeypatch):
    _, broken = books
    monkeypatch.chdir(tmp_path)
    result = run(broken, "--today", TODAY, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "Found     3 errors" in result.output  # two orders overpaid, one reference repeated
    assert "Overpaid (overpaid)" in result.output and "Duplicate key (duplicate-key)" in result.output
    zh = run(broken, "--today", TODAY, "-o", str(tmp_path / "zh.xlsx")).output.splitlines()
    assert "           2  超额付款" in zh and "           1  重复编号" in zh  # the rule's name, no code
    # names.py: BOOK.reconcile-YYYY-MM-DD.xlsx beside the book, the day reconciled
    wb = openpyxl.load_workbook(broken.with_name(f"{broken.stem}.reconcile-{TODAY}.xlsx"), read_only=True)
    assert wb.sheetnames[:2] == ["Summary", "Stock ledger"]


def test_the_sample_statement(books, tmp_path):
    clean, _ = books
    statement = tmp_path / "bank.csv"
    statement.write_text("交易日期,贷方金额,对方户名\n2026-11-20,12.00,某某\n", encoding="utf-8-sig")
    result = run(clean, "--bank-statement", statement, "-o", tmp_path / "r.xlsx", "--today", TODAY)
    assert result.exit_code == 0
    assert "银行  bank.csv：1 行，匹配 0" in result.output
    assert "银行对账" in openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True).sheetnames


def test_unreadable_inputs_exit_2_with_one_line(books, tmp_path):
    clean, _ = books
    fake = tmp_path / "fake.xlsx"
    fake.write_text("订单编号,金额\n", encoding="utf-8")
    result = run(fake, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2 and result.output.startswith("orderbook: ") and "Traceback" not in result.output
    assert "not an Excel workbook" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text("hello,world\n1,2\n", encoding="utf-8")
    result = run(clean, "--bank-statement", bad, "-o", tmp_path / "y.xlsx")
    assert result.exit_code == 2 and "no header line" in result.output
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()

    result = run(clean, "-o", clean)
    assert result.exit_code == 2 and "the order book itself" in result.output
    assert openpyxl.load_workbook(clean, read_only=True).sheetnames  # untouched


def test_the_command_is_named_reconcile_and_documents_its_exit_codes():
    assert command.name == "reconcile"
    help_text = CliRunner().invoke(command, ["--help"]).output
    assert "--bank-statement" in help_text and "Exit code 0" in help_text
