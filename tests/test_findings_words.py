"""What a clerk reads: an example of the right form instead of a pattern, a hint that says what to type
in that cell, rule names instead of codes, errors before warnings."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from test_validate_rules import TODAY, _problem, _set, clean

from workbook_tools.book import OrderBook
from workbook_tools.config import Carrier, Config, Lists, Patterns
from workbook_tools.findings import Finding, ordered
from workbook_tools.formats import render_html, render_text, report_dict
from workbook_tools.hints import pattern_example, tracking_example
from workbook_tools.patterns import compile_pattern, example
from workbook_tools.report import FileResult, Report
from workbook_tools.schema import SHEET_BY_KEY, SHEETS
from workbook_tools.validate import validate_book

#: What gives a regular expression away in a text meant for people.
REGEX = re.compile(r"\\[dDwWsSbZ]|[\^$]|\[[^\]]*-[^\]]*\]|\{\d+(,\d*)?\}|\(\?|\|\)")

CUSTOM = Config(
    patterns=Patterns(order_no=r"^DD-\d{6}$", customer_id=r"^KH[0-9]{3,5}$", sku=r"^[A-Z]{3}\.\d{2}$"),
    lists=Lists(
        carriers=[
            Carrier(name="顺丰速运", en="SF Express", tracking=r"^SF[0-9]{12}$"),
            Carrier(name="中通快递", en="ZTO Express", tracking=r"^(ZT|ZTO)\d{10,12}$"),
        ]
    ),
)


def every_pattern(config: Config) -> list[tuple[str, str]]:
    return [
        *((name, getattr(config.patterns, name)) for name in Patterns.model_fields),
        *((c.name, c.tracking) for c in config.lists.carriers if c.tracking),
    ]


@pytest.mark.parametrize("config", [Config(), CUSTOM], ids=["default", "custom"])
def test_every_pattern_has_an_example_that_matches_it(config):
    for name, pattern in every_pattern(config):
        ex = example(pattern)
        assert ex and compile_pattern(pattern).search(ex), (name, pattern, ex)
        assert not REGEX.search(ex), ex


def test_examples_are_derived_from_the_pattern_or_the_schema():
    assert example(r"^SO\d{10}$") == "SO1234567890"
    assert example(r"^JD[XK]\d{12}$") == "JDK123456789012"
    assert example(r"^[A-Z]{2}\d{9}[A-Z]{2}$") == "AB123456789CD"
    assert example(r"^(\d{13}|\d{15})$") == "1234567890123"
    # the schema's example for the column, when the settings' pattern accepts it; else built
    assert pattern_example("order_no", r"^SO\d{10}$") == "SO2026110001"
    assert pattern_example("order_no", r"^DD-\d{6}$") == "DD-123456"
    assert tracking_example(Carrier(name="顺丰速运", en="SF", tracking=r"^SF\d{12,13}$")) == "SF1234567890123"
    assert example(r"^[^x]+$") is None  # nothing to build from: the message names the setting instead


def findings_for(config: Config, edit) -> list[Finding]:
    data = clean()
    if config is CUSTOM:  # the clean book in the custom shapes
        for sheet in ("orders", "order_lines", "status_log", "shipments", "payments"):
            for r in data[sheet]:
                r["order_no"] = {"SO2026010001": "DD-000001", "SO2026020001": "DD-000002"}.get(
                    r["order_no"], r["order_no"]
                )
        for sheet in ("customers", "orders"):
            for r in data[sheet]:
                r["customer_id"] = r["customer_id"].replace("C0", "KH")
        for sheet in ("products", "order_lines", "stock_moves"):
            for r in data[sheet]:
                r["sku"] = {"P1001": "ABC.01", "P1002": "ABC.02"}[r["sku"]]
        data["shipments"][0]["tracking_no"] = "SF123456789012"
    edit(data)
    return validate_book(OrderBook.from_data(data), config=config, today=TODAY)


@pytest.mark.parametrize("config", [Config(), CUSTOM], ids=["default", "custom"])
def test_no_message_or_hint_shows_a_pattern(config):
    """A wrong value in every column the settings give a pattern, and a wrong tracking number: each
    finding shows an example of the right form, never the pattern, in either language."""

    def edit(d):
        d["orders"][1]["order_no"] = "X-1"
        d["customers"][1]["customer_id"] = "X-2"
        d["products"][1]["sku"] = "@@"
        d["shipments"][0]["tracking_no"] = "12"

    found = [f for f in findings_for(config, edit) if f.code in ("bad-format", "tracking-format")]
    tracking = f"发货!{SHEET_BY_KEY['shipments'].letter('tracking_no')}2"
    assert sorted((f.cell, f.code) for f in found) == sorted(
        [("产品!A3", "bad-format"), (tracking, "tracking-format"), ("客户!A3", "bad-format"), ("订单!A3", "bad-format")]
    )
    patterns = [p for _, p in every_pattern(config)]
    for f in found:
        for lang in ("zh", "en"):
            words = f.message(lang) + " " + f.hint(lang)
            assert not REGEX.search(words), words
            assert not any(p in words for p in patterns)
    by_cell = {f.cell: f for f in found}
    order_ex = "SO2026110001" if config is not CUSTOM else "DD-123456"
    assert by_cell["订单!A3"].message("zh") == f"“订单编号”的格式不正确：“X-1”（例如 {order_ex}）"
    assert by_cell["订单!A3"].hint("zh") == f"照这个样子填写：{order_ex}"
    assert by_cell["订单!A3"].message("en") == f"Order no has a bad format: 'X-1' (e.g. {order_ex})"
    sf = "SF1234567890123" if config is not CUSTOM else "SF123456789012"
    assert by_cell[tracking].message("zh") == f"物流单号“12”不符合顺丰速运（例如 {sf}）的常见格式"


def test_a_pattern_without_an_example_names_the_setting():
    config = Config(patterns=Patterns(sku=r"^[^P@]+$"))  # the schema's P1001 does not match; none can be built
    [f] = [
        f
        for f in findings_for(config, lambda d: d["products"][1].update(sku="@@"))
        if f.code == "bad-format" and f.cell == "产品!A3"
    ]
    assert f.message("zh") == "“产品编号”的格式不正确：“@@”（格式见设置 patterns.sku）"
    assert not REGEX.search(f.message("zh") + f.message("en"))


@pytest.mark.parametrize(
    "edit, edit_book, where, zh, en",
    [
        (
            None,
            _problem("order_lines", 0, "quantity", "9件", "wrong-type"),
            ("order_lines", "quantity", 2),
            "只填整数，不带单位，例如 9",
            "Type a whole number only, no unit, e.g. 9",
        ),
        (
            None,
            _problem("order_lines", 0, "quantity", "９件", "wrong-type"),
            ("order_lines", "quantity", 2),
            "只填整数，不带单位，例如 9",
            "Type a whole number only, no unit, e.g. 9",
        ),
        (
            None,
            _problem("order_lines", 0, "unit_price", "¥1,299元", "wrong-type"),
            ("order_lines", "unit_price", 2),
            "只填金额数字，不带货币符号和单位，例如 1299.00",
            "Type the amount only, no currency sign or unit, e.g. 1299.00",
        ),
        (
            None,
            _problem("orders", 0, "order_date", "下周一", "wrong-type"),
            ("orders", "order_date", 2),
            "填日期（年-月-日），例如 2026-11-02",
            "Type a date (year-month-day), e.g. 2026-11-02",
        ),
        (
            _set("customers", 1, address=None),
            None,
            ("customers", "address", 3),
            "填写详细地址，例如 西湖区文三路 90 号",
            "Type the Address, e.g. 西湖区文三路 90 号",
        ),
        (
            _set("orders", 0, status=None),
            None,
            ("orders", "status", 2),
            "从下拉列表选择订单状态，例如 处理中",
            "Pick the Status from the dropdown, e.g. 处理中",
        ),
        (
            _set("products", 0, reorder_point=-1),
            None,
            ("products", "reorder_point", 2),
            "填写 ≥ 0 的值，例如 20",
            "Type a value ≥ 0, e.g. 20",
        ),
        (
            _set("customers", 0, email="ww@"),
            None,
            ("customers", "email", 2),
            "填完整邮箱地址，例如 wangwei@example.com",
            "Type the whole address, e.g. wangwei@example.com",
        ),
        (
            _set("customers", 0, name="长" * 101),
            None,
            ("customers", "name", 2),
            "删减到 100 个字符以内；其余内容可写在备注中",
            "Shorten it to 100 characters; put the rest in the notes",
        ),
    ],
)
def test_hints_say_what_to_type_in_that_cell(edit, edit_book, where, zh, en):
    data = clean()
    if edit:
        edit(data)
    book = OrderBook.from_data(data)
    if edit_book:
        edit_book(book)
    sheet = SHEET_BY_KEY[where[0]]
    cell = f"{sheet.zh}!{sheet.letter(where[1])}{where[2]}"
    [f] = [f for f in validate_book(book, today=TODAY) if f.cell == cell]
    assert (f.hint("zh"), f.hint("en")) == (zh, en)


def test_errors_come_first_in_every_format():
    warning = Finding(
        "low-stock", sheet="产品", row=2, column="J", field="on_hand", value="P1001", params={"expected": 1, "other": 5}
    )
    error = Finding("unknown-sku", sheet="订单明细", row=5, column="B", field="sku", value="P9")
    rep = Report([FileResult(Path("b.xlsx"), [warning, error], rows={"products": 1})])
    assert ordered(rep.findings) == [error, warning]
    assert [f["code"] for f in report_dict(rep)["files"][0]["findings"]] == ["unknown-sku", "low-stock"]
    html = render_html(rep)
    assert (
        html.index("产品“P9”") < html.index("产品“P1001”")
        if "产品“P9”" in html
        else html.index("产品编号“P9”") < html.index("产品“P1001”")
    )
    buf = io.StringIO()
    render_text(rep, "zh", Console(file=buf, width=120, color_system=None))
    out = buf.getvalue()
    assert out.index("订单明细!B5") < out.index("产品!J2")


def test_rule_names_in_chinese_codes_only_in_json():
    f = Finding("unknown-sku", sheet="订单明细", row=5, column="B", field="sku", value="P9")
    rep = Report([FileResult(Path("b.xlsx"), [f], rows={"order_lines": 1})])
    buf = io.StringIO()
    render_text(rep, "zh", Console(file=buf, width=120, color_system=None))
    assert "产品不存在" in buf.getvalue() and "unknown-sku" not in buf.getvalue()
    assert "产品不存在" in render_html(rep)
    [d] = report_dict(rep)["files"][0]["findings"]
    assert (d["code"], d["rule"]) == ("unknown-sku", "产品不存在")


def test_every_patterned_column_has_an_example_in_the_schema():
    """The schema's examples are what clerks see first: each must pass the default settings."""
    config = Config()
    for s in SHEETS:
        for c in s.columns:
            if c.pattern:
                assert compile_pattern(getattr(config.patterns, c.pattern)).search(c.example), (s.key, c.key)


def test_the_templates_error_alert_shows_the_settings_example():
    """Excel's own alert for a key typed wrong: the example follows the settings' pattern."""
    from workbook_tools.template.validation import _key_rule

    orders = SHEET_BY_KEY["orders"]
    rule = _key_rule(orders, orders.column("order_no"), "zh", CUSTOM)
    assert rule["error_message"].startswith("订单编号须唯一，格式如 DD-123456。")
    rule = _key_rule(orders, orders.column("order_no"), "en", None)
    assert "SO2026110001" in rule["error_message"] and not REGEX.search(rule["error_message"])
