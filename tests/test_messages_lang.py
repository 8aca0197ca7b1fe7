"""Issue 11 (6): every message in the user's language only — why a file cannot be read, what a
rebuild would lose, merge's notes, a book locked by Excel, a full disk. Each is said in both
languages where it is raised (lang.Said) and shown in one: Chinese by default, English with
``--lang en``; no line glues the two together."""

from __future__ import annotations

import errno
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.datavalidation import DataValidation

from workbook_tools.cli import cli
from workbook_tools.demo import generate_demo
from workbook_tools.errors import BookReadError, DiskFullError, OutputError
from workbook_tools.read import read_book
from workbook_tools.safe_io import output_error
from workbook_tools.template import write as template_write
from workbook_tools.template import write_book

TODAY = date(2026, 11, 20)
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}

NOT_XLSX_ZH = "不是 Excel 工作簿 (.xlsx)：文件不是 zip 压缩包（看起来是文本：是否把 CSV 或 HTML 文件改名成了 .xlsx？）"
NOT_XLSX_EN = ("not an Excel workbook (.xlsx): the file is not a zip archive (it looks like text: a CSV or HTML "
               "file renamed .xlsx?)")
#: Names and codes a Chinese line may spell in Latin letters.
NAMES = re.compile(r"Excel|WPS|xlsx|zip|CSV|HTML|orderbook|--accept-loss|--force|whole")


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def latin_words(text: str, *names: str) -> list[str]:
    """The Latin words of a Chinese line, apart from file names, codes and ``names``."""
    for name in names:
        text = text.replace(name, "")
    return re.findall(r"[A-Za-z]+", NAMES.sub("", text))


@pytest.fixture(autouse=True, scope="module")
def few_prepared_rows():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(template_write, "PREPARED_ROWS", 30)
        yield


@pytest.fixture
def not_a_book(tmp_path: Path) -> Path:
    path = tmp_path / "bad.xlsx"
    path.write_text("订单编号,客户编号\nSO1,C1\n", encoding="utf-8")
    return path


def test_why_a_file_cannot_be_read_is_said_in_both_languages(not_a_book):
    with pytest.raises(BookReadError) as err:
        read_book(not_a_book)
    assert (err.value.reason.zh, err.value.reason.en) == (NOT_XLSX_ZH, NOT_XLSX_EN)
    assert err.value.text("zh") == f"{not_a_book}：{NOT_XLSX_ZH}"
    assert err.value.text("en") == str(err.value) == f"{not_a_book}: {NOT_XLSX_EN}"
    assert latin_words(NOT_XLSX_ZH) == []


def test_the_validation_report_names_an_unreadable_file_in_one_language(not_a_book):
    def bare(text: str) -> str:  # the line as one, however the terminal wrapped it
        return re.sub(r"\s+", "", text)

    zh = run("validate", not_a_book, "--today", TODAY)
    assert zh.exit_code == 2
    assert bare(f"{not_a_book}  无法读取：{NOT_XLSX_ZH}\n合计") in bare(zh.output)
    en = run("validate", not_a_book, "--today", TODAY, "--lang", "en")
    assert en.exit_code == 2
    assert bare(f"{not_a_book}  cannot read: {NOT_XLSX_EN}\nTotal") in bare(en.output)
    assert "不是" not in en.output


def test_the_error_line_of_a_command_is_in_the_command_lines_language(not_a_book):
    zh = run("regenerate", not_a_book, env=ZH)
    assert zh.exit_code == 2 and zh.output == f"orderbook: {not_a_book}：{NOT_XLSX_ZH}\n"
    en = run("regenerate", not_a_book, "--lang", "en", env=ZH)  # --lang wins over the locale
    assert en.exit_code == 2 and en.output == f"orderbook: {not_a_book}: {NOT_XLSX_EN}\n"
    assert run("regenerate", not_a_book, env=EN).output == en.output


def test_a_missing_file_and_an_empty_one(tmp_path):
    zh = run("regenerate", tmp_path / "无.xlsx", env=ZH)
    assert zh.output == f"orderbook: {tmp_path / '无.xlsx'}：文件不存在\n"
    (tmp_path / "空.xlsx").write_bytes(b"")
    assert run("regenerate", tmp_path / "空.xlsx", env=ZH).output == f"orderbook: {tmp_path / '空.xlsx'}：空文件（0 字节）\n"
    en = run("regenerate", tmp_path / "空.xlsx", "--lang", "en")
    assert en.output == f"orderbook: {tmp_path / '空.xlsx'}: empty file (0 bytes)\n"


def _book_with_losses(tmp_path: Path) -> Path:
    """A book with a chart sheet and a number rule on a staff sheet: neither can be rebuilt."""
    path = write_book(tmp_path / "book.xlsx", generate_demo(4, seed=2, today=TODAY), today=TODAY)
    wb = openpyxl.load_workbook(path)
    mine = wb.create_sheet("我的统计")
    mine["A1"], mine["B2"] = "数量", 3
    rule = DataValidation(type="whole")
    mine.add_data_validation(rule)
    rule.add("B2")
    chart = openpyxl.chart.BarChart()
    chart.add_data(openpyxl.chart.Reference(mine, min_col=2, min_row=1, max_row=2))
    wb.create_chartsheet("图表").add_chart(chart)
    wb.save(path)
    return path


def test_what_a_rebuild_would_lose_is_listed_in_one_language(tmp_path):
    path = _book_with_losses(tmp_path)
    zh = run("regenerate", path, env=ZH)
    assert zh.exit_code == 2
    assert zh.output.splitlines() == [
        f"orderbook: {path}：重建会丢失员工放进簿里的 2 项内容（见下），未写入任何文件。仍要重建，请加 --accept-loss 再运行"
        "（先备份旧簿）：",
        "  - 我的统计!B2：员工加的数据验证（whole）",
        "  - 图表：图表工作表：整个工作表",
    ]
    en = run("regenerate", path, "--lang", "en")
    assert en.exit_code == 2
    assert en.output.splitlines() == [
        f"orderbook: {path}: rebuilding would lose 2 thing(s) staff put in the book, listed below; nothing was "
        "written. To rebuild it anyway, run again with --accept-loss (the old book is backed up first):",
        "  - 我的统计!B2: data validation (whole) staff added",
        "  - 图表: a chart sheet: the whole sheet",
    ]
    for line in zh.output.splitlines()[1:]:  # the sheet names are the staff's; the rule's type is Excel's code
        assert latin_words(line, path.name, "B2") == []

    done = run("regenerate", path, "--accept-loss", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert "not carried over (--accept-loss): 图表: a chart sheet: the whole sheet" in done.output.splitlines()
    (tmp_path / "again").mkdir()
    again = _book_with_losses(tmp_path / "again")
    done = run("regenerate", again, "--accept-loss")  # the book's language: Chinese
    assert done.exit_code == 0, done.output
    assert "未带过去（--accept-loss）：图表：图表工作表：整个工作表" in done.output.splitlines()
    assert "未带过去（--accept-loss）：我的统计!B2：员工加的数据验证（whole）" in done.output.splitlines()


def _copy_with_notes(folder: Path, name: str, value: str) -> Path:
    """A staff copy whose own sheet 备忘 holds ``value``."""
    path = write_book(folder / name, generate_demo(4, seed=2, today=TODAY), today=TODAY)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("备忘")["A1"] = value
    wb.save(path)
    return path


def test_merge_notes_are_in_one_language(tmp_path):
    a = _copy_with_notes(tmp_path, "张三.xlsx", "周一盘点")
    b = _copy_with_notes(tmp_path, "李四.xlsx", "周二盘点")
    zh = run("merge", a, b, "-o", tmp_path / "总簿.xlsx")
    assert zh.exit_code == 0, zh.output
    notes = [line for line in zh.output.splitlines() if line.startswith("提示")]
    assert notes == [
        "提示：工作表 '备忘'：李四.xlsx 中的与 张三.xlsx 中的不同；合并后的簿用 张三.xlsx 中的",
        "提示：员工的工作表只带过去了值（公式、格式和合并单元格没有）：备忘",
    ]
    assert all(latin_words(n, "李四.xlsx", "张三.xlsx") == [] for n in notes)
    en = run("merge", a, b, "-o", tmp_path / "master.xlsx", "--lang", "en")
    assert en.exit_code == 0, en.output
    assert [line for line in en.output.splitlines() if line.startswith("note")] == [
        "note: sheet '备忘': 李四.xlsx's copy differs from 张三.xlsx's; the master has 张三.xlsx's",
        "note: staff sheets carried over as values only (formulas, formatting and merged cells are not): 备忘",
    ]


def test_a_full_disk_and_a_refused_write_in_each_language(tmp_path):
    full = output_error(tmp_path / "簿.xlsx", OSError(errno.ENOSPC, "No space left on device"))
    assert isinstance(full, DiskFullError)
    assert full.text("zh") == f"{tmp_path / '簿.xlsx'}：磁盘空间不足，未写入，原文件未改动"
    assert full.text("en") == (f"{tmp_path / '簿.xlsx'}: disk full (No space left on device): nothing was written "
                               "and the old file is as it was")
    denied = output_error(tmp_path / "簿.xlsx", PermissionError(errno.EACCES, "Permission denied"))
    assert type(denied) is OutputError
    assert (denied.text("zh"), denied.text("en")) == (f"无法写入 {tmp_path / '簿.xlsx'}：没有权限",
                                                      f"cannot write {tmp_path / '簿.xlsx'}: Permission denied")


def test_errors_keep_both_languages_across_processes(not_a_book):
    import pickle

    with pytest.raises(BookReadError) as err:
        read_book(not_a_book)
    again = pickle.loads(pickle.dumps(err.value))
    assert (type(again), again.path, again.reason, again.text("zh")) == (
        BookReadError, str(not_a_book), err.value.reason, err.value.text("zh"))
