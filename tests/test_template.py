"""The empty template, opened with openpyxl: sheets, headers, formats, validation, conditional
formats, protection, defined names and formulas — all as the schema says."""

from __future__ import annotations

import openpyxl
import pytest

from workbook_tools.cells import quote_sheet
from workbook_tools.choices import choice_lists
from workbook_tools.config import Config
from workbook_tools.formulas import FormulaContext, formula
from workbook_tools.schema import DASHBOARD, INSTRUCTIONS, LISTS, SHEET_BY_KEY, SHEETS, aux_name
from workbook_tools.template import PREPARED_ROWS, TEMPLATE_PATH, write_book
from workbook_tools.template.conditional import rules
from workbook_tools.template.lists import column_name, keys_name, list_name, range_columns, ref_targets

LAST = 1 + PREPARED_ROWS  # 5001
ORDERS = SHEET_BY_KEY["orders"]


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Each language's template, written once: (path, openpyxl workbook)."""
    cache = {}

    def get(lang):
        if lang not in cache:
            path = write_book(tmp_path_factory.mktemp(lang) / "template.xlsx", lang=lang)
            cache[lang] = path, openpyxl.load_workbook(path)
        return cache[lang]

    return get


@pytest.fixture(scope="module", params=["zh", "en"])
def book(request, templates):
    return request.param, templates(request.param)[1]


@pytest.fixture(scope="module")
def zh(templates):
    return templates("zh")[1]


def column_dim(ws, letter: str):
    """openpyxl keeps one dimension per run of identical columns, under the run's first letter."""
    idx = openpyxl.utils.column_index_from_string(letter)
    return next(d for d in ws.column_dimensions.values() if d.min <= idx <= d.max)


def validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def cond_formats(ws) -> list[tuple[str, str]]:
    return [
        (str(rng.sqref), rule.formula[0])
        for rng, rules in ws.conditional_formatting._cf_rules.items()
        for rule in rules
    ]


def test_sheets_in_order_with_the_lists_sheet_hidden(book):
    lang, wb = book
    expected = [
        aux_name(INSTRUCTIONS, lang),
        aux_name(DASHBOARD, lang),
        *(s.name(lang) for s in SHEETS),
        aux_name(LISTS, lang),
    ]
    assert wb.sheetnames == expected
    assert [wb[n].sheet_state for n in expected] == ["visible"] * 10 + ["hidden"]


def test_headers_are_the_schema_headers(book):
    lang, wb = book
    for sheet in SHEETS:
        ws = wb[sheet.name(lang)]
        assert [c.value for c in ws[1]][: len(sheet.columns)] == [c.header(lang) for c in sheet.columns]


def test_required_derived_and_optional_headers_look_different(zh):
    ws = zh[ORDERS.zh]
    fill = lambda key: ws.cell(1, ORDERS.col(key) + 1).fill.fgColor.rgb  # noqa: E731
    assert len({fill("order_no"), fill("salesperson"), fill("total")}) == 3
    assert fill("order_no") == fill("customer_id")  # both required


def test_header_frozen_and_filtered(book):
    lang, wb = book
    for sheet in SHEETS:
        ws = wb[sheet.name(lang)]
        last = ws.cell(1, len(sheet.columns)).column_letter
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{last}{LAST}"


def test_number_formats_and_widths_come_from_the_schema(zh):
    cases = [
        ("customers", "phone", "@"),
        ("customers", "tax_id", "@"),
        ("orders", "order_no", "@"),
        ("shipments", "tracking_no", "@"),
        ("payments", "reference", "@"),
        ("orders", "order_date", "yyyy-mm-dd"),
        ("order_lines", "unit_price", "#,##0.00"),
        ("order_lines", "discount", "0.0%"),
        ("order_lines", "quantity", "0"),
        ("status_log", "timestamp", "yyyy-mm-dd hh:mm"),
    ]
    for sheet_key, key, num in cases:
        sheet = SHEET_BY_KEY[sheet_key]
        dim = column_dim(zh[sheet.zh], sheet.letter(key))
        assert dim.number_format == num, (sheet_key, key)
        assert dim.width == pytest.approx(sheet.column(key).width, abs=0.8)
    # formula cells carry their column's format too
    assert zh[ORDERS.zh][f"{ORDERS.letter('total')}2"].number_format == "#,##0.00"
    assert zh["订单明细"][f"{SHEET_BY_KEY['order_lines'].letter('whole_ship_date')}2"].number_format == "yyyy-mm-dd"


def test_every_input_column_and_only_input_columns_are_validated_down_the_whole_sheet(book):
    lang, wb = book
    for sheet in SHEETS:
        dvs = validations(wb[sheet.name(lang)])
        expected = {f"{sheet.letter(c.key)}2:{sheet.letter(c.key)}1048576": c for c in sheet.inputs}
        assert set(dvs) == set(expected), sheet.key
        for ref, col in expected.items():
            dv = dvs[ref]
            assert dv.promptTitle == col.header(lang)
            assert dv.prompt.startswith(col.help(lang))
            assert len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32
            if dv.type is not None:
                assert dv.errorTitle in (("输入有误", "请确认") if lang == "zh" else ("Invalid entry", "Please check"))
                assert dv.error and len(dv.error) <= 255


def _dv(wb, sheet_key, key, lang="zh"):
    sheet = SHEET_BY_KEY[sheet_key]
    letter = sheet.letter(key)
    return validations(wb[sheet.name(lang)])[f"{letter}2:{letter}1048576"]


def test_dropdowns_point_at_defined_names(zh):
    status = _dv(zh, "orders", "status")
    assert (status.type, status.formula1, status.errorStyle in (None, "stop")) == ("list", "lst_order_status", True)
    # a customer or product is picked from "code name" entries; a code typed alone is asked about
    customer = _dv(zh, "orders", "customer_id")
    assert (customer.type, customer.formula1, customer.errorStyle) == ("list", "picks_customers_customer_id", "warning")
    assert _dv(zh, "order_lines", "sku").formula1 == "picks_products_sku"
    assert _dv(zh, "payments", "order_no").formula1 == "keys_orders_order_no"
    assert _dv(zh, "shipments", "carrier").formula1 == "lst_carrier"
    # non-strict lists take other text after a warning
    for sheet_key, key, name in [("products", "unit", "lst_unit"), ("status_log", "issue", "lst_problem_type")]:
        dv = _dv(zh, sheet_key, key)
        assert (dv.type, dv.formula1, dv.errorStyle) == ("list", name, "warning")


def test_number_date_and_length_limits(zh):
    qty = _dv(zh, "order_lines", "quantity")
    assert (qty.type, qty.operator, qty.formula1) == ("whole", "greaterThanOrEqual", "1")
    stock = _dv(zh, "stock_moves", "quantity")  # any whole number, negative too
    assert stock.operator in (None, "between")  # "between" is the default, left out of the file
    assert (stock.type, stock.formula1, stock.formula2) == ("whole", "-999999999", "999999999")
    discount = _dv(zh, "order_lines", "discount")
    assert (discount.type, discount.formula1, discount.formula2) == ("decimal", "0", "1")
    price = _dv(zh, "products", "list_price")
    assert (price.type, price.operator, price.formula1) == ("decimal", "greaterThanOrEqual", "0")
    amount = _dv(zh, "payments", "amount")
    assert (amount.type, amount.formula1) == ("custom", "AND(ISNUMBER(D2),D2<>0)")
    ordered = _dv(zh, "orders", "order_date")
    assert (ordered.type, ordered.formula1, ordered.formula2) == ("date", "36526", "73050")
    due = _dv(zh, "orders", "due_date")
    assert due.type == "custom" and due.formula1.endswith('OR($D2="",E2>=$D2))') and "ISNUMBER(E2)" in due.formula1
    shipped = _dv(zh, "shipments", "ship_date")
    assert "INDEX(col_orders_order_date,MATCH($A2,col_orders_order_no,0))" in shipped.formula1
    timestamp = _dv(zh, "status_log", "timestamp")
    assert timestamp.type == "custom" and "C2<DATE(2100,1,1)" in timestamp.formula1
    tax = _dv(zh, "customers", "tax_id")
    assert (tax.type, tax.operator, tax.formula1) == ("textLength", "equal", "18")
    sales = _dv(zh, "orders", "salesperson")
    assert (sales.type, sales.operator, sales.formula1) == ("textLength", "lessThanOrEqual", "30")
    notes = _dv(zh, "orders", "notes")
    assert notes.type is None and notes.prompt == "任意备注。"


def test_unique_keys_are_checked_by_exact_text_match(zh):
    dv = _dv(zh, "payments", "reference")
    assert dv.type == "custom"
    assert dv.formula1 == "AND(LEN(E2)<=40,ISNA(MATCH(E2,$E$1:$E1,0)),ISNA(MATCH(E2,$E3:$E$1048576,0)))"
    customer = _dv(zh, "customers", "customer_id").formula1
    assert customer.startswith("AND(LEN(A2)<=20,") and customer.endswith(
        "ISNA(MATCH(A2,$A$1:$A1,0)),ISNA(MATCH(A2,$A3:$A$1048576,0)))"
    )


def test_id_patterns_are_checked_in_the_sheet_where_excel_can_say_them(zh):
    """^C\\d{4,6}$ and ^SO\\d{10}$ (the defaults) are in the in-sheet rule; the SKU pattern's character
    class is not (validate checks it); tests/test_formulas_libreoffice.py evaluates the conditions."""
    customer = _dv(zh, "customers", "customer_id")
    assert 'EXACT(LEFT(A2,1),"C")' in customer.formula1 and "LEN(A2)>=5,LEN(A2)<=7" in customer.formula1
    assert "C0001" in customer.error
    order = _dv(zh, "orders", "order_no")
    assert 'LEN(A2)=12,EXACT(LEFT(A2,2),"SO"),EXACT(TEXT(0+MID(A2,3,10),"0000000000"),MID(A2,3,10))' in order.formula1
    sku = _dv(zh, "products", "sku")
    assert "EXACT" not in sku.formula1
    for dv in (customer, order, sku):
        assert len(dv.formula1) <= 255


def test_messages_follow_the_workbook_language(book):
    lang, wb = book
    dv = _dv(wb, "orders", "status", lang)
    assert dv.error == ("请从下拉列表中选择。" if lang == "zh" else "Pick a value from the drop-down list.")
    assert dv.prompt.endswith("（必填）" if lang == "zh" else " (required)")


def test_conditional_formats(book):
    lang, wb = book
    st = {"zh": ("待处理", "处理中", "已取消"), "en": ("Pending", "Processing", "Cancelled")}[lang]
    assert cond_formats(wb[ORDERS.name(lang)]) == [
        (f"A2:A{LAST}", 'AND($A2<>"",OR(ISNUMBER(MATCH($A2,$A$1:$A1,0)),ISNUMBER(MATCH($A2,$A3:$A$1048576,0))))'),
        (
            f"B2:B{LAST}",
            'AND($B2<>"",ISNA(MATCH(IFERROR(IF(FIND(" ",$B2)<LEN($B2),LEFT($B2,FIND(" ",$B2)-1),$B2),'
            "$B2),col_customers_customer_id,0)))",
        ),
        (f"E2:E{LAST}", f'AND($A2<>"",ISNUMBER($E2),$E2+3<TODAY(),OR($F2="{st[0]}",$F2="{st[1]}"))'),
        (f"J2:J{LAST}", f'AND($A2<>"",N($J2)>0,ISNUMBER($E2),$E2<TODAY(),$F2<>"{st[2]}")'),
    ]
    products = SHEET_BY_KEY["products"]
    assert cond_formats(wb[products.name(lang)])[1:] == [
        (f"K2:K{LAST}", 'AND($A2<>"",ISNUMBER($K2),$K2<0)'),
        (f"K2:K{LAST}", 'AND($A2<>"",ISNUMBER($N2))'),  # 低库存序号: on sale, at or below the point
    ]
    # every unique and every reference column is watched
    for sheet in SHEETS:
        ranges = [r for r, _ in cond_formats(wb[sheet.name(lang)])]
        for col in sheet.inputs:
            if col.unique or col.ref:
                assert f"{sheet.letter(col.key)}2:{sheet.letter(col.key)}{LAST}" in ranges, (sheet.key, col.key)


def test_red_for_errors_yellow_for_warnings(zh):
    ws = zh[ORDERS.zh]
    fills = [rule.dxf.fill.bgColor.rgb for rules in ws.conditional_formatting._cf_rules.values() for rule in rules]
    assert fills[0] == fills[1] != fills[2] == fills[3]
    assert fills[0].endswith("FFC7CE") and fills[2].endswith("FFEB9C")


def test_thresholds_come_from_the_config():
    config = Config.model_validate({"thresholds": {"low_stock_default": 25, "overdue_grace_days": 7}})
    formulas = [r.formula for key in ("orders", "products") for r in rules(SHEET_BY_KEY[key], "zh", config)]
    assert any("$E2+7<TODAY()" in f for f in formulas)
    from workbook_tools.choices import choice_lists

    assert [c.value for c in choice_lists(config)["low_stock_default"]] == ["25"]  # 低库存序号 reads it there


def test_formula_cells_locked_input_cells_unlocked_sheets_protected_without_password(book):
    lang, wb = book
    for sheet in SHEETS:
        ws = wb[sheet.name(lang)]
        prot = ws.protection
        assert prot.sheet and prot.password is None
        # openpyxl: False = the action is allowed on the protected sheet
        assert not any(
            [
                prot.autoFilter,
                prot.sort,
                prot.formatColumns,
                prot.insertRows,
                prot.deleteRows,
                prot.selectLockedCells,
                prot.selectUnlockedCells,
            ]
        )
        assert prot.insertColumns and prot.deleteColumns and prot.formatCells
        for col in sheet.columns:
            dim = column_dim(ws, sheet.letter(col.key))
            assert dim.protection.locked == col.derived, (sheet.key, col.key)
        for col in sheet.derived:
            assert ws[f"{sheet.letter(col.key)}2"].protection.locked


def test_defined_names(book):
    lang, wb = book
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    lists_ws = wb[aux_name(LISTS, lang)]
    for key, choices in choice_lists(Config()).items():
        target = names[list_name(key)]
        assert target.startswith(f"{quote_sheet(aux_name(LISTS, lang))}!$")
        cells = lists_ws[target.split("!")[1].replace("$", "")]
        assert [row[0].value for row in cells] == [c.label(lang) for c in choices]
    customers = quote_sheet(SHEET_BY_KEY["customers"].name(lang))
    # the keys to the last row holding one (blank rows between do not cut the list short)
    assert names[keys_name("customers.customer_id")] == (
        f'OFFSET({customers}!$A$2,0,0,MAX(2,IFERROR(MATCH(REPT("z",255),{customers}!$A:$A),1),'
        f"IFERROR(MATCH(9.99E+307,{customers}!$A:$A),1))-1,1)"
    )
    # the ranges the formulas compute over: the prepared rows of each sheet, by name
    lines = quote_sheet(SHEET_BY_KEY["order_lines"].name(lang))
    assert names["rng_order_lines_amount"] == f"{lines}!$G$2:$G${LAST}"
    assert {n for n in names if n.startswith("rng_")} == {f"rng_{s}_{c}" for s, c in range_columns()}
    assert ("stock_moves", "latest_count") in range_columns() and ("products", "low_seq") in range_columns()
    assert {keys_name(r) for r in ref_targets()} == {
        "keys_customers_customer_id",
        "keys_products_sku",
        "keys_orders_order_no",
    }
    assert names[column_name("orders", "order_date")] == f"{quote_sheet(ORDERS.name(lang))}!$D:$D"
    assert names[column_name("products", "sku")] == f"{quote_sheet(SHEET_BY_KEY['products'].name(lang))}!$A:$A"


def test_formulas_filled_down_the_prepared_rows(book):
    lang, wb = book
    ctx = FormulaContext(lang, {s.key: LAST for s in SHEETS})
    for sheet in SHEETS:
        ws = wb[sheet.name(lang)]
        for col in sheet.derived:
            letter = sheet.letter(col.key)
            for row in (2, 3, 1234, LAST):
                assert ws[f"{letter}{row}"].value == formula(ctx, sheet.key, col.key, row), (sheet.key, col.key, row)
            assert ws[f"{letter}{LAST + 1}"].value is None
        for col in sheet.inputs:
            assert ws[f"{sheet.letter(col.key)}2"].value is None


def test_instructions_cover_every_sheet_and_column(book):
    lang, wb = book
    rows = [[c.value for c in row] for row in wb[aux_name(INSTRUCTIONS, lang)].iter_rows(max_col=6)]
    text = [v for row in rows for v in row if v]
    assert Config().company_name in text[0]
    yes, no = ("是", "否") if lang == "zh" else ("Yes", "No")
    tables = [(row[0], row[1]) for row in rows if row[1] in (yes, no)]
    assert tables == [(c.header(lang), yes if c.required else no) for s in SHEETS for c in s.columns]
    for sheet in SHEETS:
        assert sheet.name(lang) in text and sheet.help(lang) in text
    status = {
        "zh": "待处理、处理中、已发货、已完成、已取消",
        "en": "Pending, Processing, Shipped, Completed, Cancelled",
    }
    assert status[lang] in text


def test_no_part_gnumeric_warns_about(templates):
    """Gnumeric warns "Unexpected element 'ignoredErrors'" once per sheet that has one."""
    import zipfile

    path, _ = templates("zh")
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"ignoredErrors" in z.read(n) for n in sheets)


def test_committed_template_is_what_write_book_writes(templates):
    """Regenerate with: python -c "from workbook_tools.template import *; write_book(TEMPLATE_PATH)"."""
    written, _ = templates("zh")
    assert TEMPLATE_PATH.exists(), "templates/order_book_template.xlsx is missing"
    assert written.read_bytes() == TEMPLATE_PATH.read_bytes()
