from pathlib import Path

from workbook_tools.reference import render_markdown
from workbook_tools.schema import SHEETS

DOC = Path(__file__).resolve().parents[1] / "docs" / "fields.md"


def test_field_reference_is_generated_from_the_current_schema():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), "run: python -m workbook_tools.reference > docs/fields.md"


def test_field_reference_names_every_column():
    text = render_markdown()
    for sheet in SHEETS:
        for col in sheet.columns:
            assert f"`{col.key}`" in text and col.zh in text and col.en in text
