"""Reading what is imported: encodings, delimiters, ragged rows, .xlsx sheets."""

from __future__ import annotations

import pytest
from import_helpers import SHARED_DATA, TODAY, small_book, write_csv

from workbook_tools.errors import BookReadError
from workbook_tools.importer import import_rows
from workbook_tools.importer.sources import detect_encoding, read_source, sniff_delimiter

HEADER = ["客户编号", "客户名称", "手机", "详细地址"]
ROWS = [
    ["C0101", "宁波海曙文具店", "13912345678", "海曙区中山西路 8 号"],
    ["C0102", "Zoë Müller", "13912345679", "某路"],
]


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_encodings_are_detected(tmp_path, encoding, expected):
    rows = ROWS if encoding not in ("gbk",) else [ROWS[0]]  # GBK has no ë
    path = write_csv(tmp_path / "c.csv", HEADER, rows, encoding=encoding)
    src = read_source(path)
    assert src.encoding == expected
    assert src.header == HEADER and src.records == rows


def test_gb18030_beyond_gbk_and_undecodable_bytes():
    assert detect_encoding("客户,𠮷".encode("gb18030")) == ("gb18030", "客户,𠮷")
    with pytest.raises(ValueError, match="GB18030"):
        detect_encoding(b"\x81\x20\xff\xff")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path, delimiter):
    path = write_csv(tmp_path / "c.csv", HEADER, ROWS, delimiter=delimiter)
    src = read_source(path)
    assert src.delimiter == delimiter and src.records == ROWS


def test_a_quoted_delimiter_does_not_count():
    assert sniff_delimiter('"a;b;c",d\n1,2') == ","


def test_ragged_rows_are_reported_not_shifted(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "客户编号,客户名称,手机,详细地址\n"
        "C0101,甲,13912345678,海曙区\n"
        "C0102,乙,13912345679,Rua do Paço, 67\n"  # an unquoted comma: 5 fields
        "C0103,丙,13912345670\n"  # 3 fields
        "C0104,丁,13912345671,某路,\n"  # a trailing delimiter is fine
        "\n",
        encoding="utf-8",
    )
    src = read_source(path)
    assert [r[0] for r in src.records] == ["C0101", "C0104"]
    assert [(n, len(fields)) for n, fields in src.ragged] == [(3, 5), (4, 3)]
    book = small_book(tmp_path / "book.xlsx")
    result = import_rows(path, book, today=TODAY)
    assert result.counts["customers"]["add"] == 2
    assert [(r.row, r.code) for r in result.rejects] == [(3, "ragged-row"), (4, "ragged-row")]
    assert result.rejects[0].message == "该行有 5 个字段，表头有 4 个，无法对应到列"


@pytest.mark.skipif(not (SHARED_DATA / "northwind").is_dir(), reason=f"shared test data not found at {SHARED_DATA}")
def test_the_broken_northwind_copy_reports_its_ragged_rows():
    """neo4j's customers.csv has unquoted commas: 24 of its 91 rows have 12 fields, not 11."""
    src = read_source(SHARED_DATA / "northwind" / "variant-neo4j-unquoted-commas" / "customers.csv")
    assert (len(src.records), len(src.ragged)) == (67, 24)
    assert {len(fields) for _, fields in src.ragged} == {12}


def test_unusable_files(tmp_path):
    with pytest.raises(BookReadError, match="file not found"):
        read_source(tmp_path / "nope.csv")
    (tmp_path / "old.xls").write_bytes(b"x")
    with pytest.raises(BookReadError, match="save the sheet as .xlsx or CSV"):
        read_source(tmp_path / "old.xls")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(BookReadError, match="no header row"):
        read_source(tmp_path / "empty.csv")
    (tmp_path / "fake.xlsx").write_text("a,b\n1,2\n")
    with pytest.raises(BookReadError, match="not a zip"):
        read_source(tmp_path / "fake.xlsx")


def test_an_xlsx_sheet_named_like_the_target_with_a_title_row(tmp_path):
    import xlsxwriter

    path = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("说明").write_string(0, 0, "导出说明")
    ws = wb.add_worksheet("Customers")
    ws.write_row(2, 0, HEADER)
    ws.write_row(3, 0, ROWS[0])
    wb.close()
    src = read_source(path, prefer=("客户", "Customers"), header_row=3)
    assert (src.sheet, src.header, src.records, src.row_numbers) == ("Customers", HEADER, [ROWS[0]], [4])
    assert read_source(path, prefer=("Customers",)).row_numbers == [4]  # first row with a value
    with pytest.raises(BookReadError, match="no sheet 'Orders'"):
        read_source(path, sheet="Orders")
