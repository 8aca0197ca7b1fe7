import shutil
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed; CI installs libreoffice-calc-nogui",
)


def cells_match(actual: list, expected: list, rel: float = 1e-6, abs_: float = 1e-9) -> bool:
    """Spreadsheet values against Python's: numbers within rounding, anything else (text, dates) exactly.
    (pytest.approx refuses sequences holding dates.)"""
    import math

    if len(actual) != len(expected):
        return False
    for a, e in zip(actual, expected):
        numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, e))
        if numbers and not math.isclose(a, e, rel_tol=rel, abs_tol=abs_):
            return False
        if not numbers and a != e:
            return False
    return True


@pytest.fixture(scope="session")
def book_20000(tmp_path_factory) -> Path:
    """A 20,000-order demo book, written once per run (copy it before changing it)."""
    from datetime import date

    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    path = tmp_path_factory.mktemp("book20000") / "book.xlsx"
    return write_book(path, generate_demo(20_000, seed=2, today=date(2026, 11, 27)), today=date(2026, 11, 27))
