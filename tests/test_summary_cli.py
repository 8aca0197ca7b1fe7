"""``orderbook summary`` and scripts/monthly_summary.py (the command itself): thin wrappers that write files, print the
key figures and what was written, and exit 0 (written), 1 (a month without data: nothing written) or 2
(unusable input), never a traceback. Without --month: the last full month; a running month counts up
to --today."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from backups import is_backup_of
from click.testing import CliRunner

from workbook_tools.commands.summary import command
from workbook_tools.demo import generate_demo
from workbook_tools.settings import resolve_settings
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def book_file(tmp_path_factory):
    return write_book(
        tmp_path_factory.mktemp("book") / "book.xlsx", generate_demo(120, seed=3, today=TODAY), today=TODAY
    )


def run(*args):
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


def test_summary_writes_the_workbook_and_json(book_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(book_file, "--month", "2026-10", "--today", "2026-11-27", "--json", "s.json")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "月报 2026-10（截至 2026-10-31）" and any(ln.strip().startswith("订单数") for ln in lines)
    report = book_file.with_name("book.summary-2026-10.xlsx")  # names.py: beside the book
    assert lines[-2:] == [f"已写入 {report}", "已写入 s.json"]
    assert openpyxl.load_workbook(report, read_only=True).sheetnames == ["月报 2026-10"]
    d = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert d["month"] == "2026-10" and d["key_figures"]["orders"]["value"] > 0
    # the workbook and the JSON say which settings made them, as the command's own line does
    used = resolve_settings(book_file)
    assert used.line("zh") in lines and d["settings"] == used.label
    assert openpyxl.load_workbook(report)["月报 2026-10"]["A3"].value.endswith("；" + used.line("zh"))


def test_into_book_in_english_and_over_the_original(book_file, tmp_path):
    book = tmp_path / "b.xlsx"
    book.write_bytes(book_file.read_bytes())
    result = run(book, "--month", "2026-11", "--today", "2026-11-27", "--into-book", "--lang", "en")
    assert result.exit_code == 0, result.output
    copy = tmp_path / "b.with-summary-2026-11.xlsx"  # names.py: never taken for b.summary-2026-11.xlsx
    assert result.output.splitlines()[-1] == f"wrote {copy}"
    assert openpyxl.load_workbook(copy, read_only=True).sheetnames[-1] == "Report 2026-11"

    before = book.read_bytes()
    result = run(book, "--month", "2026-11", "--today", "2026-11-27", "--into-book", "-o", book)
    assert result.exit_code == 2 and "is the order book itself" in result.output  # not without --force
    assert book.read_bytes() == before and not list(tmp_path.glob("b.*.bak.xlsx"))
    result = run(book, "--month", "2026-11", "--today", "2026-11-27", "--into-book", "-o", book, "--force")
    assert result.exit_code == 0, result.output
    backups = list(tmp_path.glob("b.*.bak.xlsx"))
    assert len(backups) == 1 and is_backup_of(backups[0], book_file)
    assert f"已备份原文件到 {backups[0]}" in result.output
    assert "月报 2026-11" in openpyxl.load_workbook(book, read_only=True).sheetnames


@pytest.mark.parametrize(
    "args, message",
    [
        (["--month", "2026-13"], "orderbook: '2026-13' is not a month: use YYYY-MM, e.g. 2026-10"),
        (["--month", "2026-12", "--today", "2026-11-27"], "orderbook: 2026-12 has not begun yet (today is 2026-11-27)"),
    ],
)
def test_bad_month_is_one_line_and_exit_2(book_file, tmp_path, args, message):
    result = run(book_file, *args, "-o", tmp_path / "x.xlsx")
    assert result.exit_code == 2 and result.output.strip() == message
    assert not (tmp_path / "x.xlsx").exists()


def test_unreadable_book_and_missing_month(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    result = run(bad, "--month", "2026-10")
    assert result.exit_code == 2 and result.output.startswith(f"orderbook: {bad}") and "Traceback" not in result.output
    assert run(bad).exit_code == 2  # the last month of a book that cannot be read
    assert run(tmp_path / "missing.xlsx", "--month", "2026-10").exit_code == 2


def _script():
    spec = importlib.util.spec_from_file_location("monthly_summary", ROOT / "scripts" / "monthly_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_script_is_the_command_and_summarises_the_previous_month_beside_the_book(book_file, tmp_path):
    """scripts/monthly_summary.py is ``orderbook summary`` itself (a thin wrapper): same options, same defaults."""
    book = tmp_path / "b.xlsx"
    book.write_bytes(book_file.read_bytes())
    result = CliRunner().invoke(_script(), [str(book), "--today", "2026-11-27", "--json", str(tmp_path / "last.json")])
    assert result.exit_code == 0, result.output
    assert "月报 2026-10（截至 2026-10-31）" in result.output.splitlines()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.summary-2026-10.xlsx", "b.xlsx", "last.json"]
    assert result.output == run(book, "--today", "2026-11-27", "--json", tmp_path / "last.json", "--force").output
    out = tmp_path / "reports"
    out.mkdir()
    result = CliRunner().invoke(
        _script(),
        [str(book), "--month", "2026-11", "--today", "2026-11-27", "-o", str(out / "b.2026-11.xlsx"), "--into-book"],
    )
    assert result.exit_code == 0 and (out / "b.2026-11.xlsx").exists()
    missing = CliRunner().invoke(_script(), [str(tmp_path / "nope.xlsx")])
    assert missing.exit_code == 2 and "nope.xlsx" in missing.output


def test_the_last_full_month_by_default(book_file, tmp_path):
    out = tmp_path / "s.xlsx"
    result = run(book_file, "--today", "2026-11-27", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "月报 2026-10（截至 2026-10-31）"
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["月报 2026-10"]


@pytest.mark.parametrize("month", ["2025-10", "2020-01"])
def test_a_month_outside_the_books_data_warns_writes_nothing_and_exits_1(book_file, tmp_path, month):
    """The demo's orders run from 2025-11 to 2026-11: a month before them (or long before) has nothing."""
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(command, [str(book_file), "--month", month, "--today", "2026-11-27", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"注意：{month} 在订单簿的数据之外（有订单的月份：2025-11 – 2026-11），未生成月报"
    assert not out.exists()


def test_a_running_month_counts_up_to_today(book_file, tmp_path):
    """--today 2026-11-20 inside November: orders and payments dated after it are not counted."""
    from workbook_tools.read import read_book
    from workbook_tools.summary import monthly_summary

    rows = read_book(book_file).tables["orders"].rows
    until_20 = sum(1 for r in rows if r["order_date"] and date(2026, 11, 1) <= r["order_date"] <= date(2026, 11, 20))
    whole = sum(1 for r in rows if r["order_date"] and date(2026, 11, 1) <= r["order_date"] <= date(2026, 11, 30))
    assert until_20 < whole  # the demo has orders after the 20th
    out = tmp_path / "s.json"
    result = run(book_file, "--month", "2026-11", "--today", "2026-11-20", "--json", out, "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 0, result.output
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["key_figures"]["orders"]["value"] == until_20
    assert monthly_summary(read_book(book_file), "2026-11", today=date(2026, 11, 27)).figures["orders"].value == whole
