"""The fast path that fills formulas down many rows writes exactly the schema's formulas."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from workbook_tools.config import Config
from workbook_tools.derive import BLANK_GUARD, derive
from workbook_tools.formulas import FORMULAS, FormulaContext, formula
from workbook_tools.schema import SHEET_BY_KEY, SHEETS
from workbook_tools.template.dashboard import dashboard_formulas
from workbook_tools.template.fill import PlainFormulaSheet, row_formula

CONTEXTS = [FormulaContext(lang, {s.key: 1 + 5000 + 7 * i for i, s in enumerate(SHEETS)}) for lang in ("zh", "en")]


@pytest.mark.parametrize("ctx", CONTEXTS, ids=["zh", "en"])
def test_row_formula_equals_the_schema_formula_on_every_row(ctx):
    for sheet, key in FORMULAS:
        at = row_formula(ctx, sheet, key)
        for row in (2, 3, 10, 99, 1000, 4321, ctx.last_row[sheet], 1_048_576):
            assert at(row) == formula(ctx, sheet, key, row), (sheet, key, row)


@pytest.fixture(scope="module")
def stock_sheet(tmp_path_factory):
    wb = xlsxwriter.Workbook(str(Path(tmp_path_factory.mktemp("x")) / "x.xlsx"))
    ws = wb.add_worksheet()
    yield ws
    wb.close()


@pytest.mark.parametrize("ctx", CONTEXTS, ids=["zh", "en"])
def test_skipping_xlsxwriters_formula_rewriting_changes_nothing(ctx, stock_sheet):
    """Our formulas hold no function xlsxwriter would prefix with _xlfn. (none newer than Excel 2010)."""
    cell_formulas = [formula(ctx, sheet, key, 2) for sheet, key in FORMULAS]
    cell_formulas += list(dashboard_formulas(ctx, Config()).values())
    plain = PlainFormulaSheet._prepare_formula
    for f in cell_formulas:
        assert plain(stock_sheet, f) == Worksheet._prepare_formula(stock_sheet, f, True) == f[1:], f
    assert "_xlfn." not in " ".join(cell_formulas)


def test_every_formula_starts_with_the_blank_guard_derive_copies():
    assert set(BLANK_GUARD) == set(FORMULAS)
    ctx = CONTEXTS[0]
    for (sheet, key), guard in BLANK_GUARD.items():
        letter = SHEET_BY_KEY[sheet].letter(guard)
        assert formula(ctx, sheet, key, 7).startswith(f'=IF(${letter}7="","",'), (sheet, key)


def test_derive_leaves_rows_without_their_key_blank():
    data = {s.key: [] for s in SHEETS}
    data["products"] = [{"sku": None, "name": "x", "opening_stock": 5, "reorder_point": None}]
    data["orders"] = [{"order_no": "", "customer_id": None, "order_date": None, "status": "pending"}]
    data["order_lines"] = [{"order_no": None, "sku": "P1", "quantity": 2, "unit_price": None, "discount": None}]
    values = derive(data).values
    data["stock_moves"] = [{"date": None, "sku": None, "type": "stocktake", "quantity": 3}]
    values = derive(data).values
    assert values["products"] == {k: [""] for k in ("last_count_date", "on_hand", "above_reorder", "label", "low_seq")}
    assert values["stock_moves"] == {"latest_count": [""], "product_name": [""]}
    assert values["orders"] == {
        k: [""]
        for k in (
            "customer_name",
            "total",
            "paid",
            "balance",
            "payment_status",
            "shipped_on",
            "pay_due",
            "days_overdue",
            "refund_due",
            "allocated",
            "open",
            "alloc_rank",
            "overdue_rank",
        )
    }
    assert values["order_lines"] == {"product_name": [""], "amount": [""], "shipped_qty": [""], "whole_ship_date": [""]}


def test_fit_utf16_keeps_excels_length_limits():
    from workbook_tools.cells import fit_utf16

    assert fit_utf16("订单编号", 32) == "订单编号"
    cut = fit_utf16("很长的说明" * 60, 255)
    assert len(cut) == 255 and cut.endswith("…")
    assert len(fit_utf16("😀" * 40, 32).encode("utf-16-le")) <= 64
