"""The orderbook command: thin wrappers that write files, print one line per problem, and exit 0/2."""

from __future__ import annotations

import tomllib

import openpyxl
from click.testing import CliRunner

from workbook_tools.cli import cli
from workbook_tools.config import Config, load_config
from workbook_tools.schema import SHEETS


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_config_init_writes_the_defaults_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "orderbook.toml"
    assert run("config", "init", path).exit_code == 0
    assert load_config(path) == Config()
    assert tomllib.loads(path.read_text(encoding="utf-8"))["thresholds"]["overdue_grace_days"] == 3
    again = run("config", "init", path)
    assert again.exit_code == 2 and "already exists" in again.output
    assert run("config", "init", path, "--force").exit_code == 0


def test_bad_config_is_one_clear_line_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds]\noverdue_grace_days = -1\n", encoding="utf-8")
    result = run("template", "-o", tmp_path / "t.xlsx", "--config", bad)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"orderbook: {bad}: thresholds.overdue_grace_days: Input should be greater than or equal to 0"
    ]
    missing = run("template", "--config", tmp_path / "nope.toml")
    assert missing.exit_code == 2 and "config file not found" in missing.output
    assert "Traceback" not in result.output + missing.output


def test_config_changes_reach_the_template(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        'company_name = "宁波海川文具"\n[lists]\npayment_methods = ["对公转账", "承兑汇票"]\n', encoding="utf-8"
    )
    out = tmp_path / "t.xlsx"
    assert run("template", "-o", out, "--config", cfg).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert any("宁波海川文具" in str(c.value) for row in wb["填写说明"].iter_rows() for c in row)
    lists = [c.value for col in wb["选项"].iter_cols() for c in col]
    assert "对公转账" in lists and "承兑汇票" in lists and "微信支付" not in lists


def test_template_in_english(tmp_path):
    out = tmp_path / "en.xlsx"
    result = run("template", "-o", out, "--lang", "en")
    assert result.exit_code == 0 and str(out) in result.output
    wb = openpyxl.load_workbook(out, read_only=True)
    assert [s.en for s in SHEETS] == [n for n in wb.sheetnames if n in {s.en for s in SHEETS}]


def test_demo_writes_a_filled_book_and_says_what_is_in_it(tmp_path):
    out = tmp_path / "demo.xlsx"
    result = run("demo", "--orders", 120, "--seed", 7, "--today", "2026-11-27", "-o", out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out, read_only=True)
    orders = wb["订单"]
    assert sum(1 for r in orders.iter_rows(min_row=2, max_col=1, values_only=True) if r[0]) == 120
    assert "订单 120" in result.output and "应收未收" in result.output
    assert "校验：" in result.output and "0 个错误" in result.output
    report = tmp_path / "demo.summary-2026-10.xlsx"  # names.py: BOOK.summary-YYYY-MM.xlsx
    assert f"已写入 {out}" in result.output and f"已写入 {report}" in result.output
    assert openpyxl.load_workbook(report, read_only=True).sheetnames[0].startswith("月报 2026-10")


def test_unwritable_output_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("template", "-o", blocker / "sub" / "t.xlsx")
    assert result.exit_code == 2 and result.output.startswith("orderbook: cannot write")
