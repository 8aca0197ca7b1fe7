"""Patterns from the settings: checked when the settings load (one line, exit 2), matched in linear time."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from click.testing import CliRunner

from workbook_tools.book import OrderBook
from workbook_tools.cli import cli
from workbook_tools.config import Carrier, Config, Lists, Patterns, load_config
from workbook_tools.demo import generate_demo
from workbook_tools.errors import ConfigError
from workbook_tools.patterns import check_pattern, compile_pattern
from workbook_tools.schema import SHEETS
from workbook_tools.template import write_book
from workbook_tools.validate import validate_book
from workbook_tools.validate.context import Context
from workbook_tools.validate.row import PATTERN_COLUMNS, _format_checks, check_table

TODAY = date(2026, 11, 27)
#: Backtracks exponentially in Python's re on a run of digits that does not match at the end.
CATASTROPHIC = r"^(\d+)+$"


def finishes(fn, seconds: float = 5.0):
    """``fn()``'s result, or a failure when it takes longer than ``seconds`` (it may run on, unseen)."""
    out = []
    worker = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert out, f"still running after {seconds} s"
    return out[0]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("patterns") / "book.xlsx"
    return write_book(path, generate_demo(30, today=TODAY), today=TODAY)


def test_every_pattern_of_the_settings_has_a_check_and_every_checked_column_a_pattern():
    named_by_columns = {c.pattern for s in SHEETS for c in s.columns if c.pattern}
    # a configured pattern no column names would check nothing; a column naming a pattern the
    # settings lack would fail: the derived mapping holds exactly the settings' patterns
    assert set(Patterns.model_fields) == named_by_columns == set(PATTERN_COLUMNS)
    assert PATTERN_COLUMNS == {
        "customer_id": ("customers.customer_id",),
        "sku": ("products.sku",),
        "order_no": ("orders.order_no",),
    }
    book = OrderBook.from_data(generate_demo(5, today=TODAY))
    checks = _format_checks(Context(book, Config(), TODAY))
    assert set(Patterns.model_fields) <= set(checks)


@pytest.mark.parametrize("name", list(Patterns.model_fields))
def test_each_pattern_of_the_settings_flags_the_cells_it_checks(name):
    """A value against the pattern, in every column that names it: a bad-format finding at that cell."""
    from workbook_tools.book import new_row

    for where in PATTERN_COLUMNS[name]:
        sheet, column = where.split(".")
        book = OrderBook.from_data({sheet: [new_row(sheet, **{column: "##"})]})
        table = book[sheet]
        found = [
            (f.cell, f.code, f.value) for f in check_table(Context(book, Config(), TODAY), table) if f.field == column
        ]
        letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[table.columns[column]]
        assert found == [(f"{table.name}!{letter}2", "bad-format", "##")]


@pytest.mark.parametrize(
    "pattern, words",
    [
        (r"(?=SO)SO\d+", "lookahead"),
        (r"(?<!X)\d+", "negative lookbehind"),
        (r"(\d)\1", "backreference"),
        (r"(?P<d>\d)(?P=d)", "backreference"),
        (r"(?>\d+)", "atomic group"),
        (r"\d++", "possessive"),
        (r"SO\d+\Z", "\\Z"),
        (r"^SO(\d+$", "not a valid regular expression"),
        (r"[A-Z", "not a valid regular expression"),
    ],
)
def test_patterns_the_engine_cannot_run_are_named_in_one_line(pattern, words):
    why = check_pattern(pattern)
    assert why is not None and words in why and "\n" not in why
    with pytest.raises(ValueError, match=re.escape(words)):
        compile_pattern(pattern)


def test_default_and_ordinary_patterns_are_accepted():
    config = Config()
    for p in [*config.patterns.model_dump().values(), *(c.tracking for c in config.lists.carriers)]:
        assert check_pattern(p) is None, p
    assert check_pattern(r"^[一-龥]{2,4}\d{3}$") is None
    assert check_pattern(r"(?i)^kh\d+$") is None


def test_matching_agrees_with_python_re_on_the_demo_values():
    """The engine changes how patterns run, not what they accept."""
    data = generate_demo(60, today=TODAY)
    config = Config()
    values = {
        config.patterns.order_no: [r["order_no"] for r in data["orders"]] + ["SO123", "so2026110001x", ""],
        config.patterns.customer_id: [r["customer_id"] for r in data["customers"]] + ["C12", "c0001", "C0001 "],
        config.patterns.sku: [r["sku"] for r in data["products"]] + ["-P1", "P" * 31],
    }
    for carrier in config.lists.carriers:
        if carrier.tracking:
            values[carrier.tracking] = [r["tracking_no"] for r in data["shipments"] if r["tracking_no"]]
    for pattern, texts in values.items():
        ours, python = compile_pattern(pattern), re.compile(pattern)
        assert [ours.search(t) for t in texts] == [python.search(t) is not None for t in texts]
        assert [ours.fullmatch(t) for t in texts] == [python.fullmatch(t) is not None for t in texts]


def test_a_catastrophic_pattern_cannot_hang_the_match():
    rx = compile_pattern(CATASTROPHIC)
    long_run = "1" * 5000 + "x"
    assert finishes(lambda: (rx.search(long_run), rx.fullmatch(long_run), rx.fullmatch("1" * 5000))) == (
        False,
        False,
        True,
    )


def test_a_catastrophic_tracking_pattern_does_not_slow_validation():
    """The issue's case: ^(\\d+)+$ as a carrier's format against a 28-digit number with a letter at the
    end (with Python's re: about 2^28 steps, and twice as long per extra digit)."""
    carriers = [
        Carrier(name="顺丰速运", en="SF Express", tracking=CATASTROPHIC),
        *(c for c in Config().lists.carriers if c.name != "顺丰速运"),
    ]
    config = Config(lists=Lists(carriers=carriers))
    data = generate_demo(30, today=TODAY, config=config)
    shipment = data["shipments"][0]
    shipment["carrier"], shipment["tracking_no"] = "顺丰速运", "1" * 28 + "X"
    findings = finishes(lambda: validate_book(OrderBook.from_data(data), config=config, today=TODAY))
    assert [(f.code, f.value) for f in findings if f.code == "tracking-format"] == [("tracking-format", "1" * 28 + "X")]


def test_a_catastrophic_order_number_pattern_does_not_slow_validation():
    config = Config(patterns=Patterns(order_no=r"^(SO|\d+)+$"))
    data = generate_demo(30, today=TODAY)
    data["orders"][0]["order_no"] = "SO" + "1" * 40 + "-"
    findings = finishes(lambda: validate_book(OrderBook.from_data(data), config=config, today=TODAY))
    assert ("bad-format", data["orders"][0]["order_no"]) in [(f.code, f.value) for f in findings]


@pytest.mark.parametrize(
    "toml, where, words",
    [
        ('[patterns]\norder_no = "^SO(\\\\d{10}$"\n', "patterns.order_no", "not a valid regular expression"),
        ('[patterns]\nsku = "(?=P)P\\\\d+"\n', "patterns.sku", "lookahead"),
        (
            '[[lists.carriers]]\nname = "顺丰速运"\ntracking = "^(SF)\\\\1$"\n',
            "lists.carriers.0.tracking",
            "backreference",
        ),
    ],
)
def test_a_bad_pattern_in_the_config_is_one_line_and_exit_2(tmp_path, small_book, toml, where, words):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{cfg}: {where}: ")):
        load_config(cfg)
    result = run("validate", small_book, "--config", cfg)
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"orderbook: {cfg}: {where}: ") and words in line
