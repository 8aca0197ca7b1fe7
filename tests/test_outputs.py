"""No overwrite without consent (issue 8, part 3). Every workbook we write is tagged
``orderbook:kind``; a command replaces an existing file silently only when it is its own earlier
output of the same kind. An order book, an input, or a file we did not write is refused with one
line and exit 2 unless --force (then backed up first); a device, FIFO or folder is never replaced;
validate picks another name instead."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from backups import is_backup_of
from click.testing import CliRunner

from workbook_tools.cli import cli
from workbook_tools.demo import generate_demo
from workbook_tools.errors import OutputExistsError
from workbook_tools.outputs import check_output, looks_like_book, read_tag, why_not_replace
from workbook_tools.template import write_book

TODAY = date(2026, 11, 20)
DAY = TODAY.isoformat()


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    data = generate_demo(30, seed=1, today=TODAY)
    data["customers"][0]["phone"] = "12345"  # one finding, so validate makes an annotated copy
    return write_book(tmp_path_factory.mktemp("demo") / "demo.xlsx", data, today=TODAY)


@pytest.fixture
def books(demo_file, tmp_path):
    """(src, book): two order books in tmp_path; commands read src and are pointed at book."""
    src, book = tmp_path / "src.xlsx", tmp_path / "book.xlsx"
    shutil.copyfile(demo_file, src)
    shutil.copyfile(demo_file, book)
    return src, book


def someones_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "客户回访记录"
    wb.save(path)
    return path


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.*.bak{path.suffix}"))


# ------------------------------------------------------------------------------------------ tags


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_every_kind_of_output_carries_its_tag(books, tmp_path):
    src, _ = books
    assert run("template", "-o", tmp_path / "t.xlsx").exit_code == 0
    assert run("demo", "--orders", 10, "--today", DAY, "-o", tmp_path / "d.xlsx").exit_code == 0
    assert run("summary", src, "--month", "2026-10", "--today", DAY, "-o", tmp_path / "s.xlsx").exit_code == 0
    assert run("reconcile", src, "--today", DAY, "-o", tmp_path / "r.xlsx").exit_code in (0, 1)
    assert run("customers", src, "--today", DAY, "-o", tmp_path / "c.xlsx").exit_code == 0
    assert run("validate", src, "--format", "xlsx", "--out", tmp_path / "v", "--today", DAY).exit_code in (0, 1)
    csv = tmp_path / "in.csv"
    csv.write_text("客户编号,客户名称,手机,详细地址\nC0901,甲,12345,某路\n", encoding="utf-8")
    assert run("import", csv, "--into", tmp_path / "i.xlsx", "--today", DAY).exit_code == 1
    assert run("summary", src, "--month", "2026-10", "--today", DAY, "--into-book").exit_code == 0
    assert {
        name: read_tag(tmp_path / name)
        for name in (
            "t.xlsx",
            "d.xlsx",
            "d.summary-2026-10.xlsx",
            "s.xlsx",
            "r.xlsx",
            "c.xlsx",
            "v/validation_report.xlsx",
            "i.rejects.xlsx",
            "src.with-summary-2026-10.xlsx",
        )
    } == {
        "t.xlsx": "book",
        "d.xlsx": "book",
        "d.summary-2026-10.xlsx": "summary",
        "s.xlsx": "summary",
        "r.xlsx": "reconcile",
        "c.xlsx": "customers",
        "v/validation_report.xlsx": "validation-report",
        "i.rejects.xlsx": "rejects",
        "src.with-summary-2026-10.xlsx": "book",
    }


def test_read_tag_is_none_for_anything_untagged_and_never_raises(tmp_path):
    (tmp_path / "text.xlsx").write_text("not a zip")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with zipfile.ZipFile(tmp_path / "bare.zip", "w") as z:
        z.writestr("a.txt", "x")
    with zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as z:
        z.writestr("docProps/custom.xml", "<Properties><property name='orderbook:kind'>")
    (tmp_path / "folder.xlsx").mkdir()
    os.mkfifo(tmp_path / "fifo.xlsx")  # opening it would block: read_tag must not
    someones_workbook(tmp_path / "someone.xlsx")
    names = ["text.xlsx", "empty.xlsx", "bare.zip", "bad.xlsx", "folder.xlsx", "fifo.xlsx", "someone.xlsx", "missing"]
    assert [read_tag(tmp_path / n) for n in names] == [None] * len(names)


def untagged(src: Path, dst: Path) -> Path:
    """A copy of the workbook without its custom properties: a book made before tags, or by Excel."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "docProps/custom.xml":
                zout.writestr(item, zin.read(item))
    return dst


def test_an_order_book_is_known_by_its_sheets_even_without_a_tag(demo_file, tmp_path):
    untagged(demo_file, tmp_path / "saved.xlsx")
    assert read_tag(tmp_path / "saved.xlsx") is None and looks_like_book(tmp_path / "saved.xlsx")
    assert why_not_replace(tmp_path / "saved.xlsx", "summary") == "book"
    assert not looks_like_book(someones_workbook(tmp_path / "notes.xlsx"))
    assert not looks_like_book(tmp_path / "missing.xlsx")


# ------------------------------------------------------------------------------------ refusals


def _cases(src: Path, book: Path, tmp: Path) -> dict[str, list]:
    month = ["--month", "2026-10", "--today", DAY]
    return {
        "template -o BOOK": ["template", "-o", book],
        "demo -o BOOK": ["demo", "--orders", 10, "--today", DAY, "-o", book],
        "summary BOOK -o BOOK": ["summary", book, *month, "-o", book],
        "summary -o another book": ["summary", src, *month, "-o", book],
        "summary --json BOOK": ["summary", src, *month, "-o", tmp / "s.xlsx", "--json", book],
        "summary --into-book -o BOOK": ["summary", book, *month, "--into-book", "-o", book],
        "summary --into-book -o another book": ["summary", src, *month, "--into-book", "-o", book],
        "customers BOOK -o BOOK": ["customers", book, "-o", book],
        "reconcile -o another book": ["reconcile", src, "-o", book],
        "merge -o an existing book": ["merge", src, tmp / "src2.xlsx", "-o", book],
        "merge -o one of the books": ["merge", book, src, "-o", book],
        "regenerate -o another book": ["regenerate", src, "-o", book],
    }


CASES = list(_cases(Path("s"), Path("b"), Path("t")))


@pytest.mark.parametrize("case", CASES)
def test_an_existing_book_is_not_replaced_without_force(books, tmp_path, case):
    src, book = books
    shutil.copyfile(src, tmp_path / "src2.xlsx")
    before = book.read_bytes()
    names = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(
        cli,
        [str(a) for a in _cases(src, book, tmp_path)[case]],
        env={"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
    )
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith(f"orderbook: {book}: ")
    # an English locale: the line is English only (tests/test_messages_lang.py has the Chinese)
    assert (
        "不会被覆盖" not in result.output and ": not replaced; choose another output file, or --force" in result.output
    )
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith("orderbook-lock")) == names


@pytest.mark.parametrize(
    "case",
    [
        "template -o BOOK",
        "customers BOOK -o BOOK",
        "summary --into-book -o BOOK",
        "merge -o one of the books",
        "regenerate -o another book",
        "summary --json BOOK",
    ],
)
def test_force_backs_the_book_up_first_and_says_so(books, tmp_path, case):
    src, book = books
    shutil.copyfile(src, tmp_path / "src2.xlsx")
    before = book.read_bytes()
    result = run(*_cases(src, book, tmp_path)[case], "--force")
    assert result.exit_code in (0, 1), result.output
    saved = backups_of(book)
    assert len(saved) == 1 and is_backup_of(saved[0], before)  # one backup, even where the library makes it
    assert str(saved[0]) in result.output
    assert book.read_bytes() != before


def test_an_input_is_not_replaced_even_when_it_is_no_book(books, tmp_path):
    src, _ = books
    statement = tmp_path / "bank.csv"
    statement.write_text("交易日期,收入金额\n", encoding="utf-8")
    result = run("reconcile", src, "--bank-statement", statement, "-o", statement)
    assert result.exit_code == 2 and "is an input of this command" in result.output
    assert statement.read_text(encoding="utf-8") == "交易日期,收入金额\n"


def test_reconcile_over_the_book_itself_names_it_so(books):
    src, _ = books
    result = run("reconcile", src, "-o", src)
    assert result.exit_code == 2 and "is the order book itself, an input of this command" in result.output


@pytest.mark.parametrize(
    "kind, args",
    [
        ("summary", ["summary", "{src}", "--month", "2026-10", "--today", DAY, "-o", "{out}"]),
        ("reconcile", ["reconcile", "{src}", "--today", DAY, "-o", "{out}"]),
        ("customers", ["customers", "{src}", "--today", DAY, "-o", "{out}"]),
    ],
)
def test_a_command_replaces_its_own_earlier_output_silently_but_not_someone_elses(books, tmp_path, kind, args):
    src, _ = books
    out = tmp_path / "out.xlsx"
    argv = [a.format(src=src, out=out) for a in args]
    assert run(*argv).exit_code in (0, 1)
    first = out.read_bytes()
    out.write_bytes(first)  # as last month's run left it
    result = run(*argv)
    assert result.exit_code in (0, 1), result.output
    assert read_tag(out) == kind and not backups_of(out)
    someones_workbook(out)
    before = out.read_bytes()
    result = run(*argv)
    assert (
        result.exit_code == 2 and "already exists and is not a" in result.output and "orderbook wrote" in result.output
    )
    assert out.read_bytes() == before


def test_another_kind_of_our_output_is_not_replaced_either(books, tmp_path):
    src, _ = books
    out = tmp_path / "out.xlsx"
    assert run("customers", src, "--today", DAY, "-o", out).exit_code == 0
    result = run("summary", src, "--month", "2026-10", "--today", DAY, "-o", out)
    assert result.exit_code == 2 and "is not a monthly summary orderbook wrote" in result.output
    assert read_tag(out) == "customers"


def test_summary_json_replaces_its_own_json_only(books, tmp_path):
    src, _ = books
    js = tmp_path / "s.json"
    args = ["summary", src, "--month", "2026-10", "--today", DAY, "-o", tmp_path / "s.xlsx", "--json", js]
    assert run(*args).exit_code == 0
    assert run(*args).exit_code == 0  # the second run replaces the first's JSON (and workbook)
    notes = "客户回访：下周再联系\n"
    js.write_text(notes, encoding="utf-8")
    result = run(*args)
    assert result.exit_code == 2 and f"orderbook: {js}: " in result.output and js.read_text(encoding="utf-8") == notes
    result = run(*args[:-1], tmp_path / "s.xlsx")
    assert result.exit_code == 2 and "names the output workbook" in result.output


# ------------------------------------------------------------------------- not regular files


@pytest.mark.skipif(
    not os.path.exists("/dev/null") or not os.access("/dev", os.W_OK),
    reason="needs /dev/null and a /dev we could (wrongly) write in, as root",
)
@pytest.mark.parametrize("force", [False, True])
def test_dev_null_is_never_replaced(books, force):
    src, _ = books
    for args in (
        ["template", "-o", "/dev/null"],
        ["customers", src, "-o", "/dev/null"],
        ["summary", src, "--month", "2026-10", "--today", DAY, "-o", "/dev/null"],
    ):
        result = run(*args, *(["--force"] if force else []))
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
        assert "not a regular file (a device); it is never replaced" in result.output
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [n for n in os.listdir("/dev") if n.startswith(".null.")]  # no temp or lock file there


@pytest.mark.parametrize("force", [False, True])
def test_a_fifo_is_never_opened_nor_replaced(books, tmp_path, force):
    src, _ = books
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    for args in (
        ["customers", src, "-o", fifo],
        ["template", "-o", fifo],
        ["summary", src, "--month", "2026-10", "--today", DAY, "-o", tmp_path / "s.xlsx", "--json", fifo],
    ):
        child = subprocess.run(
            [sys.executable, "-m", "workbook_tools.cli", *map(str, args), *(["--force"] if force else [])],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert child.returncode == 2 and child.stderr.count("\n") == 1, child.stderr
        assert "not a regular file (a FIFO); it is never replaced" in child.stderr
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused_even_with_force(tmp_path):
    (tmp_path / "out.xlsx").mkdir()  # (the commands' click options refuse folders themselves)
    with pytest.raises(OutputExistsError, match=r"not a regular file \(a folder\); it is never replaced"):
        check_output(tmp_path / "out.xlsx", "summary", force=True)


def test_check_output_api(tmp_path):
    book = write_book(tmp_path / "b.xlsx", today=TODAY)
    with pytest.raises(OutputExistsError, match="is an order book"):
        check_output(book, "summary")
    assert check_output(tmp_path / "new.xlsx", "summary") is None
    saved = check_output(book, "summary", force=True)
    assert saved is not None and is_backup_of(saved, book)


# ----------------------------------------------------------------------------------- validate


def test_validate_xlsx_never_writes_over_a_staff_book_named_like_its_outputs(books, tmp_path):
    """`validate . --format xlsx` used to overwrite a.annotated.xlsx, a book staff were working in."""
    src, _ = books
    folder = tmp_path / "books"
    folder.mkdir()
    a = folder / "a.xlsx"
    shutil.copyfile(src, a)
    staff = folder / "a.annotated.xlsx"
    shutil.copyfile(write_book(tmp_path / "plain.xlsx", today=TODAY), staff)  # a book staff fill in
    report = someones_workbook(folder / "validation_report.xlsx")
    notes = folder / "validation_report.json"
    notes.write_text("not ours\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (staff, report, notes)}
    result = run("validate", a, "--format", "xlsx", "--format", "json", "--out", folder, "--today", DAY)
    assert result.exit_code in (0, 1), result.output
    assert {p: p.read_bytes() for p in before} == before
    written = {folder / "validation_report-2.xlsx", folder / "a-2.annotated.xlsx", folder / "validation_report-2.json"}
    assert all(f"已写入 {p}" in result.output for p in written) and all(p.exists() for p in written)
    links = openpyxl.load_workbook(folder / "validation_report-2.xlsx").worksheets[0]
    assert any(
        c.hyperlink is not None and c.hyperlink.target and c.hyperlink.target.startswith("a-2.annotated.xlsx")
        for row in links.iter_rows()
        for c in row
    )
    # validation_report-2.xlsx is ours now: the next run writes over it
    result = run("validate", a, "--format", "xlsx", "--out", folder, "--today", DAY)
    assert f"已写入 {folder / 'validation_report-2.xlsx'}" in result.output
