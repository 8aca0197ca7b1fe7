"""The command line in the user's language: help and examples in Chinese or English, every command
listed whole, click's own errors in our one-line form, one word for "wrote", one naming scheme for
outputs, progress bars labelled in one language with a bar per sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from workbook_tools.cli import cli
from workbook_tools.commands.common import progress_bar
from workbook_tools.commands.speak import Speaking, detect_lang, wrap_cells
from workbook_tools.names import output_name, output_path

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def run(args, env, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, prog_name="orderbook", **kw)


def every_command() -> list[tuple[str, ...]]:
    out = []
    for name, cmd in cli.commands.items():
        out.append((name,))
        if isinstance(cmd, click.Group):
            out.extend((name, sub) for sub in cmd.commands)
    return out


@pytest.mark.parametrize(
    "env, lang",
    [(ZH, "zh"), (EN, "en"), ({"LANG": "C.UTF-8", "LC_ALL": ""}, "en"), ({"LANG": "", "LC_ALL": "zh_TW.UTF-8"}, "zh")],
)
def test_the_language_follows_the_locale(env, lang):
    assert detect_lang([], env) == lang
    assert detect_lang(["validate", "--lang", "en"], ZH) == "en" and detect_lang(["--lang=zh"], EN) == "zh"
    assert detect_lang(["validate", "--", "--lang", "en"], ZH) == "zh"  # after --, a file name


def test_orderbook_help_lists_every_command_whole_in_chinese():
    result = run(["--help"], ZH)
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("用法: orderbook [选项] 命令 [参数]...")
    assert "选项:" in out and "命令:" in out and "例子:" in out and "Usage" not in out
    section = out.split("命令:")[1].split("例子:")[0]
    assert not any(line.rstrip().endswith(("...", "…")) for line in section.splitlines())  # nothing cut
    body = " ".join(out.split("命令:")[1].split("例子:")[0].split())
    for name, cmd in cli.commands.items():
        assert isinstance(cmd, Speaking) and cmd.help_zh, name
        assert f"{name} {cmd.summary('zh')}".replace(" ", "") in body.replace(" ", ""), name


def test_orderbook_help_in_english_is_not_cut():
    out = run(["--help"], EN).output
    assert out.startswith("Usage: orderbook [OPTIONS] COMMAND [ARGS]...") and "Commands:" in out
    section = out.split("Commands:")[1].split("Examples:")[0]
    assert not any(line.rstrip().endswith(("...", "…")) for line in section.splitlines())
    assert "Check order books (files or folders) and flag every problem by cell." in " ".join(out.split())


@pytest.mark.parametrize("path", every_command(), ids=lambda p: " ".join(p))
def test_every_command_has_help_and_an_example_in_both_languages(path):
    zh = run([*path, "-h"], ZH)
    en = run([*path, "-h"], EN)
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    assert zh.output.startswith(f"用法: orderbook {' '.join(path)} [选项]")
    assert en.output.startswith(f"Usage: orderbook {' '.join(path)} [OPTIONS]")
    assert "例子:" in zh.output and "  $ orderbook " in zh.output
    assert "Examples:" in en.output and "  $ orderbook " in en.output
    # every option's words in Chinese: no English sentence left in the Chinese help
    options = zh.output.split("选项:")[1].split("例子:")[0]
    english = [line for line in options.splitlines() if " the " in line or " a " in line]
    assert english == [], english
    # wrapped to the terminal's 80 columns (Chinese takes two), except an example's command line
    wide = [
        line
        for line in zh.output.splitlines()
        if any(ord(c) > 0x2E7F for c in line)
        and sum(2 if ord(c) > 0x2E7F else 1 for c in line) > 80
        and not line.lstrip().startswith("$ ")
    ]
    assert wide == []


def test_chinese_help_wraps_by_terminal_columns():
    assert wrap_cells("汇总 BOOK 的一个月：主要数字与上月对比。", 12) == [
        "汇总 BOOK 的",
        "一个月：主要",
        "数字与上月对",
        "比。",
    ]
    assert all(
        sum(2 if ord(c) > 0x2E7F else 1 for c in line) <= 12
        for line in wrap_cells("生成一本填好数据的示例订单簿（数据真实、前后一致），校验它。", 12)
    )


@pytest.mark.parametrize(
    "args, zh, en",
    [
        (
            ["validate"],
            "orderbook validate: 缺少参数 'PATHS...'。（帮助：orderbook validate -h）",
            "orderbook validate: Missing argument 'PATHS...'. (help: orderbook validate -h)",
        ),
        (
            ["validate", "x.xlsx", "--zzz"],
            "orderbook validate: 没有选项 '--zzz'。（帮助：orderbook validate -h）",
            "orderbook validate: No such option '--zzz'. (help: orderbook validate -h)",
        ),
        (
            ["validate", "x.xlsx", "--todya", "2026-11-27"],
            "orderbook validate: 没有选项 '--todya'。您是不是要用 '--today'？（帮助：orderbook validate -h）",
            "orderbook validate: No such option '--todya'. Did you mean '--today'? (help: orderbook validate -h)",
        ),
        (
            ["summary", "nope.xlsx"],
            "orderbook summary: 'BOOK' 的值无效：文件 'nope.xlsx' 不存在。（帮助：orderbook summary -h）",
            "orderbook summary: Invalid value for 'BOOK': File 'nope.xlsx' does not exist. (help: orderbook summary -h)",
        ),
        (
            ["validate", "x.xlsx", "--format", "pdf"],
            "orderbook validate: '--format' 的值无效：'pdf' 不在可选值 'text', 'json', 'html', 'xlsx' 之中。"
            "（帮助：orderbook validate -h）",
            "orderbook validate: Invalid value for '--format': 'pdf' is not one of 'text', 'json', 'html', 'xlsx'. "
            "(help: orderbook validate -h)",
        ),
        (
            ["frobnicate"],
            "orderbook: 没有命令 'frobnicate'。（帮助：orderbook -h）",
            "orderbook: No such command 'frobnicate'. (help: orderbook -h)",
        ),
    ],
)
def test_clicks_own_errors_are_one_line_in_the_users_language(args, zh, en, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for env, expected in ((ZH, zh), (EN, en)):
        result = run(args, env)
        assert result.exit_code == 2
        assert result.output.strip() == expected, result.output
    assert run([*args, "--lang", "en"] if args != ["frobnicate"] else args, ZH).exit_code == 2


def test_clicks_words_stay_english_outside_our_commands():
    @click.command()
    @click.argument("x")
    def other(x):
        pass

    result = CliRunner().invoke(other, [], env=ZH)
    assert "Missing argument 'X'" in result.output


def test_one_word_for_wrote_in_each_language(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    zh = run(["config", "init", tmp_path / "o.toml"], ZH)
    en = run(["config", "init", tmp_path / "e.toml"], EN)
    assert zh.output.strip() == f"已写入 {tmp_path / 'o.toml'}"
    assert en.output.strip() == f"wrote {tmp_path / 'e.toml'}"
    from workbook_tools.commands.common import wrote

    assert (wrote("a.xlsx", "zh"), wrote("a.xlsx", "en")) == ("已写入 a.xlsx", "wrote a.xlsx")


def test_one_naming_scheme_for_outputs():
    assert output_name("订单簿.xlsx", "summary", "2026-10") == "订单簿.summary-2026-10.xlsx"
    assert output_name(Path("a/订单簿.xlsm"), "reconcile", date(2026, 11, 27)) == "订单簿.reconcile-2026-11-27.xlsx"
    assert output_name("b.xlsx", "rejects", suffix=".csv") == "b.rejects.csv"
    assert output_path(Path("d/b.xlsx"), "customers", date(2026, 1, 2)) == Path("d/b.customers-2026-01-02.xlsx")


def test_progress_bars_one_per_sheet_with_its_own_total_in_one_language():
    bar, phase = progress_bar("zh")
    making = phase("生成", "making")
    for stage, n in (("customers", 30), ("products", 60), ("orders", 120), ("done", 120)):
        making(stage, n, n)
    writing = phase("写入", "writing", sizes={"客户": 30, "订单": 120}, cumulative=True)
    for done in (10, 30):  # rows written in all, as write_book counts them
        writing("客户", done, 150)
    for done in (100, 150):
        writing("订单", done, 150)
    checking = phase("校验", "checking")
    checking("b.xlsx", 8, 8)
    tasks = {t.description: (t.completed, t.total) for t in bar.tasks}
    assert tasks == {
        "生成 客户": (30, 30),
        "生成 产品": (60, 60),
        "生成 订单": (120, 120),
        "写入 客户": (30, 30),
        "写入 订单": (120, 120),
        "校验 b.xlsx": (8, 8),
    }
    bar_en, phase_en = progress_bar("en")
    phase_en("生成", "making")("stock", 5, 5)
    assert [t.description for t in bar_en.tasks] == ["making Stock movements"]
