"""A corpus of order books as staff leave them: what they put in that our schema does not model.

``staff_book(folder)`` writes a small demo book and adds, with openpyxl (as a clerk's Excel would):
a comment, hyperlinks, fills and fonts used as markers, a staff column of formulas, a formula typed
into an input cell, leading/trailing spaces, long text, and a staff sheet with merged cells and a
chart. ``macro_book`` adds a VBA project part (an .xlsm), ``resaved`` passes a book through
LibreOffice so it looks like a file a real client wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from workbook_tools.cells import col_letter
from workbook_tools.demo import generate_demo
from workbook_tools.schema import SHEET_BY_KEY
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)
ORDERS = 30
COMMENT = "大客户，年底返点"
LONG_TEXT = "长" * 20_000
#: The VBA part of an .xlsm is opaque bytes to us: any content shows whether it is kept.
VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
_ORDERS, _LINES = SHEET_BY_KEY["orders"], SHEET_BY_KEY["order_lines"]
#: 订单's 订单金额 and 备注, and the staff's two columns there (提成, 跟进): after all of the schema's
TOTAL, NOTES = _ORDERS.letter("total"), _ORDERS.letter("notes")
COMMISSION, FOLLOW_UP = (col_letter(len(_ORDERS.columns) + i) for i in range(2))
LINE_NOTES = _LINES.letter("notes")


def commission(r: int) -> str:
    """The staff's formula in row ``r`` of their 提成 column: 5% of the order total."""
    return f"={TOTAL}{r}*0.05"


def staff_book(folder: Path, name: str = "book.xlsx") -> Path:
    path = folder / name
    write_book(path, generate_demo(ORDERS, seed=3, today=TODAY), today=TODAY)
    wb = openpyxl.load_workbook(path)
    customers, orders = wb["客户"], wb["订单"]
    customers["B2"].comment = Comment(COMMENT, "王会计")
    customers["E2"].hyperlink = "mailto:caiwu@example.com"
    orders[f"{NOTES}2"].hyperlink = "https://contracts.example.com/合同/2026-001.pdf"
    orders["A3"].fill = PatternFill("solid", fgColor="FFFF00")
    orders["A3"].font = Font(bold=True, color="FF0000")
    orders[f"{COMMISSION}1"] = "提成"
    for r in range(2, ORDERS + 2):
        orders[f"{COMMISSION}{r}"] = commission(r)
    orders[f"{FOLLOW_UP}1"] = "跟进"
    orders[f"{FOLLOW_UP}2"] = "  前后有空格  "
    orders[f"{FOLLOW_UP}3"] = LONG_TEXT
    lines = wb["订单明细"]
    lines[f"{LINE_NOTES}2"] = "=1+1"  # a formula typed into an input cell (备注)
    staff = wb.create_sheet("月度目标")
    staff.merge_cells("A1:C1")
    staff["A1"] = "2026 年销售目标"
    for i, (month, target) in enumerate([("1月", 100), ("2月", 120), ("3月", 90)], start=2):
        staff[f"A{i}"], staff[f"B{i}"] = month, target
    chart = BarChart()
    chart.add_data(Reference(staff, min_col=2, min_row=2, max_row=4))
    staff.add_chart(chart, "E2")
    wb.save(path)
    return path


def macro_book(src: Path, dst: Path) -> Path:
    """``src`` as an .xlsm: a vbaProject.bin part, its relationship, the macro-enabled content type."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                data = data.replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVBA1" Type="http://schemas.'
                    b'microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                    b"</Relationships>",
                )
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", VBA)
    return dst


def resaved(src: Path, folder: Path) -> Path:
    """``src`` opened and saved by LibreOffice (as Excel 2007-365 .xlsx) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "lo-profile"
    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(folder),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / (src.stem + ".xlsx")


def assert_staff_work_kept(wb) -> None:
    """What ``staff_book`` put in, as openpyxl sees it in a book written from it."""
    assert wb["客户"]["B2"].comment.text == COMMENT and wb["客户"]["B2"].comment.author == "王会计"
    assert wb["客户"]["E2"].hyperlink.target == "mailto:caiwu@example.com"
    assert wb["订单"][f"{NOTES}2"].hyperlink.target == "https://contracts.example.com/合同/2026-001.pdf"
    a3 = wb["订单"]["A3"]
    assert a3.fill.fgColor.rgb == "00FFFF00" and a3.font.b and a3.font.color.rgb == "00FF0000"
    assert [wb["订单"][f"{COMMISSION}{r}"].value for r in (2, ORDERS + 1)] == [commission(2), commission(ORDERS + 1)]
    assert wb["订单"][f"{FOLLOW_UP}2"].value == "  前后有空格  " and wb["订单"][f"{FOLLOW_UP}3"].value == LONG_TEXT
    assert wb["订单明细"][f"{LINE_NOTES}2"].value == "=1+1"
    assert [str(r) for r in wb["月度目标"].merged_cells.ranges] == ["A1:C1"]
