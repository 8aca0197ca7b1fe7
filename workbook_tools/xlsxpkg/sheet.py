"""Edit one worksheet's XML in place: set cells, append rows, refresh formulas' cached results.

Rows without edits are copied as they are, in runs of bytes; in an edited row, every cell that
is not edited keeps its XML. A new record row gets the formulas of the record row above it
(translated to its row, as Excel's fill-down does) in the columns where it has no cell yet —
the schema's formulas past the prepared rows, and the staff's own formula columns — with the
styles of that row's cells, or of the column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from openpyxl.formula.translate import Translator

from .cells import cached_parts, ref, value_cell
from .package import Unsupported
from .zipio import Patched

_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_R = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_R = re.compile(rb'\br="(\d+)"')
_S = re.compile(rb'\ss="(\d+)"')
_T = re.compile(rb'\st="(\w+)"')
_F = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_COLS = re.compile(rb'<col\b[^>]*?\bmin="(\d+)"[^>]*?\bmax="(\d+)"[^>]*?/>')


@dataclass
class Value:
    """Write ``value`` into the cell (its style kept, or ``style``, or the column's)."""

    value: Any
    style: int | None = None


@dataclass
class Cached:
    """Set the cached result of the formula in the cell (a cell without a formula is left alone:
    someone typed over it, and validation says so)."""

    value: Any


@dataclass
class Formula:
    """Write the formula ``text`` (no leading ``=``) with ``cached`` as its result (the cell's style
    kept, or ``style``, or the column's): a formula from the schema, where the cell has none."""

    text: str
    cached: Any = ""
    style: int | None = None


def formula_cell(row: int, col: int, text: str, cached: Any, style: int | None, *, date1904: bool = False) -> str:
    """A cell holding a formula and its cached result, as xlsxwriter writes one."""
    t, v = cached_parts(cached, date1904)
    s = f' s="{style}"' if style else ""
    kind = f' t="{t}"' if t is not None else ""
    return f'<c r="{ref(row, col)}"{s}{kind}><f>{_escape(text)}</f><v>{v}</v></c>'


@dataclass
class SheetEdit:
    #: 1-based row -> 0-based column -> what to write.
    cells: dict[int, dict[int, Value | Cached | Formula]] = field(default_factory=dict)
    #: New record rows -> the record row whose formulas and styles they follow.
    like: dict[int, int] = field(default_factory=dict)
    date1904: bool = False
    #: Columns whose formulas had to be filled down onto new rows (set while the XML is written).
    filled: set[int] = field(default_factory=set)

    def set(self, row: int, col: int, what: Value | Cached | Formula) -> None:
        self.cells.setdefault(row, {})[col] = what

    def __bool__(self) -> bool:
        return bool(self.cells)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def column_styles(head: bytes) -> dict[int, int]:
    """0-based column -> the default style of its ``<col>`` element."""
    out: dict[int, int] = {}
    for m in _COLS.finditer(head):
        s = re.search(rb'\sstyle="(\d+)"', m[0])
        if s:
            for c in range(int(m[1]) - 1, min(int(m[2]), 16384)):
                out[c] = int(s[1])
    return out


@dataclass
class _Cell:
    col: int
    xml: bytes
    attrs: bytes
    body: bytes

    @property
    def style(self) -> int | None:
        m = _S.search(self.attrs)
        return int(m[1]) if m else None

    def formula(self) -> tuple[bytes, bytes] | None:
        m = _F.search(self.body)
        return (m[1], m[2] or b"") if m else None


def _cells(row_number: int, body: bytes) -> tuple[list[_Cell], bytes]:
    """The cells of a row and what else the row holds (e.g. an ``<extLst>``)."""
    out, rest, col, pos = [], [], -1, 0
    for c in _CELL.finditer(body):
        rest.append(body[pos : c.start()])
        pos = c.end()
        attrs = c[1]
        m = _R.search(attrs)
        col = _col_index(m[1]) if m else col + 1
        xml = c[0]
        if m is None:  # cells may leave out their reference; ours are explicit
            xml = b'<c r="%s"' % ref(row_number, col).encode() + xml[2:]
            attrs = b' r="%s"' % ref(row_number, col).encode() + attrs
        out.append(_Cell(col, xml, attrs, c[2] or b""))
    rest.append(body[pos:])
    return out, b"".join(rest).strip()


class _SharedFormulas:
    """The masters of shared formulas (``<f t="shared" ref=… si=…>text</f>``), looked up on demand."""

    def __init__(self, xml: bytes):
        self.xml = xml
        self.masters: dict[bytes, tuple[str, str]] | None = None

    def text(self, si: bytes, cell: str) -> str | None:
        if self.masters is None:
            self.masters = {}
            for m in re.finditer(
                rb'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*>\s*<f\b([^>]*?\bt="shared"[^>]*)>(.*?)</f>', self.xml, re.S
            ):
                sim = re.search(rb'\bsi="(\d+)"', m[2])
                if sim and re.search(rb"\bref=", m[2]):
                    self.masters[sim[1]] = (m[1].decode(), _unescape(m[3].decode("utf-8")))
        master = self.masters.get(si)
        if master is None:
            return None
        moved: str = Translator("=" + master[1], origin=master[0]).translate_formula(cell)  # (stub: untyped)
        return moved[1:]


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _formula_text(cell: _Cell, row: int, shared: _SharedFormulas) -> str | None:
    """The formula of ``cell`` (sitting in row ``row``) as text without ``=``, or None (array formulas,
    data tables and formulas we cannot place are not copied)."""
    f = cell.formula()
    if f is None:
        return None
    attrs, text = f
    found = re.search(rb'\bt="(\w+)"', attrs)
    kind = found[1] if found else b"normal"
    if kind == b"normal":
        return _unescape(text.decode("utf-8"))
    if kind == b"shared":
        si = re.search(rb'\bsi="(\d+)"', attrs)
        if text:
            return _unescape(text.decode("utf-8"))
        return shared.text(si[1], ref(row, cell.col)) if si else None
    return None


def _fill_cell(cell: _Cell, from_row: int, to_row: int, shared: _SharedFormulas) -> str | None:
    """The cell of ``to_row`` that continues ``cell``'s formula (its style kept, no cached value)."""
    text = _formula_text(cell, from_row, shared)
    if text is None:
        return None
    moved: str = Translator("=" + text, origin=ref(from_row, cell.col)).translate_formula(ref(to_row, cell.col))[1:]
    style = cell.style
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref(to_row, cell.col)}"{s}><f>{_escape(moved)}</f></c>'


def _with_cached(cell: _Cell, value: Any, date1904: bool) -> bytes:
    """``cell`` (holding a formula) with its cached result replaced."""
    t, v = cached_parts(value, date1904)
    attrs = _T.sub(b"", cell.attrs)
    if t is not None:
        attrs += b' t="%s"' % t.encode()
    f = _F.search(cell.body)
    assert f is not None, "the caller checked that the cell holds a formula"
    return b"<c" + attrs + b">" + f[0] + b"<v>" + v.encode("utf-8") + b"</v></c>"


class _Patcher:
    def __init__(self, xml: bytes, edit: SheetEdit):
        self.xml = xml
        self.edit = edit
        self.shared = _SharedFormulas(xml)
        head_end = xml.find(b"<sheetData")
        if head_end < 0:
            raise Unsupported("worksheet without <sheetData>")
        self.col_styles = column_styles(xml[:head_end])
        #: Cells of the rows new rows follow, as they are met.
        self.like_cells: dict[int, list[_Cell]] = {}
        self.wanted_like = set(edit.like.values())
        #: How many leading bytes of ``xml`` come out as they are (known once the first chunk is out).
        self.kept = 0

    def _style(self, col: int, like: list[_Cell] | None) -> int | None:
        if col in self.col_styles:
            return self.col_styles[col]
        for c in like or ():
            if c.col == col:
                return c.style
        return None

    def row(self, number: int, attrs: bytes | None, body: bytes) -> bytes:
        """Row ``number`` with its edits (``attrs`` None: the row is not in the sheet yet)."""
        edits = self.edit.cells.get(number, {})
        cells, other = _cells(number, body) if body else ([], b"")
        by_col = {c.col: c for c in cells}
        like_row = self.edit.like.get(number)
        like = self.like_cells.get(like_row) if like_row is not None else None
        if like_row is not None and like is None:
            raise Unsupported(f"row {like_row} to follow is not above row {number}")
        if (
            like_row is not None and like is not None
        ):  # a new record row: the formulas of the row it follows, where it has no cell
            for c in like:
                if c.col not in by_col and not isinstance(edits.get(c.col), Value):
                    filled = _fill_cell(c, like_row, number, self.shared)
                    if filled is not None:
                        by_col[c.col] = _cells(number, filled.encode("utf-8"))[0][0]
                        self.edit.filled.add(c.col)
        out: dict[int, bytes] = {col: c.xml for col, c in by_col.items()}
        for col, what in edits.items():
            have = by_col.get(col)
            if isinstance(what, Formula):
                style = (
                    what.style if what.style is not None else have.style if have is not None else self._style(col, like)
                )
                out[col] = formula_cell(number, col, what.text, what.cached, style, date1904=self.edit.date1904).encode(
                    "utf-8"
                )
                continue
            if isinstance(what, Cached):
                if have is not None and have.formula() is not None:
                    out[col] = _with_cached(have, what.value, self.edit.date1904)
                continue
            style = what.style if what.style is not None else have.style if have is not None else self._style(col, like)
            xml = value_cell(number, col, what.value, style, date1904=self.edit.date1904).encode("utf-8")
            if xml:
                out[col] = xml
            else:
                out.pop(col, None)
        if attrs is None:
            attrs = b' r="%d"' % number
        attrs = re.sub(rb'\sspans="[^"]*"', b"", attrs)
        return b"<row" + attrs + b">" + b"".join(out[c] for c in sorted(out)) + other + b"</row>"

    def remember(self, number: int, body: bytes) -> None:
        if number in self.wanted_like:
            self.like_cells[number] = _cells(number, body)[0]

    def chunks(self) -> Iterator[bytes | memoryview]:
        xml = self.xml
        m = re.search(rb"<sheetData\b[^>]*?(/?)>", xml)
        if m is None:
            raise Unsupported("worksheet without <sheetData>")
        pending = sorted(self.edit.cells)
        if m[1]:  # <sheetData/>
            self.kept = m.start()
            yield xml[: m.start()] + b"<sheetData>"
            for r in pending:
                yield self.row(r, None, b"")
            yield b"</sheetData>" + xml[m.end() :]
            return
        start, end = m.end(), xml.find(b"</sheetData>", m.end())
        if end < 0:
            raise Unsupported("unterminated <sheetData>")
        spots = self._locate(start, end)
        if spots is not None:
            edited = [found.start() for n, found in spots.items() if found is not None and n in self.edit.cells]
            self.kept = min(edited, default=end)
            yield from self._at_spots(start, end, spots)
            return
        self.kept = start
        yield xml[:start]
        last, prev = start, 0
        for row in _ROW.finditer(xml, start, end):
            if not pending:
                break
            r_attr = _ROW_R.search(row[1])
            number = int(r_attr[1]) if r_attr else prev + 1
            prev = number
            self.remember(number, row[2] or b"")
            if number < pending[0]:
                continue
            yield xml[last : row.start()]
            while pending and pending[0] < number:
                yield self.row(pending.pop(0), None, b"")
            if pending and pending[0] == number:
                pending.pop(0)
                yield self.row(number, row[1], row[2] or b"")
            else:
                yield row[0]
            last = row.end()
        yield xml[last:end]
        for r in pending:
            yield self.row(r, None, b"")
        yield xml[end:]

    def _locate(self, start: int, end: int) -> dict[int, re.Match[bytes] | None] | None:
        """Each row to edit or follow, found by its ``r`` attribute without scanning the rows between
        (None: a row past the last one). None when a row cannot be found so (then every row is scanned)."""
        xml = self.xml
        last_open = xml.rfind(b"<row ", start, end)
        if last_open < 0:
            return None
        last_r = _ROW_R.match(xml, last_open + 5)
        if last_r is None:
            return None
        top = int(last_r[1])
        spots: dict[int, re.Match[bytes] | None] = {}
        pos = start
        for n in sorted(set(self.edit.cells) | self.wanted_like):
            if n > top:
                spots[n] = None
                continue
            # rows are in order: one in the sheet's second half is sought from the end (an import's new
            # rows and their orders' totals are near it), so the hundreds of MB before are not read
            tag = b'<row r="%d"' % n
            i = xml.rfind(tag, pos, end) if n > top // 2 else xml.find(tag, pos, end)
            found = _ROW.match(xml, i) if i >= 0 else None
            if found is None:
                return None
            spots[n] = found
            pos = found.end()
        return spots

    def _at_spots(self, start: int, end: int, spots: dict[int, re.Match[bytes] | None]) -> Iterator[bytes | memoryview]:
        xml = memoryview(self.xml)  # the long runs between edited rows are passed on without a copy
        yield xml[:start]
        last = start
        for n, found in spots.items():
            if found is None:
                continue
            self.remember(n, found[2] or b"")
            if n in self.edit.cells:  # (found[…] are bytes: the match ran on self.xml)
                yield xml[last : found.start()]
                yield self.row(n, found[1], found[2] or b"")
                last = found.end()
        yield xml[last:end]
        for n, found in spots.items():
            if found is None and n in self.edit.cells:
                yield self.row(n, None, b"")
        yield xml[end:]


def patch_sheet(xml: bytes, edit: SheetEdit) -> Patched:
    """The worksheet ``xml`` with ``edit`` applied, as chunks of bytes, and how many of its first bytes
    are kept as they are (``Patched.kept``). Raises Unsupported for a sheet this cannot patch."""
    if not edit:
        return Patched(iter((xml,)), len(xml))
    grown = _grow_dimension(xml, max(edit.cells))
    patcher = _Patcher(grown, edit)
    chunks = patcher.chunks()
    first = next(chunks)  # the rows to change are found before the first chunk comes out
    return Patched(chain((first,), chunks), patcher.kept if grown is xml else 0)


def _grow_dimension(xml: bytes, top: int) -> bytes:
    m = re.search(rb'<dimension\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', xml[:4096])
    if m is None or not m[3] or int(m[4]) >= top:
        return xml
    return xml[: m.start(4)] + str(top).encode() + xml[m.end(4) :]
