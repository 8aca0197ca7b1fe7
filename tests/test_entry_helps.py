"""Entry that helps: dropdowns of "code name" entries from which the formulas and the reader take the
code, a blank 单价 priced from the product, the product's name on 库存变动, a status change entered
once, the company's name on a new template and in a new settings file."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import needs_soffice
from recalc_cases import fill_template, known_rows, mismatches, type_in

from workbook_tools import cli as cli_module
from workbook_tools.book import new_row
from workbook_tools.cli import cli
from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.read import read_book
from workbook_tools.template import write_book
from workbook_tools.validate import validate_file

TODAY = date(2026, 11, 30)

#: Cells typed as the dropdowns fill them (sheet -> Excel row -> column -> entry), over known_rows().
PICKED = {
    "orders": {2: {"customer_id": "C0001 杭州明远贸易有限公司"}, 3: {"customer_id": "c0002 王伟"}},
    "order_lines": {2: {"sku": "P1001 办公椅"}, 4: {"sku": "P1003 台灯"}},
    "shipments": {3: {"sku": "P1003 台灯"}},
    "payments": {10: {"customer_id": "c0001 杭州明远贸易有限公司（集团）"}},
    "stock_moves": {3: {"sku": "P1001 办公椅"}, 8: {"sku": "p1003 台灯"}},
}


@pytest.fixture(scope="module")
def picked(tmp_path_factory):
    """known_rows() in the template, some keys picked from the dropdowns as "code name"."""
    path = write_book(tmp_path_factory.mktemp("picked") / "picked.xlsx", None)
    fill_template(path, known_rows())
    type_in(path, PICKED)
    return path


def test_the_reader_takes_the_code_of_a_dropdown_entry(picked):
    book = read_book(picked)
    data, plain = book.data(), known_rows()
    for sheet, rows in PICKED.items():
        for r, values in rows.items():
            for key in values:
                assert data[sheet][r - 2][key] == plain[sheet][r - 2][key]
    assert derive(data).values == derive(plain).values
    # validate finds what it finds in the book typed with codes (no key-spelling, no unknown key)
    typed = write_book(picked.with_name("typed.xlsx"), None)
    fill_template(typed, plain)
    found = lambda path: sorted((f.cell, f.code) for f in validate_file(path, config=Config(), today=TODAY).findings)  # noqa: E731
    assert found(picked) == found(typed)


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_the_dropdowns_list_code_and_name(tmp_path):
    path = write_book(tmp_path / "b.xlsx", known_rows(), today=TODAY)
    wb = openpyxl.load_workbook(path)
    sources = {}
    for name, column in (("订单", "B"), ("订单明细", "B"), ("付款", "G"), ("发货", "E"), ("库存变动", "B")):
        dv = next(v for v in wb[name].data_validations.dataValidation if str(v.sqref).startswith(column + "2"))
        sources[name] = (dv.formula1, dv.errorStyle)
    assert sources == {
        "订单": ("picks_customers_customer_id", "warning"),
        "订单明细": ("picks_products_sku", "warning"),
        "付款": ("picks_customers_customer_id", "warning"),
        "发货": ("picks_products_sku", "warning"),
        "库存变动": ("picks_products_sku", "warning"),
    }
    # the entries: 编号及名称 beside the keys, as many rows as there are keys
    assert wb.defined_names["picks_customers_customer_id"].attr_text.startswith("OFFSET('客户'!$O$2,0,0,")
    values = openpyxl.load_workbook(path, data_only=True)
    assert [values["客户"][f"O{r}"].value for r in (2, 3, 4)] == [
        "C0001 杭州明远贸易有限公司",
        "C0002 王伟",
        "C0003 宁波远航",
    ]
    assert [values["产品"][f"M{r}"].value for r in (2, 5)] == ["P1001 办公椅", "P1004 无人问津"]


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_takes_the_code_of_a_dropdown_entry_as_python_does(picked, tmp_path):
    from workbook_tools.libreoffice import convert

    probes = {"H60": "ROWS(picks_customers_customer_id)", "H61": "INDEX(picks_products_sku,3)"}
    type_in(picked, {}, probes=probes)
    recalculated = convert(picked, tmp_path / "lo")
    assert mismatches(picked, recalculated, today=date.today()) == []
    got = openpyxl.load_workbook(recalculated, data_only=True)
    # the picked rows compute what the codes compute: names, totals, stock, money on account
    assert got["订单"]["C2"].value == "杭州明远贸易有限公司" and got["订单"]["C3"].value == "王伟"
    assert got["订单明细"]["C2"].value == "办公椅" and got["订单明细"]["G2"].value == pytest.approx(998.0)
    assert got["订单明细"]["H4"].value == 4  # P1003's partial shipments (2 + 2), one picked as "P1003 台灯"
    assert [got["产品"][f"K{r}"].value for r in (2, 3, 4, 5)] == [117, 49, 13, 6]
    assert got["库存变动"]["G3"].value == "办公椅"
    assert [got["概览"]["H60"].value, got["概览"]["H61"].value] == [3, "P1003 台灯"]


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_a_blank_unit_price_is_the_list_price_not_an_error(tmp_path):
    data = known_rows()
    data["order_lines"][0]["unit_price"] = None  # P1001 at 499.00, 2 of them
    assert derive(data)["order_lines"]["amount"][0] == D("998.00")
    path = write_book(tmp_path / "b.xlsx", data, today=TODAY)
    found = validate_file(path, config=Config(), today=TODAY).findings
    assert not [f for f in found if f.cell == "订单明细!E2"]
    assert openpyxl.load_workbook(path, data_only=True)["订单明细"]["G2"].value == 998.0
    # an unknown product has no list price: 0
    data["order_lines"][5]["unit_price"] = None  # P9999
    assert derive(data)["order_lines"]["amount"][5] == D("0.00")


def test_stock_movements_show_the_product_name():
    data = known_rows()
    data["stock_moves"].append(new_row("stock_moves", date=date(2026, 1, 9), sku="P9999", type="receipt", quantity=1))
    names = derive(data)["stock_moves"]["product_name"]
    assert names == ["办公椅"] * 6 + ["台灯", "台灯", "文件柜", "文件柜", ""]


def test_a_status_change_is_entered_once(tmp_path):
    """The log saying 已发货 while the order says 已完成: a warning (the order's status counts)."""
    data = known_rows()
    data["orders"][0]["status"] = "shipped"  # the log's last entry for SO2026010001 says completed
    path = write_book(tmp_path / "b.xlsx", data, today=TODAY)
    found = [
        (f.cell, f.severity.value)
        for f in validate_file(path, config=Config(), today=TODAY).findings
        if f.code == "status-log-mismatch"
    ]
    assert found == [("订单!F2", "warning")]


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_template_under_the_company_s_name(tmp_path):
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--company", "杭州明远贸易有限公司"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb["填写说明"]["A1"].value == "杭州明远贸易有限公司 客户订单管理簿 — 填写说明"
    assert wb["概览"]["A1"].value == "杭州明远贸易有限公司 — 概览"
    assert wb["订单"].oddHeader.left.text == "杭州明远贸易有限公司"
    from workbook_tools.settings import read_stored

    assert read_stored(out).company_name == "杭州明远贸易有限公司"  # the book carries the name


def test_config_init_asks_the_company_name(tmp_path, monkeypatch):
    path = tmp_path / "orderbook.toml"
    monkeypatch.setattr(cli_module, "interactive", lambda: True)
    result = CliRunner().invoke(cli, ["config", "init", str(path)], input="宁波远航贸易有限公司\n")
    assert result.exit_code == 0, result.output
    assert "公司名称 / Company name [示例商贸有限公司]:" in result.output
    assert tomllib.loads(path.read_text(encoding="utf-8"))["company_name"] == "宁波远航贸易有限公司"
    # Enter keeps the default; --company answers without asking; a script is never asked
    CliRunner().invoke(cli, ["config", "init", str(path), "--force"], input="\n")
    assert tomllib.loads(path.read_text(encoding="utf-8"))["company_name"] == "示例商贸有限公司"
    monkeypatch.setattr(cli_module, "interactive", lambda: False)
    result = CliRunner().invoke(cli, ["config", "init", str(path), "--force", "--company", "丙商行"])
    assert result.exit_code == 0 and "Company name" not in result.output
    assert tomllib.loads(path.read_text(encoding="utf-8"))["company_name"] == "丙商行"
