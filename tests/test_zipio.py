"""Inflating a part as the reader streams it (xlsxpkg/zipio.py ``member_chunks``): ISA-L reading the
raw member where it can, zipfile where it cannot; either way the same bytes, and damage is a BadZipFile."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import SHARED_DATA, needs_real_workbooks

from workbook_tools.xlsxpkg import zipio


def _book(tmp_path: Path) -> tuple[Path, str, bytes]:
    """A package with one large, well-compressible deflated sheet (several 1 MB raw reads)."""
    xml = b"<worksheet><sheetData>" + b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d"><v>%d.5</v></c></row>' % (i, i, i % 97, i, i)
        for i in range(1, 200_000)
    )
    xml += b"</sheetData></worksheet>"
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    return path, "xl/worksheets/sheet1.xml", xml


@pytest.mark.parametrize("fast", [True, False], ids=["isal", "zlib"])
def test_a_part_streams_as_zipfile_reads_it(tmp_path, monkeypatch, fast):
    if fast and zipio._fast_zlib is zlib:
        pytest.skip("isal has no wheel for this machine")
    if not fast:
        monkeypatch.setattr(zipio, "_fast_zlib", zlib)
    path, name, xml = _book(tmp_path)
    with zipfile.ZipFile(path) as zf:
        chunks = list(zipio.member_chunks(zf, name, 1 << 16))
    assert b"".join(chunks) == xml
    assert max(len(c) for c in chunks) <= 1 << 16 and len(chunks) > 10


@needs_real_workbooks
def test_every_part_of_a_book_excel_saved_streams_as_zipfile_reads_it():
    with zipfile.ZipFile(SHARED_DATA / "real-workbooks" / "calamine__issue_261_fixed_by_excel.xlsx") as zf:
        for info in zf.infolist():
            assert b"".join(zipio.member_chunks(zf, info.filename, 4096)) == zf.read(info.filename)


def _damage(path: Path, name: str, at: float) -> None:
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    data = bytearray(path.read_bytes())
    head = info.header_offset
    start = (
        head
        + 30
        + int.from_bytes(data[head + 26 : head + 28], "little")
        + int.from_bytes(data[head + 28 : head + 30], "little")
    )
    data[start + int(info.compress_size * at)] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("at", [0.0, 0.5, 0.999])
def test_a_damaged_part_is_a_bad_zip_never_wrong_bytes(tmp_path, at):
    """A flipped byte in the compressed data: an inflate error or a CRC that does not match, both the
    BadZipFile the reader turns into "the file is damaged"."""
    path, name, _xml = _book(tmp_path)
    _damage(path, name, at)
    with zipfile.ZipFile(path) as zf, pytest.raises(zipfile.BadZipFile):
        for _chunk in zipio.member_chunks(zf, name, 1 << 16):
            pass


@pytest.mark.parametrize("fast", [True, False], ids=["isal", "zlib"])
def test_the_in_place_writer_reads_a_part_whole(tmp_path, monkeypatch, fast):
    """extend.py's reader of a part (the book's facts, the rows it rewrites): every byte, in pieces of
    at most ``PIECE``, to the end of the part; a part the package changed, from memory the same way."""
    from workbook_tools.xlsxpkg.extend import _part_chunks
    from workbook_tools.xlsxpkg.package import Package

    if fast and zipio._fast_zlib is zlib:
        pytest.skip("isal has no wheel for this machine")
    if not fast:
        monkeypatch.setattr(zipio, "_fast_zlib", zlib)
    path, name, xml = _book(tmp_path)
    with Package(path) as pkg:
        pieces = list(_part_chunks(pkg, name))
        assert b"".join(pieces) == xml
        assert len(pieces) > 1 and max(map(len, pieces)) <= zipio.PIECE
        pkg.new[name] = xml + b"<!-- changed -->"
        changed = list(_part_chunks(pkg, name))
    assert b"".join(changed) == xml + b"<!-- changed -->" and max(map(len, changed)) <= zipio.PIECE
