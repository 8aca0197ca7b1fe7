"""The Excel report: annotated copies (both engines give the same copy) and validation_report.xlsx:
errors first, rules by name with the code in a small last column, when and on what the check ran,
fixes go into the original; A4 landscape, rows as tall as their wrapped text."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import needs_soffice
from formats_sample import SCRIPT, report, write_book

from workbook_tools.formats import annotate, ooxml, write_xlsx
from workbook_tools.formats.annotate import annotate_copy
from workbook_tools.outputs import read_tag
from workbook_tools.report import FileResult, Report

RED, YELLOW = "FFFFC7CE", "FFFFEB9C"

B2_COMMENT = (
    "【错误·客户不存在】客户编号“C0009”不在客户表中\n处理建议：先在客户表登记该客户，或改正编号。\n\n"
    "【警告·逾期未发货】订单“SO0000000001”交货日期 2026-11-01 已过，仍未发货\n处理建议：尽快发货或与客户协商新的交货日期。"
)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "orders.xlsx")


def filled(ws) -> dict[str, str]:
    return {c.coordinate: c.fill.fgColor.rgb for row in ws.iter_rows() for c in row if c.fill.fill_type == "solid"}


@pytest.mark.parametrize("engine", ["ooxml", "openpyxl"])
def test_annotated_copy_fills_and_comments_exactly_the_flagged_cells(tmp_path, book, engine):
    before, mtime = book.read_bytes(), os.stat(book).st_mtime_ns
    paths = write_xlsx(report(book), tmp_path / "out", "zh", engine=engine)
    assert [p.name for p in paths] == ["validation_report.xlsx", "orders.annotated.xlsx"]
    assert book.read_bytes() == before and os.stat(book).st_mtime_ns == mtime  # the input is never touched

    wb = openpyxl.load_workbook(paths[1])
    assert wb.sheetnames == ["问题清单", "客户", "订单", "订单明细"]
    assert wb.active.title == "问题清单"
    assert [bool(ws.sheet_view.tabSelected) for ws in wb.worksheets] == [True, False, False, False]
    assert filled(wb["客户"]) == {"A3": RED, "C3": RED}
    assert filled(wb["订单"]) == {"B2": RED, "E2": RED, "C9": RED}  # E2 and row 9 were empty in the input
    assert filled(wb["订单明细"]) == {"D3": YELLOW}
    assert wb["订单"]["B2"].comment.text == B2_COMMENT
    assert wb["订单明细"]["D3"].comment.text == (
        "【警告·库存不足】产品“=1+1”当前库存 3，不高于安全库存 5\n处理建议：安排补货。"
    )
    assert wb["客户"]["C3"].comment.text.startswith(f"【错误·格式错误】“手机/电话”的格式不正确：“{SCRIPT}”")
    assert wb["订单"]["A1"].comment.text == "staff note: keep sorted"  # the staff's own comment is kept
    assert wb["订单"]["B2"].value == "C0009" and wb["客户"]["C3"].number_format == "@"  # values and formats kept
    assert read_tag(paths[1]) == "annotated" and read_tag(paths[0]) == "validation-report"


@pytest.mark.parametrize("engine", ["ooxml", "openpyxl"])
def test_issues_sheet_rows_and_internal_links(tmp_path, book, engine):
    path = write_xlsx(report(book), tmp_path, "zh", engine=engine)[1]
    ws = openpyxl.load_workbook(path)["问题清单"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    modified = book.stat().st_mtime
    from datetime import datetime

    assert rows[0][0].startswith("检查时间：") and rows[0][0].endswith(
        f"；{book}；8 KB，修改于 {datetime.fromtimestamp(modified):%Y-%m-%d %H:%M}"
    )
    assert rows[1][0] == f"请在原文件 {book} 中改正，不要改本副本：本副本只供查看，改在这里的内容不会被采用。"
    assert rows[2] == ["文件", "工作表", "单元格", "级别", "规则", "值", "说明", "处理建议", "代码"]
    # errors first (the overdue warning on 订单!B2 was found before the errors on 订单!E2 and C9)
    assert [r[2:5] + r[8:] for r in rows[3:]] == [
        ["客户!A3", "错误", "重复编号", "duplicate-key"],
        ["客户!C3", "错误", "格式错误", "bad-format"],
        ["订单!B2", "错误", "客户不存在", "unknown-customer"],
        ["订单!E2", "错误", "必填项为空", "required-missing"],
        ["订单!C9", "错误", "必填项为空", "required-missing"],
        ["订单!B2", "警告", "逾期未发货", "overdue"],
        ["订单明细!D3", "警告", "库存不足", "low-stock"],
    ]
    assert rows[6][7] == "填写交货日期，例如 2026-11-09"  # what to type in that cell
    assert [ws.cell(r, 3).hyperlink.location for r in range(4, 11)] == [
        "'客户'!A3",
        "'客户'!C3",
        "'订单'!B2",
        "'订单'!E2",
        "'订单'!C9",
        "'订单'!B2",
        "'订单明细'!D3",
    ]
    assert ws["F10"].value == "=1+1" and ws["F10"].data_type == "s"  # a value is never turned into a formula
    assert ws["F5"].value == SCRIPT
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:I10"
    assert ws["D4"].fill.fgColor.rgb == RED and ws["D9"].fill.fgColor.rgb == YELLOW
    # printed on A4 landscape, fitted to the width, the header on every page
    assert (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToWidth) == (9, "landscape", 1)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$3:$3"


@pytest.mark.parametrize("engine", ["ooxml", "openpyxl"])
def test_english_headers(tmp_path, book, engine):
    path = write_xlsx(report(book), tmp_path, "en", engine=engine)[1]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Issues"
    assert [c.value for c in wb["Issues"][3]] == [
        "File",
        "Sheet",
        "Cell",
        "Severity",
        "Rule",
        "Value",
        "Message",
        "How to fix",
        "Code",
    ]
    assert wb["Issues"]["A2"].value.startswith(f"Fix the problems in the original book, {book}, not in this copy")
    assert wb["订单明细"]["D3"].comment.text == (
        "[Warning · Low stock] Product '=1+1' has 3 on hand, at or below its reorder point 5\nHow to fix: Reorder."
    )


def test_a_finding_inside_a_merged_area_marks_its_top_left_cell(tmp_path, book):
    result = report(book).files[0]
    from workbook_tools.findings import Finding

    result.findings.append(Finding("required-missing", sheet="订单明细", row=6, column="G", params={"column": "x"}))
    for engine in ("ooxml", "openpyxl"):
        path = tmp_path / f"{engine}.xlsx"
        annotate_copy(book, path, result, "zh", engine=engine)
        ws = openpyxl.load_workbook(path)["订单明细"]
        assert filled(ws) == {"D3": YELLOW, "F5": RED}
        assert ws["F5"].comment.text.startswith("【错误·必填项为空】“x”必须填写")


def test_report_workbook_links_into_the_annotated_copies(tmp_path, book):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    clean = tmp_path / "clean.xlsx"
    out = tmp_path / "out"
    paths = write_xlsx(report(book, broken, clean), out, "zh")
    assert sorted(p.name for p in out.iterdir()) == ["orders.annotated.xlsx", "validation_report.xlsx"]
    wb = openpyxl.load_workbook(paths[0])
    assert wb.sheetnames == ["问题清单", "汇总"]
    ws = wb["问题清单"]
    assert ws["A1"].value.startswith("检查时间：")
    assert ws["A2"].value == "请在原文件中改正，不要改标注副本：副本只供查看，改在副本上的内容不会被采用。"
    assert [c.value for c in ws[3]] == ["文件", "工作表", "单元格", "级别", "规则", "值", "说明", "处理建议", "代码"]
    # every error (the unreadable file's too) before the first warning
    assert [ws.cell(r, 4).value for r in range(4, 12)] == ["错误"] * 6 + ["警告"] * 2
    links = [(ws.cell(r, 3).hyperlink.target, ws.cell(r, 3).hyperlink.location) for r in range(4, 9)]
    assert links == [
        ("orders.annotated.xlsx", loc) for loc in ("'客户'!A3", "'客户'!C3", "'订单'!B2", "'订单'!E2", "'订单'!C9")
    ]
    assert [c.value for c in ws[9]] == [
        str(broken),
        None,
        None,
        "错误",
        None,
        None,
        "无法读取：not a zip file",
        None,
        None,
    ]
    assert ws.max_row == 11 and ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:I11"
    assert ws["F11"].value == "=1+1" and ws["F11"].data_type == "s"
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "landscape"
    # fitted to one page wide (fitToWidth 1 is the default, so not written), as tall as it needs
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    summary = [[c.value for c in row][:5] for row in wb["汇总"].iter_rows(min_row=6, max_row=9)]
    assert summary == [
        ["文件", "读取行数", "错误", "警告", "标注副本"],
        [str(book), 5, 5, 2, "orders.annotated.xlsx"],
        [str(broken), "无法读取：not a zip file", None, None, None],
        [str(clean), 4, 0, 0, "无问题"],
    ]
    assert wb["汇总"]["F7"].value.startswith("8 KB，修改于 ")
    assert wb["汇总"]["E7"].hyperlink.target == "orders.annotated.xlsx"


def test_copies_of_books_with_the_same_name_do_not_collide(tmp_path):
    a = write_book((tmp_path / "a").mkdir() or tmp_path / "a" / "orders.xlsx")
    b = write_book((tmp_path / "b").mkdir() or tmp_path / "b" / "orders.xlsx")
    rep = Report([report(a).files[0], report(b).files[0]])
    paths = write_xlsx(rep, tmp_path / "out")
    assert [p.name for p in paths] == ["validation_report.xlsx", "orders.annotated.xlsx", "orders-2.annotated.xlsx"]
    ws = openpyxl.load_workbook(paths[0])["问题清单"]
    assert {ws.cell(r, 3).hyperlink.target for r in range(4, 18)} == {
        "orders.annotated.xlsx",
        "orders-2.annotated.xlsx",
    }


def test_a_book_that_cannot_be_copied_is_noted_and_the_others_go_on(tmp_path, book):
    weird = tmp_path / "weird.xlsx"
    weird.write_bytes(b"PK\x03\x04 truncated")
    rep = Report([FileResult(weird, report(book).files[0].findings), report(book).files[0]])
    paths = write_xlsx(rep, tmp_path / "out")
    assert [p.name for p in paths] == ["validation_report.xlsx", "orders.annotated.xlsx"]
    assert not (tmp_path / "out" / "weird.annotated.xlsx").exists()
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []  # no temporary left
    ws = openpyxl.load_workbook(paths[0])["汇总"]
    assert ws["E7"].value.startswith("未能生成标注副本")
    assert ws["E8"].value == "orders.annotated.xlsx"
    issues = openpyxl.load_workbook(paths[0])["问题清单"]
    # errors of both files first: weird.xlsx's five (no copy to link to), then orders.xlsx's five
    assert issues["C4"].hyperlink is None and issues["C9"].hyperlink.target == "orders.annotated.xlsx"


def test_auto_falls_back_to_openpyxl_when_the_fast_path_cannot(tmp_path, book, monkeypatch):
    def refuse(*args, **kwargs):
        raise ooxml.Unsupported("threaded comments")

    monkeypatch.setattr(ooxml, "annotate", refuse)
    plan = annotate_copy(book, tmp_path / "copy.xlsx", report(book).files[0], "zh")
    assert plan.engine == "openpyxl"
    assert filled(openpyxl.load_workbook(tmp_path / "copy.xlsx")["订单明细"]) == {"D3": YELLOW}
    with pytest.raises(ooxml.Unsupported):
        annotate_copy(book, tmp_path / "copy2.xlsx", report(book).files[0], "zh", engine="ooxml")


def test_fast_copy_keeps_every_part_it_does_not_need_to_change(tmp_path, book):
    path = write_xlsx(report(book), tmp_path)[1]
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path) as dst:
        changed = {n for n in src.namelist() if src.read(n) != dst.read(n)}
        assert changed == {
            "[Content_Types].xml",
            "_rels/.rels",  # the custom properties: the annotated tag
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
            "xl/worksheets/sheet3.xml",
            "xl/comments1.xml",
            "xl/drawings/vmlDrawing1.vml",
        }  # 订单's existing comments, merged
        assert set(dst.namelist()) - set(src.namelist()) == {
            "xl/worksheets/sheet4.xml",
            "xl/comments2.xml",
            "xl/comments3.xml",
            "xl/drawings/vmlDrawing2.vml",
            "xl/drawings/vmlDrawing3.vml",
            "xl/worksheets/_rels/sheet1.xml.rels",
            "xl/worksheets/_rels/sheet3.xml.rels",
            "docProps/custom.xml",
        }
        assert read_tag(path) == "annotated"


def test_issue_sheet_name_is_made_unique():
    assert annotate.issues_title(["客户", "问题清单"], "zh") == "问题清单 (2)"
    assert annotate.issues_title(["Issues", "issues (2)"], "en") == "Issues (3)"


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_reads_the_fast_copy(tmp_path, book):
    """A real spreadsheet program opens the patched package and sees the fills, comments and links."""
    from workbook_tools.libreoffice import convert

    path = write_xlsx(report(book), tmp_path / "out")[1]
    again = convert(path, tmp_path / "lo", "xlsx")
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames == ["问题清单", "客户", "订单", "订单明细"]
    assert filled(wb["订单明细"]) == {"D3": YELLOW}
    assert wb["订单"]["B2"].comment.text == B2_COMMENT
    assert wb["问题清单"]["C6"].hyperlink.location == "'订单'!B2"


@pytest.mark.parametrize("engine", ["ooxml", "openpyxl"])
def test_the_annotated_copy_is_no_more_readable_than_its_book(tmp_path, book, engine):
    os.chmod(book, 0o600)
    paths = write_xlsx(report(book), tmp_path / "out", "zh", engine=engine)
    assert os.stat(paths[1]).st_mode & 0o777 == 0o600


@needs_soffice
@pytest.mark.libreoffice
def test_printed_report_cuts_no_message_and_fits_a4_landscape(tmp_path, book):
    """The report as LibreOffice prints it: A4 landscape, every column on the page (the code, last,
    too), and every message and hint whole: a row too short would leave lines of a wrapped cell out."""
    import shutil
    import subprocess

    from workbook_tools.findings import Finding
    from workbook_tools.libreoffice import convert

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    rep = report(book)
    long = [
        Finding(
            "bad-format",
            sheet="客户",
            row=r,
            column="B",
            field="name",
            value="长" * (r * 7),
            params={
                "column": "客户名称",
                "column_en": "Customer name",
                "expected": "最多 100 个字符",
                "expected_en": "at most 100 characters",
                "limit": 100,
            },
        )
        for r in range(4, 12)
    ]
    long.append(
        Finding(
            "prepared-rows-low",
            sheet="订单",
            row=None,
            value=4990,
            params={"end": 5001, "remaining": 11, "needed": 500},
        )
    )
    columns = "、".join(["客户编号", "客户名称", "联系人", "手机/电话", "邮箱", "省份", "城市", "详细地址", "客户等级"])
    for n in range(1, 8):  # long messages beside short values: the message decides the row's height
        long.append(
            Finding("validation-missing", sheet="客户", row=n + 20, value=f"{n}-9", params={"columns": columns * n})
        )
        long.append(Finding("formula-missing", sheet="订单", row=n + 20, value=n, params={"columns": columns[: n * 9]}))
    rep.files[0].findings.extend(long)
    path = write_xlsx(rep, tmp_path / "out", "zh")[0]
    pdf = convert(path, tmp_path / "pdf", "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape, in points
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "代码" in text and "duplicate-key" in text  # the last column is on the first page
    every = "".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for f in rep.findings:
        for said in (f.message("zh"), f.hint("zh")):
            assert _whole(said, every), said


def _whole(said: str, text: str) -> bool:
    """Whether ``said`` is in ``text`` whole: its start found, the rest in order soon after (the PDF's
    text runs row by row across the columns, so a wrapped cell's lines have its neighbours' between)."""
    said = "".join(said.split())
    at = text.find(said[:8])
    while at >= 0:
        window, i = text[at : at + 4 * len(said) + 40], 0
        for ch in window:
            if i < len(said) and ch == said[i]:
                i += 1
        if i == len(said):
            return True
        at = text.find(said[:8], at + 1)
    return False
