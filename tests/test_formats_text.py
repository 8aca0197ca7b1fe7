"""The terminal report: header line, counts by severity and code, the findings table, the total."""

from __future__ import annotations

import io
from pathlib import Path

from formats_sample import report
from rich.console import Console

from workbook_tools.findings import Finding
from workbook_tools.formats import FORMATS, render_text
from workbook_tools.report import FileResult, Report


def render(rep: Report, lang: str = "zh", width: int = 250) -> str:
    buf = io.StringIO()
    render_text(rep, lang, Console(file=buf, width=width, color_system=None))
    return buf.getvalue()


def lines(text: str) -> list[str]:
    return [" ".join(line.replace("│", " ").replace("┃", " ").split()) for line in text.splitlines()]


def test_header_counts_table_and_total():
    out = lines(render(report(Path("orders.xlsx"), Path("broken.xlsx"), Path("clean.xlsx"))))
    assert "orders.xlsx 5 行，5 个错误，2 个警告" in out
    assert "broken.xlsx 无法读取：not a zip file" in out
    assert "clean.xlsx 4 行，0 个错误，0 个警告" in out
    assert "级别 代码 问题 数量" in out
    assert "错误 required-missing 必填项为空 2" in out
    assert "警告 low-stock 库存不足 1" in out
    assert "单元格 级别 代码 值 说明 处理建议" in out
    assert "订单!B2 错误 unknown-customer C0009 客户编号“C0009”不在客户表中 先在客户表登记该客户，或改正编号。" in out
    assert "订单明细!D3 警告 low-stock =1+1 产品“=1+1”当前库存 3，不高于安全库存 5 安排补货。" in out
    assert "客户!C3 错误 bad-format <script>alert(1)</script> “手机/电话”的格式不正确：“<script>alert(1)</script>”（手机号或带区号的座机） 按说明中的格式填写。" in out
    assert out[-1] == "合计：3 个文件，5 个错误，2 个警告，1 个无法读取"


def test_english():
    out = lines(render(report(Path("orders.xlsx")), "en"))
    assert "orders.xlsx 5 rows, 5 errors, 2 warnings" in out
    assert "Severity Code Problem Count" in out
    assert "Error required-missing Required value missing 2" in out
    assert out[-1] == "Total: 1 file, 5 errors, 2 warnings, 0 unreadable"


def test_at_most_200_findings_per_file_are_listed():
    many = [Finding("required-missing", sheet="订单", row=r, column="C", params={"column": "下单日期"})
            for r in range(2, 252)]
    out = render(Report([FileResult(Path("big.xlsx"), many, rows={"orders": 250})]))
    assert "订单!C201" in out and "订单!C202" not in out
    assert "另有 50 条问题未显示" in out
    assert "错误 required-missing 必填项为空 250" in lines(out)


def test_workbook_text_is_never_read_as_markup():
    f = Finding("not-in-list", sheet="订单", row=2, column="F", value="[bold red]x[/] [/bold]",
                params={"column": "订单状态"})
    out = render(Report([FileResult(Path("[link]a.xlsx"), [f], rows={"orders": 1})]))
    assert "[bold red]x[/] [/bold]" in out and "[link]a.xlsx" in out


def test_non_tty_default_console_and_text_file(tmp_path, capsys):
    render_text(report(Path("orders.xlsx")), "zh")  # stdout captured: not a terminal
    printed = capsys.readouterr().out
    assert "\x1b[" not in printed and "合计" in printed
    [path] = FORMATS["text"](report(Path("orders.xlsx")), tmp_path, "zh")
    text = path.read_text(encoding="utf-8")
    assert path.name == "validation_report.txt" and "\x1b[" not in text
    assert "订单明细!D3" in text and text.rstrip().endswith("合计：1 个文件，5 个错误，2 个警告，0 个无法读取")
