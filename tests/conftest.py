import os
import shutil
from pathlib import Path

import pytest

# The command line speaks the locale's language (commands/speak.py); the tests expect the same one on
# every machine: C.UTF-8 (English words, UTF-8 files) unless a test sets its own.
for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "data"
#: The real data no one here made: the shared folder beside the repository when it is there, else the
#: copies of the import samples committed in tests/data (Northwind, online retail); the real workbooks
#: saved by other programs are only in the shared folder, and their tests skip without it.
SHARED_DATA = _BESIDE if _BESIDE.is_dir() else Path(__file__).resolve().parent / "data"
needs_real_workbooks = pytest.mark.skipif(
    not (SHARED_DATA / "real-workbooks").is_dir(),
    reason=f"the real workbooks are not at {SHARED_DATA / 'real-workbooks'} "
    "(the shared test data sits beside the repository)",
)

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed; CI installs libreoffice-calc-nogui",
)


#: Test modules that write and rewrite whole books again and again (in-place writes, extend, the report
#: transplant, printing, the nightly's safety runs, snapshots): every test in them is slow.
SLOW_MODULES = {
    "test_summary_into_book",
    "test_extend",
    "test_printing",
    "test_inplace_writes",
    "test_changes",
    "test_nightly_safety",
}


def pytest_addoption(parser):
    parser.addoption(
        "--all",
        action="store_true",
        dest="run_all",
        help="run the slow tests too (LibreOffice, Gnumeric, PostgreSQL, big books): what CI runs",
    )


def pytest_collection_modifyitems(config, items):
    """Plain ``pytest`` is the fast suite; ``pytest --all`` (CI, the README's test command) runs every test."""
    slow = []
    for item in items:
        if item.module.__name__ in SLOW_MODULES or any(
            item.get_closest_marker(m) is not None for m in ("libreoffice", "gnumeric")
        ):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("slow") is not None:
            slow.append(item)
    if slow and not config.getoption("run_all"):
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]


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
