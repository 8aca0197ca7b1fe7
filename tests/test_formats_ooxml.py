"""The fast annotation engine on the XML shapes real writers produce."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import needs_soffice
from formats_sample import report, write_book

from workbook_tools.codes import Severity
from workbook_tools.formats import ooxml, write_xlsx
from workbook_tools.formats.annotate import annotate_copy

E, W = Severity.ERROR, Severity.WARNING
HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def restyle(old: int, severity: Severity) -> int:
    return 100 + old if severity is E else 200 + old


def test_restyles_present_cells_and_adds_missing_cells_and_rows():
    xml = (
        HEAD + b'<sheetData><row r="1" spans="1:3"><c r="A1" s="3" t="s"><v>0</v></c><c r="C1"><v>2</v></c></row>'
        b'<row r="4"><c r="B4" s="1"/></row></sheetData></worksheet>'
    )
    out = ooxml._patch_rows(xml, {1: {1: E, 2: W}, 2: {0: E}, 4: {1: W}, 9: {3: E}}, restyle)
    assert out == (
        HEAD + b'<sheetData><row r="1"><c r="A1" s="3" t="s"><v>0</v></c><c r="B1" s="100"/>'
        b'<c r="C1" s="200"><v>2</v></c></row><row r="2"><c r="A2" s="100"/></row>'
        b'<row r="4"><c r="B4" s="201"/></row><row r="9"><c r="D9" s="100"/></row></sheetData></worksheet>'
    )


def test_rows_and_cells_without_references_get_explicit_ones():
    xml = (
        HEAD
        + b'<sheetData><row><c><v>1</v></c></row><row><c t="s"><v>0</v></c><c><v>2</v></c></row></sheetData></worksheet>'
    )
    out = ooxml._patch_rows(xml, {2: {1: E}}, restyle)
    assert out == (
        HEAD + b"<sheetData><row><c><v>1</v></c></row>"
        b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="100"><v>2</v></c></row></sheetData></worksheet>'
    )


def test_empty_sheet_data_and_row_extensions():
    assert ooxml._patch_rows(HEAD + b"<sheetData/></worksheet>", {2: {0: W}}, restyle) == (
        HEAD + b'<sheetData><row r="2"><c r="A2" s="200"/></row></sheetData></worksheet>'
    )
    xml = HEAD + b'<sheetData><row r="1"><c r="B1"/><extLst><ext uri="x"/></extLst></row></sheetData></worksheet>'
    assert ooxml._patch_rows(xml, {1: {0: E}}, restyle) == (
        HEAD + b'<sheetData><row r="1"><c r="A1" s="100"/><c r="B1"/><extLst><ext uri="x"/></extLst></row>'
        b"</sheetData></worksheet>"
    )


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("<pageMargins/></worksheet>", '<pageMargins/><legacyDrawing r:id="rId9"/></worksheet>'),
        (
            '<drawing r:id="rId1"/><tableParts count="1"><tablePart r:id="rId2"/></tableParts><extLst/></worksheet>',
            '<drawing r:id="rId1"/><legacyDrawing r:id="rId9"/><tableParts count="1"><tablePart r:id="rId2"/></tableParts>'
            "<extLst/></worksheet>",
        ),
        # an extLst nested in a conditional format is not the worksheet's; a '>' inside an attribute is not a tag end
        (
            '<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1"><formula>A1&gt;0</formula>'
            '<extLst><ext uri="u"/></extLst></cfRule></conditionalFormatting><dataValidations count="1">'
            '<dataValidation prompt="qty > 0" sqref="B2"/></dataValidations><pageMargins/></worksheet>',
            '<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1"><formula>A1&gt;0</formula>'
            '<extLst><ext uri="u"/></extLst></cfRule></conditionalFormatting><dataValidations count="1">'
            '<dataValidation prompt="qty > 0" sqref="B2"/></dataValidations><pageMargins/><legacyDrawing r:id="rId9"/>'
            "</worksheet>",
        ),
    ],
)
def test_legacy_drawing_goes_where_the_schema_wants_it(tail, expected):
    xml = HEAD + b"<sheetData/>" + tail.encode()
    assert ooxml._insert_legacy_drawing(xml, "r", "rId9") == HEAD + b"<sheetData/>" + expected.encode()


def test_a_package_the_fast_path_does_not_handle_falls_back_but_a_bug_in_it_shows(tmp_path, monkeypatch):
    book = write_book(tmp_path / "orders.xlsx")

    def unsupported(*args, **kwargs):
        raise ooxml.Unsupported("xl/worksheets/sheet1.xml is not UTF-8")

    monkeypatch.setattr(ooxml, "annotate", unsupported)
    plan = annotate_copy(book, tmp_path / "copy.xlsx", report(book).files[0], "zh")
    assert plan.engine == "openpyxl"
    assert openpyxl.load_workbook(tmp_path / "copy.xlsx")["订单"]["B2"].comment is not None

    def bug(*args, **kwargs):
        raise TypeError("unsupported operand type(s)")

    monkeypatch.setattr(ooxml, "annotate", bug)  # a bug in the patcher is not hidden behind the slow engine
    with pytest.raises(TypeError):
        annotate_copy(book, tmp_path / "again.xlsx", report(book).files[0], "zh")


@needs_soffice
@pytest.mark.libreoffice
def test_a_book_saved_by_libreoffice(tmp_path):
    """LibreOffice writes its own flavour of the XML (namespaces, extLst, shared strings): annotate that."""
    from workbook_tools.libreoffice import convert

    saved = convert(write_book(tmp_path / "orders.xlsx"), tmp_path / "lo", "xlsx")
    result = report(saved).files[0]
    out = write_xlsx(type(report(saved))([result]), tmp_path / "out")[1]
    assert annotate_copy(saved, tmp_path / "again.xlsx", result).engine == "ooxml"
    wb = openpyxl.load_workbook(out)
    fills = {
        (ws.title, c.coordinate)
        for ws in wb.worksheets[1:]
        for row in ws.iter_rows()
        for c in row
        if c.fill.fill_type == "solid" and c.fill.fgColor.rgb in ("FFFFC7CE", "FFFFEB9C")
    }
    assert fills == {("客户", "A3"), ("客户", "C3"), ("订单", "B2"), ("订单", "E2"), ("订单", "C9"), ("订单明细", "D3")}
    assert wb["订单"]["A1"].comment.text.startswith("staff note: keep sorted")
    assert wb["订单"]["B2"].comment.text.startswith("【错误·客户不存在】")
