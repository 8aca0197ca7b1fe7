"""`orderbook import` through click's runner (the lead registers `command` in cli.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from import_helpers import small_book, write_csv

from workbook_tools.commands.import_cmd import command

HEADER = ["客户编号", "客户名称", "手机", "详细地址"]


def _run(*args):
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


def test_import_into_a_new_book(tmp_path):
    src = write_csv(tmp_path / "c.csv", HEADER, [["C0101", "甲", "13912345678", "某路"]])
    book = tmp_path / "new.xlsx"
    out = _run(src, "--into", book, "--today", "2026-03-01")
    assert out.exit_code == 0, out.output
    assert "不存在：从空白模板新建" in out.output and f"已写入 {book}" in out.output
    assert book.exists() and not list(tmp_path.glob("*.rejects.*"))


def test_rejects_exit_1_and_the_report_lands_beside_the_book(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    src = write_csv(
        tmp_path / "c.csv", HEADER, [["C0101", "甲", "13912345678", "某路"], ["C0102", "乙", "12345", "某路"]]
    )
    out = _run(src, "--into", book, "--lang", "en", "--today", "2026-03-01")
    assert out.exit_code == 1
    assert "1 source rows not imported" in out.output and "bad-format 1" in out.output
    assert sorted(p.name for p in tmp_path.glob("book.rejects.*")) == ["book.rejects.csv", "book.rejects.xlsx"]
    assert "backup: " in out.output


def test_dry_run_writes_nothing(tmp_path):
    book = small_book(tmp_path / "book.xlsx")
    before = book.read_bytes()
    src = write_csv(
        tmp_path / "c.csv", HEADER, [["C0101", "甲", "13912345678", "某路"], ["C0102", "乙", "12345", "某路"]]
    )
    out = _run(src, "--into", book, "--dry-run", "--lang", "en", "--today", "2026-03-01")
    assert out.exit_code == 1 and "dry run: nothing was changed" in out.output
    assert book.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "c.csv"]
    lines = out.output.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.startswith("sheet"))
    assert lines[header + 1].split() == ["Customers", "1", "0", "0", "0", "1", "0", "0"]


def test_unusable_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "m.toml"
    bad.write_text("[[target]]\nsheet = 'invoices'\n", encoding="utf-8")
    src = write_csv(tmp_path / "c.csv", HEADER, [["C0101", "甲", "13912345678", "某路"]])
    out = CliRunner().invoke(command, [str(src), "--into", str(tmp_path / "b.xlsx"), "--mapping", str(bad)])
    assert out.exit_code == 2 and out.output.startswith("orderbook: ") and "unknown sheet 'invoices'" in out.output
    out = CliRunner().invoke(command, [str(tmp_path / "missing.csv"), "--into", str(tmp_path / "b.xlsx")])
    assert out.exit_code == 2 and "file not found" in out.output
    assert not (tmp_path / "b.xlsx").exists()


def test_help():
    out = CliRunner().invoke(command, ["--help"])
    assert out.exit_code == 0 and "--dry-run" in out.output and "--mapping" in out.output


def test_bench_function_runs(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))
    from benchmarks.import_speed import bench

    result = bench(tmp_path, rows=800)
    assert (result["rows"], result["orders"], result["lines"]) == (800, 100, 800)
    assert result["import_rows_per_s"] > 0 and result["check_rows_per_s"] > 0
