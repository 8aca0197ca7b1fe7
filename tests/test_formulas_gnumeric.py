"""Gnumeric — a third spreadsheet client, one that reads arrays inside SUMPRODUCT by implicit
intersection and rounds binary noise as it finds it — recalculates the book's formulas
(``ssconvert --recalc``), and every derived value must equal Python's, as in LibreOffice
(test_formulas_libreoffice.py): hand-made rows, a small demo book, money on half a cent, the
in-sheet ID checks, rows typed below the prepared ones once extended. The book loads without a
warning."""

from __future__ import annotations

import shutil
from datetime import date

import openpyxl
import pytest
from recalc_cases import KEY_PROBES, fill_template, gap_rows, known_rows, mismatches, misspelt_keys, money_rows, type_in
from test_formulas_libreoffice import ID_CASES

from workbook_tools.gnumeric import recalculate
from workbook_tools.patterns import compile_pattern
from workbook_tools.template import dashboard_cells, write_book
from workbook_tools.template.validation import pattern_check
from workbook_tools.xlsxpkg.extend import extend_book

pytestmark = [
    pytest.mark.skipif(
        shutil.which("ssconvert") is None,
        reason="Gnumeric (ssconvert) is not installed; CI installs it: apt-get install gnumeric",
    ),
    pytest.mark.gnumeric,
    pytest.mark.filterwarnings("ignore:Workbook contains no default style"),  # openpyxl on Gnumeric's files
]

TODAY = date.today()  # Gnumeric's TODAY() when it recalculates


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gnumeric_recalculates_every_derived_column_as_python_does(tmp_path, lang):
    book = write_book(tmp_path / f"known_{lang}.xlsx", None, lang=lang)
    fill_template(book, known_rows(), lang=lang)
    result = recalculate(book, tmp_path / "gnumeric")
    assert result.warnings == []  # no "Unexpected element 'ignoredErrors'" (nor anything else)
    assert mismatches(book, result.path, today=TODAY) == []
    got = openpyxl.load_workbook(result.path, data_only=True)
    products = got["产品" if lang == "zh" else "Products"]
    assert products["J2"].value is not None and products["J4"].value is not None  # the latest stocktakes


@pytest.mark.slow
def test_gnumeric_recalculates_a_small_demo_book_as_python_does(tmp_path):
    """A 60-order demo: every derived cell and dashboard figure, in well under a minute."""
    from workbook_tools.demo import generate_demo

    book = write_book(tmp_path / "demo.xlsx", generate_demo(60, seed=3, today=TODAY), today=TODAY)
    result = recalculate(book, tmp_path / "gnumeric")
    assert result.warnings == []
    assert mismatches(book, result.path, today=TODAY) == []
    assert result.seconds < 60


def test_gnumeric_matches_keys_as_typed_as_libreoffice_does(tmp_path):
    """A key with a trailing space or in full-width letters: Gnumeric misses it as LibreOffice does,
    and computes what validate/cached.py expects of the keys as typed (keys.as_formulas_compare)."""
    book = write_book(tmp_path / "book.xlsx")
    type_in(book, misspelt_keys())
    result = recalculate(book, tmp_path / "gnumeric")
    assert {"订单!C2 customer_name", "订单!H3 total", "产品!K3 on_hand"} <= {
        m.split(":")[0] for m in mismatches(book, result.path, today=TODAY)
    }
    assert mismatches(book, result.path, today=TODAY, as_typed=True) == []


def test_gnumeric_rounds_money_as_python_does(tmp_path):
    book = write_book(tmp_path / "money.xlsx", money_rows(), today=TODAY)
    assert mismatches(book, recalculate(book, tmp_path / "gnumeric").path, today=TODAY) == []


def test_id_pattern_checks_agree_with_validate_in_gnumeric(tmp_path):
    import xlsxwriter

    path = tmp_path / "ids.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("ids")
    rows = [(p, v) for p, values in ID_CASES.items() for v in values]
    for r, (pattern, value) in enumerate(rows):
        ws.write_string(r, 0, value)
        ws.write_formula(r, 1, f"=IFERROR(AND({pattern_check(pattern, f'A{r + 1}')}),FALSE)", None, "")
    wb.close()
    got = openpyxl.load_workbook(recalculate(path, tmp_path / "gnumeric").path, data_only=True)["ids"]
    for r, (pattern, value) in enumerate(rows, start=1):
        assert got.cell(r, 2).value is compile_pattern(pattern).search(value), (pattern, value)


@pytest.mark.slow
def test_rows_typed_below_the_prepared_rows_are_computed_once_extended_in_gnumeric(tmp_path):
    book = write_book(tmp_path / "book.xlsx")
    type_in(book, gap_rows(), probes=KEY_PROBES)
    extend_book(book, today=TODAY)
    result = recalculate(book, tmp_path / "gnumeric")
    assert mismatches(book, result.path, today=TODAY) == []
    got = openpyxl.load_workbook(result.path, data_only=True)
    assert got["产品"]["K2"].value == 99 and got["订单"]["H5003"].value == pytest.approx(322.34)
    dashboard = got["概览"]
    assert dashboard[dashboard_cells()["receivables"]].value == pytest.approx(24.8 + 222.34)
    assert [dashboard[at].value for at in KEY_PROBES] == [5002, "C0002", 1, 1]
