"""The HTML report: self-contained, grouped file → rule (errors first), rules by name, what to type
per cell, when and on what the check ran, every workbook text escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from formats_sample import SCRIPT, report

from workbook_tools.formats import FORMATS, write_html
from workbook_tools.formats.html_report import render_html


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def sample() -> str:
    return render_html(report(Path("orders.xlsx"), Path("broken.xlsx"), Path("clean.xlsx")), "zh")


def test_every_finding_is_there_and_values_are_escaped():
    html = sample()
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse(html)
    assert "script" not in page.tags  # no script element at all, neither ours nor injected
    text = "".join(page.text)
    for cell, message in [
        ("客户!A3", "“客户编号”“C0001”重复，另见 客户!A2"),
        ("客户!C3", f"“手机/电话”的格式不正确：“{SCRIPT}”（手机号或带区号的座机）"),
        ("订单!B2", "客户编号“C0009”不在客户表中"),
        ("订单!B2", "订单“SO0000000001”交货日期 2026-11-01 已过，仍未发货"),
        ("订单!E2", "“交货日期”必须填写"),
        ("订单!C9", "“下单日期”必须填写"),
        ("订单明细!D3", "产品“=1+1”当前库存 3，不高于安全库存 5"),
    ]:
        assert cell in text and message in text
    assert "先在客户表登记该客户，或改正编号。" in text  # each finding's hint
    assert "填写交货日期，例如 2026-11-09" in text  # said for the cell
    assert "检查时间：" in text and "请在原文件中改正" in text
    assert "无法读取：not a zip file" in text and "无问题" in text
    assert "合计：3 个文件，5 个错误，2 个警告，1 个无法读取" in text


def test_grouped_by_rule_errors_first_by_name_not_code():
    html = sample()
    text = "".join(parse(html).text)
    groups = re.findall(r"(错误|警告) (\S+) — (\d+)", text)
    assert groups == [
        ("错误", "必填项为空", "2"),
        ("错误", "格式错误", "1"),
        ("错误", "重复编号", "1"),
        ("错误", "客户不存在", "1"),
        ("警告", "库存不足", "1"),
        ("警告", "逾期未发货", "1"),
    ]
    assert not re.search(r"required-missing|unknown-customer|low-stock|bad-format", text)  # codes are not shown
    assert 'data-code="required-missing"' in html  # but kept on the group for whoever reads the page's source


def test_self_contained(tmp_path):
    [path] = FORMATS["html"](report(Path("orders.xlsx")), tmp_path, "en")
    html = path.read_text(encoding="utf-8")
    assert path.name == "validation_report.html"
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html and "<style>" in html
    assert not re.search(r"(src|href)=\"(https?:)?//|<link|<img|<script|@import", html)
    assert "Order book validation report" in html and "Required value missing — 2" in html


def test_path_with_markup_is_escaped(tmp_path):
    rep = report(Path('a"<b>.xlsx'))
    html = write_html(rep, tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'a"<b>.xlsx' not in html and "a&quot;&lt;b&gt;.xlsx" in html
