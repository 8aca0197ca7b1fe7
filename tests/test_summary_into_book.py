"""``summary --into-book`` changes the book's package: the 月报 sheet (with its charts, formats and
print settings) is added as the last sheet, and every other part stays byte for byte as it was."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from backups import is_backup_of
from staff_books import (
    COMMENT,
    COMMISSION,
    TODAY,
    VBA,
    assert_staff_work_kept,
    commission,
    macro_book,
    resaved,
    staff_book,
)
from xlsxwriter import Workbook

from workbook_tools.errors import BookLockedError, OutputError
from workbook_tools.lang import Said
from workbook_tools.read import read_book
from workbook_tools.summary.run import run_summary
from workbook_tools.xlsxpkg.package import Package, rels_name
from workbook_tools.xlsxpkg.transplant import content_type, reachable, transplant_sheet

MONTH = "2026-10"
REPORT = "月报 2026-10"
#: The parts the transplant rewrites; every other part of the book is copied as it was.
REWRITTEN = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
REVENUE = "销售额（不含已取消）"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _charts(parts) -> list[str]:
    return sorted(n for n in parts if re.fullmatch(r"xl/charts/chart\d+\.xml", n))


def _check_package(path: Path) -> None:
    """No part that nothing reaches, every relationship's part present, and every part's content type known."""
    with Package(path) as pkg:
        names = {n for n in pkg.names if not n.endswith(".rels") and n != "[Content_Types].xml"}
        reached = reachable(pkg)
        assert names - reached == set(), "orphan parts"
        assert reached <= pkg.names, "relationships to missing parts"
        assert all(content_type(pkg, n) for n in names)
        overrides = re.findall(r'PartName="/([^"]+)"', pkg.text("[Content_Types].xml"))
        assert set(overrides) <= pkg.names, "content-type overrides of missing parts"
        assert len(overrides) == len(set(overrides))


def _report_parts(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return set(after) - set(before)


def _figure_row(ws, label: str) -> int:
    return next(r for r in range(1, 40) if ws.cell(r, 1).value == label)


@pytest.fixture
def book(tmp_path) -> Path:
    return staff_book(tmp_path)


def test_the_report_is_added_and_every_other_part_is_kept_byte_for_byte(book):
    before, sha = _parts(book), _sha(book)
    run = run_summary(book, MONTH, into_book=True, today=TODAY)
    out = book.with_name(f"book.with-summary-{MONTH}.xlsx")  # names.py: not the standalone book.summary-…
    assert run.written == [out] and run.backup is None and run.notes == []
    assert _sha(book) == sha  # the book itself is not touched
    after = _parts(out)
    assert {n for n in before if before[n] != after.get(n)} == REWRITTEN
    added = _report_parts(before, after)
    assert len([n for n in added if n.startswith("xl/worksheets/sheet")]) == 1
    assert len([n for n in added if n.startswith("xl/drawings/drawing")]) == 1
    assert len([n for n in added if n.startswith("xl/charts/chart")]) == 4
    assert len([n for n in added if n.endswith(".rels")]) == 2  # the sheet's and the drawing's
    assert len(added) == 8
    assert b"sharedStrings" not in after["[Content_Types].xml"]  # the report's strings are inline
    _check_package(out)


def test_the_report_sheet_has_the_figures_formats_and_charts(book):
    run = run_summary(book, MONTH, into_book=True, today=TODAY)
    out = run.written[0]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == REPORT and wb.sheetnames[:-1] == openpyxl.load_workbook(book).sheetnames
    ws = wb[REPORT]
    assert ws["A1"].value.startswith("示例商贸有限公司") and "2026年10月" in ws["A1"].value
    assert ws["A1"].font.b and ws["A1"].font.sz == 16 and ws["A1"].font.color.rgb == "FF1F4E78"
    r = _figure_row(ws, REVENUE)
    cell = ws.cell(r, 2)
    assert cell.value == pytest.approx(float(run.summary.figures["revenue"].value))
    assert cell.number_format == "#,##0.00" and cell.font.b and cell.border.left.style == "thin"
    orders = ws.cell(_figure_row(ws, "订单数"), 2)
    assert orders.value == run.summary.figures["orders"].value and orders.number_format == "#,##0"
    header = ws.cell(r - 3, 2)
    assert header.value == "本月" and header.fill.fgColor.rgb == "FFDDEBF7"
    # the book's own formats are as they were: the order date column still shows dates
    orders_ws = wb["订单"]
    assert orders_ws["D2"].number_format == openpyxl.load_workbook(book)["订单"]["D2"].number_format
    # not selected: the book's active tab stays the active one, and only one tab is selected
    assert wb.active.title == wb.sheetnames[0]
    assert [s.title for s in wb.worksheets if s.sheet_view.tabSelected] == [wb.sheetnames[0]]
    # four native charts drawn from the report's own cells, besides the book's own (概览's, the staff's)
    charts = _charts(_parts(out))
    assert len(charts) == len(_charts(_parts(book))) + 4
    refs = " ".join(_parts(out)[c].decode("utf-8") for c in charts)
    assert refs.count(f"'{REPORT}'!") >= 8
    # the reader still sees the same book
    assert read_book(out).data() == read_book(book).data()


def test_what_staff_put_in_the_book_survives(book):
    out = run_summary(book, MONTH, into_book=True, today=TODAY).written[0]
    wb = openpyxl.load_workbook(out)
    assert_staff_work_kept(wb)
    staff = wb["月度目标"]
    assert len(staff._charts) == 1
    # the staff's sheet and its chart are the very same parts
    before, after = _parts(book), _parts(out)
    with Package(book) as pkg:
        part = next(s.part for s in pkg.sheets() if s.name == "月度目标")
        kept = {part} | reachable(pkg, [part])
    assert all(after[n] == before[n] for n in kept | {rels_name(part)})


def test_a_second_run_replaces_the_report_and_leaves_no_orphans(book, tmp_path):
    first = run_summary(book, MONTH, into_book=True, today=TODAY).written[0]
    again = tmp_path / "again.xlsx"
    run = run_summary(first, MONTH, into_book=True, today=TODAY, output=again)
    assert run.notes == [Said(f"工作表 '{REPORT}' 已换成这份月报", f"sheet '{REPORT}' replaced by this summary")]
    one, two = _parts(first), _parts(again)
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames.count(REPORT) == 1 and wb.sheetnames[-1] == REPORT
    assert len(_charts(two)) == len(_charts(_parts(book))) + 4  # the book's own and one report's four
    old, new = set(one) - set(two), set(two) - set(one)
    assert old == _report_parts(_parts(book), one) and len(new) == len(old) == 8
    assert {n for n in one if n in two and one[n] != two[n]} == REWRITTEN - {"xl/styles.xml"}
    assert two["xl/styles.xml"] == one["xl/styles.xml"]  # the same formats: none added again
    assert wb[REPORT].cell(_figure_row(wb[REPORT], REVENUE), 2).value == pytest.approx(
        float(run.summary.figures["revenue"].value)
    )
    _check_package(again)


def test_replacing_a_report_before_other_sheets_shifts_their_names_and_the_active_tab(book, tmp_path):
    first = run_summary(book, MONTH, into_book=True, today=TODAY).written[0]
    wb = openpyxl.load_workbook(first)
    memo = wb.create_sheet("备忘")
    memo["A1"] = "月底对账"
    memo.print_area = "A1:B5"
    wb.active = wb.sheetnames.index("备忘")
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "备忘"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    out = run_summary(edited, MONTH, into_book=True, today=TODAY, output=tmp_path / "out.xlsx").written[0]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-2:] == ["备忘", REPORT] and wb.active.title == "备忘"
    assert wb["备忘"].print_area == "'备忘'!$A$1:$B$5"
    assert [s.title for s in wb.worksheets if s.sheet_view.tabSelected] == ["备忘"]
    _check_package(out)

    # the report was the active tab: the new one is, and is the only selected one
    wb = openpyxl.load_workbook(first)
    wb.active = wb.sheetnames.index(REPORT)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == REPORT
    wb.save(edited)
    out = run_summary(edited, MONTH, into_book=True, today=TODAY, output=tmp_path / "out2.xlsx").written[0]
    wb = openpyxl.load_workbook(out)
    assert wb.active.title == REPORT
    assert [s.title for s in wb.worksheets if s.sheet_view.tabSelected] == [REPORT]


def test_a_calc_chain_naming_the_replaced_report_goes_with_it(book, tmp_path):
    """Excel lists formula cells by sheetId in calcChain.xml; one naming a sheet that is gone makes
    Excel repair the file, so it is dropped (Excel rebuilds it) — one that does not is kept."""
    first = run_summary(book, MONTH, into_book=True, today=TODAY).written[0]
    with Package(first) as pkg:
        report_id = re.search(rf'<sheet name="{REPORT}" sheetId="(\d+)"', pkg.text("xl/workbook.xml"))[1]
    chain = (
        f'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="M2" i="5"/>'
        f'<c r="B9" i="{report_id}"/></calcChain>'
    )

    def add_chain(part, text):
        if part == "xl/_rels/workbook.xml.rels":
            return text.replace(
                "</Relationships>",
                '<Relationship Id="rIdChain" Type="http://schemas.'
                'openxmlformats.org/officeDocument/2006/relationships/calcChain" '
                'Target="calcChain.xml"/></Relationships>',
            )
        return None

    with_chain = _rewritten(first, tmp_path / "chain.xlsx", add_chain)
    with Package(with_chain) as pkg:
        pkg.new["xl/calcChain.xml"] = chain.encode()
        pkg.add_override(
            "xl/calcChain.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
        )
        with open(tmp_path / "chained.xlsx", "wb") as out:
            (getattr(pkg, "write_to", None) or pkg.save)(out)
    out = run_summary(
        tmp_path / "chained.xlsx", MONTH, into_book=True, today=TODAY, output=tmp_path / "out.xlsx"
    ).written[0]
    parts = _parts(out)
    assert "xl/calcChain.xml" not in parts and b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in parts["[Content_Types].xml"]
    _check_package(out)
    # a chain that names no sheet replaced (another month's report is added) is kept as it was
    plain = run_summary(
        tmp_path / "chained.xlsx", "2026-09", into_book=True, today=TODAY, output=tmp_path / "sep.xlsx"
    ).written[0]
    assert _parts(plain)["xl/calcChain.xml"] == chain.encode()


def test_into_the_book_itself_locks_it_and_backs_it_up_first(book):
    original = book.read_bytes()
    lock = book.with_name(f"~${book.name}")
    lock.write_bytes(b"\x04Wang" + b" " * 50)
    with pytest.raises(BookLockedError):
        run_summary(book, MONTH, into_book=True, today=TODAY, output=book)
    assert book.read_bytes() == original and not list(book.parent.glob("*.bak.xlsx"))
    run = run_summary(book, MONTH, into_book=True, today=TODAY, output=book, force=True)
    assert run.written == [book] and run.backup is not None and is_backup_of(run.backup, original)
    assert openpyxl.load_workbook(book, read_only=True).sheetnames[-1] == REPORT
    lock.unlink()
    again = run_summary(book, MONTH, into_book=True, today=TODAY, output=book)
    assert again.backup != run.backup and [str(n) for n in again.notes] == [
        f"sheet '{REPORT}' replaced by this summary"
    ]
    assert openpyxl.load_workbook(book, read_only=True).sheetnames.count(REPORT) == 1
    _check_package(book)


def test_a_macro_book_keeps_its_macros_and_stays_xlsm(tmp_path):
    book = macro_book(staff_book(tmp_path, "src.xlsx"), tmp_path / "book.xlsm")
    before = _parts(book)
    run = run_summary(book, MONTH, into_book=True, today=TODAY)
    out = tmp_path / f"book.with-summary-{MONTH}.xlsm"
    assert run.written == [out]
    after = _parts(out)
    assert after["xl/vbaProject.bin"] == VBA
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert b"vbaProject.bin" in after["xl/_rels/workbook.xml.rels"]
    assert {n for n in before if before[n] != after.get(n)} == REWRITTEN
    assert openpyxl.load_workbook(out, keep_vba=True).sheetnames[-1] == REPORT
    _check_package(out)
    with pytest.raises(OutputError, match=r"\.xlsm"):
        run_summary(book, MONTH, into_book=True, today=TODAY, output=tmp_path / "copy.xlsx")
    assert not (tmp_path / "copy.xlsx").exists()


def test_the_report_is_in_the_books_language_unless_told(tmp_path):
    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    book = write_book(tmp_path / "en.xlsx", generate_demo(20, seed=5, today=TODAY), today=TODAY, lang="en")
    out = run_summary(book, MONTH, into_book=True, today=TODAY).written[0]
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[-1] == "Report 2026-10"
    out = run_summary(book, MONTH, into_book=True, today=TODAY, lang="zh", output=tmp_path / "zh.xlsx").written[0]
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[-1] == REPORT


def _rewritten(book: Path, dest: Path, change) -> Path:
    """``book`` with some parts' text changed by ``change(part, text)`` (None: kept)."""
    with Package(book) as pkg:
        for part in ("xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"):
            text = change(part, pkg.text(part))
            if text is not None:
                pkg.new[part] = text.encode("utf-8")
        with open(dest, "wb") as out:
            (getattr(pkg, "write_to", None) or pkg.save)(out)
    return dest


def test_a_book_whose_xml_uses_a_namespace_prefix(book, tmp_path):
    """The OpenXML SDK (ERP exports) writes ``<x:workbook xmlns:x=…>``: the new entries take the prefix."""
    from workbook_tools.xlsxpkg.package import MAIN
    from workbook_tools.xlsxpkg.transplant import _prefixed

    def prefix(part, text):
        if part == "xl/_rels/workbook.xml.rels":
            return None
        return _prefixed(text.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"'), "x:")

    src = _rewritten(book, tmp_path / "x.xlsx", prefix)
    first = run_summary(src, MONTH, into_book=True, today=TODAY).written[0]
    again = run_summary(first, MONTH, into_book=True, today=TODAY, output=tmp_path / "again.xlsx").written[0]
    for path in (first, again):
        parts = _parts(path)
        assert (
            b"<sheet " not in parts["xl/workbook.xml"]
            and b'<x:sheet name="' + REPORT.encode() in parts["xl/workbook.xml"]
        )
        assert b"<numFmt " not in parts["xl/styles.xml"] and b"<xf " not in parts["xl/styles.xml"]
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames.count(REPORT) == 1
        cell = wb[REPORT].cell(_figure_row(wb[REPORT], REVENUE), 2)
        assert cell.number_format == "#,##0.00" and cell.font.b
        _check_package(path)


def test_a_book_the_transplant_cannot_handle_is_refused_and_nothing_is_written(book, tmp_path):
    def no_styles(part, text):
        if part == "xl/_rels/workbook.xml.rels":
            return re.sub(r"<Relationship [^>]*/styles\"[^>]*/>", "", text)
        return None

    odd = _rewritten(book, tmp_path / "odd.xlsx", no_styles)
    original = odd.read_bytes()
    with pytest.raises(OutputError, match="cannot add the report to this book"):
        run_summary(odd, MONTH, into_book=True, today=TODAY, output=odd, force=True)
    assert odd.read_bytes() == original and not list(tmp_path.glob("odd.*.bak.xlsx"))
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # no temporary file left


def _source(date_cell: date) -> bytes:
    """A one-sheet workbook with what the transplant must carry: a custom number format whose id
    the book uses for another, a rich string, a conditional format (dxf), print area and titles."""
    buf = io.BytesIO()
    wb = Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("外来")
    three = wb.add_format({"num_format": "0.000", "italic": True})
    day = wb.add_format({"num_format": "yyyy/m/d"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    ws.write_string(0, 0, "标题")
    ws.write_rich_string(1, 0, "普通", wb.add_format({"bold": True}), "加粗")
    ws.write_number(2, 0, 1.23456, three)
    ws.write_datetime(3, 0, datetime.combine(date_cell, datetime.min.time()), day)
    ws.write_number(4, 0, -5)
    ws.conditional_format("A5", {"type": "cell", "criteria": "<", "value": 0, "format": red})
    ws.print_area("A1:C10")
    ws.repeat_rows(0)
    wb.close()
    return buf.getvalue()


def test_transplant_carries_strings_formats_names_and_dates_into_a_1904_book(book, tmp_path):
    with Package(book) as pkg:
        text = pkg.text("xl/workbook.xml")
        pkg.new["xl/workbook.xml"] = re.sub(r"<workbookPr\b[^>]*/>", '<workbookPr date1904="1"/>', text).encode()
        with open(tmp_path / "1904.xlsx", "wb") as out:
            (getattr(pkg, "write_to", None) or pkg.save)(out)
    book1904 = tmp_path / "1904.xlsx"
    when = date(2026, 10, 31)
    with Package(book1904) as pkg:
        assert pkg.date1904()
        done = transplant_sheet(pkg, _source(when))
        n = len(pkg.sheets())
        with open(tmp_path / "out.xlsx", "wb") as out:
            (getattr(pkg, "write_to", None) or pkg.save)(out)
    assert done.name == "外来" and done.index == n - 1 and done.replaced is None
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    ws = wb["外来"]
    assert ws["A1"].value == "标题" and "加粗" in str(ws["A2"].value)
    assert ws["A3"].number_format == "0.000" and ws["A3"].font.i and ws["A3"].value == pytest.approx(1.23456)
    assert ws["A4"].number_format == "yyyy/m/d" and ws["A4"].value.date() == when  # read in the 1904 system
    assert wb["订单"]["D2"].number_format == openpyxl.load_workbook(book)["订单"]["D2"].number_format
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert len(rules) == 1 and rules[0].dxf.font.color.rgb == "FF9C0006"
    assert ws.print_area == "'外来'!$A$1:$C$10" and ws.print_title_rows == "$1:$1"
    text = _parts(tmp_path / "out.xlsx")["xl/workbook.xml"].decode("utf-8")
    assert f'localSheetId="{n - 1}"' in text and text.count(f'localSheetId="{n - 1}"') == 2
    _check_package(tmp_path / "out.xlsx")


def _soffice_xlsx(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / (src.stem + ".xlsx")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_opens_the_book_with_the_report(book, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    run = run_summary(book, MONTH, into_book=True, today=TODAY)
    converted = _soffice_xlsx(run.written[0], tmp_path / "lo")
    wb = openpyxl.load_workbook(converted)
    assert wb.sheetnames[-1] == REPORT
    ws = wb[REPORT]
    assert ws.cell(_figure_row(ws, REVENUE), 2).value == pytest.approx(float(run.summary.figures["revenue"].value))
    assert wb["客户"]["B2"].comment.text.strip() == COMMENT and wb["订单"][f"{COMMISSION}2"].value == commission(2)
    assert len(ws._charts) == 4 and len(wb["月度目标"]._charts) == 1


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_book_saved_by_libreoffice_gets_the_report_and_opens_again(book, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    lo_book = resaved(book, tmp_path / "saved")
    before = _parts(lo_book)
    run = run_summary(lo_book, MONTH, into_book=True, today=TODAY)
    after = _parts(run.written[0])
    assert {n for n in before if before[n] != after.get(n)} <= REWRITTEN
    _check_package(run.written[0])
    wb = openpyxl.load_workbook(_soffice_xlsx(run.written[0], tmp_path / "again"))
    ws = wb[REPORT]
    assert ws.cell(_figure_row(ws, REVENUE), 2).value == pytest.approx(float(run.summary.figures["revenue"].value))
    assert ws.cell(_figure_row(ws, REVENUE), 2).number_format == "#,##0.00"
