"""What python-calamine does not tell us, read from the .xlsx package itself.

- which zip member holds each sheet, and whether the workbook counts dates from 1904;
- where the error cells are: calamine returns ``#N/A``, ``#REF!`` … as ``''``, the same as an empty
  cell (python-calamine issue #105), so a sheet's XML is streamed once and searched for ``t="e"``:
  inflated a piece ahead in one thread, searched with RE2 in another; neither holds the GIL, so the
  scan runs beside the caller's Python work. Most sheets have no error cell;
- how far the sheet's cells reach, in the same pass and before calamine sees the sheet: calamine
  allocates its whole used range at once (rows × columns), so one value typed into XFD1048576 makes it
  ask for 512 GiB and abort the process. ``scan_sheet`` finds the last row and (when a cell lies past
  column Z) the last column; a sheet whose range is absurd is read through ``bounded_copy``: a copy of
  the package holding only that sheet, its cells cut to the columns that have a header (the schema's
  and the staff's, up to ``MAX_COLUMNS``) and to the rows that hold values in them.

The small XML parts are parsed with defusedxml, so an entity bomb in them is refused, not expanded.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ..cells import col_index
from ..lang import Said, said
from ..perf import read_ahead
from ..xlsxpkg.zipio import PIECE, indexed_member, member_chunks
from ..xlsxpkg.zsplice import Indexed

_OFFICE_DOCUMENT = "/officeDocument"
_WORKSHEET = "/worksheet"


class PartsError(Exception):
    """The package structure is unreadable (the caller turns this into a BookReadError); ``said``
    is why, in both languages."""

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(said.en)


@dataclass
class Parts:
    #: sheet name -> zip member holding its XML (worksheets only; chart sheets are left out)
    sheets: dict[str, str] = field(default_factory=dict)
    #: True when the workbook uses the 1904 date system (old Mac Excel): serial 0 is 1904-01-01
    date1904: bool = False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(elem: Any, local: str) -> str | None:
    """An attribute by local name, whatever namespace prefix the writer chose (``r:id``, ``ns2:id``)."""
    for k, v in elem.attrib.items():
        if _local(k) == local:
            return str(v)
    return None


def _xml(zf: zipfile.ZipFile, member: str) -> Any:
    return parse_xml(zf.read(member), member)


def parse_xml(data: bytes, member: str) -> Any:
    """A part's XML (defusedxml), or PartsError saying why not: an entity bomb, not XML."""
    try:
        return ElementTree.fromstring(data)
    except DefusedXmlException:
        raise PartsError(
            said(
                (
                    "{member} 声明了 XML 实体（可能是 XML 炸弹），拒绝读取",
                    "{member} declares XML entities (a possible XML bomb); refused",
                ),
                member=member,
            )
        ) from None
    except ElementTree.ParseError as exc:
        raise PartsError(
            said(
                ("{member} 不是格式正确的 XML（{exc}）", "{member} is not well-formed XML ({exc})"),
                member=member,
                exc=exc,
            )
        ) from None


def _rels(zf: zipfile.ZipFile, owner: str) -> dict[str, tuple[str, str]]:
    """Relationships of ``owner``: id -> (type, absolute member name)."""
    folder, name = posixpath.split(owner)
    member = posixpath.join(folder, "_rels", name + ".rels")
    if member not in zf.NameToInfo:
        return {}
    out = {}
    for rel in _xml(zf, member):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = (rel.get("Type") or "", path)
    return out


def workbook_member(zf: zipfile.ZipFile) -> str | None:
    """The main workbook part (``xl/workbook.xml`` in practice; found through ``_rels/.rels``)."""
    for rtype, target in _rels(zf, "").values():
        if rtype.endswith(_OFFICE_DOCUMENT) and target in zf.NameToInfo:
            return target
    return "xl/workbook.xml" if "xl/workbook.xml" in zf.NameToInfo else None


def read_parts(zf: zipfile.ZipFile, workbook: str) -> Parts:
    root = _xml(zf, workbook)
    rels = _rels(zf, workbook)
    parts = Parts()
    for elem in root.iter():
        tag = _local(elem.tag)
        if tag == "workbookPr":
            parts.date1904 = (elem.get("date1904") or "").lower() in ("1", "true")
        elif tag == "sheet":
            name, rid = elem.get("name"), _attr(elem, "id")
            rtype, member = rels.get(rid or "", ("", ""))
            if name and rtype.endswith(_WORKSHEET) and member in zf.NameToInfo:
                parts.sheets[name] = member
    return parts


# --------------------------------------------------------------------------------------------
# Error cells
# --------------------------------------------------------------------------------------------

_ERROR_ATTRS = (b't="e"', b"t='e'")
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c\s")
_REF = re.compile(rb"""\sr=["']([A-Z]{1,3})([0-9]+)["']""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<")
_CHUNK = PIECE
#: A row longer than this is cut anyway (a piece must end somewhere).
_LONGEST_ROW = 64 << 20


def _scan(piece: bytes, found: dict[tuple[int, int], str], attrs: tuple[bytes, ...]) -> None:
    for attr in attrs:
        start = 0
        while (i := piece.find(attr, start)) >= 0:
            start = i + len(attr)
            lt, gt = piece.rfind(b"<", 0, i), piece.find(b">", i)
            if lt < 0 or gt < 0:
                continue
            tag = piece[lt : gt + 1]
            ref = _REF.search(tag)
            if not _CELL_TAG.match(tag) or ref is None:
                continue  # not a cell, or a cell without its position (rare; cannot be placed)
            text = "#ERROR"
            if not tag.endswith(b"/>"):
                end = piece.find(b"c>", gt)  # </c> or </x:c>: text inside a cell cannot contain a raw ">"
                value = _VALUE.search(piece, gt, end if end >= 0 else len(piece))
                if value and value.group(1).strip():
                    text = value.group(1).decode("utf-8", "replace").strip()
            found[(int(ref.group(2)) - 1, col_index(ref.group(1)))] = text


def error_cells(zf: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    """``(row, col) -> "#N/A"`` for every error cell of a sheet (0-based, as in calamine's grid)."""
    return scan_sheet(zf, member).errors


# --------------------------------------------------------------------------------------------
# How far a sheet reaches, and a bounded copy of one that reaches too far
# --------------------------------------------------------------------------------------------

#: The largest grid (rows × columns, empty cells included) read as it is: a sheet of our widest
#: schema (13 columns) plus 19 staff columns, down to Excel's last row. About 1.3 GB in calamine and
#: Python at worst; anything bigger is a stray value far from the data, read through ``bounded_copy``.
GRID_CELLS = 1_048_576 * 32
#: Columns kept by ``bounded_copy`` at most, however far right the header row reaches (A … IV).
MAX_COLUMNS = 256
#: Rows searched for the header row (read/headers.py looks at the same 30).
HEADER_ROWS = 30

#: A cell reference past column Z (two or three letters; rows carry only digits: ``<row r="12">``), and
#: any reference; for each way of quoting attributes.
_WIDE = {q: re.compile(rb" r=" + q + rb"[A-Z]{2}") for q in (b'"', b"'")}
_WIDE_REF = {q: re.compile(rb" r=" + q + rb"([A-Z]{2,3})[0-9]") for q in (b'"', b"'")}
_ANY_REF = {q: re.compile(rb" r=" + q + rb"[A-Z]{0,3}([0-9]+)" + q) for q in (b'"', b"'")}
#: What makes a piece of XML worth a closer look: an error cell, or a cell past column Z (supersets
#: of ``_ERROR_ATTRS`` and ``_WIDE``). Most pieces hold neither, and RE2, unlike re and bytes.find,
#: lets go of the GIL while it searches: the scan then runs beside the caller's Python work. Two
#: searches, each led by a literal byte RE2 can skip to, not one alternation (or a leading ``\s``),
#: which RE2 walks byte by byte: 0.9 s instead of 2.2 s over a 250,000-order sheet's 1.6 GB.
_NOTABLE = (re2.compile(rb"""t=["']e["']"""), re2.compile(rb"""r=["'][A-Z]{2}"""))


@dataclass
class SheetScan:
    """What one pass over a sheet's XML found."""

    #: ``(row, col) -> "#N/A"`` (0-based)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The last row any cell (or row element) names, 1-based: an upper bound of calamine's height.
    rows: int = 0
    #: An upper bound of the last column holding a cell, 1-based (26 when no cell lies past Z).
    cols: int = 0
    #: The sheet's XML, inflated with its block boundaries, when asked to keep it (``scan_sheet``).
    xml: Indexed | None = None

    @property
    def grid(self) -> int:
        """Cells calamine would allocate at most for this sheet (rows × columns)."""
        return self.rows * self.cols

    @property
    def too_big(self) -> bool:
        return self.grid > GRID_CELLS


def _pieces(zf: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The part's XML in pieces of about ``_CHUNK`` bytes, each cut after a complete row (so no cell is
    split between two pieces); the last piece holds what follows the rows."""
    tail = b""
    for block in member_chunks(zf, member, _CHUNK):
        buf = tail + block if tail else block
        cut = buf.rfind(b"row>")
        if cut < 0 and len(buf) < _LONGEST_ROW:
            tail = buf
            continue
        cut = len(buf) if cut < 0 else cut + 4
        yield buf[:cut]
        tail = buf[cut:]
    if tail:
        yield tail


def _last_row(piece: bytes, quote: bytes) -> int:
    mark = b" r=" + quote
    i = piece.rfind(mark)
    while i >= 0:
        m = _ANY_REF[quote].match(piece, i)
        if m:
            return int(m.group(1))
        i = piece.rfind(mark, 0, i)
    return 0


def scan_sheet(zf: zipfile.ZipFile, member: str, *, keep: bool = False) -> SheetScan:
    """Error cells and extent of a sheet, in one streamed pass over its XML (``error_cells``). With
    ``keep`` the XML is inflated whole and kept with its deflate block boundaries (``SheetScan.xml``:
    for a writer that changes the sheet next, zsplice.py), where zlib allows."""
    kept = indexed_member(zf, member) if keep else None
    # inflated in a second thread (zlib lets go of the GIL) while this one searches the piece before
    pieces: Iterable[bytes] = (kept.data,) if kept is not None else read_ahead(_pieces(zf, member))
    scan = SheetScan(cols=26, xml=kept)
    quotes: tuple[bytes, ...] = ()
    attrs: tuple[bytes, ...] = ()
    for piece in pieces:
        if not quotes:
            # writers quote attributes one way; searching for the other quote too would double the cost
            quotes = (b'"', b"'") if piece.find(b"='", 0, _CHUNK) >= 0 else (b'"',)
            attrs = _ERROR_ATTRS[: len(quotes)]
        notable = any(hint.search(piece) is not None for hint in _NOTABLE)
        if notable:
            _scan(piece, scan.errors, attrs)
        for q in quotes:
            scan.rows = max(scan.rows, _last_row(piece, q))
            if notable and _WIDE[q].search(piece) is not None:  # rare: a cell past column Z
                scan.cols = max(scan.cols, max(col_index(m) + 1 for m in _WIDE_REF[q].findall(piece)))
    return scan


# A cell element, whole: ``<c r="B2" s="1" t="s"><v>3</v></c>`` or ``<c r="B2" s="1"/>`` (any prefix).
_CELL = re.compile(rb"<((?:[\w.-]+:)?c)(\s[^>]*?)?(/>|>(.*?)</\1\s*>)", re.DOTALL)
_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_HAS_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)\b[^>]*>\s*[^<\s]|<(?:[\w.-]+:)?t\b[^>/]*>[^<]")


@dataclass
class Bounded:
    """A package holding one sheet cut to its data (``bounded_copy``), and the cut made."""

    data: bytes
    #: The columns and rows kept (1-based counts from A1).
    cols: int
    rows: int


def _valued(body: bytes | None) -> bool:
    return body is not None and body != b"" and _HAS_VALUE.search(body) is not None


def _header_columns(zf: zipfile.ZipFile, member: str) -> int:
    """The last column holding a value in the first ``HEADER_ROWS`` rows (where the header row is)."""
    cols = 0
    for piece in _pieces(zf, member):
        for m in _CELL.finditer(piece):
            ref = _CELL_REF.search(m.group(2) or b"")
            if ref is None:
                continue
            if int(ref.group(2)) > HEADER_ROWS:
                return cols
            if _valued(m.group(4)):
                cols = max(cols, col_index(ref.group(1)) + 1)
    return cols


def bounded_copy(zf: zipfile.ZipFile, member: str) -> Bounded:
    """A new package (bytes) in which ``member`` keeps only its cells with a value in the columns up to
    the last one with a value in the header rows (at most ``MAX_COLUMNS``); every other worksheet is
    left out (calamine opens a sheet's part only when asked for that sheet). The rows kept end with the
    last row holding such a value, so a stray value far right or far down costs nothing."""
    keep = min(max(_header_columns(zf, member), 1), MAX_COLUMNS)
    rows = 0

    def cut(m: re.Match[bytes]) -> bytes:
        nonlocal rows
        ref = _CELL_REF.search(m.group(2) or b"")
        if ref is None:  # a cell without its position: calamine places it after the one before
            return m.group(0)
        if col_index(ref.group(1)) >= keep or not _valued(m.group(4)):
            return b""
        rows = max(rows, int(ref.group(2)))
        return m.group(0)

    sheets = {i.filename for i in zf.infolist() if i.filename.startswith("xl/worksheets/")}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in zf.infolist():
            name = info.filename
            if name == member:
                with dst.open(name, "w", force_zip64=True) as w:
                    for piece in _pieces(zf, member):
                        w.write(_CELL.sub(cut, piece))
            elif name not in sheets and name.endswith((".xml", ".rels")):
                with zf.open(info) as r, dst.open(name, "w", force_zip64=True) as w:
                    shutil.copyfileobj(r, w, 1 << 20)
    return Bounded(out.getvalue(), keep, rows)
