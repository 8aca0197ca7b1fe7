import shutil
from pathlib import Path

import pytest

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "data"
#: The real data no one here made: the shared folder beside the repository when it is there, else the
#: copies of the import samples committed in tests/data (Northwind, online retail); the real workbooks
#: saved by other programs are only in the shared folder, and their tests skip without it.
SHARED_DATA = _BESIDE if _BESIDE.is_dir() else Path(__file__).resolve().parent / "data"
needs_real_workbooks = pytest.mark.skipif(not (SHARED_DATA / "real-workbooks").is_dir(),
                                          reason=f"the real workbooks are not at {SHARED_DATA / 'real-workbooks'} "
                                                 "(the shared test data sits beside the repository)")

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
