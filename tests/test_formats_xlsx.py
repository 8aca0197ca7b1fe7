"""The Excel report: annotated copies (both engines give the same copy) and validation_report.xlsx."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import openpyxl

from workbook_tools.outputs import read_tag
import pytest
from formats_sample import SCRIPT, report, write_book

from conftest import needs_soffice
from workbook_tools.formats import annotate, ooxml, write_xlsx
from workbook_tools.formats.annotate import annotate_copy
from workbook_tools.report import FileResult, Report

RED, YELLOW = "FFFFC7CE", "FFFFEB9C"

B2_COMMENT = (
    "【错误·unknown-customer】客户编号“C0009”不在客户表中\n处理建议：先在客户表登记该客户，或改正编号。\n\n"
    "【警告·overdue】订单“SO0000000001”交货日期 2026-11-01 已过，仍未发货\n处理建议：尽快发货或与客户协商新的交货日期。"
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
        "【警告·low-stock】产品“=1+1”当前库存 3，不高于安全库存 5\n处理建议：安排补货。")
    assert wb["客户"]["C3"].comment.text.startswith(f"【错误·bad-format】“手机/电话”的格式不正确：“{SCRIPT}”")
    assert wb["订单"]["A1"].comment.text == "staff note: keep sorted"  # the staff's own comment is kept
    assert wb["订单"]["B2"].value == "C0009" and wb["客户"]["C3"].number_format == "@"  # values and formats kept
    assert read_tag(paths[1]) == "annotated" and read_tag(paths[0]) == "validation-report"


@pytest.mark.parametrize("engine", ["ooxml", "openpyxl"])
def test_issues_sheet_rows_and_internal_links(tmp_path, book, engine):
    path = write_xlsx(report(book), tmp_path, "zh", engine=engine)[1]
    ws = openpyxl.load_workbook(path)["问题清单"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["文件", "工作表", "单元格", "级别", "代码", "值", "说明", "处理建议"]
    assert [r[2:5] for r in rows[1:]] == [
        ["客户!A3", "错误", "duplicate-key"], ["客户!C3", "错误", "bad-format"], ["订单!B2", "错误", "unknown-customer"],
        ["订单!B2", "警告", "overdue"], ["订单!E2", "错误", "required-missing"], ["订单!C9", "错误", "required-missing"],
        ["订单明细!D3", "警告", "low-stock"],
    ]
    assert [ws.cell(r, 3).hyperlink.location for r in range(2, 9)] == [
        "'客户'!A3", "'客户'!C3", "'订单'!B2", "'订单'!B2", "'订单'!E2", "'订单'!C9", "'订单明细'!D3"]
    assert ws["F8"].value == "=1+1" and ws["F8"].data_type == "s"  # a value is never turned into a formula
    assert ws["F3"].value == SCRIPT
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H8"
    assert ws["D2"].fill.fgColor.rgb == RED and ws["D5"].fill.fgColor.rgb == YELLOW


@pytest.mark.parametrize("engine", ["ooxml", "openpyxl"])
def test_english_headers(tmp_path, book, engine):
    path = write_xlsx(report(book), tmp_path, "en", engine=engine)[1]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Issues"
    assert [c.value for c in wb["Issues"][1]] == ["File", "Sheet", "Cell", "Severity", "Code", "Value", "Message",
                                                  "How to fix"]
    assert wb["订单明细"]["D3"].comment.text == (
        "[Warning · low-stock] Product '=1+1' has 3 on hand, at or below its reorder point 5\nHow to fix: Reorder.")


def test_a_finding_inside_a_merged_area_marks_its_top_left_cell(tmp_path, book):
    result = report(book).files[0]
    from workbook_tools.findings import Finding

    result.findings.append(Finding("required-missing", sheet="订单明细", row=6, column="G", params={"column": "x"}))
    for engine in ("ooxml", "openpyxl"):
        path = tmp_path / f"{engine}.xlsx"
        annotate_copy(book, path, result, "zh", engine=engine)
        ws = openpyxl.load_workbook(path)["订单明细"]
        assert filled(ws) == {"D3": YELLOW, "F5": RED}
        assert ws["F5"].comment.text.startswith("【错误·required-missing】“x”必须填写")


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
    assert [c.value for c in ws[1]] == ["文件", "工作表", "单元格", "级别", "代码", "值", "说明", "处理建议"]
    links = [(ws.cell(r, 3).hyperlink.target, ws.cell(r, 3).hyperlink.location) for r in range(2, 9)]
    assert links == [("orders.annotated.xlsx", loc) for loc in (
        "'客户'!A3", "'客户'!C3", "'订单'!B2", "'订单'!B2", "'订单'!E2", "'订单'!C9", "'订单明细'!D3")]
    assert [c.value for c in ws[9]] == [str(broken), None, None, "错误", None, None, "无法读取：not a zip file", None]
    assert ws.max_row == 9 and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H9"
    assert ws["F8"].value == "=1+1" and ws["F8"].data_type == "s"
    summary = [[c.value for c in row] for row in wb["汇总"].iter_rows(min_row=4, max_row=7)]
    assert summary == [
        ["文件", "读取行数", "错误", "警告", "标注副本"],
        [str(book), 5, 5, 2, "orders.annotated.xlsx"],
        [str(broken), "无法读取：not a zip file", None, None, None],
        [str(clean), 4, 0, 0, "无问题"],
    ]
    assert wb["汇总"]["E5"].hyperlink.target == "orders.annotated.xlsx"


def test_copies_of_books_with_the_same_name_do_not_collide(tmp_path):
    a = write_book((tmp_path / "a").mkdir() or tmp_path / "a" / "orders.xlsx")
    b = write_book((tmp_path / "b").mkdir() or tmp_path / "b" / "orders.xlsx")
    rep = Report([report(a).files[0], report(b).files[0]])
    paths = write_xlsx(rep, tmp_path / "out")
    assert [p.name for p in paths] == ["validation_report.xlsx", "orders.annotated.xlsx", "orders-2.annotated.xlsx"]
    ws = openpyxl.load_workbook(paths[0])["问题清单"]
    assert {ws.cell(r, 3).hyperlink.target for r in range(2, 16)} == {"orders.annotated.xlsx", "orders-2.annotated.xlsx"}


def test_a_book_that_cannot_be_copied_is_noted_and_the_others_go_on(tmp_path, book):
    weird = tmp_path / "weird.xlsx"
    weird.write_bytes(b"PK\x03\x04 truncated")
    rep = Report([FileResult(weird, report(book).files[0].findings), report(book).files[0]])
    paths = write_xlsx(rep, tmp_path / "out")
    assert [p.name for p in paths] == ["validation_report.xlsx", "orders.annotated.xlsx"]
    assert not (tmp_path / "out" / "weird.annotated.xlsx").exists()
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []  # no temporary left
    ws = openpyxl.load_workbook(paths[0])["汇总"]
    assert ws["E5"].value.startswith("未能生成标注副本")
    assert ws["E6"].value == "orders.annotated.xlsx"
    issues = openpyxl.load_workbook(paths[0])["问题清单"]
    assert issues["C2"].hyperlink is None and issues["C9"].hyperlink.target == "orders.annotated.xlsx"


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
        assert changed == {"[Content_Types].xml", "_rels/.rels",  # the custom properties: the annotated tag
                           "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                           "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
                           "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml"}  # 订单's existing comments, merged
        assert set(dst.namelist()) - set(src.namelist()) == {
            "xl/worksheets/sheet4.xml", "xl/comments2.xml", "xl/comments3.xml",
            "xl/drawings/vmlDrawing2.vml", "xl/drawings/vmlDrawing3.vml",
            "xl/worksheets/_rels/sheet1.xml.rels", "xl/worksheets/_rels/sheet3.xml.rels", "docProps/custom.xml"}
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
    assert wb["问题清单"]["C4"].hyperlink.location == "'订单'!B2"


@pytest.mark.parametrize("engine", ["ooxml", "openpyxl"])
def test_the_annotated_copy_is_no_more_readable_than_its_book(tmp_path, book, engine):
    os.chmod(book, 0o600)
    paths = write_xlsx(report(book), tmp_path / "out", "zh", engine=engine)
    assert os.stat(paths[1]).st_mode & 0o777 == 0o600
