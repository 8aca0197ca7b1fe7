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
from workbook_tools.lang import Said
from workbook_tools.read import read_book
from workbook_tools.safe_io import output_error
from workbook_tools.template import write as template_write
from workbook_tools.template import write_book

TODAY = date(2026, 11, 20)
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}

NOT_XLSX_ZH = "不是 Excel 工作簿 (.xlsx)：文件不是 zip 压缩包（看起来是文本：是否把 CSV 或 HTML 文件改名成了 .xlsx？）"
NOT_XLSX_EN = (
    "not an Excel workbook (.xlsx): the file is not a zip archive (it looks like text: a CSV or HTML "
    "file renamed .xlsx?)"
)
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
    assert (
        run("regenerate", tmp_path / "空.xlsx", env=ZH).output
        == f"orderbook: {tmp_path / '空.xlsx'}：空文件（0 字节）\n"
    )
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
    assert full.text("en") == (
        f"{tmp_path / '簿.xlsx'}: disk full (No space left on device): nothing was written "
        "and the old file is as it was"
    )
    denied = output_error(tmp_path / "簿.xlsx", PermissionError(errno.EACCES, "Permission denied"))
    assert type(denied) is OutputError
    assert (denied.text("zh"), denied.text("en")) == (
        f"无法写入 {tmp_path / '簿.xlsx'}：没有权限",
        f"cannot write {tmp_path / '簿.xlsx'}: Permission denied",
    )


def test_errors_keep_both_languages_across_processes(not_a_book):
    import pickle

    with pytest.raises(BookReadError) as err:
        read_book(not_a_book)
    again = pickle.loads(pickle.dumps(err.value))
    assert (type(again), again.path, again.reason, again.text("zh")) == (
        BookReadError,
        str(not_a_book),
        err.value.reason,
        err.value.text("zh"),
    )


# ---------------------------------------------------------------- settings, outputs, the night, the writers


def _lines(result) -> list[str]:
    return result.output.splitlines()


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "簿.xlsx", generate_demo(4, seed=2, today=TODAY), today=TODAY)


@pytest.mark.parametrize(
    ("toml", "zh", "en"),
    [
        (
            "[thresholds]\noverdue_grace_days = -1\n",
            "thresholds.overdue_grace_days：应不小于 0",
            "thresholds.overdue_grace_days: Input should be greater than or equal to 0",
        ),
        ("nosuch = 1\n", "nosuch：没有这个设置项（名字写错了？）", "nosuch: Extra inputs are not permitted"),
        (
            "currency = \n",
            "不是有效的 TOML 文件：第 1 行第 12 列写法不对",
            "not valid TOML (Invalid value (at line 1, column 12))",
        ),
        (
            '[patterns]\nsku = "(?<=P)\\\\d{4}"\n',
            "patterns.sku：'(?<=P)\\\\d{4}' 用了向后查找 (?<=…)，线性时间的匹配引擎（RE2）不支持",
            "patterns.sku: '(?<=P)\\\\d{4}' uses lookbehind (?<=…), which the linear-time pattern engine (RE2) does not support",
        ),
        (
            '[[lists.carriers]]\nname = "顺丰"\n[[lists.carriers]]\nname = "顺丰"\n',
            "lists.carriers：承运商名称不能重复",
            "lists.carriers: carrier names must be unique",
        ),
        (
            'language = "fr"\n',
            "language：应为以下之一：'zh'、'en'",
            "language: Input should be 'zh' or 'en'",
        ),  # no regex
        (
            '[thresholds]\nprepay_days = "三十"\n',
            "thresholds.prepay_days：应为整数",
            "thresholds.prepay_days: Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_a_config_file_that_cannot_be_used_is_one_line_in_one_language(tmp_path, small_book, toml, zh, en):
    bad = tmp_path / "bad.toml"
    bad.write_text(toml, encoding="utf-8")
    said = run("validate", "--config", bad, small_book, env=ZH)
    assert said.exit_code == 2 and said.output == f"orderbook: {bad}：{zh}\n"
    said = run("validate", "--config", bad, small_book, "--lang", "en", env=ZH)
    assert said.exit_code == 2 and said.output == f"orderbook: {bad}: {en}\n"
    assert (
        latin_words(
            zh,
            "thresholds.overdue_grace_days",
            "thresholds.prepay_days",
            "lists.carriers",
            "patterns.sku",
            "TOML",
            "RE2",
            "nosuch",
            "P",
            "d",
            "language",
            "'zh'",
            "'en'",
        )
        == []
    )


def test_a_missing_config_file_and_an_existing_one_config_init_will_not_replace(tmp_path, small_book):
    missing = tmp_path / "无.toml"
    assert run("validate", "--config", missing, small_book, env=ZH).output == f"orderbook: {missing}：找不到设置文件\n"
    assert (
        run("validate", "--config", missing, small_book, env=EN).output
        == f"orderbook: {missing}: config file not found\n"
    )
    there = tmp_path / "orderbook.toml"
    there.write_text("", encoding="utf-8")
    assert run("config", "init", there, env=ZH).output == f"orderbook: {there}：已存在（要覆盖请加 --force）\n"
    assert (
        run("config", "init", there, env=EN).output
        == f"orderbook: {there}: already exists (use --force to overwrite)\n"
    )


def test_config_set_refusals_in_each_language(small_book):
    before = small_book.read_bytes()
    cases = [
        (
            "nosuch=1",
            "orderbook: nosuch：没有这个设置项（可用：company_name, currency, currency_symbol, language, "
            "patterns, lists, thresholds, limits, bank, receivables, bank_account, aliases）",
            "orderbook: nosuch: no such setting (there: company_name, currency, currency_symbol, language, patterns, "
            "lists, thresholds, limits, bank, receivables, bank_account, aliases)",
        ),
        (
            "lists.carriers.99.name=x",
            "orderbook: lists.carriers.99.name：没有这个设置项（lists.carriers 下可用：0–12）",
            "orderbook: lists.carriers.99.name: no such setting under lists.carriers (there: 0–12)",
        ),
        (
            "currency_symbol",
            "orderbook: 'currency_symbol'：请写成 名称=值，例如 currency_symbol=$ 或 thresholds.overdue_grace_days=5",
            "orderbook: 'currency_symbol': write key=value, e.g. currency_symbol=$ or thresholds.overdue_grace_days=5",
        ),
        (
            "thresholds.overdue_grace_days=-1",
            "orderbook: thresholds.overdue_grace_days：应不小于 0",
            "orderbook: thresholds.overdue_grace_days: Input should be greater than or equal to 0",
        ),
    ]
    for arg, zh, en in cases:
        said = run("config", "set", small_book, arg, env=ZH)
        assert said.exit_code == 2 and _lines(said) == [zh]
        said = run("config", "set", small_book, arg, env=EN)
        assert said.exit_code == 2 and _lines(said) == [en]
    assert small_book.read_bytes() == before


def test_an_output_that_is_not_replaced_is_said_in_one_language(small_book):
    before = small_book.read_bytes()
    zh = run("template", "-o", small_book, env=ZH)
    assert zh.exit_code == 2 and zh.output == (
        f"orderbook: {small_book}：这是一个订单簿，不会被覆盖；请换一个输出文件，或加 --force（先备份再覆盖）\n"
    )
    en = run("template", "-o", small_book, "--lang", "en", env=ZH)
    assert en.exit_code == 2 and en.output == (
        f"orderbook: {small_book}: is an order book: not replaced; choose another output file, or --force "
        "(backs it up first)\n"
    )
    assert small_book.read_bytes() == before


def test_why_the_night_could_not_check_a_book_is_said_in_the_reports_language(tmp_path, small_book, monkeypatch):
    """A book that takes longer than its time in the child process, and a book gone since the night began."""
    import time as clock

    import workbook_tools.validate.files as files
    import workbook_tools.validate.isolated as isolated
    from workbook_tools.changes.nightly import night_book
    from workbook_tools.nightly import run_nightly
    from workbook_tools.settings import settings_resolver
    from workbook_tools.validate.isolated import Bounds

    monkeypatch.setattr(files, "validate_file", lambda path, **kw: clock.sleep(30))
    monkeypatch.setattr(isolated, "START_METHOD", "fork")  # the stand-in reaches the child
    folder = tmp_path / "orders"
    folder.mkdir()
    small_book.rename(folder / "慢.xlsx")
    for lang, line in (
        ("zh", f"{folder / '慢.xlsx'}  无法读取：超时（1 秒），未能检查"),
        ("en", f"{folder / '慢.xlsx'}  cannot read: timed out after 1 s: not checked"),
    ):
        night = run_nightly(
            folder,
            reports_root=tmp_path / f"reports-{lang}",
            formats=(),
            today=TODAY,
            lang=lang,
            bounds=Bounds(memory_mb=1024, timeout=1),
        )
        assert night.lines[0] == line
    gone = night_book(tmp_path / "不在了.xlsx", resolve=settings_resolver(), today=TODAY)
    assert (gone.error_text("zh"), gone.error_text("en"), gone.error) == (
        "文件不存在",
        "file not found",
        "file not found",
    )


def test_the_child_process_reasons_each_in_one_language():
    from workbook_tools.validate.isolated import crashed, over_memory, timed_out

    assert over_memory(512) == Said(
        "超出内存上限（512 MB），未能检查；可能有工作表含有远多于数据所需的行或单元格",
        "over the memory limit (512 MB): not checked; a sheet may hold far more rows or cells than the data needs",
    )
    assert timed_out(2.5) == Said("超时（2.5 秒），未能检查", "timed out after 2.5 s: not checked")
    assert crashed("SIGSEGV") == Said(
        "检查时进程异常退出（SIGSEGV），未能检查", "the check crashed (SIGSEGV): not checked"
    )


def test_a_book_of_an_older_template_is_refused_by_extend_in_one_language(small_book):
    from workbook_tools.xlsxpkg.package import Package

    old = small_book.with_name("旧.xlsx")
    with Package(small_book) as pkg:
        xml = pkg.text("xl/workbook.xml")
        pkg.new["xl/workbook.xml"] = re.sub(r'<definedName name="rng_[^"]*">[^<]*</definedName>', "", xml).encode()
        with open(old, "wb") as out:
            pkg.write_to(out)
    zh = run("extend", old, "--today", TODAY, env=ZH)
    assert zh.exit_code == 2 and zh.output == (
        f"orderbook: {old}：此文件由旧版模板生成，请先运行 orderbook regenerate 重建；未写入任何文件\n"
    )
    en = run("extend", old, "--today", TODAY, "--lang", "en")
    assert en.exit_code == 2 and en.output == (
        f"orderbook: {old}: the book was made by an older template (no rng_ names): rebuild it with orderbook "
        "regenerate first; nothing was written\n"
    )


def test_an_import_past_the_prepared_rows_says_so_in_one_language(tmp_path, small_book):
    import shutil

    book = read_book(small_book)
    order = book["orders"].rows[-1]["order_no"]
    skus = [
        p["sku"]
        for p in book["products"].rows
        if p["sku"] not in {line["sku"] for line in book["order_lines"].rows if line["order_no"] == order}
    ][:31]
    assert len(skus) == 31  # past the 30 prepared rows
    csv = tmp_path / "lines.csv"
    csv.write_text("订单编号,产品编号,数量,单价\n" + "".join(f"{order},{sku},1,10\n" for sku in skus), encoding="utf-8")
    for lang, note in (
        ("zh", "已在 订单明细 重新预置行（orderbook extend）"),
        ("en", "prepared rows added again on Order lines (orderbook extend)"),
    ):
        into = shutil.copy(small_book, tmp_path / f"{lang}.xlsx")
        done = run("import", csv, "--into", into, "--sheet", "order_lines", "--today", TODAY, "--lang", lang)
        assert done.exit_code == 0, done.output
        assert _lines(done)[-1] == note


def test_a_report_sheet_replaced_in_the_book_is_noted_in_one_language(tmp_path, small_book):
    from workbook_tools.summary.run import run_summary

    copy = tmp_path / "带月报.xlsx"
    run_summary(small_book, "2026-05", into_book=True, output=copy, today=TODAY)
    again = run_summary(copy, "2026-05", into_book=True, output=copy, today=TODAY, force=True)
    assert "注意：工作表 '月报 2026-05' 已换成这份月报" in again.lines("zh")
    assert "note: sheet '月报 2026-05' replaced by this summary" in again.lines("en")
    assert not [line for line in again.lines("zh") if "this summary" in line]


def test_an_unreadable_book_in_a_folder_export_is_said_in_one_language(tmp_path, small_book):
    folder = tmp_path / "分店"
    folder.mkdir()
    small_book.rename(folder / "北京.xlsx")
    (folder / "坏.xlsx").write_text("订单编号,客户编号\nSO1,C1\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'all.sqlite'}"
    zh = run("export", folder, "--to", url, env=ZH)
    assert zh.exit_code == 2
    assert f"  坏 ({folder / '坏.xlsx'})：未导出，簿无法读取：{NOT_XLSX_ZH}" in _lines(zh)
    en = run("export", folder, "--to", url, "--lang", "en")
    assert en.exit_code == 2
    assert f"  坏 ({folder / '坏.xlsx'}): not exported, the book could not be read: {NOT_XLSX_EN}" in _lines(en)
    assert "不是" not in en.output


def test_a_database_url_that_cannot_be_used_is_said_in_one_language(small_book):
    zh = run("export", small_book, "--to", "nosuch://x", env=ZH)
    assert zh.exit_code == 2 and zh.output == (
        "orderbook: nosuch://x：不认识的数据库类型（例如 sqlite:///book.sqlite 或 postgresql+psycopg://user:pass@host/db）\n"
    )
    en = run("export", small_book, "--to", "nosuch://x", "--lang", "en", env=ZH)
    assert en.exit_code == 2 and en.output == (
        "orderbook: nosuch://x: unknown database kind (e.g. sqlite:///book.sqlite or "
        "postgresql+psycopg://user:pass@host/db)\n"
    )
    assert run("export", small_book, "--to", "notaurl", env=ZH).output == (
        "orderbook: notaurl：不是数据库地址（例如 sqlite:///book.sqlite 或 postgresql+psycopg://user:pass@host/db）\n"
    )


def test_the_nightly_jobs_refusals_in_each_language(tmp_path, small_book):
    from workbook_tools.errors import WorkbookToolsError
    from workbook_tools.nightly import run_nightly

    with pytest.raises(WorkbookToolsError) as err:
        run_nightly(small_book, reports_root=tmp_path / "reports", today=TODAY)
    assert (err.value.text("zh"), err.value.text("en")) == (f"{small_book}：不是文件夹", f"{small_book}: not a folder")


def test_changes_that_could_not_be_recorded_are_said_in_the_reports_language(tmp_path, small_book):
    from datetime import datetime

    from workbook_tools.changes.nightly import change_lines, night_book
    from workbook_tools.changes.snapshot import snapshot_path
    from workbook_tools.report import Report
    from workbook_tools.settings import settings_resolver

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "snapshots").write_bytes(b"")  # a file where the snapshots' folder goes
    night = night_book(
        small_book,
        resolve=settings_resolver(),
        today=TODAY,
        reports_root=reports,
        now=datetime(2026, 11, 20, 23, 0),
        isolate=False,
    )
    where = snapshot_path(reports, small_book)
    assert change_lines(Report([night]), "zh") == [f"{small_book}  无法写入 {where}：文件已存在"]
    assert change_lines(Report([night]), "en") == [f"{small_book}  cannot write {where}: File exists"]
    assert night.changes.to_dict("zh")["error"] == f"cannot write {where}: File exists"  # JSON: the English


def test_an_import_source_whose_sheet_cannot_be_told_is_said_in_one_language(tmp_path, small_book):
    csv = tmp_path / "x.csv"
    csv.write_text("foo,bar\n1,2\n", encoding="utf-8")
    zh = run("import", csv, "--into", small_book, env=ZH)
    assert (
        zh.exit_code == 2
        and zh.output == "orderbook: x.csv：看不出这些列属于哪个工作表（foo、bar），请加 --sheet 或 --mapping\n"
    )
    en = run("import", csv, "--into", small_book, "--lang", "en", env=ZH)
    assert en.exit_code == 2 and en.output == (
        "orderbook: x.csv: cannot tell which sheet its columns belong to (foo, bar): give --sheet or a --mapping\n"
    )


def test_settings_of_a_file_that_is_no_book_and_changes_never_recorded_in_one_language(tmp_path, small_book):
    notes = tmp_path / "notes.xlsx"
    notes.write_bytes(b"")
    with __import__("xlsxwriter").Workbook(str(notes)) as wb:
        wb.add_worksheet("备忘")
    assert run("config", "set", notes, "currency_symbol=$", env=ZH).output == (
        f"orderbook: {notes}：不是订单簿（没有订单簿的工作表），未改动它的设置\n"
    )
    assert run("config", "set", notes, "currency_symbol=$", env=EN).output == (
        f"orderbook: {notes}: not an order book (no 订单簿 sheets found): its settings are not changed\n"
    )
    reports = tmp_path / "reports"
    zh = run("changes", small_book, "--reports", reports, env=ZH)
    assert zh.exit_code == 2 and zh.output == (
        f"orderbook: {small_book}：{reports / 'snapshots'} 下没有它的快照：快照由每晚的检查保存"
        f"（orderbook nightly FOLDER --reports {reports}）\n"
    )
    en = run("changes", small_book, "--reports", reports, "--lang", "en", env=ZH)
    assert en.exit_code == 2 and en.output == (
        f"orderbook: {small_book}: no snapshot under {reports / 'snapshots'}: the nightly job keeps one "
        f"(orderbook nightly FOLDER --reports {reports})\n"
    )


def test_a_statement_for_a_customer_not_in_the_book_is_said_in_one_language(small_book):
    zh = run("statement", small_book, "--month", "2026-05", "--customer", "C9999", "--today", TODAY, env=ZH)
    assert zh.exit_code == 2 and zh.output == "orderbook: 客户编号 C9999 不在客户表中\n"
    en = run("statement", small_book, "--month", "2026-05", "--customer", "C9999", "--today", TODAY, "--lang", "en")
    assert en.exit_code == 2 and en.output == "orderbook: no customer C9999 on the Customers sheet\n"
