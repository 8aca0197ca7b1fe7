"""A part changed near its end keeps its compressed bytes up to the last deflate block before the change."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from import_helpers import write_csv

from workbook_tools.importer import import_rows
from workbook_tools.read import read_book
from workbook_tools.xlsxpkg import zipio, zsplice
from workbook_tools.xlsxpkg.package import Package

pytestmark = pytest.mark.skipif(not zsplice.available(), reason="the zlib library cannot be loaded through ctypes")


@pytest.fixture
def close_boundaries(monkeypatch):
    """Boundaries noted every 64 KB instead of every 4 MB, so that a test's few MB have many."""
    monkeypatch.setattr(zsplice, "SPACING", 64 << 10)


def _sheet_xml(rows: int, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    return b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d"><f>SUM(C%d:D%d)</f><v>%r</v></c></row>'
        % (i, i, rnd.randint(0, 999), i, i, i, rnd.random())
        for i in range(1, rows)
    )


def _deflated(data: bytes, level: int) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


@pytest.mark.parametrize("level", [1, 6, 9])
def test_a_stream_resumed_at_a_boundary_inflates_to_the_changed_data(level, close_boundaries):
    data = _sheet_xml(60_000)
    raw = _deflated(data, level)
    indexed = zsplice.inflate_indexed(raw, len(data), zlib.crc32(data))
    assert indexed.data == data
    assert len(indexed.boundaries) > 10 and any(b.bits for b in indexed.boundaries)  # mid-byte ones too
    for at in (len(data) - 3, len(data) // 2, len(data) // 7):
        cut = indexed.before(at)
        assert cut is not None and cut.out <= at
        new = data[:at] + b'<row r="9"><c r="A9"><v>1</v></c></row>' + data[at : at + 500]
        history = data[max(0, cut.out - zsplice.WINDOW) : cut.out]
        spliced = raw[: cut.keep] + zsplice.deflate_resumed(new[cut.out :], True, cut, history, 1)
        assert zlib.decompress(spliced, -15) == new
        assert zlib.crc32(new[cut.out :], cut.crc) == zlib.crc32(new)


def test_a_damaged_stream_or_a_wrong_crc_is_refused():
    data = _sheet_xml(20_000)
    raw = _deflated(data, 6)
    with pytest.raises(zsplice.SpliceError):
        zsplice.inflate_indexed(raw, len(data), zlib.crc32(data) ^ 1)
    with pytest.raises(zsplice.SpliceError):
        zsplice.inflate_indexed(raw[: len(raw) // 2], len(data), zlib.crc32(data))
    with pytest.raises(zsplice.SpliceError):
        zsplice.inflate_indexed(raw, len(data) - 1, zlib.crc32(data))


def _zip(path: Path, parts: dict[str, bytes], level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _member_bytes(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        start, length = zipio.raw_member(f, z.getinfo(name))
        f.seek(start)
        return f.read(length)


@pytest.mark.parametrize("where", ["end", "middle", "start", "nowhere", "shorter"])
def test_rewrite_keeps_the_compressed_bytes_before_the_first_change(tmp_path, where, close_boundaries):
    sheet = _sheet_xml(80_000)
    src = _zip(tmp_path / "a.zip", {"a.xml": b"<a/>", "sheet.xml": sheet, "z.xml": b"<z/>"})
    raw = _member_bytes(src, "sheet.xml")
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("sheet.xml")
    origin = zsplice.inflate_indexed(raw, info.file_size, info.CRC)
    at = {"end": len(sheet) - 100, "middle": len(sheet) // 2, "start": 5, "nowhere": len(sheet), "shorter": 0}[where]
    view = memoryview(origin.data)
    if where == "shorter":
        chunks = [view[: len(sheet) - 1000]]
        new = sheet[: len(sheet) - 1000]
    else:
        chunks = [view[:at], b"<row/>" if where != "nowhere" else b"", view[at:]]
        new = sheet[:at] + (b"<row/>" if where != "nowhere" else b"") + sheet[at:]
    out = io.BytesIO()
    zipio.rewrite(str(src), out, {"sheet.xml": chunks}, origins={"sheet.xml": origin})
    (tmp_path / "b.zip").write_bytes(out.getvalue())
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        assert z.testzip() is None
        assert z.read("sheet.xml") == new and z.read("a.xml") == b"<a/>" and z.read("z.xml") == b"<z/>"
    after = _member_bytes(tmp_path / "b.zip", "sheet.xml")
    if where == "nowhere":
        assert after == raw  # copied as it was
    elif where in ("end", "middle", "shorter"):
        cut = origin.before(min(at, len(new)) if where != "shorter" else len(new))
        assert cut is not None and after[: cut.keep] == raw[: cut.keep]
        assert cut.keep > len(raw) // 3  # most of the stream was kept, not deflated again
    else:  # a change before the first boundary: the whole part is deflated again
        assert origin.before(at) is None


def _import_one_line(tmp_path: Path, book_20000: Path) -> tuple[dict[str, tuple[bytes, bytes]], int]:
    """One order line for the last order, into a copy of the 20,000-order book: each big sheet's
    compressed bytes before and after, and the lines the book then has."""
    book = shutil.copyfile(book_20000, tmp_path / "book.xlsx")
    b = read_book(book)
    order = b["orders"].rows[-1]["order_no"]
    sku = b["products"].rows[0]["sku"]
    csv = write_csv(tmp_path / "line.csv", ["订单编号", "产品编号", "数量", "单价"], [[order, sku, "1", "9.90"]])
    with Package(book) as pkg:
        parts = {s.name: s.part for s in pkg.sheets()}
    before = {name: _member_bytes(book, parts[name]) for name in ("订单明细", "订单")}
    assert import_rows(csv, book, sheet="order_lines", today=date(2026, 11, 27)).written
    with zipfile.ZipFile(book) as z:
        assert z.testzip() is None
    again = read_book(book)
    assert again["order_lines"].rows[-1]["order_no"] == order
    assert len(again["order_lines"].rows) == len(b["order_lines"].rows) + 1
    return {name: (raw, _member_bytes(book, parts[name])) for name, raw in before.items()}, len(
        again["order_lines"].rows
    )


def _kept(raw: bytes, after: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(raw, after)) if x != y), min(len(raw), len(after)))


def test_a_one_row_import_into_a_large_book_keeps_most_compressed_bytes(tmp_path, book_20000):
    members, _ = _import_one_line(tmp_path, book_20000)
    for name, (raw, after) in members.items():
        assert _kept(raw, after) > 0.75 * len(raw), name  # only the prepared rows after the data are deflated again


def test_without_the_zlib_library_parts_are_deflated_whole(tmp_path, book_20000, monkeypatch):
    monkeypatch.setattr(zsplice, "available", lambda: False)
    members, _ = _import_one_line(tmp_path, book_20000)
    for name, (raw, after) in members.items():
        assert _kept(raw, after) < 1000, name  # deflated again from the start (at level 1)


def test_the_reader_keeps_the_xml_it_scanned_when_asked_and_scans_it_alike(tmp_path):
    import openpyxl

    from workbook_tools.read.xlsxparts import read_parts, scan_sheet, workbook_member

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 3000):
        ws.cell(r, 1, f"row {r}")
        ws.cell(r, 2, r * 1.5)
    ws["C7"] = "#N/A"  # openpyxl writes it as an error cell
    ws["AB40"] = "far right"
    wb.save(tmp_path / "e.xlsx")
    with zipfile.ZipFile(tmp_path / "e.xlsx") as z:
        member = next(iter(read_parts(z, workbook_member(z)).sheets.values()))
        streamed, kept = scan_sheet(z, member), scan_sheet(z, member, keep=True)
        assert kept.xml is not None and kept.xml.data == z.read(member) and streamed.xml is None
        assert (kept.errors, kept.rows, kept.cols) == (streamed.errors, streamed.rows, streamed.cols)
        assert kept.errors == {(6, 2): "#N/A"} and kept.cols == 28 and kept.rows == 2999


def test_read_book_keeps_the_xml_of_the_sheets_asked_for(book_20000):
    with Package(book_20000) as pkg:
        parts = {s.name: s.part for s in pkg.sheets()}
    book = read_book(book_20000, keep_xml=["orders"])
    assert set(book.xml) == {parts["订单"]}
    with zipfile.ZipFile(book_20000) as z:
        assert book.xml[parts["订单"]].data == z.read(parts["订单"])
    assert book.xml[parts["订单"]].boundaries  # a big sheet: spliceable
    assert read_book(book_20000).xml == {}


@pytest.mark.libreoffice
def test_a_spliced_book_opens_in_libreoffice_with_the_new_row(tmp_path):
    """The spliced deflate streams are read by LibreOffice's own zip reader, not only by Python's."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    from staff_books import resaved

    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    today = date(2026, 11, 27)
    book = write_book(tmp_path / "book.xlsx", generate_demo(5_000, seed=4, today=today), today=today)
    b = read_book(book)
    order, sku = b["orders"].rows[-1]["order_no"], b["products"].rows[0]["sku"]
    csv = write_csv(tmp_path / "line.csv", ["订单编号", "产品编号", "数量", "单价"], [[order, sku, "3", "7.70"]])
    with Package(book) as pkg:
        part = {s.name: s.part for s in pkg.sheets()}["订单明细"]
    raw = _member_bytes(book, part)
    assert import_rows(csv, book, sheet="order_lines", today=today).written
    assert _kept(raw, _member_bytes(book, part)) > len(raw) // 2  # spliced, not deflated whole
    again = read_book(resaved(book, tmp_path / "lo"))
    assert again["order_lines"].rows[-1]["order_no"] == order and again["order_lines"].rows[-1]["quantity"] == 3
    assert len(again["order_lines"].rows) == len(b["order_lines"].rows) + 1
