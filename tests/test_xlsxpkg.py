"""The package-level writer under the in-place edits: zip rewriting, cell patching, properties."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date

import openpyxl
import pytest

from workbook_tools.xlsxpkg import zipio
from workbook_tools.xlsxpkg.cells import value_cell
from workbook_tools.xlsxpkg.package import Package, Unsupported
from workbook_tools.xlsxpkg.props import read_properties, set_properties
from workbook_tools.xlsxpkg.sheet import Cached, SheetEdit, Value, patch_sheet


def _raw(path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z, open(path, "rb") as fh:
        start, length = zipio.raw_member(fh, z.getinfo(name))
        fh.seek(start)
        return fh.read(length)


def test_rewrite_copies_unchanged_parts_as_their_compressed_bytes(tmp_path, monkeypatch):
    src = tmp_path / "src.zip"
    big = os.urandom(3000).hex().encode() * 3  # several deflate blocks below
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("a.xml", b"<a>" + b"x" * 5000 + b"</a>", zipfile.ZIP_DEFLATED)
        z.writestr("b.bin", os.urandom(700), zipfile.ZIP_STORED)
        z.writestr("中文/名字.xml", "<名/>".encode(), zipfile.ZIP_DEFLATED)
        z.writestr("gone.xml", b"<gone/>", zipfile.ZIP_DEFLATED)
        z.writestr("big.xml", b"old", zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(zipio, "BLOCK", 1000)
    dst = tmp_path / "dst.zip"
    with open(dst, "wb") as out:
        zipio.rewrite(
            str(src),
            out,
            {"big.xml": (big[i : i + 777] for i in range(0, len(big), 777))},
            {"new.xml": b"<new/>"},
            ["gone.xml"],
        )
    with zipfile.ZipFile(dst) as z:
        assert z.testzip() is None
        assert z.namelist() == ["a.xml", "b.bin", "中文/名字.xml", "big.xml", "new.xml"]
        assert z.read("big.xml") == big and z.read("new.xml") == b"<new/>"
        assert z.read("中文/名字.xml") == "<名/>".encode()
    for name in ("a.xml", "b.bin", "中文/名字.xml"):
        assert _raw(dst, name) == _raw(src, name)


SHEET = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:C4"/><cols><col min="1" max="1" width="9" style="7"/></cols><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>'
    b'<row {a2}><c r="A2" s="3"><v>1</v></c><c r="C2" s="5"><f t="shared" ref="C2:C4" si="0">A2*2</f><v>2</v></c></row>'
    b'<row {a3}><c r="A3"><v>2</v></c><c r="C3" s="5"><f t="shared" si="0"/><v>4</v></c></row>'
    b'<row {a4}><c r="A4"><v>3</v></c><c r="C4" s="5"><f t="shared" si="0"/><v>6</v></c></row>'
    b"</sheetData></worksheet>"
)


def _edit() -> SheetEdit:
    edit = SheetEdit()
    edit.set(3, 2, Cached(40))
    edit.set(6, 0, Value(5))
    edit.set(6, 1, Value("  =1+1 \x01"))
    edit.set(6, 2, Cached(10))
    edit.like[6] = 4
    return edit


def _patched(attrs: list[bytes]) -> bytes:
    xml = SHEET.replace(b"{a2}", attrs[0]).replace(b"{a3}", attrs[1]).replace(b"{a4}", attrs[2])
    return b"".join(bytes(c) for c in patch_sheet(xml, _edit()))


def test_patch_sheet_edits_cells_and_fills_formulas_down_on_both_paths():
    fast = _patched([b'r="2"', b'r="3"', b'r="4"'])
    slow = _patched([b'spans="1:3" r="2"', b'spans="1:3" r="3"', b'spans="1:3" r="4"'])  # r not first: scanned
    for out in (fast, slow):
        rows = {int(m[1]): m[0] for m in re.finditer(rb'<row\b[^>]*?\br="(\d+)"[^>]*>.*?</row>', out)}
        assert sorted(rows) == [1, 2, 3, 4, 6]
        assert b'<c r="C3" s="5" t="n">' not in rows[3] and b"<v>40</v>" in rows[3]
        assert b'<f t="shared" si="0"/>' in rows[3]  # the formula itself is kept as it was
        assert rows[6] == (
            b'<row r="6"><c r="A6" s="7"><v>5</v></c>'
            b'<c r="B6" t="inlineStr"><is><t xml:space="preserve">  =1+1 _x0001_</t></is></c>'
            b'<c r="C6" s="5"><f>A6*2</f><v>10</v></c></row>'
        )
        assert b'<dimension ref="A1:C6"/>' in out
    assert fast.replace(b'spans="1:3" ', b"") == fast  # untouched rows keep their XML
    assert re.search(rb'<row spans="1:3" r="2">', slow)


def test_a_sheet_whose_sheetdata_tag_is_cut_off_is_unsupported_not_a_crash():
    # "<sheetData" is there but never closed: the patcher's search for the element found nothing and
    # indexed None (a TypeError, a traceback) before mypy pointed at it
    xml = b"<worksheet><sheetData"
    edit = SheetEdit()
    edit.set(2, 0, Value(1))
    with pytest.raises(Unsupported, match="worksheet without <sheetData>"):
        b"".join(patch_sheet(xml, edit))


def test_value_cells():
    assert value_cell(2, 0, date(2026, 1, 2), 4) == '<c r="A2" s="4"><v>46024</v></c>'
    assert value_cell(2, 0, date(2026, 1, 2), None, date1904=True) == '<c r="A2"><v>44562</v></c>'
    assert value_cell(2, 1, True, None) == '<c r="B2" t="b"><v>1</v></c>'
    assert value_cell(2, 1, None, 3) == '<c r="B2" s="3"/>' and value_cell(2, 1, "", None) == ""
    assert (
        value_cell(9, 27, "a<b&_x0041_", None)
        == '<c r="AB9" t="inlineStr"><is><t>a&lt;b&amp;_x005F_x0041_</t></is></c>'
    )


def test_custom_properties_are_added_and_replaced(tmp_path):
    book = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(book)
    for value in ("summary", "book"):
        with Package(book) as pkg:
            set_properties(pkg, {"orderbook:kind": value, "备注": "月结"})
            buf = io.BytesIO()
            pkg.write_to(buf)
        book.write_bytes(buf.getvalue())
        with Package(book) as pkg:
            assert read_properties(pkg) == {"orderbook:kind": value, "备注": "月结"}
    props = {p.name: p.value for p in openpyxl.load_workbook(book).custom_doc_props.props}
    assert props == {"orderbook:kind": "book", "备注": "月结"}
