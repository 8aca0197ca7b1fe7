"""The terminal report: when it ran, the file and its settings, counts by rule, the findings errors
first in two or three lines each at 80 columns, the total, and where the fixes go."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from formats_sample import report
from rich.cells import cell_len
from rich.console import Console

from workbook_tools.findings import Finding
from workbook_tools.formats import FORMATS, render_text
from workbook_tools.report import FileResult, Report

CHECKED = datetime(2026, 11, 27, 9, 30)


def render(rep: Report, lang: str = "zh", width: int = 250) -> str:
    buf = io.StringIO()
    render_text(rep, lang, Console(file=buf, width=width, color_system=None))
    return buf.getvalue()


def lines(text: str) -> list[str]:
    return [" ".join(line.replace("│", " ").replace("┃", " ").split()) for line in text.splitlines()]


def stamped(rep: Report) -> Report:
    for r in rep.files:
        r.checked_at = CHECKED
    return rep


def test_header_counts_findings_errors_first_and_total():
    out = lines(render(stamped(report(Path("orders.xlsx"), Path("broken.xlsx"), Path("clean.xlsx")))))
    assert out[0] == "检查时间：2026-11-27 09:30"
    assert "orders.xlsx 5 行，5 个错误，2 个警告" in out
    assert "broken.xlsx 无法读取：not a zip file" in out
    assert "clean.xlsx 4 行，0 个错误，0 个警告" in out
    # rules by their Chinese names, no codes
    assert out[out.index("级别 规则 数量") :][1:7] == [
        "错误 必填项为空 2",
        "错误 格式错误 1",
        "错误 重复编号 1",
        "错误 客户不存在 1",
        "警告 库存不足 1",
        "警告 逾期未发货 1",
    ]
    assert not any("required-missing" in line or "low-stock" in line for line in out)
    start = out.index("错误 客户!A3 “客户编号”“C0001”重复，另见 客户!A2")
    # errors first (the warning on 订单!B2 was found before the error on 订单!C9), each with what to type
    assert out[start : start + 14] == [
        "错误 客户!A3 “客户编号”“C0001”重复，另见 客户!A2",
        "→ 每个编号只能出现一次：删除重复行或改用新编号。",
        "错误 客户!C3 “手机/电话”的格式不正确：“<script>alert(1)</script>”（手机号或带区号的座机）",
        "→ 填 11 位手机号，例如 13812345678；座机带区号，例如 0571-88886666",
        "错误 订单!B2 客户编号“C0009”不在客户表中",
        "→ 先在客户表登记该客户，或改正编号。",
        "错误 订单!E2 “交货日期”必须填写",
        "→ 填写交货日期，例如 2026-11-09",
        "错误 订单!C9 “下单日期”必须填写",
        "→ 填写下单日期，例如 2026-11-02",
        "警告 订单!B2 订单“SO0000000001”交货日期 2026-11-01 已过，仍未发货",
        "→ 尽快发货或与客户协商新的交货日期。",
        "警告 订单明细!D3 产品“=1+1”当前库存 3，不高于安全库存 5",
        "→ 安排补货。",
    ]
    assert out[-2:] == [
        "合计：3 个文件，5 个错误，2 个警告，1 个无法读取",
        "请在原文件中改正，不要改标注副本：副本只供查看，改在副本上的内容不会被采用。",
    ]


def test_the_file_and_the_settings_are_named(tmp_path):
    book = tmp_path / "订单簿.xlsx"
    book.write_bytes(b"x" * 3000)
    result = FileResult(book, [], rows={"orders": 1}, settings="the defaults", settings_zh="默认设置")
    assert result.size == 3000 and result.modified is not None
    out = lines(render(Report([result])))
    assert f"3 KB，修改于 {result.modified:%Y-%m-%d %H:%M}" in out
    assert "设置：默认设置" in out
    assert "Settings: the defaults" in lines(render(Report([result]), "en"))


def test_english():
    out = lines(render(stamped(report(Path("orders.xlsx"))), "en"))
    assert out[0] == "Checked: 2026-11-27 09:30"
    assert "orders.xlsx 5 rows, 5 errors, 2 warnings" in out
    assert "Severity Rule Count" in out
    assert "Error Required value missing 2" in out
    assert "Error 订单!E2 Due date is required" in out
    assert out[-2] == "Total: 1 file, 5 errors, 2 warnings, 0 unreadable"


def test_80_columns_one_finding_in_two_or_three_lines(monkeypatch):
    """The clerk's terminal: COLUMNS=80, no line wider, each finding two lines (three when the message
    is long), a long cell reference and a long message included."""
    monkeypatch.setenv("COLUMNS", "80")
    long = Finding(
        "bad-format",
        sheet="订单明细",
        row=12345,
        column="AB",
        field="sku",
        value="P-" + "长" * 20,
        params={"column": "产品编号", "column_en": "SKU", "expected": "例如 P1001", "example": "P1001"},
    )
    rep = report(Path("orders.xlsx"))
    rep.files[0].findings.append(long)
    buf = io.StringIO()
    console = Console(file=buf, color_system=None, force_terminal=True)
    assert console.width == 80
    render_text(rep, "zh", console)
    text = buf.getvalue().splitlines()
    assert max(cell_len(line) for line in text) <= 80
    start = next(i for i, line in enumerate(text) if "客户!A3" in line and "重复" in line)
    body = text[start : text.index("", start)]
    starts = [i for i, line in enumerate(body) if line.startswith(("错误", "警告"))]
    assert len(starts) == 8
    sizes = [b - a for a, b in zip(starts, [*starts[1:], len(body)])]
    assert sizes == [2, 3, 2, 2, 2, 3, 2, 2]  # 客户!C3's message and the long one take two lines
    assert body[starts[5]].startswith("错误  订单明细!AB12345  “产品编号”的格式不正确")
    assert body[starts[5] + 2] == "  → 照这个样子填写：P1001"


def test_at_most_200_findings_per_file_are_listed():
    many = [
        Finding("required-missing", sheet="订单", row=r, column="C", params={"column": "下单日期"})
        for r in range(2, 252)
    ]
    out = render(Report([FileResult(Path("big.xlsx"), many, rows={"orders": 250})]))
    assert "订单!C201" in out and "订单!C202" not in out
    assert "另有 50 条问题未显示" in out
    assert "错误 必填项为空 250" in lines(out)


def test_workbook_text_is_never_read_as_markup():
    f = Finding(
        "not-in-list", sheet="订单", row=2, column="F", value="[bold red]x[/] [/bold]", params={"column": "订单状态"}
    )
    out = render(Report([FileResult(Path("[link]a.xlsx"), [f], rows={"orders": 1})]))
    assert "[bold red]x[/] [/bold]" in out and "[link]a.xlsx" in out


def test_non_tty_default_console_and_text_file(tmp_path, capsys):
    render_text(report(Path("orders.xlsx")), "zh")  # stdout captured: not a terminal
    printed = capsys.readouterr().out
    assert "\x1b[" not in printed and "合计" in printed
    [path] = FORMATS["text"](report(Path("orders.xlsx")), tmp_path, "zh")
    text = path.read_text(encoding="utf-8")
    assert path.name == "validation_report.txt" and "\x1b[" not in text
    assert "订单明细!D3" in text and "合计：1 个文件，5 个错误，2 个警告，0 个无法读取" in text
    assert text.rstrip().endswith("改在副本上的内容不会被采用。")
