"""The nightly job run as a new user would run it, next to everything else the project writes (issue 9).

Our own outputs are skipped by their tag; nothing outside our report folders is deleted or published;
one bad book never stops the night; nothing from a cell or a file name reaches the terminal or the log
as a control character; links in the Excel report survive any file name; reports stay small.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from click.testing import CliRunner

import workbook_tools.validate.files as files
from workbook_tools.cli import cli
from workbook_tools.config import Config
from workbook_tools.demo import generate_demo
from workbook_tools.nightly import run_nightly
from workbook_tools.read.open import open_book
from workbook_tools.read.xlsxparts import read_parts, workbook_member
from workbook_tools.report import FileResult
from workbook_tools.template import write_book
from workbook_tools.validate.files import validate_file

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 2, 30)
ROOT = Path(__file__).resolve().parents[1]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # tab and newline are our layout


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A clean 30-order book (warnings only), and one with an unknown customer at 订单!B5."""
    folder = tmp_path_factory.mktemp("made")
    data = generate_demo(30, seed=3, today=TODAY)
    clean = write_book(folder / "clean.xlsx", data, today=TODAY)
    data["orders"][3]["customer_id"] = "C9999"
    bad = write_book(folder / "bad.xlsx", data, today=TODAY)
    return {"clean": clean, "bad": bad, "data": data}


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def put_cell(src: Path, dst: Path, sheet: str, ref: str, text: str = "stray") -> Path:
    """A copy of ``src`` with one more value, at ``sheet!ref`` (a row after the sheet's last)."""
    row = int(re.fullmatch(r"[A-Z]+(\d+)", ref)[1])
    with zipfile.ZipFile(src) as zin:
        member = read_parts(zin, workbook_member(zin)).sheets[sheet]
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == member:
                    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
                    data = data.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
                zout.writestr(info, data)
    return dst


def _script():
    spec = importlib.util.spec_from_file_location("nightly_validate", ROOT / "scripts" / "nightly_validate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def script(*args):
    return CliRunner().invoke(_script(), [str(a) for a in args], catch_exceptions=False)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# ----------------------------------------------------------------------------- 2. our own files


def our_outputs(folder: Path, made) -> dict[str, str]:
    """Every kind of workbook the project writes, under names no pattern would know: name -> kind."""
    from workbook_tools.customers.write import write_customer_history
    from workbook_tools.formats.annotate import annotate_copy
    from workbook_tools.formats.xlsx_report import write_summary as write_report
    from workbook_tools.importer.rejects import write_rejects_xlsx
    from workbook_tools.report import Report
    from workbook_tools.safe_io import backup
    from workbook_tools.summary import monthly_summary
    from workbook_tools.summary.sheet import write_summary

    book = folder / "订单簿.xlsx"
    result = validate_file(book, config=Config(), today=TODAY)
    write_summary(monthly_summary(made["data"], "2026-10", today=TODAY), folder / "十月.xlsx")
    write_customer_history([], folder / "客户档案.xlsx")
    write_rejects_xlsx([], folder / "导入被拒.xlsx")
    annotate_copy(book, folder / "给老板看.xlsx", result)
    write_report(Report([result]), folder / "检查结果.xlsx")
    saved = backup(book)
    return {
        "十月.xlsx": "summary",
        "客户档案.xlsx": "customers",
        "导入被拒.xlsx": "rejects",
        "给老板看.xlsx": "annotated",
        "检查结果.xlsx": "validation-report",
        saved.name: "backup",
    }


def test_our_own_outputs_are_skipped_by_their_tag_and_the_night_exits_by_the_books_findings(tmp_path, made):
    folder = tmp_path / "orders"
    copy(made["bad"], folder / "订单簿.xlsx")
    outputs = our_outputs(folder, made)
    for _night in (1, 2):  # the second night meets the first night's report folder too
        result = run_nightly(folder, reports_root=folder / "reports", today=TODAY, now=NOW)
        assert result.exit_code == 1, result.lines
        assert [r.path.name for r in result.report.files] == ["订单簿.xlsx"]
        assert result.report.findings and all(f.file.endswith("订单簿.xlsx") for f in result.report.findings)
        assert {s.path.name: (s.reason, s.detail) for s in result.skipped} == {
            name: ("output", kind) for name, kind in outputs.items()
        }
        for name in outputs:  # each listed once
            assert sum(name in line for line in result.lines) == 1
        assert f"{folder / '十月.xlsx'}  跳过：本程序的输出（summary）" in result.lines
        assert result.lines[-1] == f"合计：1 个文件，1 个错误，{result.report.files[0].warnings} 个警告，0 个无法读取"


def test_validate_a_folder_checks_the_book_only(tmp_path, made):
    folder = tmp_path / "orders"
    copy(made["bad"], folder / "订单簿.xlsx")
    outputs = our_outputs(folder, made)
    run_nightly(folder, reports_root=folder / "reports", today=TODAY, now=NOW)  # its reports land inside
    result = CliRunner().invoke(
        cli, ["validate", str(folder), "--today", "2026-11-27", "--format", "json", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "out" / "validation_report.json").read_text(encoding="utf-8"))
    assert [Path(f["path"]).name for f in report["files"]] == ["订单簿.xlsx"]
    # what it passed over is said, once each: our own outputs by their tag, the report folder by its marker
    skipped = {Path(s["path"]).name: (s["reason"], s["detail"]) for s in report["skipped"]}
    assert skipped == {**{name: ("output", kind) for name, kind in outputs.items()}, "2026-11-27": ("reports", None)}
    text = CliRunner().invoke(cli, ["validate", str(folder), "--today", "2026-11-27"]).output
    for name, kind in outputs.items():
        assert sum(name in line for line in text.splitlines()) == 1
        assert f"{folder / name}  跳过：本程序的输出（{kind}）" in text.splitlines()


def test_a_backup_renamed_back_into_service_is_a_book_and_an_unreadable_file_is_reported_once(tmp_path, made):
    from workbook_tools.safe_io import backup
    from workbook_tools.validate.files import find_inputs

    folder = tmp_path / "orders"
    book = copy(made["clean"], folder / "订单簿.xlsx")
    saved = backup(book)
    copy(saved, folder / "订单簿-恢复.xlsx")  # someone put yesterday's backup back to work under a new name
    (folder / "坏.xlsx").write_text("not a workbook", encoding="utf-8")
    found = find_inputs([folder])
    assert [p.name for p in found.books] == ["坏.xlsx", "订单簿-恢复.xlsx", "订单簿.xlsx"]
    assert [(s.path.name, s.detail) for s in found.skipped] == [(saved.name, "backup")]
    result = run_nightly(folder, reports_root=tmp_path / "reports", formats=("json",), today=TODAY, now=NOW)
    assert result.exit_code == 2
    assert sum("坏.xlsx" in line for line in result.lines) == 1
    assert result.report.files[0].error and "not a zip" in result.report.files[0].error


# ----------------------------------------------------------------------- 3. nothing not ours


@pytest.mark.parametrize("where", ["books", "above"])
def test_a_reports_folder_that_is_or_holds_the_books_folder_is_refused_and_nothing_is_deleted(tmp_path, made, where):
    folder = tmp_path / "orders"
    copy(made["clean"], folder / "订单簿.xlsx")
    archive = copy(made["clean"], folder / "2026-09-01" / "九月存档.xlsx")  # the staff's own dated folder
    reports = folder if where == "books" else tmp_path
    result = script(folder, "--reports", reports, "--today", "2026-11-27")
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1 and "reports folder may not be the books folder" in result.output
    assert archive.exists() and sorted(p.name for p in folder.iterdir()) == ["2026-09-01", "订单簿.xlsx"]
    # the orderbook command says the same
    cli_result = CliRunner().invoke(cli, ["nightly", str(folder), "--reports", str(reports)])
    assert cli_result.exit_code == 2 and "reports folder may not be" in cli_result.output
    assert archive.exists()


def test_a_symlink_out_of_the_folder_is_skipped_and_its_target_never_published(tmp_path, made):
    private = copy(made["bad"], tmp_path / "private" / "工资.xlsx")
    private.chmod(0o600)
    folder = tmp_path / "orders"
    copy(made["clean"], folder / "订单簿.xlsx")
    (folder / "链接.xlsx").symlink_to(private)
    (folder / "外面").symlink_to(private.parent, target_is_directory=True)
    result = run_nightly(folder, reports_root=tmp_path / "reports", today=TODAY, now=NOW)
    assert [r.path.name for r in result.report.files] == ["订单簿.xlsx"]
    assert [(s.path.name, s.reason) for s in result.skipped] == [("外面", "link-out"), ("链接.xlsx", "link-out")]
    assert f"{folder / '链接.xlsx'}  跳过：指向文件夹以外的链接（{private}）" in result.lines
    published = " ".join(p.name for p in result.report_dir.iterdir())
    assert "annotated" not in published and "工资" not in published and "链接" not in published
    assert "C9999" not in (result.report_dir / "validation_report.json").read_text(encoding="utf-8")


def test_annotated_copies_and_reports_are_never_readable_by_more_people_than_the_book(tmp_path, made):
    folder = tmp_path / "orders"
    book = copy(made["bad"], folder / "订单簿.xlsx")
    book.chmod(0o600)
    old = os.umask(0o022)
    try:
        result = run_nightly(folder, reports_root=tmp_path / "reports", today=TODAY, now=NOW)
    finally:
        os.umask(old)
    names = {p.name: oct(p.stat().st_mode & 0o777) for p in result.report_dir.iterdir()}
    assert "订单簿.annotated.xlsx" in names
    assert set(names.values()) == {oct(0o600)}, names
    assert oct(result.report_dir.stat().st_mode & 0o777) == oct(0o700)


# --------------------------------------------------------------------- 4. one bad book, one line


def _capped(limit_mb: int):
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))

    return cap


@pytest.mark.parametrize(("sheet", "ref"), [("客户", "XFD1048576"), ("订单", "XFD5000")])
def test_one_value_far_out_is_read_within_bounds_with_the_findings_of_the_book(tmp_path, made, sheet, ref):
    far = put_cell(made["bad"], tmp_path / "far.xlsx", sheet, ref)
    outs = {}
    for name, path in (("book", made["bad"]), ("far", far)):
        start = time.monotonic()
        # a fresh process with 2 GB: a reader that allocates the whole used range aborts (exit 134)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "workbook_tools.cli",
                "validate",
                str(path),
                "--today",
                "2026-11-27",
                "--format",
                "json",
                "--out",
                str(tmp_path / name),
            ],
            capture_output=True,
            text=True,
            preexec_fn=_capped(2048),
            timeout=120,
        )
        assert done.returncode == 1, (name, done.returncode, done.stderr[-500:])
        assert time.monotonic() - start < 30
        report = json.loads((tmp_path / name / "validation_report.json").read_text(encoding="utf-8"))
        outs[name] = [(f["cell"], f["code"]) for f in report["files"][0]["findings"]]
    assert outs["far"] == outs["book"] and ("订单!B5", "unknown-customer") in outs["far"]


def test_a_book_over_its_memory_limit_is_one_line_and_the_others_are_checked(tmp_path, made):
    from workbook_tools.validate.isolated import Bounds

    folder = tmp_path / "orders"
    copy(made["clean"], folder / "a-good.xlsx")
    put_cell(made["clean"], folder / "b-far.xlsx", "订单", "A1048576")  # a million rows to allocate
    copy(made["clean"], folder / "c-good.xlsx")
    result = run_nightly(
        folder,
        reports_root=tmp_path / "reports",
        formats=("json",),
        today=TODAY,
        now=NOW,
        bounds=Bounds(memory_mb=512, timeout=120),
    )
    errors = {r.path.name: r.error for r in result.report.files}
    assert errors["a-good.xlsx"] is None and errors["c-good.xlsx"] is None
    far = next(r for r in result.report.files if r.path.name == "b-far.xlsx")
    assert errors["b-far.xlsx"].startswith("over the memory limit (512 MB): not checked")
    assert far.error_text("zh").startswith("超出内存上限（512 MB），未能检查")
    assert result.exit_code == 2 and len(result.lines) == 4


def _greedy(path, *, config, today, progress=None, read=None):
    """Stand-ins for books that break a reader in each way a child can end."""
    how = path.stem
    if how == "memory":
        return bytearray(8 << 30)  # MemoryError under the cap
    if how == "abort":
        os.abort()  # what Rust does when an allocation fails
    if how == "slow":
        time.sleep(60)
    if how == "bug":
        raise KeyError("boom")
    return FileResult(path, rows={"orders": 1})


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("memory", "over the memory limit"),
        ("abort", "over the memory limit"),
        ("slow", "timed out after 2 s"),
        ("bug", "crashed (KeyError: 'boom')"),
    ],
)
def test_each_way_a_child_can_end_is_one_line(tmp_path, monkeypatch, name, words):
    import workbook_tools.validate.isolated as isolated
    from workbook_tools.validate.isolated import Bounds

    monkeypatch.setattr(files, "validate_file", _greedy)
    monkeypatch.setattr(isolated, "START_METHOD", "fork")
    folder = tmp_path / "orders"
    folder.mkdir()
    for n in (name, "zz-fine"):
        (folder / f"{n}.xlsx").write_bytes(b"stand-in")
    result = run_nightly(
        folder,
        reports_root=tmp_path / "reports",
        formats=(),
        today=TODAY,
        now=NOW,
        lang="en",
        bounds=Bounds(memory_mb=1024, timeout=2),
    )
    assert [r.error for r in result.report.files][1] is None
    assert words in result.report.files[0].error and "\n" not in result.report.files[0].error
    assert result.exit_code == 2


def test_our_250000_order_book_fits_the_default_limits(tmp_path, made):
    """The real book is 1.35 GB of XML with a 1,002,748-row status log; here, the same in miniature."""
    config = Config()
    # a value on row 1,000,002 of 状态记录 (as many rows as that book's status log) is read, not refused
    long_log = put_cell(made["clean"], tmp_path / "long.xlsx", "状态记录", "A1000002", "SO0000000001")
    assert validate_file(long_log, config=config, today=TODAY).error is None
    assert config.limits.max_rows >= 1_048_576
    from workbook_tools.read.open import MAX_RATIO

    # a book of our schema with every sheet full to Excel's last row inflates within the ceiling
    with zipfile.ZipFile(made["clean"]) as z:
        sheets = read_parts(z, workbook_member(z)).sheets
        per_row = 0
        for name in ("客户", "产品", "订单", "订单明细", "状态记录", "发货", "付款", "库存变动"):
            xml = z.read(sheets[name])
            per_row += len(xml) / xml.count(b"<row ")
            assert z.getinfo(sheets[name]).file_size < MAX_RATIO * z.getinfo(sheets[name]).compress_size
    assert per_row * 1_048_576 < config.limits.max_uncompressed_mb << 20


def test_a_part_that_inflates_like_a_bomb_is_refused(tmp_path, made):
    from workbook_tools.errors import BookReadError

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(made["clean"]) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/media/padding.bin", b"\0" * (24 << 20))
    with pytest.raises(BookReadError, match="zip bomb"), open_book(bomb, Config()):
        pass


def test_the_folder_of_the_issue_good_book_checked_the_others_named(tmp_path, made):
    """A symlink out, a FIFO, a locked book, a book with a value in XFD1048576 and a good book."""
    from msoffcrypto.format.ooxml import OOXMLFile

    from workbook_tools.safe_io import locked

    folder = tmp_path / "orders"
    good = copy(made["clean"], folder / "好.xlsx")
    (folder / "~$好.xlsx").write_bytes(b"\x05someone")  # open in Excel
    put_cell(made["clean"], folder / "远.xlsx", "客户", "XFD1048576")
    with open(made["clean"], "rb") as src, open(folder / "锁.xlsx", "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)  # locked with a password
    (folder / "外.xlsx").symlink_to(copy(made["bad"], tmp_path / "elsewhere" / "外.xlsx"))
    os.mkfifo(folder / "管道.xlsx")
    with locked(good, force=True):  # an orderbook command is writing it right now
        result = script(folder, "--reports", tmp_path / "reports", "--today", "2026-11-27")
    lines = result.output.splitlines()
    assert result.exit_code == 2, result.output
    assert any(line.startswith(f"{good}  ") and "0 个错误" in line for line in lines)
    assert any(line.startswith(f"{folder / '远.xlsx'}  ") and "0 个错误" in line for line in lines)
    assert any(line.startswith(f"{folder / '锁.xlsx'}  无法读取") and "密码保护" in line for line in lines)
    assert f"{folder / '外.xlsx'}  跳过：指向文件夹以外的链接（{tmp_path / 'elsewhere' / '外.xlsx'}）" in lines
    assert f"{folder / '管道.xlsx'}  跳过：不是普通文件（FIFO）" in lines
    assert not any("~$" in line for line in lines)


# --------------------------------------------------------------------------- 6. inert output


def test_control_characters_from_cells_and_file_names_are_shown_escaped(tmp_path, made):
    data = generate_demo(30, seed=3, today=TODAY)
    data["orders"][3]["customer_id"] = "C\x1b]0;owned\x07\x1b[2J\u202e9"
    folder = tmp_path / "orders"
    folder.mkdir()
    book = write_book(folder / "a\n0 个错误.xlsx", data, today=TODAY)
    result = script(
        folder,
        "--reports",
        tmp_path / "reports",
        "--today",
        "2026-11-27",
        "--format",
        "text",
        "--format",
        "html",
        "--format",
        "json",
    )
    assert result.exit_code == 1
    assert not RAW.search(result.output)
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f'"{folder}/a\\n0 个错误.xlsx"  ')  # quoted, not a line of its own
    day = tmp_path / "reports" / "2026-11-27"
    for name in ("validation_report.txt", "validation_report.html"):
        text = (day / name).read_text(encoding="utf-8")
        assert not RAW.search(text), name
        assert "C\\x1b]0;owned\\x07\\x1b[2J\\u202e9" in text
    # the terminal report of `orderbook validate` too
    shown = CliRunner().invoke(cli, ["validate", str(book), "--today", "2026-11-27"])
    assert shown.exit_code == 1 and not RAW.search(shown.output) and "\\x1b]0;owned" in shown.output


def test_links_in_the_excel_report_work_for_names_with_hash_space_chinese_and_percent(tmp_path, made):
    name = "订单 #1 100%ab.xlsx"
    folder = tmp_path / "orders"
    copy(made["bad"], folder / name)
    result = run_nightly(folder, reports_root=tmp_path / "reports", formats=("xlsx",), today=TODAY, now=NOW)
    copy_name = "订单 #1 100%ab.annotated.xlsx"
    assert (result.report_dir / copy_name).exists()
    wb = openpyxl.load_workbook(result.report_dir / "validation_report.xlsx")
    links = [c.hyperlink for row in wb.worksheets[0].iter_rows() for c in row if c.hyperlink]
    assert links and {unquote(link.target) for link in links} == {copy_name}
    assert "'订单'!B5" in {link.location for link in links}
    summary_links = [c.hyperlink for row in wb.worksheets[1].iter_rows() for c in row if c.hyperlink]
    assert [unquote(link.target) for link in summary_links] == [copy_name]


# -------------------------------------------------------------------------- 8. small reports


def test_reports_for_small_books_stay_small(tmp_path, made):
    folder = tmp_path / "orders"
    for n in range(10):
        copy(made["clean"], folder / f"分店{n}.xlsx")  # warnings only, as our demo books have
    result = run_nightly(folder, reports_root=tmp_path / "reports", today=TODAY, now=NOW)
    assert result.report.files[0].warnings and not result.report.files[0].errors
    assert not [p for p in result.report_dir.iterdir() if "annotated" in p.name]
    assert size_of(result.report_dir) < 10 * 100_000  # 50 MB for 500 books


def test_inert_text_and_quoted_file_names():
    from workbook_tools.formats.text import inert, shown_path

    assert inert("a\x1b]0;t\x07b\tc\nd\x9be\u202ef\u2028") == "a\\x1b]0;t\\x07b\\tc\\nd\\x9be\\u202ef\\u2028"
    assert inert("订单\u3000编号 ①") == "订单\u3000编号 ①"  # Chinese text and its full-width space stay as typed
    assert shown_path(Path("/srv/订单 簿.xlsx")) == "/srv/订单 簿.xlsx"
    assert shown_path(Path('/srv/a"\n\\b.xlsx')) == '"/srv/a\\"\\n\\\\b.xlsx"'
    assert shown_path(os.fsdecode(b"/srv/\xff.xlsx")) == '"/srv/\\udcff.xlsx"'  # not UTF-8: printable, not a crash
