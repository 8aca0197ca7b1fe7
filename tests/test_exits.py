"""Exit codes: one enum (workbook_tools/exits.py), the README's table of it, and every command using it."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from workbook_tools import cli as cli_module
from workbook_tools.cli import cli
from workbook_tools.exits import Exit

ROOT = Path(__file__).resolve().parents[1]
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def readme_table() -> list[tuple[int, str, str]]:
    """(code, member, meaning) of each row of the README's table of exit codes."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [
        (int(code), name, meaning)
        for code, name, meaning in re.findall(r"^\| (\d+) \| `(\w+)` \| (.+?) \|$", text, flags=re.M)
    ]


def test_the_readme_documents_every_exit_code_as_the_enum_says():
    assert [(c, n) for c, n, _ in readme_table()] == [(0, "CLEAN"), (1, "FINDINGS"), (2, "INPUT"), (130, "ABORTED")]
    assert [(c, n, m) for c, n, m in readme_table()] == [(e.value, e.name, e.meaning("en")) for e in Exit]


def test_no_command_exits_with_a_number_of_its_own():
    literal = re.compile(r"sys\.exit\(\s*\d|\bEXIT_[A-Z]+\s*=|exit_code\s*=\s*\d|return [12] if .* else 0\b")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "workbook_tools").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert found == []


def test_a_question_left_unanswered_exits_aborted(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_module, "interactive", lambda: True)
    result = CliRunner().invoke(cli, ["config", "init", str(tmp_path / "orderbook.toml")], input="", env=ZH)
    assert result.exit_code == Exit.ABORTED == 130
    assert result.stderr == "orderbook: 已中止。\n"
    assert not (tmp_path / "orderbook.toml").exists()


def test_a_mistake_on_the_command_line_exits_input():
    result = CliRunner().invoke(cli, ["validate"], env=ZH, prog_name="orderbook")
    assert result.exit_code == Exit.INPUT == 2
    assert result.stderr == "orderbook validate: 缺少参数 'PATHS...'。（帮助：orderbook validate -h）\n"


def test_library_results_carry_the_enum(tmp_path):
    from workbook_tools.report import FileResult, Report

    assert Report([]).exit_code is Exit.CLEAN
    assert Report([FileResult(tmp_path / "x.xlsx", error="damaged")]).exit_code is Exit.INPUT
