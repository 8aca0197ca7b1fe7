"""The nightly job: a dated report folder, pruning of old ones only, one line per file, exit codes.

The stand-in for read + validate runs in the child process of each book too (forked, so it is
there): the tests go through the isolation the real job uses."""

from __future__ import annotations

import importlib.util
import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import workbook_tools.validate.files as files
import workbook_tools.validate.isolated as isolated
from workbook_tools.errors import WorkbookToolsError
from workbook_tools.findings import Finding
from workbook_tools.nightly import prune_reports, run_nightly
from workbook_tools.report import FileResult
from workbook_tools.validate.files import REPORT_MARKER

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 2, 30)
ROOT = Path(__file__).resolve().parents[1]


def fake_validate_file(path: Path, *, config, today, progress=None, read=None) -> FileResult:
    """Stands in for read + validate: the file name says what the book holds."""
    if path.name.startswith("bad"):
        return FileResult(path, error="not a zip file")
    findings = []
    if path.name.startswith("err"):
        findings.append(Finding("unknown-customer", sheet="订单", row=2, column="B", value="C0009", file=str(path)))
    if path.name.startswith(("err", "warn")):
        findings.append(
            Finding(
                "overdue",
                sheet="订单",
                row=3,
                column="E",
                value="SO0000000002",
                params={"expected": "2026-11-01"},
                file=str(path),
            )
        )
    return FileResult(path, findings, rows={"orders": 10})


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(files, "validate_file", fake_validate_file)
    monkeypatch.setattr(isolated, "START_METHOD", "fork")  # the child inherits the stand-in


def listing(folder: Path) -> list[str]:
    """The day's folder as staff see it (the marker file is hidden)."""
    return sorted(p.name for p in folder.iterdir() if p.name != REPORT_MARKER)


def ours(folder: Path) -> Path:
    """A folder as the nightly job makes it: with the marker file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / REPORT_MARKER).write_text("{}\n", encoding="utf-8")
    return folder


def books(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"stand-in")
    return folder


def test_dated_folder_with_summary_and_formats(tmp_path, fake):
    folder = books(tmp_path / "orders", "clean.xlsx", "warn.xlsx", "~$clean.xlsx", "notes.txt")
    result = run_nightly(folder, reports_root=tmp_path / "reports", formats=("json", "html"), today=TODAY, now=NOW)
    assert result.report_dir == tmp_path / "reports" / "2026-11-27"
    assert listing(result.report_dir) == ["summary.json", "validation_report.html", "validation_report.json"]
    assert (result.report_dir / REPORT_MARKER).is_file()
    assert [p.name for p in result.outputs] == ["summary.json", "validation_report.json", "validation_report.html"]
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["2026-11-27"]  # no temporary folder left
    assert result.exit_code == 0
    assert result.lines == [
        f"{folder / 'clean.xlsx'}  10 行，0 个错误，0 个警告",
        f"{folder / 'warn.xlsx'}  10 行，0 个错误，1 个警告",
        "合计：2 个文件，0 个错误，1 个警告，0 个无法读取",
    ]
    summary = json.loads((result.report_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary == {
        "date": "2026-11-27",
        "generated": "2026-11-27T02:30:00",
        "folder": str(folder),
        "exit_code": 0,
        "totals": {"files": 2, "errors": 0, "warnings": 1, "unreadable": 0},
        "files": [
            {
                "path": str(folder / "clean.xlsx"),
                "rows": 10,
                "errors": 0,
                "warnings": 0,
                "error": None,
                "by_code": {},
                "annotated": None,
                "settings": "the defaults",
            },
            {
                "path": str(folder / "warn.xlsx"),
                "rows": 10,
                "errors": 0,
                "warnings": 1,
                "error": None,
                "by_code": {"overdue": 1},
                "annotated": None,
                "settings": "the defaults",
            },
        ],
        "skipped": [],
        "outputs": ["validation_report.json", "validation_report.html"],
        "lines": result.lines,
    }


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (("clean.xlsx",), 0),
        (("clean.xlsx", "warn.xlsx"), 0),
        (("warn.xlsx", "err.xlsx"), 1),
        (("err.xlsx", "bad.xlsx", "clean.xlsx"), 2),
        ((), 0),
    ],
)
def test_exit_codes(tmp_path, fake, names, code):
    folder = books(tmp_path / "orders", *names)
    result = run_nightly(folder, reports_root=tmp_path / "reports", formats=("json",), today=TODAY, now=NOW)
    assert result.exit_code == code
    assert len(result.report.files) == len(names)  # an unreadable book does not stop the others


def test_unreadable_file_line(tmp_path, fake):
    folder = books(tmp_path / "orders", "bad.xlsx", "err.xlsx")
    result = run_nightly(folder, reports_root=tmp_path / "r", formats=(), today=TODAY, now=NOW, lang="en")
    assert result.lines == [
        f"{folder / 'bad.xlsx'}  cannot read: not a zip file",
        f"{folder / 'err.xlsx'}  10 rows, 1 error, 1 warning",
        "Total: 2 files, 1 error, 1 warning, 1 unreadable",
    ]


def test_old_dated_folders_are_pruned_and_nothing_else(tmp_path, fake):
    folder = books(tmp_path / "orders", "clean.xlsx")
    root = tmp_path / "reports"
    keep = ["2026-10-29", "2026-11-26", "2026-12-01", "2026-99-99", "notes", "2026-10-01-manual"]
    gone = ["2026-10-28", "2025-01-01", ".2026-10-01.partial-ab12"]
    staff = ["2026-09-01", "2025-02-02"]  # old and dated, but not made by the nightly job: no marker
    for name in keep + gone:
        ours(root / name)
        (root / name / "validation_report.json").write_text("{}", encoding="utf-8")
    for name in staff:
        (root / name).mkdir(parents=True)
        (root / name / "九月存档.xlsx").write_bytes(b"x")
    outside = tmp_path / "elsewhere"
    ours(outside)
    (outside / "precious.xlsx").write_bytes(b"x")
    (root / "2026-01-01").symlink_to(outside, target_is_directory=True)  # a link is never followed or deleted
    (root / "2026-01-02").write_text("a file named like a date", encoding="utf-8")

    result = run_nightly(folder, reports_root=root, keep_days=30, formats=("json",), today=TODAY, now=NOW)
    assert sorted(p.name for p in result.pruned) == sorted(gone)
    assert sorted(p.name for p in root.iterdir()) == sorted(keep + staff + ["2026-01-01", "2026-01-02", "2026-11-27"])
    assert (outside / "precious.xlsx").exists()
    assert all((root / name / "九月存档.xlsx").exists() for name in staff)


def test_report_folder_is_readable_by_the_office(tmp_path, fake):
    folder = books(tmp_path / "orders", "err.xlsx")
    old = os.umask(0o022)
    try:
        result = run_nightly(folder, reports_root=tmp_path / "r", formats=("json", "xlsx"), today=TODAY, now=NOW)
    finally:
        os.umask(old)
    assert oct(result.report_dir.stat().st_mode & 0o777) == oct(0o755)
    assert {oct(p.stat().st_mode & 0o777) for p in result.report_dir.iterdir()} == {oct(0o644)}


def test_keep_days_counts_today(tmp_path):
    for name in ("2026-11-25", "2026-11-26", "2026-11-27"):
        ours(tmp_path / name)
    assert [p.name for p in prune_reports(tmp_path, keep_days=2, today=TODAY)] == ["2026-11-25"]
    assert [p.name for p in prune_reports(tmp_path, keep_days=1, today=TODAY)] == ["2026-11-26"]
    assert [p.name for p in tmp_path.iterdir()] == ["2026-11-27"]
    with pytest.raises(ValueError):
        run_nightly(tmp_path, reports_root=tmp_path / "r", keep_days=0)


def test_rerun_replaces_the_days_folder_and_reports_inside_the_folder_are_not_validated(tmp_path, fake):
    folder = books(tmp_path / "orders", "err.xlsx")
    root = folder / "reports"
    first = run_nightly(folder, reports_root=root, formats=("json",), today=TODAY, now=NOW)
    (first.report_dir / "stale.txt").write_text("from the first run", encoding="utf-8")
    (root / "2026-11-27" / "old.xlsx").write_bytes(b"an xlsx inside the reports folder")
    second = run_nightly(folder, reports_root=root, formats=("json",), today=TODAY, now=NOW)
    assert [r.path.name for r in second.report.files] == ["err.xlsx"]
    assert listing(second.report_dir) == ["summary.json", "validation_report.json"]
    assert sorted(p.name for p in root.iterdir()) == ["2026-11-27"]


def test_annotated_copies_land_in_the_days_folder(tmp_path):
    """End to end with the real reader: a demo book with one known corruption."""
    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    data = generate_demo(30, seed=1, today=TODAY)
    data["orders"][3]["customer_id"] = "C9999"
    folder = tmp_path / "orders"
    folder.mkdir()
    book = write_book(folder / "订单簿.xlsx", data, today=TODAY)
    before, mtime = book.read_bytes(), os.stat(book).st_mtime_ns
    result = run_nightly(folder, reports_root=tmp_path / "reports", today=TODAY, now=NOW)
    assert result.exit_code == 1
    assert ("unknown-customer", "订单!B5") in [(f.code, f.cell) for f in result.report.findings]
    assert listing(result.report_dir) == [
        "summary.json",
        "validation_report.html",
        "validation_report.json",
        "validation_report.xlsx",
        "订单簿.annotated.xlsx",
    ]
    summary = json.loads((result.report_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"][0]["annotated"] == "订单簿.annotated.xlsx"
    assert book.read_bytes() == before and os.stat(book).st_mtime_ns == mtime


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(WorkbookToolsError, match="not a folder"):
        run_nightly(tmp_path / "nope", reports_root=tmp_path / "r")


def _script():
    spec = importlib.util.spec_from_file_location("nightly_validate", ROOT / "scripts" / "nightly_validate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_script_prints_one_line_per_file_and_exits_with_the_code(tmp_path, fake):
    folder = books(tmp_path / "orders", "err.xlsx", "bad.xlsx", "clean.xlsx")
    result = CliRunner().invoke(
        _script(),
        [
            str(folder),
            "--reports",
            str(tmp_path / "rep"),
            "--keep-days",
            "7",
            "--lang",
            "en",
            "--today",
            "2026-11-27",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"{folder / 'bad.xlsx'}  cannot read: not a zip file",
        f"{folder / 'clean.xlsx'}  10 rows, 0 errors, 0 warnings",
        f"{folder / 'err.xlsx'}  10 rows, 1 error, 1 warning",
        "Total: 3 files, 1 error, 1 warning, 1 unreadable",
    ]  # the script is `orderbook nightly` itself (a thin wrapper)
    assert "\x1b[" not in result.output  # no colours for cron
    assert listing(tmp_path / "rep" / "2026-11-27") == ["summary.json", "validation_report.json"]


def test_script_default_reports_folder_and_bad_folder(tmp_path, fake, monkeypatch):
    """The command's defaults: reports/ in the current folder (the cron line cds into the books' folder)."""
    folder = books(tmp_path / "orders", "clean.xlsx")
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(_script(), [".", "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert listing(folder / "reports" / "2026-11-27") == [
        "summary.json",
        "validation_report.html",
        "validation_report.json",
        "validation_report.xlsx",
    ]
    result = CliRunner().invoke(_script(), [str(tmp_path / "missing")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_books_checked_two_at_a_time_keep_their_order(tmp_path, fake):
    names = [f"{p}{n}.xlsx" for n in range(4) for p in ("err", "warn", "clean")]
    folder = books(tmp_path / "orders", *names)
    result = run_nightly(folder, reports_root=tmp_path / "r", formats=("json",), today=TODAY, now=NOW, jobs=2)
    assert [r.path.name for r in result.report.files] == sorted(names)
    assert result.exit_code == 1
    assert {r.path.name: r.errors for r in result.report.files} == {n: int(n.startswith("err")) for n in names}


def _may_have_children() -> bool:
    """In the isolated child: whether it may start a process of its own (the large book's XML reader)."""
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=int)
    child.start()
    child.join()
    return child.exitcode == 0 and not multiprocessing.current_process().daemon


def test_the_isolated_child_may_start_a_process_of_its_own():
    """validate/prepared.py reads a large book's XML in a second process while the checks run; the
    nightly's child per book is no daemon, so there it does so too instead of reading it in line."""
    assert isolated.call_isolated(_may_have_children) is True
