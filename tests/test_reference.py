import re
from pathlib import Path

import pytest

from workbook_tools.codes import CODES
from workbook_tools.reference import DOCS, render_markdown
from workbook_tools.schema import SHEETS

DOC_DIR = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_generated_docs_are_current(name):
    assert (DOC_DIR / name).read_text(encoding="utf-8") == DOCS[name](), "run: python -m workbook_tools.reference"


def test_field_reference_names_every_column():
    text = render_markdown()
    for sheet in SHEETS:
        for col in sheet.columns:
            assert f"`{col.key}`" in text and col.zh in text and col.en in text


def test_rule_catalogue_in_the_docs_is_the_set_of_codes_in_the_code():
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", (DOC_DIR / "rules.md").read_text(encoding="utf-8"), re.M))
    assert documented == set(CODES)
