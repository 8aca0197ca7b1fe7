"""The schema is consistent with itself and with the formulas and Python twins derived from it."""

from workbook_tools.choices import choice_lists
from workbook_tools.config import Config
from workbook_tools.derive import derive
from workbook_tools.formulas import FORMULAS
from workbook_tools.schema import SHEETS, T, resolve_ref


def test_every_sheet_has_unique_headers_in_both_languages():
    for sheet in SHEETS:
        for lang in ("zh", "en"):
            headers = [c.header(lang) for c in sheet.columns]
            assert len(set(headers)) == len(headers), (sheet.key, lang)
    assert len({s.zh for s in SHEETS}) == len({s.en for s in SHEETS}) == len(SHEETS)


def test_every_derived_column_has_a_formula_and_a_python_twin():
    derived = {(s.key, c.key) for s in SHEETS for c in s.derived}
    assert derived == set(FORMULAS)
    empty = derive({s.key: [] for s in SHEETS})
    assert {(s, k) for s, cols in empty.values.items() for k in cols} == derived


def test_choice_columns_name_existing_lists_and_refs_point_at_unique_keys():
    lists = choice_lists(Config())
    for sheet in SHEETS:
        for col in sheet.columns:
            assert (col.type == T.CHOICE) == (col.choices is not None), (sheet.key, col.key)
            if col.choices:
                assert col.choices in lists
            if col.ref:
                _, target = resolve_ref(col.ref)
                assert target.unique and target.required


def test_id_like_columns_are_text():
    for sheet, key in [
        ("customers", "phone"),
        ("orders", "order_no"),
        ("shipments", "tracking_no"),
        ("customers", "tax_id"),
        ("payments", "reference"),
    ]:
        col = next(s for s in SHEETS if s.key == sheet).column(key)
        assert col.number_format == "@"
