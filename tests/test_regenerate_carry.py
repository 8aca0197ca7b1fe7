"""orderbook regenerate on books staff edited: what they put there besides values is carried over
(comments, links, colours, formulas, merged cells, spaces, macros) or named before anything is
written (charts, tables, validation they added, text Excel cannot hold …)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ListObject

from workbook_tools.book import OtherSheet
from workbook_tools.cells import col_letter
from workbook_tools.commands.regenerate import command
from workbook_tools.demo import generate_demo
from workbook_tools.errors import OutputError, WorkbookToolsError
from workbook_tools.formularefs import Remap, SheetMap, Unmappable, shift
from workbook_tools.libreoffice import convert, soffice
from workbook_tools.read import read_book
from workbook_tools.regenerate import WouldLoseError, regenerate
from workbook_tools.schema import SHEET_BY_KEY
from workbook_tools.template import write as template_write
from workbook_tools.template import write_book
from workbook_tools.template.carry import (
    Border,
    Carry,
    Decor,
    ExtraColumn,
    Formula,
    Link,
    Look,
    Note,
    Serial,
    SheetCarry,
    StaffSheet,
)
from workbook_tools.template.rowxml import BulkSheet

TODAY = date(2026, 11, 20)
LONG = 40_000
ORDERS = SHEET_BY_KEY["orders"]
# 订单's columns as the schema places them, and the staff's own columns after all of the schema's
ORDER_DATE, DUE, TOTAL, NOTES = (ORDERS.letter(k) for k in ("order_date", "due_date", "total", "notes"))
S1, S2, S3 = (col_letter(len(ORDERS.columns) + i) for i in range(3))
CHART = "我的统计!E2: a bar chart"
CUT = f"订单!{S2}4: the end of a text of {LONG:,} characters (Excel holds 32,767 in a cell; it is cut)"
CHART_ZH = "我的统计!E2：条形图"
CUT_ZH = f"订单!{S2}4：一段 {LONG:,} 个字符的文字的结尾（Excel 一个单元格最多存 32,767 个，其余被截掉）"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"


@pytest.fixture(autouse=True, scope="module")
def few_prepared_rows():
    """30 formula rows below the data instead of 5,000 (see tests/test_regenerate.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(template_write, "PREPARED_ROWS", 30)
        yield


def demo_book(folder: Path, name: str = "book.xlsx", orders: int = 12) -> Path:
    return write_book(folder / name, generate_demo(orders, seed=4, today=TODAY), today=TODAY)


def edit(path: Path, fn) -> None:
    """Change a book the way staff do, in Excel (here: openpyxl)."""
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)


def patch_parts(path: Path, fn) -> None:
    """Change the package's parts directly (what openpyxl cannot write, as Excel would write it)."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    fn(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)


def sheet_part(parts: dict[str, bytes], marker: bytes) -> str:
    return next(n for n, b in parts.items() if n.startswith("xl/worksheets/sheet") and marker in b)


def staff_edits(wb) -> None:
    """What staff did to the book in Excel (on 订单, S1 … S3: the free columns after the schema's)."""
    customers, orders = wb["客户"], wb["订单"]
    customers["B2"].comment = Comment("大客户，年底返点", "王经理")
    customers["E2"].hyperlink = "mailto:wang@example.com"
    customers["B4"].fill = PatternFill("solid", fgColor="FFFF00")
    customers["B4"].font = Font(bold=True, color="FF0000")
    orders[f"{S1}1"] = "佣金"
    for r in range(2, 11):
        orders[f"{S1}{r}"] = f"={TOTAL}{r}*0.05"
    orders[f"{S1}3"].fill = PatternFill("solid", fgColor="FFC000")  # a marker on a staff column's formula
    orders[f"{NOTES}2"] = '="加急"&"单"'  # a formula typed into an input cell
    orders[f"{ORDER_DATE}5"] = "1900-01-15"  # a date typed as text, before Excel's 1 March 1900
    orders[f"{S2}1"] = "  备注二 "
    orders[f"{S2}2"] = "  前后有空格  "
    orders[f"{S2}3"] = "1899-12-30"
    orders[f"{S2}4"] = "待补"  # made 40,000 characters long below: openpyxl cuts text at Excel's limit
    orders[f"{S3}1"], orders[f"{S3}2"] = "合同", "合同 2026-001"
    orders.sheet_properties.tabColor = "FF0000"
    orders[f"{S3}2"].hyperlink = "https://example.com/合同/2026-001.pdf"
    mine = wb.create_sheet("我的统计")
    mine["A1"], mine["B1"] = "月份", "金额"
    for r in range(2, 5):
        mine[f"A{r}"], mine[f"B{r}"] = f"{r}月", r * 100
    mine["C2"] = "=B2*2"
    mine["A3"] = " 前空格"
    mine["D2"] = date(1900, 1, 15)
    mine["D2"].number_format = "yyyy-mm-dd"
    mine.merge_cells("A5:C6")
    mine["A5"] = "合并"
    mine["A7"] = "去客户表"
    mine["A7"].hyperlink = Hyperlink(ref="A7", location="'客户'!A1")
    mine["A8"] = f"=SUM(订单!{TOTAL}2:{TOTAL}13)"
    mine["B8"].font = Font(italic=True, color="0000FF")
    mine["B8"].number_format = "0.00%"
    mine.sheet_properties.tabColor = "00B050"
    chart = BarChart()
    chart.add_data(Reference(mine, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    mine.add_chart(chart, "E2")


def long_text(parts: dict[str, bytes]) -> None:
    name = sheet_part(parts, "待补".encode())
    cell = f"{S2}4".encode()
    parts[name] = re.sub(
        rb'<c r="%s"[^>]*>.*?</c>' % cell,
        b'<c r="%s" t="inlineStr"><is><t>' % cell + b"y" * LONG + b"</t></is></c>",
        parts[name],
        flags=re.S,
    )


def staff_book(folder: Path, name: str = "book.xlsx") -> Path:
    path = demo_book(folder, name)
    edit(path, staff_edits)
    patch_parts(path, long_text)
    return path


def make_xlsm(src: Path, dst: Path, vba: bytes) -> Path:
    """An .xlsm as Excel saves one: the VBA project part, its content type, the workbook's macro type."""
    shutil.copyfile(src, dst)

    def add(parts):
        ct = parts["[Content_Types].xml"].decode()
        ct = ct.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", MACRO_MAIN)
        ct = ct.replace("<Default ", f'<Default Extension="bin" ContentType="{VBA_TYPE}"/><Default ', 1)
        parts["[Content_Types].xml"] = ct.encode()
        rels = (
            parts["xl/_rels/workbook.xml.rels"]
            .decode()
            .replace(
                "</Relationships>",
                '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
                'vbaProject" Target="vbaProject.bin"/></Relationships>',
            )
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.encode()
        parts["xl/vbaProject.bin"] = vba

    patch_parts(dst, add)
    return dst


def check_carried(path: Path, *, saved_by_libreoffice: bool = False) -> None:
    """What staff_edits put in the book, in the rebuilt book at ``path`` (LibreOffice drops comment
    authors and the tab colour of a protected sheet when it saves)."""
    wb = openpyxl.load_workbook(path)
    customers, orders, mine = wb["客户"], wb["订单"], wb["我的统计"]
    assert customers["B2"].comment.text == "大客户，年底返点"
    if not saved_by_libreoffice:
        assert customers["B2"].comment.author == "王经理"
        assert orders.sheet_properties.tabColor.rgb == "FFFF0000"
    assert customers["E2"].hyperlink.target == "mailto:wang@example.com"
    contract = orders[f"{S3}2"]
    assert contract.hyperlink.target == "https://example.com/合同/2026-001.pdf" and contract.value == "合同 2026-001"
    marked = customers["B4"]
    assert (marked.fill.fill_type, marked.fill.fgColor.rgb) == ("solid", "FFFFFF00")
    assert (marked.font.b, marked.font.color.rgb) == (True, "FFFF0000")
    assert marked.protection.locked is False  # the template's own format under the marker
    assert [orders[f"{S1}{r}"].value for r in range(1, 12)] == [
        "佣金",
        *(f"={TOTAL}{r}*0.05" for r in range(2, 11)),
        None,
    ]
    assert orders[f"{S1}3"].fill.fgColor.rgb == "FFFFC000" and orders[f"{S1}3"].protection.locked is False
    assert orders[f"{NOTES}2"].value == '="加急"&"单"'
    typed = orders[f"{ORDER_DATE}5"]
    assert (typed.value, typed.data_type) == ("1900-01-15", "s")
    assert orders[f"{S2}1"].value == "  备注二 " and orders[f"{S2}2"].value == "  前后有空格  "
    assert (orders[f"{S2}3"].value, orders[f"{S2}3"].data_type) == ("1899-12-30", "s")
    assert [str(r) for r in mine.merged_cells.ranges] == ["A5:C6"]
    assert mine["C2"].value == "=B2*2" and mine["A8"].value == f"=SUM(订单!{TOTAL}2:{TOTAL}13)"
    assert mine["A3"].value == " 前空格"
    assert mine["D2"].value == datetime(1900, 1, 15)  # not the 16th: Excel's 1900 has a 29 February
    assert mine["A7"].hyperlink.location == "'客户'!A1"
    assert (mine["B8"].font.i, mine["B8"].font.color.rgb, mine["B8"].number_format) == (True, "FF0000FF", "0.00%")
    assert mine.sheet_properties.tabColor.rgb == "FF00B050"


# --- the staff-edited book ----------------------------------------------------------------------


def test_without_accept_loss_the_book_is_refused_with_what_would_be_lost_and_left_as_it_was(tmp_path):
    path = staff_book(tmp_path)
    before = path.read_bytes()
    with pytest.raises(WouldLoseError) as refused:
        regenerate(path, today=TODAY)
    assert isinstance(refused.value, WorkbookToolsError)
    assert [str(loss) for loss in refused.value.lost] == [CHART, CUT]
    assert (refused.value.lost[0].sheet, refused.value.lost[0].where) == ("我的统计", "E2")
    assert "我的统计!E2: a bar chart" in str(refused.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]  # no backup, no temporary file


def test_with_accept_loss_everything_else_is_carried_and_the_losses_are_listed(tmp_path):
    path = staff_book(tmp_path)
    before = read_book(path)
    result = regenerate(path, today=TODAY, accept_loss=True)
    assert [str(loss) for loss in result.lost] == [CHART, CUT]
    assert result.backup_path.name.startswith("book.") and result.backup_path.name.endswith(".bak.xlsx")
    assert result.kept == {"comments": 1, "links": 3, "formulas": 12, "formats": 4, "merged": 1}
    assert result.extra_columns == {"orders": ["佣金", "  备注二 ", "合同"]}
    check_carried(path)
    after = read_book(path)
    assert after.data() == before.data()
    assert after["orders"].extra["备注二"][1][2] == "y" * 32_767  # cut, as listed
    # the rebuilt book rebuilds again without losing anything, to the same bytes
    again = regenerate(path, output=tmp_path / "again.xlsx", today=TODAY)
    assert again.lost == [] and again.kept == result.kept
    assert (tmp_path / "again.xlsx").read_bytes() == path.read_bytes()


@pytest.mark.slow
@pytest.mark.libreoffice
def test_a_book_saved_by_libreoffice_keeps_the_same(tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot re-save the book as a real client would")
    path = staff_book(tmp_path)
    saved = convert(path, tmp_path / "lo")  # LibreOffice cuts the long text itself, and drops comment authors
    with pytest.raises(WouldLoseError) as refused:
        regenerate(saved, today=TODAY)
    assert [str(loss) for loss in refused.value.lost] == [CHART]
    result = regenerate(saved, output=tmp_path / "new.xlsx", today=TODAY, accept_loss=True)
    assert [str(loss) for loss in result.lost] == [CHART]
    check_carried(tmp_path / "new.xlsx", saved_by_libreoffice=True)
    assert read_book(tmp_path / "new.xlsx").data() == read_book(saved).data()


# --- formulas -----------------------------------------------------------------------------------


def test_shared_formulas_as_excel_writes_them_are_expanded(tmp_path):
    """Excel stores a column filled down as one shared formula and "the same" in the other cells."""
    path = demo_book(tmp_path)
    edit(path, lambda wb: [wb["订单"].cell(r, len(ORDERS.columns) + 1, 1.0) for r in range(1, 6)])  # S1
    s1, total = S1.encode(), TOTAL.encode()

    def share(parts):
        name = sheet_part(parts, b'<c r="%s5"' % s1)
        body = parts[name]
        body = re.sub(
            rb'<c r="%s1"[^>]*>.*?</c>' % s1,
            b'<c r="%s1" t="inlineStr"><is><t>\xe4\xbd\xa3\xe9\x87\x91</t></is></c>' % s1,
            body,
        )
        body = re.sub(
            rb'<c r="%s2"[^>]*>.*?</c>' % s1,
            b'<c r="%s2"><f t="shared" ref="%s2:%s5" si="0">%s2*0.05</f><v>1.5</v></c>' % (s1, s1, s1, total),
            body,
        )
        for r in (3, 4, 5):
            body = re.sub(
                rb'<c r="%s%d"[^>]*>.*?</c>' % (s1, r),
                b'<c r="%s%d"><f t="shared" si="0"/><v>2</v></c>' % (s1, r),
                body,
            )
        parts[name] = body

    patch_parts(path, share)
    result = regenerate(path, today=TODAY)
    assert result.lost == [] and result.kept["formulas"] == 4
    ws = openpyxl.load_workbook(path)["订单"]
    assert [ws[f"{S1}{r}"].value for r in range(1, 6)] == ["佣金", *(f"={TOTAL}{r}*0.05" for r in range(2, 6))]
    assert read_book(path)["orders"].extra["佣金"][1][:4] == [1.5, 2.0, 2.0, 2.0]  # their last values


def test_formulas_follow_their_cells_when_columns_rows_and_sheet_names_change(tmp_path):
    """Staff put a column in the middle and a title row on top; the book is rebuilt in English:
    formulas still point at the same cells, now elsewhere and on renamed sheets."""
    path = demo_book(tmp_path)
    moved = col_letter(ORDERS.col("total") + 1)

    def rearrange(wb):
        orders = wb["订单"]
        orders.insert_cols(3)  # 订单金额 moves one column right (from H to I); the first free column is S2
        orders["C1"] = "微信号"
        orders.insert_rows(1)  # a title row: the header on row 2, records from row 3
        orders["A1"] = "2026 年订单"
        orders[f"{S2}2"] = "佣金"
        for r in range(3, 6):
            orders[f"{S2}{r}"] = f"={moved}{r}*0.05+${moved}$3"
        mine = wb.create_sheet("Orders")  # a staff sheet whose name the English book takes
        mine["A1"] = f"=SUM(订单!{moved}3:{moved}14)"
        mine["A2"] = f"=订单!{S2}3"
        mine["A3"] = "=Orders!A1*2"
        wb.defined_names["佣金率"] = openpyxl.workbook.defined_name.DefinedName("佣金率", attr_text="Orders!$A$1")

    edit(path, rearrange)
    result = regenerate(path, output=tmp_path / "en.xlsx", lang="en", today=TODAY)
    assert result.lost == []
    assert result.extra_columns == {"orders": ["微信号", "佣金"]}  # after the schema's columns: S1, S2
    wb = openpyxl.load_workbook(tmp_path / "en.xlsx")
    orders, mine = wb["Orders"], wb["Orders (2)"]
    assert [orders[f"{S2}{r}"].value for r in range(2, 5)] == [f"={TOTAL}{r}*0.05+${TOTAL}$2" for r in range(2, 5)]
    assert mine["A1"].value == f"=SUM(Orders!{TOTAL}2:{TOTAL}13)"
    assert mine["A2"].value == f"=Orders!{S2}2"
    assert mine["A3"].value == "='Orders (2)'!A1*2"
    assert wb.defined_names["佣金率"].attr_text == "'Orders (2)'!$A$1"


def test_a_formula_pointing_at_a_cell_that_is_not_kept_is_named(tmp_path):
    path = demo_book(tmp_path)

    def title(wb):
        orders = wb["订单"]
        orders.insert_rows(1)
        orders["A1"] = "2026 年订单"
        wb.create_sheet("我的")["A1"] = "=订单!A1"  # the title, which the template does not keep

    edit(path, title)
    with pytest.raises(WouldLoseError) as refused:
        regenerate(path, today=TODAY)
    assert [str(loss) for loss in refused.value.lost] == [
        "我的!A1: a formula (=订单!A1) referring to a cell the new book does not have, or to another workbook; "
        "its value is kept"
    ]


def test_shift_and_remap():
    assert shift("H2*0.05+$H$2+SUM(A:A)+'订 单'!B$3", 2, 1) == "I4*0.05+$H$2+SUM(B:B)+'订 单'!C$3"
    assert shift('"H2"&H2', 1, 0) == '"H2"&H3'  # text in quotes is not a reference
    assert shift("A1", -1, 0) == "#REF!"
    moved = SheetMap(rows=[(3, 1), (4, 2), (5, 3), (7, 4)], cols={0: 0, 1: 2, 2: 1, 7: 7})
    remap = Remap({"订单": "Orders"}, {"订单": moved})
    assert remap.formula("SUM(订单!B4:B7)+'订单'!$C$5+B9", "我的") == "SUM(Orders!C2:C4)+Orders!$B$3+B9"
    assert remap.formula("B5:B6", "订单") == "C3:C3"  # a range over a blank row that is dropped
    assert remap.formula("B9", "订单") == "C6"  # below the records: moved up with them
    with pytest.raises(Unmappable):
        remap.formula("B6", "订单")
    with pytest.raises(Unmappable):
        remap.formula("[1]Sheet1!A1", "我的")


# --- what cannot be carried is named ------------------------------------------------------------


def test_tables_validation_formatting_merges_and_protection_staff_added_are_named(tmp_path):
    path = demo_book(tmp_path)

    def add(wb):
        mine = wb.create_sheet("台账")
        mine["A1"], mine["B1"] = "项目", "数量"
        for r in range(2, 5):
            mine[f"A{r}"], mine[f"B{r}"] = f"项目{r}", r
        mine.add_table(ListObject(displayName="台账表", ref="A1:B4"))
        rule = DataValidation(type="list", formula1='"是,否"')
        rule.add("C2:C10")
        mine.add_data_validation(rule)
        mine.conditional_formatting.add(
            "B2:B4",
            openpyxl.formatting.rule.CellIsRule(
                operator="greaterThan", formula=["2"], fill=PatternFill("solid", fgColor="FFC7CE")
            ),
        )
        mine.protection.sheet = True
        orders = wb["订单"]
        orders.merge_cells(f"{NOTES}2:{NOTES}3")
        staff_rule = DataValidation(type="whole")
        staff_rule.add(f"{S1}2:{S1}100")
        orders.add_data_validation(staff_rule)

    edit(path, add)
    with pytest.raises(WouldLoseError) as refused:
        regenerate(path, today=TODAY)
    assert sorted(str(loss) for loss in refused.value.lost) == sorted(
        [
            "台账!A1:B4: table (ListObject) 台账表: its cells are kept as plain cells",
            "台账!C2:C10: data validation (list) staff added",
            "台账!B2:B4: conditional formatting (cellIs) staff added",
            "台账: the sheet's protection",
            f"订单!{NOTES}2:{NOTES}3: merged cells (the value stays in the first cell)",
            f"订单!{S1}2:{S1}100: data validation (whole) staff added",
        ]
    )


def test_pictures_pivot_tables_threaded_comments_and_things_on_the_template_sheets_are_named(tmp_path):
    path = demo_book(tmp_path)

    def add(wb):
        chart = BarChart()
        chart.add_data(
            Reference(wb["订单"], min_col=ORDERS.col("total") + 1, min_row=1, max_row=5), titles_from_data=True
        )
        wb["订单"].add_chart(chart, "P3")  # on a data sheet
        wb["概览"]["H2"].comment = Comment("本月目标", "王经理")  # on the dashboard, which is rebuilt
        wb.create_sheet("透视")["A1"] = "透视表的源数据"
        wb["客户"]["M2"] = "见讨论"

    edit(path, add)

    def parts_excel_writes(parts):
        types = parts["[Content_Types].xml"].decode()
        staff = sheet_part(parts, "透视表的源数据".encode())
        customers = sheet_part(parts, "见讨论".encode())
        for sheet, rel, target in (
            (staff, "pivotTable", "../pivotTables/pivotTable1.xml"),
            (customers, "threadedComment", "../threadedComments/threadedComment1.xml"),
        ):
            folder, name = sheet.rsplit("/", 1)
            rels = f"{folder}/_rels/{name}.rels"
            body = parts.get(
                rels,
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>',
            ).decode()
            kind = (
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotTable"
                if rel == "pivotTable"
                else "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
            )
            parts[rels] = body.replace(
                "</Relationships>", f'<Relationship Id="rIdX{rel}" Type="{kind}" Target="{target}"/></Relationships>'
            ).encode()
        parts["xl/pivotTables/pivotTable1.xml"] = (
            '<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" name="数据透视表1" '
            'cacheId="1"><location ref="A3:C20" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
            "</pivotTableDefinition>"
        ).encode()
        parts["xl/threadedComments/threadedComment1.xml"] = (
            '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            '<threadedComment ref="M2" id="{1}" personId="{2}"><text>见讨论</text></threadedComment>'
            '<threadedComment ref="M2" id="{3}" personId="{2}" parentId="{1}"><text>好的</text></threadedComment>'
            "</ThreadedComments>"
        ).encode()
        parts["[Content_Types].xml"] = types.encode()

    patch_parts(path, parts_excel_writes)
    with pytest.raises(WouldLoseError) as refused:
        regenerate(path, today=TODAY)
    assert sorted(str(loss) for loss in refused.value.lost) == sorted(
        [
            "订单!P3: a bar chart",
            "概览: comments on a sheet the template rebuilds",
            "透视!A3:C20: pivot table 数据透视表1",
            "客户!M2: threaded comments (their first text is kept as a plain comment; replies and the thread are not)",
        ]
    )


def test_the_command_refuses_with_the_list_and_accept_loss_rebuilds_and_lists_it(tmp_path):
    path = staff_book(tmp_path)
    before = path.read_bytes()
    refused = CliRunner().invoke(command, [str(path)])
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output
    assert f"  - {CHART}" in refused.output.splitlines() and f"  - {CUT}" in refused.output.splitlines()
    assert "--accept-loss" in refused.output
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]

    done = CliRunner().invoke(command, [str(path), "--accept-loss"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    backup = next(tmp_path.glob("book.*.bak.xlsx"))
    assert f"已写入 {path}（原簿已保存为 {backup}）" in lines
    assert f"未带过去（--accept-loss）：{CHART_ZH}" in lines
    assert f"未带过去（--accept-loss）：{CUT_ZH}" in lines
    assert "已带过去的员工工作表：我的统计" in lines
    assert "另外带过去：批注 1，链接 3，公式 12，格式 4，合并单元格 1" in lines
    with zipfile.ZipFile(backup) as saved, zipfile.ZipFile(io.BytesIO(before)) as old:
        assert saved.namelist() == old.namelist()
        # the same book (the command tags its backup as one in the document properties)
        assert [n for n in old.namelist() if saved.read(n) != old.read(n)] in ([], ["docProps/custom.xml"])


# --- macros -------------------------------------------------------------------------------------


def test_an_xlsm_keeps_its_vba_project_and_stays_macro_enabled(tmp_path):
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8  # any bytes: xlsxwriter copies the part
    path = make_xlsm(demo_book(tmp_path), tmp_path / "book.xlsm", vba)
    (tmp_path / "book.xlsx").unlink()
    result = regenerate(path, today=TODAY)
    assert result.lost == [] and result.kept == {"macros": 1}
    assert result.backup_path.name.endswith(".bak.xlsm")
    with zipfile.ZipFile(path) as zf:
        assert zf.read("xl/vbaProject.bin") == vba
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        workbook = zf.read("xl/workbook.xml").decode()
    assert f'<Override PartName="/xl/workbook.xml" ContentType="{MACRO_MAIN}"/>' in types
    assert f'<Default Extension="bin" ContentType="{VBA_TYPE}"/>' in types
    assert 'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"' in rels
    assert 'codeName="ThisWorkbook"' in workbook
    assert read_book(path).data() == read_book(result.backup_path).data()

    # an .xlsx cannot hold the macros: named, and written only when accepted
    with pytest.raises(WouldLoseError) as refused:
        regenerate(path, output=tmp_path / "plain.xlsx", today=TODAY)
    assert [str(loss) for loss in refused.value.lost] == [
        "workbook: the macros (VBA project): plain.xlsx is an .xlsx, which cannot hold them; write to an .xlsm to keep them"
    ]
    assert not (tmp_path / "plain.xlsx").exists()


def test_an_xlsm_target_without_macros_to_keep_is_refused(tmp_path):
    path = demo_book(tmp_path)
    with pytest.raises(OutputError, match="macro-enabled"):
        regenerate(path, output=tmp_path / "book.xlsm", today=TODAY)
    assert not (tmp_path / "book.xlsm").exists()


# --- dates before 1 March 1900 ------------------------------------------------------------------


def test_dates_before_march_1900_are_not_shifted_a_day(tmp_path):
    path = demo_book(tmp_path)

    def early(wb):
        orders = wb["订单"]
        orders[f"{DUE}2"] = "1900/1/15"  # a due date typed as text: stays that text
        orders[f"{DUE}3"] = date(1900, 2, 10)  # a real date cell: serial 41
        orders[f"{DUE}3"].number_format = "yyyy-mm-dd"
        orders[f"{S1}1"], orders[f"{S1}2"] = "旧日期", date(1900, 1, 1)
        orders[f"{S1}2"].number_format = "yyyy-mm-dd"

    edit(path, early)
    before = read_book(path)
    regenerate(path, today=TODAY)
    ws = openpyxl.load_workbook(path)["订单"]
    assert (ws[f"{DUE}2"].value, ws[f"{DUE}2"].data_type) == ("1900/1/15", "s")
    assert ws[f"{DUE}3"].value == datetime(1900, 2, 10) and ws[f"{S1}2"].value == datetime(1900, 1, 1)
    after = read_book(path)
    assert after.data() == before.data()
    assert after["orders"].rows[1]["due_date"] == date(1900, 2, 10)


# --- the two row writers ------------------------------------------------------------------------


def test_decor_written_as_xml_is_what_xlsxwriter_writes_cell_by_cell(tmp_path, monkeypatch):
    data = generate_demo(6, seed=3, today=TODAY)
    n = len(data["orders"])
    look = Look(bold=True, color="#FF0000", fill="#FFFF00")
    whole = Look(
        italic=True,
        num_format="0.00%",
        align="center",
        wrap=True,
        font_size=14,
        borders=(Border(1, "#000000"), None, Border(2), None),
    )
    s1, s2, notes = len(ORDERS.columns), len(ORDERS.columns) + 1, ORDERS.col("notes")  # 0-based: the staff's, 备注
    orders = SheetCarry(
        [ExtraColumn("佣金", [1.5] * n), ExtraColumn("备注", ["a", None, date(2026, 1, 2)] + [None] * (n - 3))],
        {0: {"order_date": "明天"}},
        Decor(
            cells={
                (1, s1): Formula(f"{TOTAL}2*0.05", 12.5),
                (2, s1): Formula(f"{TOTAL}3>0", True),
                (3, s1): Formula("1/0", "#DIV/0!"),
                (4, s1): Formula('"a"&"<b>"', "a<b>"),
                (5, s1): Formula(f"SUM({TOTAL}2:{TOTAL}3*2)", "", array=f"{S1}6"),
                (1, notes): Formula('"加急"&"单"', "加急单"),
                (2, s2): Serial(15),
                (3, 4): "1900-01-15",
            },
            looks={(1, 1): look, (1, 3): look, (2, 2): look, (3, s2): look, (1, s1): look, (6, 5): look},
            comments={(1, 1): Note("大客户", "王经理"), (0, s1): Note("staff column")},
            links={(1, s2): Link("mailto:a@example.com"), (2, 0): Link(None, "'客户'!A1", "go")},
        ),
    )
    mine = StaffSheet(
        "我的",
        [["月份", 3.5], [None, "x", None], [" a ", datetime(2026, 1, 2, 3, 4)]],
        source="我的",
        decor=Decor(
            cells={(1, 0): Formula("B1*2", 7.0), (4, 2): Formula("A1", "月份")},
            looks={(0, 0): whole, (2, 1): look, (5, 5): whole},
            merged=[(1, 1, 1, 2)],
            widths={0: (20.7109375, False), 3: (None, True)},
            freeze=(1, 0),
            autofilter=(0, 0, 2, 1),
            comments={(0, 1): Note("金额")},
            links={(2, 0): Link("https://example.com/a b")},
            tab_color="#00B050",
        ),
    )
    carry = Carry({"orders": orders}, [mine, OtherSheet("平", [["v"]])])
    fast = write_book(tmp_path / "fast.xlsx", data, today=TODAY, carry=carry)
    monkeypatch.setattr(BulkSheet, "bulk_ready", lambda self: False)
    slow = write_book(tmp_path / "slow.xlsx", data, today=TODAY, carry=carry)
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(slow) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    wb = openpyxl.load_workbook(fast)
    ws = wb["订单"]
    assert (ws[f"{S1}2"].value, ws[f"{S1}6"].value.text, ws[f"{NOTES}2"].value) == (
        f"={TOTAL}2*0.05",
        f"=SUM({TOTAL}2:{TOTAL}3*2)",
        '="加急"&"单"',
    )
    assert (ws["B2"].font.b, ws["B2"].fill.fgColor.rgb, ws["B2"].comment.author) == (True, "FFFFFF00", "王经理")
    assert ws["F7"].fill.fgColor.rgb == "FFFFFF00" and ws["F7"].value is not None  # a formula cell's own value kept
    assert wb["我的"]["A1"].font.sz == 14 and wb["我的"].freeze_panes == "A2"
