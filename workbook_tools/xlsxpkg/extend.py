"""Keep each sheet's prepared rows ahead of its data, in place: what a book has prepared
(:func:`book_facts`, which ``validate`` reads too) and :func:`extend_book` (``orderbook extend``).

Prepared rows are the rows below the data that already hold the schema's formulas and conditional
formats and lie inside the ``rng_`` names the formulas compute over. A sheet's *prepared end* is
the last row where all of that holds: the last row with a formula in every derived column, or the
end of the sheet's ``rng_`` names, whichever comes first; a sheet with neither has the end of its
conditional formats (the status log has no formulas).

``extend_book`` prepares rows again, :func:`template.write.rows_ahead` below the data, on every
sheet with fewer left, and changes only what it must — every other part is copied byte for byte
(package.py), every other cell keeps its XML (sheet.py):

- the formula cells of the derived columns on the new prepared rows (the formulas of formulas.py,
  the one source), rows typed below the old end among them, with Python's values (derive.py) as
  their cached results; and the cached results of the formula cells those rows change (an order's
  total, a product's stock, the dashboard's figures);
- the conditional formats, the autofilter and the defined names (``rng_…``, the filter's) that
  end at the old prepared end;
- each input column's data validation, back over the whole column where another program cut it
  short (LibreOffice keeps it to the last used row + 1,000) or pasted rows took it away, or copied
  from the template where it is gone;
- the print area, to take in every row of data.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Config

from ..book import OrderBook
from ..cells import MAX_ROW, col_letter
from ..errors import WorkbookToolsError, about
from ..lang import Said, said
from ..schema import DASHBOARD, SHEETS, aux_name
from .package import Package, Unsupported
from .zipio import PIECE, member_chunks

#: Flags of a derived cell in ``SheetFacts.cells``.
FORMULA, VALUE = 1, 2
_CHUNK = PIECE
_AREA = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?|\$?([A-Z]{1,3}):\$?([A-Z]{1,3})")
_RANGE_END = re.compile(r"^(.*:\$?[A-Z]{1,3}\$?)(\d+)$", re.S)
_DEFINED = re.compile(r"<definedName\b([^>]*)>([^<]*)</definedName>")
_ATTR = re.compile(r'\b([\w:]+)="([^"]*)"')


class ExtendError(WorkbookToolsError):
    """The book cannot be extended in place (an older template, columns moved, a package shape
    this writer does not handle); nothing was written."""


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def areas(sqref: str) -> list[tuple[int, int, int, int]]:
    """``"A2:A100 C5"`` -> [(first col, first row, last col, last row), …] (0-based columns, 1-based rows)."""
    out = []
    for m in _AREA.finditer(sqref):
        if m[5]:
            out.append((_col_index(m[5]), 1, _col_index(m[6]), MAX_ROW))
        else:
            c1, r1 = _col_index(m[1]), int(m[2])
            c2, r2 = (_col_index(m[3]), int(m[4])) if m[3] else (c1, r1)
            out.append((c1, r1, c2, r2))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def gaps(covered: list[tuple[int, int]], first: int, last: int) -> list[tuple[int, int]]:
    """The rows of ``first``–``last`` outside the merged spans ``covered``."""
    out, at = [], first
    for a, b in covered:
        if b < at:
            continue
        if a > last:
            break
        if a > at:
            out.append((at, min(a - 1, last)))
        at = max(at, b + 1)
    if at <= last:
        out.append((at, last))
    return out


# ------------------------------------------------------------------------------------ facts


class ColumnCells:
    """What the cells of one derived column hold, row by row: FORMULA / VALUE flags (0: no cell, or
    an empty one). Read for every row (``full``: what extend needs), or only for the rows asked
    about (validate: the rows whose cached result is blank or not Python's) — every other row is
    then taken to hold its formula, as the template put it there."""

    def __init__(self, full: bool):
        self.full = full
        self.flags: bytearray | dict[int, int] = bytearray(MAX_ROW + 1) if full else {}
        #: The last row with a formula (0: none).
        self.last_formula = 0

    def flag(self, row: int) -> int:
        flags = self.flags
        if isinstance(flags, bytearray):  # (full)
            return flags[row] if 0 <= row < len(flags) else 0
        return flags.get(row, FORMULA)

    def empty_rows(self, rows: list[int]) -> set[int]:
        """Those of ``rows`` whose cell holds neither a formula nor a value."""
        flags = self.flags
        if isinstance(flags, bytearray):  # (full)
            return {r for r in rows if not flags[r]}
        return {r for r, f in flags.items() if not f}.intersection(rows)


@dataclass
class SheetFacts:
    """What one data sheet of a book has prepared, as its XML says."""

    key: str
    name: str
    part: str
    #: 0-based column of each derived column found in the header -> what its cells hold.
    cells: dict[int, ColumnCells] = field(default_factory=dict)
    #: 0-based column -> merged row spans covered by a data validation (main and extension lists).
    validation: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    #: Conditional formats' areas.
    conditional: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: The last row of the sheet's ``rng_`` names (None: the sheet has none).
    names_end: int | None = None

    def formula_end(self) -> int | None:
        """The last row every derived column's formulas reach (None: no derived column has one)."""
        ends = [cells.last_formula for cells in self.cells.values() if cells.last_formula]
        return min(ends) if ends else None

    def conditional_end(self, columns: set[int]) -> int | None:
        ends = [r2 for c1, r1, c2, r2 in self.conditional if r1 == 2 and any(c1 <= c <= c2 for c in columns)]
        return max(ends) if ends else None

    def has_formula(self, col: int, row: int) -> bool:
        cells = self.cells.get(col)
        return cells is not None and bool(cells.flag(row) & FORMULA)

    def empty(self, col: int, row: int) -> bool:
        """Whether the derived cell holds neither a formula nor a value."""
        cells = self.cells.get(col)
        return cells is None or not cells.flag(row)


@dataclass
class BookFacts:
    sheets: dict[str, SheetFacts]
    #: Defined names as found: (name, attributes, text) in workbook order.
    names: list[tuple[str, dict[str, str], str]]
    #: Whether the book has the ``rng_`` names of the current template.
    current: bool

    def prepared_end(self, book: OrderBook, key: str) -> int | None:
        """The last prepared row of sheet ``key`` (None: the sheet shows no sign of any)."""
        facts = self.sheets.get(key)
        if facts is None:
            return None
        ends = [e for e in (facts.formula_end(), facts.names_end) if e]
        if ends:
            return min(ends)
        table = book[key]
        return facts.conditional_end({table.columns[c.key] for c in table.sheet.columns if c.key in table.columns})


_CELL_AT = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"[^>]*?(/?)>\s*(?:<(f|v|i))?')


def _scan_cells(
    chunks: Iterable[bytes], letters: dict[bytes, int], wanted: dict[int, list[int]] | None
) -> tuple[dict[int, ColumnCells], bytes]:
    """What the cells of the columns ``letters`` (column letters -> 0-based index) hold in a sheet's
    XML, read in chunks of whole rows: every row (``wanted`` None: one regular expression over the
    rows), or only the rows ``wanted`` per column (each found by its ``r``, in order), and each
    column's last formula; and the XML after ``</sheetData>``."""
    columns = {c: ColumnCells(wanted is None) for c in letters.values()}
    by_letter = {letter: columns[c] for letter, c in letters.items()}
    # a self-closing <c …/> is followed by the next cell, never by its own <f>, <v> or <is>
    finder = re.compile(rb'<c r="(' + b"|".join(letters) + rb')(\d+)"[^>]*>\s*<(f|v|i)') if letters else None
    kinds = {b"f": FORMULA, b"v": VALUE, b"i": VALUE}
    asked = {letter: sorted(set(wanted.get(c, ()))) for letter, c in letters.items()} if wanted is not None else {}
    at = dict.fromkeys(letters, 0)  # the next row asked about, per column
    buffer, tail, done, first = b"", [], False, True
    for chunk in chain(chunks, (b"",)):  # (an empty chunk last: the end of the XML)
        if done:
            tail.append(chunk)
            continue
        buffer += chunk
        end = buffer.find(b"</sheetData>")
        empty = re.search(rb"<sheetData\s*/>", buffer) if end < 0 and first else None
        first = False
        if empty is not None:
            body = b""
            tail.append(buffer[empty.end() :])
            done = True
        elif end >= 0:
            body = buffer[:end]
            tail.append(buffer[end + len(b"</sheetData>") :])
            done = True
        elif not chunk:
            body, done = buffer, True
        else:
            cut = buffer.rfind(b"<row ")
            if cut <= 0:
                continue
            body, buffer = buffer[:cut], buffer[cut:]  # whole rows only
        if wanted is None:
            if finder is not None:
                for letter, row, kind in finder.findall(body):
                    r = int(row)
                    if r <= MAX_ROW:
                        cells = by_letter[letter]
                        cells.flags[r] |= kinds[kind]
                        if kind == b"f" and r > cells.last_formula:
                            cells.last_formula = r
        else:
            last_row = _last_row_in(body)
            for letter, cells in by_letter.items():
                _last_formula_in(body, letter, cells)
                rows, i, pos = asked[letter], at[letter], 0
                while i < len(rows) and rows[i] <= last_row:
                    j = body.find(b'<c r="' + letter + b'%d"' % rows[i], pos)
                    flag = 0
                    if j >= 0:
                        m = _CELL_AT.match(body, j)
                        flag = (FORMULA if m[3] == b"f" else VALUE if m[3] else 0) if m is not None else 0
                        pos = j
                    cells.flags[rows[i]] = flag  # (not found up to the chunk's last row: no such cell)
                    i += 1
                at[letter] = i
        if done:
            buffer = b""
    if wanted is not None:  # rows asked about that the sheet does not have
        for letter, cells in by_letter.items():
            for r in asked[letter][at[letter] :]:
                cells.flags[r] = 0
    return columns, b"".join(tail)


def _last_row_in(body: bytes) -> int:
    """The number of the last ``<row>`` in ``body`` (0: none)."""
    i = body.rfind(b'<row r="')
    if i < 0:
        return 0
    m = re.match(rb'<row r="(\d+)"', body[i : i + 20])
    return int(m[1]) if m else 0


def _last_formula_in(body: bytes, letter: bytes, cells: ColumnCells) -> None:
    """Note the last formula of column ``letter`` in ``body`` (rows come in order)."""
    head = b'<c r="' + letter
    pos = len(body)
    while True:
        i = body.rfind(head, 0, pos)
        if i < 0:
            return
        if body[i + len(head) : i + len(head) + 1].isdigit():
            m = _CELL_AT.match(body, i)
            if m is not None and m[3] == b"f":
                cells.last_formula = max(cells.last_formula, int(m[1]))
                return
        pos = i


def _validation_spans(tail: bytes) -> dict[int, list[tuple[int, int]]]:
    spans: dict[int, list[tuple[int, int]]] = {}
    text = tail.decode("utf-8", "replace")
    refs = re.findall(r'<(?:\w+:)?dataValidation\b[^>]*?\ssqref="([^"]*)"', text)
    refs += re.findall(
        r"<xm:sqref>([^<]*)</xm:sqref>(?=(?:(?!</x14:dataValidation>).)*</x14:dataValidation>)", text, re.S
    )
    for ref in refs:
        for c1, r1, c2, r2 in areas(ref):
            for c in range(c1, min(c2, 16383) + 1):
                spans.setdefault(c, []).append((r1, r2))
    return {c: _merge(s) for c, s in spans.items()}


def _conditional_areas(tail: bytes) -> list[tuple[int, int, int, int]]:
    text = tail.decode("utf-8", "replace")
    out = []
    for ref in re.findall(r'<conditionalFormatting\b[^>]*?\ssqref="([^"]*)"', text):
        out += areas(ref)
    return out


def read_names(workbook_xml: str) -> list[tuple[str, dict[str, str], str]]:
    return [
        (dict(_ATTR.findall(attrs)).get("name", ""), dict(_ATTR.findall(attrs)), text)
        for attrs, text in _DEFINED.findall(workbook_xml)
    ]


def range_end(text: str) -> int | None:
    """The last row of a one-area reference such as ``'订单'!$A$2:$A$5001``."""
    if "," in text:
        return None
    m = _RANGE_END.match(text.strip())
    return int(m[2]) if m else None


def _rng_sheet(name: str) -> str | None:
    """The sheet key of a ``rng_<sheet>_<column>`` name."""
    if not name.startswith("rng_"):
        return None
    for s in SHEETS:
        if name.startswith(f"rng_{s.key}_") and name[len(s.key) + 5 :] in s.index:
            return s.key
    return None


def book_facts(pkg: Package, book: OrderBook, wanted: dict[str, dict[int, list[int]]] | None = None) -> BookFacts:
    """What each data sheet of ``book`` (read from ``pkg``) has prepared: the derived columns' cells
    of every row, or (``wanted``: sheet key -> 0-based column -> rows) of those rows only. Raises
    Unsupported."""
    parts = {s.name: s.part for s in pkg.sheets()}
    workbook = pkg.text(pkg.office_document())
    names = read_names(workbook)
    names_end: dict[str, int] = {}
    current = False
    for name, _attrs, text in names:
        key = _rng_sheet(name)
        end = range_end(text) if key else None
        if key and end:
            current = True
            names_end[key] = min(end, names_end.get(key, end))
    sheets = {}
    for s in SHEETS:
        table = book.tables.get(s.key)
        if table is None or table.name not in parts:
            continue
        part = parts[table.name]
        letters = {
            col_letter(table.columns[c.key]).encode(): table.columns[c.key] for c in s.derived if c.key in table.columns
        }
        cells, tail = _scan_cells(_part_chunks(pkg, part), letters, None if wanted is None else wanted.get(s.key, {}))
        sheets[s.key] = SheetFacts(
            s.key, table.name, part, cells, _validation_spans(tail), _conditional_areas(tail), names_end.get(s.key)
        )
    return BookFacts(sheets, names, current)


def _part_chunks(pkg: Package, part: str) -> Iterator[bytes]:
    """The part's XML in pieces of ``_CHUNK`` bytes: inflated as it is read (zipio.member_chunks), or
    from memory for a part the package changed."""
    if part in pkg.new:
        data = pkg.read(part)
        return (data[i : i + _CHUNK] for i in range(0, len(data), _CHUNK))
    if part not in pkg.zip.NameToInfo:
        raise Unsupported(f"missing part {part}")
    return member_chunks(pkg.zip, part, _CHUNK)


def read_facts(
    path: str | os.PathLike[str], book: OrderBook, wanted: dict[str, dict[int, list[int]]] | None = None
) -> BookFacts | None:
    """``book_facts`` of the book at ``path``, or None when its package cannot be read so."""
    try:
        with Package(path) as pkg:
            return book_facts(pkg, book, wanted)
    except (Unsupported, zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None


# ----------------------------------------------------------------------------------- extend


@dataclass
class SheetExtension:
    name: str
    #: The prepared end before and after (equal: the sheet had enough rows ahead).
    old_end: int | None
    new_end: int | None
    #: Formula cells written (new prepared rows, rows typed below the old end, cells emptied).
    formulas: int = 0
    #: Input columns whose validation was restored (headers).
    validation: list[str] = field(default_factory=list)


@dataclass
class ExtendResult:
    path: Path
    sheets: dict[str, SheetExtension] = field(default_factory=dict)
    #: Cached formula results rewritten to Python's values, per sheet name.
    cached: dict[str, int] = field(default_factory=dict)
    #: Defined names whose range moved.
    names: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.names
            or any(self.cached.values())
            or any(s.formulas or s.validation or s.old_end != s.new_end for s in self.sheets.values())
        )


def _require_template_layout(book: OrderBook, facts: BookFacts) -> None:
    """Formulas are written for the template's layout: header on row 1, the schema's columns in order."""
    if not facts.current:
        raise ExtendError(
            about(
                str(book.path),
                (
                    "此文件由旧版模板生成，请先运行 orderbook regenerate 重建；未写入任何文件",
                    "the book was made by an older template (no rng_ names): rebuild it with "
                    "orderbook regenerate first; nothing was written",
                ),
            )
        )
    for s in SHEETS:
        table = book[s.key]
        moved = [c.header("zh") for c in s.columns if table.columns.get(c.key, s.col(c.key)) != s.col(c.key)]
        missing = [c.header("zh") for c in s.derived if c.key not in table.columns]
        if table.header_row != 1 or moved or missing:
            what = (
                said(("表头在第 {n} 行", "header on row {n}"), n=table.header_row)
                if table.header_row != 1
                else Said(f"列位置变了：{'、'.join(moved)}", f"columns moved: {', '.join(moved)}")
                if moved
                else Said(f"缺少公式列：{'、'.join(missing)}", f"formula columns missing: {', '.join(missing)}")
            )
            raise ExtendError(
                about(
                    str(book.path),
                    (
                        f"工作表 {table.name} 与模板布局不同（{what.zh}），请用 orderbook regenerate 重建；未写入任何文件",
                        f"sheet {table.name} is not laid out as the template ({what.en}): rebuild it with orderbook "
                        "regenerate; nothing was written",
                    ),
                )
            )


def _cell_style(xml: bytes, cell: str) -> int | None:
    i = xml.find(b'<c r="' + cell.encode() + b'"')
    if i < 0:
        return None
    m = re.match(rb'<c\b[^>]*?\ss="(\d+)"[^>]*>', xml[i : i + 200])
    return int(m[1]) if m else None


def _formula_style(xml: bytes, letter: str, rows: list[int]) -> int | None:
    for r in rows:
        style = _cell_style(xml, f"{letter}{r}")
        if style is not None:
            return style
    return None


def _set_area_end(sqref: str, old_end: int, new_end: int) -> str:
    def move(m: re.Match[str]) -> str:
        if m[3] and int(m[4]) == old_end and int(m[2]) <= old_end:
            return f"{m[1]}{m[2]}:{m[3]}{new_end}"
        return m[0]

    return re.sub(r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)", move, sqref)


def _move_ranges(tail: str, old_end: int, new_end: int) -> str:
    """Conditional formats and the autofilter that end at ``old_end`` end at ``new_end``."""

    def cf(m: re.Match[str]) -> str:
        return m[1] + _set_area_end(m[2], old_end, new_end) + m[3]

    tail = re.sub(r'(<conditionalFormatting\b[^>]*?\ssqref=")([^"]*)(")', cf, tail)
    tail = re.sub(r'(<autoFilter\b[^>]*?\sref=")([^"]*)(")', cf, tail)
    return tail


#: Worksheet elements that come after <dataValidations> (ECMA-376 order), where a new block goes before.
_AFTER_VALIDATIONS = (
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def _dv_elements(block: str) -> list[re.Match[str]]:
    return list(re.finditer(r"<dataValidation\b[^>]*?(?:/>|>.*?</dataValidation>)", block, re.S))


def _restore_validations(
    tail: str, facts: SheetFacts, columns: dict[int, Any], expected_end: int, template: Callable[[], dict[int, str]]
) -> tuple[str, list[Any]]:
    """``tail`` with the validation of each input column in ``columns`` (0-based -> schema column)
    whose rows 2–``expected_end`` are not all covered put back over the whole column: its own
    element's range widened (other elements confined to the column dropped: they would overlap),
    or the template's element (``template()``: 0-based column -> XML) where it has none."""
    broken = {c: col for c, col in columns.items() if gaps(facts.validation.get(c, []), 2, expected_end)}
    if not broken:
        return tail, []
    m = re.search(r"<dataValidations\b[^>]*?(?:/>|>(.*?)</dataValidations>)", tail, re.S)
    block = m[1] or "" if m else ""
    kept, fixed, seen = [], [], set()
    for e in _dv_elements(block):
        sqref = re.search(r'\ssqref="([^"]*)"', e[0])
        cols = {c for c1, _r1, c2, _r2 in areas(sqref[1]) for c in range(c1, c2 + 1)} if sqref else set()
        if sqref is not None and len(cols) == 1 and next(iter(cols)) in broken:
            c = next(iter(cols))
            if c in seen:
                continue  # a second rule on the column: a pasted one, dropped
            seen.add(c)
            letter = col_letter(c)
            kept.append(e[0][: sqref.start(1)] + f"{letter}2:{letter}{MAX_ROW}" + e[0][sqref.end(1) :])
            fixed.append(broken[c])
        else:
            kept.append(e[0])
    missing = [c for c in broken if c not in seen and not facts.validation.get(c)]
    if missing:
        elements = template()
        for c in sorted(missing):
            if c in elements:
                kept.append(elements[c])
                fixed.append(broken[c])
    if not fixed:
        return tail, []
    new_block = f'<dataValidations count="{len(kept)}">' + "".join(kept) + "</dataValidations>"
    if m is not None:
        return tail[: m.start()] + new_block + tail[m.end() :], fixed
    at = min(
        (i for i in (re.search(rf"<(?:\w+:)?{name}\b", tail) for name in _AFTER_VALIDATIONS) if i),
        key=lambda i: i.start(),
        default=None,
    )
    pos = at.start() if at is not None else tail.rfind("</worksheet>")
    if pos < 0:
        raise Unsupported("worksheet without </worksheet>")
    return tail[:pos] + new_block + tail[pos:], fixed


def template_validations(config: Config, lang: str) -> dict[str, dict[int, str]]:
    """The data validation elements of a freshly written template: sheet key -> 0-based column -> XML."""
    from ..template.write import write_book

    with tempfile.TemporaryDirectory(prefix="orderbook-template-") as tmp:
        path = write_book(Path(tmp) / "template.xlsx", None, config=config, lang=lang)
        with Package(path) as pkg:
            parts = {s.name: s.part for s in pkg.sheets()}
            out: dict[str, dict[int, str]] = {}
            for s in SHEETS:
                xml = pkg.text(parts[s.name(lang)])
                out[s.key] = {}
                for e in _dv_elements(xml):
                    sqref = re.search(r'\ssqref="([^"]*)"', e[0])
                    if sqref:
                        out[s.key][areas(sqref[1])[0][0]] = e[0]
    return out


def move_names(
    xml: str, sheet_keys: list[str | None], ends: dict[str, tuple[int, int]], print_rows: dict[str, int]
) -> tuple[str, int]:
    """workbook.xml with the ``rng_`` names and the filters of the extended sheets ending at their new
    end, and print areas taking in every row of data. ``sheet_keys``: the data sheet of each tab."""
    moved = 0

    def one(m: re.Match[str]) -> str:
        nonlocal moved
        attrs, text = dict(_ATTR.findall(m[1])), m[2]
        name = attrs.get("name", "")
        local = attrs.get("localSheetId")
        key = _rng_sheet(name)
        if key is None and local is not None and local.isdigit() and int(local) < len(sheet_keys):
            key = sheet_keys[int(local)]
        end = range_end(text)
        if key is None or end is None:
            return m[0]
        new = None
        if name.startswith("rng_") and key in ends and end < ends[key][1]:
            new = ends[key][1]
        elif name == "_xlnm._FilterDatabase" and key in ends and end == ends[key][0]:
            new = ends[key][1]
        elif name == "_xlnm.Print_Area" and key in print_rows and end < print_rows[key]:
            new = print_rows[key]
        if new is None:
            return m[0]
        moved += 1
        head = _RANGE_END.match(text.strip())
        if head is None:  # (range_end found the end with this expression: never)
            return m[0]
        return f"<definedName{m[1]}>{head[1]}{new}</definedName>"

    return _DEFINED.sub(one, xml), moved


def _needs(book: OrderBook, facts: BookFacts, key: str) -> tuple[int | None, int | None, int]:
    """(old prepared end, new prepared end, last row of data) of sheet ``key``."""
    from ..template.write import rows_ahead

    table = book[key]
    last = max(table.row_numbers, default=table.header_row)
    old = facts.prepared_end(book, key)
    if old is None:
        return None, None, last
    ahead = rows_ahead(last - table.header_row)
    return old, (min(MAX_ROW, last + ahead) if old - last < ahead else old), last


def low_sheets(book: OrderBook, facts: BookFacts) -> list[str]:
    """Sheets that ``validate`` would warn about (fewer prepared rows left than it asks for, rows
    without their formulas, input rows without their validation)."""
    from ..template.write import low_threshold

    out = []
    for s in SHEETS:
        table, f = book[s.key], facts.sheets.get(s.key)
        if f is None:
            continue
        old, _new, last = _needs(book, facts, s.key)
        low = old is not None and old - last < low_threshold(last - table.header_row)
        no_formula = any(cells.empty_rows(table.row_numbers) for cells in f.cells.values() if cells.last_formula)
        inputs = [table.columns[c.key] for c in s.inputs if c.key in table.columns]
        lost = any(f.validation) and any(gaps(f.validation.get(c, []), 2, max(old or 0, last)) for c in inputs)
        if low or no_formula or lost:
            out.append(s.key)
    return out


def extend_book(
    path: str | os.PathLike[str],
    *,
    config: Config | None = None,
    today: date | None = None,
    force: bool = False,
    only_if_low: bool = False,
) -> ExtendResult:
    """Prepare rows again on every sheet with fewer than ``rows_ahead`` left, in place (see the
    module's docstring for what changes). ``only_if_low``: leave the book alone unless ``validate``
    would warn about it (``orderbook nightly --extend``). Locked from the read to the write; refused
    while the book is open in Excel, WPS or LibreOffice unless ``force``. Raises ExtendError."""
    from ..config import Config
    from ..read import read_book
    from ..safe_io import atomic_path, locked

    config = config or Config()
    today = today or date.today()
    path = Path(path)
    result = ExtendResult(path)
    with locked(path, force=force) as guard:
        book = read_book(path, config=config)
        try:
            with Package(path) as pkg:
                facts = book_facts(pkg, book)
                _require_template_layout(book, facts)
                if only_if_low and not low_sheets(book, facts):
                    for s in SHEETS:
                        old, _new, _last = _needs(book, facts, s.key)
                        result.sheets[s.key] = SheetExtension(book[s.key].name, old, old)
                    return result
                written = _plan(pkg, book, facts, config, today, result)
                if written:
                    with atomic_path(path, guard=guard) as tmp, open(tmp, "wb") as out:
                        pkg.write_to(out)
        except Unsupported as exc:
            raise ExtendError(
                about(
                    path,
                    (
                        f"无法在原文件中预置更多行（{exc}），未写入任何文件",
                        f"cannot extend this book in place ({exc}); nothing was written",
                    ),
                )
            ) from None
    return result


def _plan(pkg: Package, book: OrderBook, facts: BookFacts, config: Config, today: date, result: ExtendResult) -> bool:
    """Put the edits of every part into ``pkg.new``; whether anything changes."""
    from ..choices import choice_lists
    from ..derive import derive
    from ..formulas import FormulaContext
    from ..template.fill import row_formula
    from ..validate.cached import mismatches
    from .book_changes import _cached_value, _labels, dashboard_edit
    from .sheet import Cached, Formula, SheetEdit, patch_sheet

    lists = choice_lists(config)
    lang = book.lang
    data = book.data()
    derived = derive(data, config)
    date1904 = pkg.date1904()
    tabs = pkg.sheets()
    parts = {s.name: s.part for s in tabs}
    by_name = {book[s.key].name: s.key for s in SHEETS}
    ends: dict[str, tuple[int, int]] = {}
    print_rows: dict[str, int] = {}
    templates: dict[str, dict[int, str]] = {}

    def template_of(key: str) -> Callable[[], dict[int, str]]:
        def get() -> dict[int, str]:
            if not templates:
                templates.update(template_validations(config, lang))
            return templates.get(key, {})

        return get

    plan = {s.key: _needs(book, facts, s.key) for s in SHEETS}
    ctx = FormulaContext(lang, {k: (new or 2) for k, (_old, new, _last) in plan.items()})
    changed = False
    for s in SHEETS:
        table, f = book[s.key], facts.sheets.get(s.key)
        old, new, last = plan[s.key]
        ext = result.sheets[s.key] = SheetExtension(table.name, old, new)
        print_rows[s.key] = last
        if f is None or old is None or new is None:  # (new is None exactly when old is)
            continue
        part = parts[table.name]
        xml = pkg.read(part)
        edit = SheetEdit(date1904=date1904)
        index = {r: i for i, r in enumerate(table.row_numbers)}
        labels = _labels(s, lists, lang)
        for col in s.derived:
            c = table.columns[col.key]
            cells = f.cells.get(c)
            if cells is None:
                continue
            flags = cells.flags
            # a result the rows below the old end change (an order's total …): Python's, as the
            # formula will compute it (a result never computed, blank, is left for the client)
            now = derived[s.key][col.key]
            for i in mismatches(col, table.cached.get(col.key) or [], now, lists, blank_cache=False):
                r = table.row_numbers[i]
                if flags[r] & FORMULA:
                    edit.set(r, c, Cached(_cached_value(now[i], labels.get(col.key))))
            letter = col_letter(c)
            at = row_formula(ctx, s.key, col.key)
            style = _formula_style(xml, letter, [old, 2])
            values = derived[s.key][col.key]
            for r in range(2, new + 1):
                if r < len(flags) and flags[r]:
                    continue
                n = index.get(r)
                cached = _cached_value(values[n], labels.get(col.key)) if n is not None else ""
                edit.set(r, c, Formula(at(r)[1:], cached, style))
                ext.formulas += 1
        body_end = _sheet_data_end(xml)
        tail = xml[body_end:].decode("utf-8")
        new_tail = tail
        if new > old:
            new_tail = _move_ranges(new_tail, old, new)
            ends[s.key] = (old, new)
        inputs = {table.columns[c.key]: c for c in s.inputs if c.key in table.columns}
        if any(f.validation.get(c) for c in inputs):
            new_tail, fixed = _restore_validations(new_tail, f, inputs, max(new, last), template_of(s.key))
            ext.validation = [c.header(lang) for c in fixed]
        result.cached[table.name] = sum(isinstance(w, Cached) for cells in edit.cells.values() for w in cells.values())
        if new_tail != tail:
            xml = xml[:body_end] + new_tail.encode("utf-8")
        if edit:
            pkg.new[part] = patch_sheet(xml, edit)
            changed = True
        elif new_tail != tail:
            pkg.new[part] = xml
            changed = True
    workbook = pkg.office_document()
    text = pkg.text(workbook)
    sheet_keys = [by_name.get(t.name) for t in tabs]
    moved_text, result.names = move_names(text, sheet_keys, ends, {k: max(r, 41) for k, r in print_rows.items()})
    if moved_text != text:
        pkg.new[workbook] = moved_text.encode("utf-8")
        changed = True
    dashboard = parts.get(aux_name(DASHBOARD, lang))
    if dashboard is not None and changed:  # (its figures of today alone are no reason to write the book)
        edit = dashboard_edit(pkg.read(dashboard), data, derived, config, today, date1904)
        if edit:
            pkg.new[dashboard] = patch_sheet(pkg.read(dashboard), edit)
            result.cached[aux_name(DASHBOARD, lang)] = sum(len(c) for c in edit.cells.values())
    return changed


def _sheet_data_end(xml: bytes) -> int:
    end = xml.rfind(b"</sheetData>")
    if end >= 0:
        return end + len(b"</sheetData>")
    m = re.search(rb"<sheetData\s*/>", xml)
    if m is None:
        raise Unsupported("worksheet without <sheetData>")
    return m.end()
