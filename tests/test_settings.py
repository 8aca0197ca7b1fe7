"""Settings travel with the book: stored in it when it is made or imported, used by every command,
in the order --config, $ORDERBOOK_CONFIG, orderbook.toml nearby, the book's own copy, the defaults."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED_DATA

from workbook_tools.cli import cli
from workbook_tools.config import Config, Patterns, load_config
from workbook_tools.demo import generate_demo
from workbook_tools.errors import ConfigError
from workbook_tools.settings import (
    ENV,
    PART_LIMIT,
    PROPERTY,
    assign,
    read_stored,
    resolve_settings,
    settings_properties,
    split_parts,
    stored_json,
)
from workbook_tools.template import TEMPLATE_PATH, write_book
from workbook_tools.xlsxpkg.package import Package
from workbook_tools.xlsxpkg.props import read_properties, set_properties

TODAY = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[1]
NORTHWIND_CONFIG = ROOT / "examples" / "northwind" / "orderbook.toml"
NORTHWIND_MAPPING = ROOT / "examples" / "northwind" / "mapping.toml"
NORTHWIND_DATA = SHARED_DATA / "northwind"
#: Settings whose order numbers the defaults call malformed: a book made with them has errors under
#: the defaults (bad-format on every order), none under its own settings.
OWN = Config(company_name="宁波海川文具", currency_symbol="$", patterns=Patterns(order_no=r"^NB-\d{6}$"))


def run(*args, env=None):
    return CliRunner(env=env).invoke(cli, [str(a) for a in args], catch_exceptions=False)


def toml(path: Path, company: str) -> Path:
    path.write_text(f'company_name = "{company}"\n', encoding="utf-8")
    return path


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def own_book(tmp_path_factory) -> Path:
    """A small book made with OWN: its order numbers are NB-000001 …"""
    path = tmp_path_factory.mktemp("own") / "book.xlsx"
    config = OWN.model_copy(update={"patterns": Patterns(order_no=r"^(SO\d{8}|NB-\d{6})$")})
    data = generate_demo(30, today=TODAY, config=config)
    for i, order in enumerate(data["orders"], 1):
        old, order["order_no"] = order["order_no"], f"NB-{i:06d}"
        for sheet in ("order_lines", "status_log", "shipments", "payments"):
            for row in data[sheet]:
                if row.get("order_no") == old:
                    row["order_no"] = order["order_no"]
    return write_book(path, data, config=OWN, today=TODAY)


@pytest.fixture
def book(own_book, tmp_path) -> Path:
    return Path(shutil.copy(own_book, tmp_path / "book.xlsx"))


# ------------------------------------------------------------------------------------- the copy


def test_a_book_stores_the_settings_it_was_made_with(own_book):
    assert read_stored(own_book) == OWN
    with Package(own_book) as pkg:
        props = read_properties(pkg)
    assert json.loads(props[PROPERTY]) == {
        "company_name": "宁波海川文具",
        "currency_symbol": "$",
        "patterns": {"order_no": r"^NB-\d{6}$"},
    }


def test_the_template_stores_the_defaults():
    with Package(TEMPLATE_PATH) as pkg:
        assert read_properties(pkg)[PROPERTY] == "{}"
    assert read_stored(TEMPLATE_PATH) == Config()


def test_long_settings_are_split_into_parts_excel_keeps():
    config = load_config(NORTHWIND_CONFIG)
    config = assign(
        config,
        [
            "company_name=北方 🐘 Traders   of   the   North" * 4,
            "bank.memo=" + json.dumps(["摘要 说明"] * 30, ensure_ascii=False),
        ],
    )
    props = settings_properties(config)
    assert len(props) > 3 and list(props)[:2] == [PROPERTY, f"{PROPERTY}.2"]
    for text in props.values():
        assert len(text.encode("utf-16-le")) // 2 <= PART_LIMIT
        assert text == text.strip()
    assert "".join(props.values()) == stored_json(config)
    assert split_parts("a" * 300) == ["a" * 255, "a" * 45]
    assert split_parts("🐘" * 200) == ["🐘" * 127, "🐘" * 73]  # two UTF-16 units each, never cut in half


def test_config_set_changes_only_the_settings_stored_in_the_book(book):
    before = parts_of(book)
    result = run(
        "config",
        "set",
        book,
        "currency_symbol=€",
        "thresholds.overdue_grace_days=5",
        'lists.payment_methods=["对公转账", "现金"]',
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ['currency_symbol: "$" → "€"', "thresholds.overdue_grace_days: 3 → 5"]
    after = parts_of(book)
    assert {n for n in after if after[n] != before.get(n)} == {"docProps/custom.xml"}
    stored = read_stored(book)
    assert (stored.currency_symbol, stored.thresholds.overdue_grace_days, stored.lists.payment_methods) == (
        "€",
        5,
        ["对公转账", "现金"],
    )
    assert stored.patterns == OWN.patterns and stored.company_name == OWN.company_name
    shown = run("config", "show", book)
    assert shown.output.splitlines()[0] == "# settings: the settings stored in the book"
    assert 'currency_symbol = "€"' in shown.output
    assert load_config_text(shown.output) == stored


def load_config_text(text: str) -> Config:
    import tomllib

    return Config.model_validate(tomllib.loads(text))


def test_config_set_refuses_what_it_cannot_do_in_one_line(book, tmp_path):
    before = book.read_bytes()
    for args, words in [
        (["nope=1"], "nope: no such setting"),
        (["thresholds.overdue_grace_days=-1"], "greater than or equal to 0"),
        (["patterns.sku=(?<=P)\\d+"], "lookbehind"),
        (["currency_symbol"], "write key=value"),
    ]:
        result = run("config", "set", book, *args)
        assert result.exit_code == 2 and len(result.output.splitlines()) == 1 and words in result.output, result.output
    assert book.read_bytes() == before
    (tmp_path / "~$book.xlsx").write_bytes(b"\x05someone")  # Excel has it open
    locked = run("config", "set", book, "currency_symbol=€")
    assert locked.exit_code == 2 and book.read_bytes() == before
    other = tmp_path / "notes.xlsx"
    import openpyxl

    notes = openpyxl.Workbook()  # a workbook of someone's own: no order book
    notes.active.append(["日期", "事项"])
    notes.save(other)
    refused = run("config", "set", other, "currency_symbol=€")
    assert refused.exit_code == 2 and "not an order book" in refused.output


def test_a_damaged_copy_is_one_line_and_that_book_is_unreadable(book):
    with Package(book) as pkg:
        set_properties(pkg, {PROPERTY: '{"company_name": "cut off'})
        data = book.with_name("damaged.xlsx")
        with open(data, "wb") as out:
            pkg.write_to(out)
    with pytest.raises(ConfigError, match="settings stored in the book .* not valid JSON"):
        read_stored(data)
    result = run("validate", data, "--today", TODAY)  # the report's language: Chinese
    assert result.exit_code == 2 and "Traceback" not in result.output
    said = " ".join(result.output.split())  # as one line, however wide the terminal wrapped it
    assert "订单簿中保存的设置（orderbook:settings）无法使用：不是有效的 JSON" in said and "cannot be used" not in said
    result = run("validate", data, "--today", TODAY, "--lang", "en")
    said = " ".join(result.output.split())
    assert "settings stored in the book (orderbook:settings) cannot be used: not valid JSON" in said
    assert "无法使用" not in said


# ------------------------------------------------------------------------------------ precedence


def test_precedence_config_then_env_then_nearby_then_the_book_then_the_defaults(book, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_settings(book).source == "book" and resolve_settings(book).config == OWN
    nearby = toml(tmp_path / "orderbook.toml", "旁边的设置")
    got = resolve_settings(book)
    assert (got.source, got.path, got.config.company_name) == ("orderbook.toml", nearby, "旁边的设置")
    env = toml(tmp_path / "env.toml", "环境变量的设置")
    got = resolve_settings(book, environ={ENV: str(env)})
    assert (got.source, got.config.company_name) == ("$ORDERBOOK_CONFIG", "环境变量的设置")
    option = toml(tmp_path / "option.toml", "命令行的设置")
    got = resolve_settings(book, config_path=option, environ={ENV: str(env)})
    assert (got.source, got.config.company_name) == ("--config", "命令行的设置")
    nearby.unlink()
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(b"not a workbook")
    assert resolve_settings(plain).source == "defaults" and resolve_settings(plain).config == Config()
    assert resolve_settings(book, stored=False).source == "defaults"


def test_orderbook_toml_is_looked_for_up_to_the_root_and_no_further(book, tmp_path, monkeypatch):
    deep = tmp_path / "office" / "sales" / "2026"
    deep.mkdir(parents=True)
    moved = Path(shutil.move(book, deep / "book.xlsx"))
    above = toml(tmp_path / "orderbook.toml", "上面的设置")
    monkeypatch.chdir(tmp_path / "office")
    assert resolve_settings(moved).source == "book"  # above the current folder: not looked at
    assert resolve_settings(moved, root=tmp_path).path == above  # the nightly root is higher
    office = toml(tmp_path / "office" / "orderbook.toml", "办公室的设置")
    assert resolve_settings(moved).path == office
    elsewhere = tmp_path.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    monkeypatch.chdir(elsewhere)  # the book is not inside the current folder: only the book's folder
    assert resolve_settings(moved).source == "book"


def test_every_command_reports_the_settings_it_used(book, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    validate = run("validate", book, "--today", TODAY)
    assert validate.exit_code == 0, validate.output
    assert validate.output.splitlines()[-1] == "设置：订单簿中保存的设置"
    assert run("validate", book, "--today", TODAY, "--format", "json", "--out", tmp_path).exit_code == 0
    report = json.loads((tmp_path / "validation_report.json").read_text(encoding="utf-8"))
    assert report["files"][0]["settings"] == "the settings stored in the book"
    option = toml(tmp_path / "option.toml", "命令行的设置")
    assert run("validate", book, "--config", option, "--today", TODAY).output.splitlines()[-1] == (
        f"设置：--config {option}"
    )
    env = run("validate", book, "--today", TODAY, env={ENV: str(option)})
    assert env.output.splitlines()[-1] == f"设置：环境变量 ORDERBOOK_CONFIG：{option}"
    for args in (
        ["reconcile", book, "-o", tmp_path / "r.xlsx", "--today", TODAY],
        ["summary", book, "--month", "2026-10", "-o", tmp_path / "s.xlsx", "--today", TODAY],
        ["customers", book, "-o", tmp_path / "c.xlsx", "--today", TODAY],
        ["export", book, "--to", f"sqlite:///{tmp_path / 'db.sqlite'}"],
    ):
        result = run(*args)
        assert result.exit_code in (0, 1), result.output
        assert {"设置：订单簿中保存的设置", "settings: the settings stored in the book"} & set(
            result.output.splitlines()
        )


def test_a_plain_validate_uses_the_books_settings(book):
    """The issue: a book made with its company's settings showed an error per order under the defaults."""
    assert run("validate", book, "--today", TODAY).exit_code == 0
    defaults = book.with_name("defaults.toml")
    defaults.write_text("", encoding="utf-8")
    result = run("validate", book, "--today", TODAY, "--config", defaults, "--format", "json", "--out", book.parent)
    assert result.exit_code == 1
    report = json.loads((book.parent / "validation_report.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in report["files"][0]["findings"]].count("bad-format") >= 30


def test_the_summary_shows_the_books_company_and_currency(book, tmp_path):
    result = run(
        "summary",
        book,
        "--month",
        "2026-10",
        "-o",
        tmp_path / "s.xlsx",
        "--json",
        tmp_path / "s.json",
        "--today",
        TODAY,
    )
    assert result.exit_code == 0, result.output
    assert "$" in result.output and "¥" not in result.output


def test_template_and_demo_take_orderbook_toml_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("config", "init").exit_code == 0
    cfg = tmp_path / "orderbook.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("示例商贸有限公司", "宁波海川文具"), encoding="utf-8")
    result = run("template", "-o", "t.xlsx")
    assert result.exit_code == 0 and f"设置：{tmp_path / 'orderbook.toml'}" in result.output
    assert read_stored(tmp_path / "t.xlsx").company_name == "宁波海川文具"


# ---------------------------------------------------------------------------------------- import


def northwind_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "northwind"
    folder.mkdir()
    for name in ("customers.csv", "products.csv"):
        shutil.copy(NORTHWIND_DATA / name, folder / name)
    return folder


@pytest.mark.parametrize("existing", [False, True], ids=["new book", "into a book in place"])
def test_northwind_imported_with_its_settings_validates_clean_without_them(tmp_path, monkeypatch, existing):
    """The issue: a Northwind book imported with its company settings showed errors on every row in a
    plain `orderbook validate`, and money as ¥ under the sample company's name."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "nw.xlsx"
    if existing:
        write_book(target, None)
    result = run(
        "import", northwind_folder(tmp_path), "--into", target, "--mapping", NORTHWIND_MAPPING, "--today", TODAY
    )
    assert result.exit_code == 0, result.output
    # the messages speak the book's language: the template's Chinese, or Northwind's English for a new book
    said = (
        f"设置：导入映射的设置 {NORTHWIND_CONFIG}"
        if existing
        else f"settings: the import mapping's config {NORTHWIND_CONFIG}"
    )
    assert said in result.output.splitlines()
    assert read_stored(target) == load_config(NORTHWIND_CONFIG)
    plain = run("validate", target, "--today", TODAY)
    assert plain.exit_code == 0, plain.output
    assert plain.output.splitlines()[-1] == "settings: the settings stored in the book"  # Northwind's: English
    defaults = tmp_path / "defaults.toml"
    defaults.write_text("", encoding="utf-8")
    under_defaults = run("validate", target, "--today", TODAY, "--config", defaults)
    assert under_defaults.exit_code == 1  # customer ids such as ALFKI are malformed under the defaults
