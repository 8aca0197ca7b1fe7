"""What staff put in a book besides its values, read from the package's XML (for ``regenerate``).

python-calamine gives the reader every cell's value; a rebuild must also know what else staff put
in the book, to carry it over or to name it before anything is written (DESIGN.md, principle 2):

- carried: cell comments (text and author), hyperlinks (web, mail, files, places in the book),
  the look of a cell (bold, italic, underline, strike-through, font colour, fill; on staff sheets
  also number formats, fonts, alignment and borders), formulas outside the template's formula
  columns (shared formulas expanded, with the cached result), merged cells, column widths, frozen
  panes and the autofilter of staff sheets, the VBA project and the workbook's defined names;
- named as not carried (``Loss``): charts, pictures, shapes and form controls, tables (ListObjects),
  pivot tables, slicers, sparklines, data validation and conditional formatting staff added,
  threaded comments, data tables, data connections, links to other workbooks, protection of a
  staff sheet or of the workbook, filter criteria.

Only the parts needed are read: the relationships, styles, comments, drawings and tables, and each
sheet's XML streamed once in pieces of whole rows. A data sheet's XML is searched (with regular
expressions, in C) only for formula cells outside the template's formula columns and for cells
whose style is a staff marker, so a 100,000-order book costs about one inflate of its sheets. The
small parts are parsed with defusedxml.
"""

from __future__ import annotations

import colorsys
import html
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from .cells import cell_name, col_index
from .lang import COLON, Pair, Said, label, said, say
from .read.xlsxparts import PartsError, _attr, _local, parse_xml  # namespace-blind lookups, one definition
from .template.carry import Border, Formula, Link, Look, Note
from .template.styles import DERIVED_FILL, FORMULA_CELL_FILL, OPTIONAL_FILL, REQUIRED_FILL

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # what defusedxml parses into

Cell = tuple[int, int]

_REL_OFFICE = "/officeDocument"
_CHUNK = 1 << 23
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class Loss:
    """Something staff put in the book that a rebuild cannot carry over."""

    #: The sheet, as named in the old book (None: the workbook itself).
    sheet: str | None
    #: The cell or range ("E2", "A1:C5"), or None for the whole sheet or book.
    where: str | None
    #: What it is, in both languages.
    what: Said

    def text(self, lang: str | None) -> str:
        """``订单!E2：合并单元格（值留在第一个单元格）`` / ``订单!E2: merged cells (the value stays …)``."""
        if self.sheet and self.where:
            place = f"{self.sheet}!{self.where}"
        else:
            place = self.sheet or self.where or say(lang, ("工作簿", "workbook"))
        return place + say(lang, COLON) + label(self.what, lang)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class DefinedName:
    name: str
    #: As stored, without "=".
    formula: str
    #: The sheet a local name belongs to (as named in the old book); None for a workbook name.
    sheet: str | None = None
    hidden: bool = False


@dataclass
class DataSheetInfo:
    """What the scan must know of a data sheet as the reader found it (0-based columns)."""

    #: 1-based row of the header.
    header_row: int
    #: Column index -> schema column key, for every schema column the sheet has.
    schema: dict[int, str]
    #: The template's formula columns: their formulas are the template's, not read.
    derived: set[int] = field(default_factory=set)
    #: Cells whose stored content is wanted (a date typed as text before 1900-03-01, …).
    wanted: set[Cell] = field(default_factory=set)


@dataclass
class SheetParts:
    """What one sheet holds besides its values (0-based cells of the old book)."""

    name: str
    kind: str = "data"  # "data", "staff" or "own" (instructions, dashboard, lists)
    code_name: str | None = None
    comments: dict[Cell, Note] = field(default_factory=dict)
    links: dict[Cell, Link] = field(default_factory=dict)
    #: Formulas outside the template's formula columns (array formulas with their range as stored).
    formulas: dict[Cell, Formula] = field(default_factory=dict)
    looks: dict[Cell, Look] = field(default_factory=dict)
    #: The stored content of the wanted cells: ("text", str) or ("number", float) …
    stored: dict[Cell, tuple[str, Any]] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, tuple[float | None, bool]] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None
    autofilter: tuple[int, int, int, int] | None = None
    tab_color: str | None = None
    lost: list[Loss] = field(default_factory=list)


@dataclass
class BookParts:
    sheets: dict[str, SheetParts] = field(default_factory=dict)
    #: The VBA project of a macro-enabled book (xl/vbaProject.bin), and its signature.
    vba: bytes | None = None
    vba_signature: bytes | None = None
    #: The workbook's VBA code name ("ThisWorkbook").
    code_name: str | None = None
    #: Defined names staff made (not the template's lst_/keys_/col_ names or Excel's own _xlnm.).
    names: list[DefinedName] = field(default_factory=list)
    lost: list[Loss] = field(default_factory=list)

    def all_lost(self) -> list[Loss]:
        return [*self.lost, *(loss for s in self.sheets.values() for loss in s.lost)]


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _children(elem: Element, local: str) -> list[Element]:
    return [e for e in elem if _local(e.tag) == local]


def _child(elem: Element, local: str) -> Element | None:
    for e in elem:
        if _local(e.tag) == local:
            return e
    return None


def _iter(elem: Element, local: str) -> Iterator[Element]:
    for e in elem.iter():
        if _local(e.tag) == local:
            yield e


def _items(elem: Element, local: str) -> list[Element]:
    """The children of ``elem``'s child ``local``; none when it has no such child."""
    child = _child(elem, local)
    return list(child) if child is not None else []


def _part(zf: zipfile.ZipFile, member: str) -> Element:
    root: Element = parse_xml(zf.read(member), member)
    return root


def unescape_text(s: str) -> str:
    """Excel's ``_xHHHH_`` escapes in stored text (control characters) undone."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


def parse_ref(ref: str) -> tuple[int, int, int, int] | None:
    """``"B2"`` or ``"B2:D5"`` -> (first row, first col, last row, last col), 0-based."""
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?", ref.strip().upper())
    if not m:
        return None
    r0, c0 = int(m.group(2)) - 1, col_index(m.group(1))
    if m.group(3):
        r1, c1 = int(m.group(4)) - 1, col_index(m.group(3))
    else:
        r1, c1 = r0, c0
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def range_name(r0: int, c0: int, r1: int, c1: int) -> str:
    first = cell_name(r0, c0)
    return first if (r0, c0) == (r1, c1) else f"{first}:{cell_name(r1, c1)}"


@dataclass(frozen=True)
class _Rel:
    type: str
    target: str
    external: bool


def _rels(zf: zipfile.ZipFile, owner: str) -> dict[str, _Rel]:
    """Relationships of ``owner``: id -> (type, absolute member name or external target)."""
    folder, name = posixpath.split(owner)
    member = posixpath.join(folder, "_rels", name + ".rels")
    if member not in zf.NameToInfo:
        return {}
    out = {}
    for rel in _part(zf, member):
        target = rel.get("Target") or ""
        external = (rel.get("TargetMode") or "") == "External"
        if not external:
            target = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
        out[rel.get("Id") or ""] = _Rel(rel.get("Type") or "", target, external)
    return out


def _rel_kind(rel: _Rel) -> str:
    return rel.type.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------
# Styles: which cell formats are staff markers
# --------------------------------------------------------------------------------------------

_BORDER_STYLES = {
    "thin": 1,
    "medium": 2,
    "dashed": 3,
    "dotted": 4,
    "thick": 5,
    "double": 6,
    "hair": 7,
    "mediumDashed": 8,
    "dashDot": 9,
    "mediumDashDot": 10,
    "dashDotDot": 11,
    "mediumDashDotDot": 12,
    "slantDashDot": 13,
}
_UNDERLINE = {"single": 1, "double": 2, "singleAccounting": 33, "doubleAccounting": 34}
_H_ALIGN = {
    "left": "left",
    "center": "center",
    "right": "right",
    "fill": "fill",
    "justify": "justify",
    "centerContinuous": "center_across",
    "distributed": "distributed",
}
_V_ALIGN = {"top": "top", "center": "vcenter", "bottom": None, "justify": "vjustify", "distributed": "vdistributed"}
#: Excel's built-in number formats that mean "General".
_GENERAL = {0}


class _Colors:
    def __init__(self, theme: list[str], indexed: list[str] | None):
        self.theme = theme
        self.indexed = indexed

    def __call__(self, elem: Element | None) -> str | None:
        """``#RRGGBB`` of a ``<color>``/``<fgColor>`` element; None for automatic / none."""
        if elem is None or elem.get("auto") in ("1", "true"):
            return None
        rgb = elem.get("rgb")
        if rgb:
            rgb = rgb[-6:].upper()
        elif (theme := elem.get("theme")) is not None:
            i = int(theme)
            rgb = self.theme[i] if 0 <= i < len(self.theme) else None
        elif (indexed := elem.get("indexed")) is not None:
            i = int(indexed)
            palette = self.indexed or _default_palette()
            rgb = palette[i][-6:].upper() if 0 <= i < len(palette) and i < 64 else None
        if not rgb or not re.fullmatch(r"[0-9A-F]{6}", rgb):
            return None
        tint = float(elem.get("tint") or 0)
        if tint:
            rgb = _tinted(rgb, tint)
        return "#" + rgb


def _default_palette() -> list[str]:
    from openpyxl.styles.colors import COLOR_INDEX

    return list(COLOR_INDEX)


def _tinted(rgb: str, tint: float) -> str:
    r, g, b = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, min(1.0, max(0.0, lum)), s)
    return "".join(f"{round(x * 255):02X}" for x in (r, g, b))


def _theme_colors(zf: zipfile.ZipFile, workbook: str) -> list[str]:
    member = next(
        (
            r.target
            for r in _rels(zf, workbook).values()
            if _rel_kind(r) == "theme" and not r.external and r.target in zf.NameToInfo
        ),
        None,
    )
    if member is None:
        return []
    root = _part(zf, member)
    scheme = next(_iter(root, "clrScheme"), None)
    if scheme is None:
        return []
    named = {}
    for entry in scheme:
        value = None
        for child in entry:
            value = child.get("val") if _local(child.tag) == "srgbClr" else child.get("lastClr")
        named[_local(entry.tag)] = (value or "").upper()
    order = [
        "lt1",
        "dk1",
        "lt2",
        "dk2",
        "accent1",
        "accent2",
        "accent3",
        "accent4",
        "accent5",
        "accent6",
        "hlink",
        "folHlink",
    ]
    return [named.get(n, "") for n in order]


@dataclass
class _Styles:
    #: xf index -> the staff marker look (font and fill) / the whole look (staff sheets); None when plain.
    markers: dict[int, Look] = field(default_factory=dict)
    looks: dict[int, Look] = field(default_factory=dict)
    color: _Colors | None = None  # the workbook's colour resolver (theme, palette)


def _read_styles(zf: zipfile.ZipFile, workbook: str) -> _Styles:
    out = _Styles(color=_Colors(_theme_colors(zf, workbook), None))
    member = next(
        (
            r.target
            for r in _rels(zf, workbook).values()
            if _rel_kind(r) == "styles" and not r.external and r.target in zf.NameToInfo
        ),
        None,
    )
    if member is None:
        return out
    root = _part(zf, member)
    custom_palette = None
    colors_elem = _child(root, "colors")
    if colors_elem is not None and _child(colors_elem, "indexedColors") is not None:
        custom_palette = [e.get("rgb") or "" for e in _items(colors_elem, "indexedColors")]
    color = out.color = _Colors(_theme_colors(zf, workbook), custom_palette)
    num_formats: dict[int, str] = {}
    for nf in _items(root, "numFmts"):
        if (fmt_id := nf.get("numFmtId")) is not None:
            num_formats[int(fmt_id)] = nf.get("formatCode") or ""
    fonts = [_font(f, color) for f in _items(root, "fonts")]
    fills = [_fill(f, color) for f in _items(root, "fills")]
    borders = [_borders(b, color) for b in _items(root, "borders")]
    xfs = _child(root, "cellXfs")
    if xfs is None or not fonts:
        return out
    xf_list = list(xfs)
    default_font = fonts[_int(xf_list[0].get("fontId")) if xf_list else 0] if fonts else {}
    for i, xf in enumerate(xf_list):
        font = fonts[_int(xf.get("fontId"))] if _int(xf.get("fontId")) < len(fonts) else {}
        fill = fills[_int(xf.get("fillId"))] if _int(xf.get("fillId")) < len(fills) else None
        marks = {
            k: v
            for k, v in font.items()
            if k in ("bold", "italic", "underline", "strike", "color") and v != default_font.get(k, _FONT_DEFAULTS[k])
        }
        if fill is not None:
            marks["fill"] = fill
        if marks:
            out.markers[i] = Look(**marks)
        whole = dict(marks)
        for k in ("font_name", "font_size"):
            if font.get(k) is not None and font.get(k) != default_font.get(k):
                whole[k] = font[k]
        fmt = _int(xf.get("numFmtId"))
        code: str | int = num_formats.get(fmt, fmt) if fmt >= 164 or fmt in num_formats else fmt
        if fmt not in _GENERAL and not (isinstance(code, str) and code.lower() in ("general", "")):
            whole["num_format"] = code
        border = borders[_int(xf.get("borderId"))] if _int(xf.get("borderId")) < len(borders) else None
        if border is not None:
            whole["borders"] = border
        alignment = _child(xf, "alignment")
        if alignment is not None:
            if h_align := _H_ALIGN.get(alignment.get("horizontal") or ""):
                whole["align"] = h_align
            if v_align := _V_ALIGN.get(alignment.get("vertical") or ""):
                whole["valign"] = v_align
            if alignment.get("wrapText") in ("1", "true"):
                whole["wrap"] = True
        if whole:
            out.looks[i] = Look(**whole)
    return out


_FONT_DEFAULTS = {"bold": False, "italic": False, "underline": 0, "strike": False, "color": "#000000"}


def _int(v: str | None) -> int:
    try:
        return int(v) if v is not None else 0
    except ValueError:
        return 0


def _flag(elem: Element | None) -> bool:
    return elem is not None and (elem.get("val") is None or elem.get("val") in ("1", "true"))


def _font(elem: Element, color: _Colors) -> dict[str, Any]:
    u = _child(elem, "u")
    size = _child(elem, "sz")
    name = _child(elem, "name")
    return {
        "bold": _flag(_child(elem, "b")),
        "italic": _flag(_child(elem, "i")),
        "underline": _UNDERLINE.get(u.get("val") or "single", 0) if u is not None else 0,
        "strike": _flag(_child(elem, "strike")),
        "color": color(_child(elem, "color")) or "#000000",
        "font_size": float(size_val) if size is not None and (size_val := size.get("val")) else None,
        "font_name": name.get("val") if name is not None else None,
    }


def _fill(elem: Element, color: _Colors) -> str | None:
    pattern = _child(elem, "patternFill")
    if pattern is None:
        gradient = _child(elem, "gradientFill")
        stop = next(_iter(gradient, "color"), None) if gradient is not None else None
        return color(stop)
    kind = pattern.get("patternType") or ("solid" if _child(pattern, "fgColor") is not None else "none")
    if kind in ("none", "gray125"):
        return None
    return color(_child(pattern, "fgColor")) or color(_child(pattern, "bgColor"))


def _borders(elem: Element, color: _Colors) -> tuple[Border | None, ...] | None:
    sides = []
    for side in ("left", "right", "top", "bottom"):
        e = (
            _child(elem, side)
            if _child(elem, side) is not None
            else _child(elem, {"left": "start", "right": "end"}.get(side, side))
        )
        style = _BORDER_STYLES.get(e.get("style") or "") if e is not None else None
        sides.append(Border(style, color(_child(e, "color"))) if style and e is not None else None)
    return tuple(sides) if any(sides) else None


# --------------------------------------------------------------------------------------------
# Shared strings, read only as far as needed
# --------------------------------------------------------------------------------------------


class _SharedStrings:
    def __init__(self, zf: zipfile.ZipFile, workbook: str):
        self.zf = zf
        self.member = next(
            (
                r.target
                for r in _rels(zf, workbook).values()
                if _rel_kind(r) == "sharedStrings" and not r.external and r.target in zf.NameToInfo
            ),
            None,
        )
        self.items: list[str] = []
        self._events: Iterator[tuple[str, Element]] | None = None

    def __getitem__(self, i: int) -> str:
        if self.member is None:
            return ""
        if self._events is None:
            self._events = ElementTree.iterparse(self.zf.open(self.member), events=("end",))
        try:
            while len(self.items) <= i:
                _event, elem = next(self._events)
                if _local(elem.tag) == "si":
                    self.items.append(_string_item(elem))
                    elem.clear()
        except StopIteration:
            return ""
        except (DefusedXmlException, ElementTree.ParseError) as exc:
            raise PartsError(Said(f"{self.member}：{exc}", f"{self.member}: {exc}")) from None
        return self.items[i]


def _string_item(si: Element) -> str:
    """The text of a ``<si>`` or ``<is>``/``<text>``: its runs, without the phonetic guides."""
    parts: list[str] = []

    def walk(e: Element) -> None:
        for child in e:
            tag = _local(child.tag)
            if tag == "rPh":
                continue
            if tag == "t":
                parts.append(child.text or "")
            else:
                walk(child)

    walk(si)
    return unescape_text("".join(parts))


# --------------------------------------------------------------------------------------------
# A sheet's XML, streamed: head, rows in pieces, tail
# --------------------------------------------------------------------------------------------


def _pieces(zf: zipfile.ZipFile, member: str) -> tuple[bytes, Iterator[bytes], list[bytes]]:
    """(the XML before ``<sheetData>``, an iterator of pieces of whole rows, the tail after it —
    filled in once the iterator is exhausted)."""
    f = zf.open(member)
    buf = b""
    head = None
    tail: list[bytes] = []
    while head is None:
        block = f.read(_CHUNK)
        buf += block
        m = re.search(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>", buf)
        if m:
            head = buf[: m.start()]
            if m.group(1):  # <sheetData/>
                tail.append(buf[m.end() :] + f.read())
                f.close()
                return head, iter(()), tail
            buf = buf[m.end() :]
        elif not block:
            f.close()
            return buf, iter(()), [b""]

    def rows() -> Iterator[bytes]:
        nonlocal buf
        try:
            while True:
                end = _closing_sheet_data(buf)
                if end is not None:
                    yield buf[: end[0]]
                    tail.append(buf[end[1] :] + f.read())
                    return
                block = f.read(_CHUNK)
                if not block:
                    yield buf
                    tail.append(b"")
                    return
                buf += block
                cut = buf.rfind(b"row>", 0, max(0, len(buf) - 32))
                if cut >= 0 and len(buf) > _CHUNK:
                    piece, buf = buf[: cut + 4], buf[cut + 4 :]
                    yield piece
        finally:
            f.close()

    return head, rows(), tail


def _closing_sheet_data(buf: bytes) -> tuple[int, int] | None:
    """Where ``</sheetData>`` (or ``</x:sheetData>``) is in ``buf``: (start, end)."""
    i = buf.find(b"sheetData>")
    while i >= 0:
        lt = buf.rfind(b"<", 0, i)
        if lt >= 0 and buf[lt + 1 : lt + 2] == b"/" and re.fullmatch(rb"</(?:[\w.-]+:)?", buf[lt:i]):
            return lt, i + len(b"sheetData>")
        i = buf.find(b"sheetData>", i + 1)
    return None


_CELL_ATTR = re.compile(rb'([\w:.-]+)="([^"]*)"')


def _cell_at(piece: bytes, start: int, prefix: bytes) -> bytes:
    """The whole ``<c …>…</c>`` (or ``<c …/>``) starting at ``start``."""
    gt = piece.find(b">", start)
    if gt < 0:
        return piece[start:]
    if piece[gt - 1 : gt] == b"/":
        return piece[start : gt + 1]
    end = piece.find(b"</" + prefix + b"c>", gt)
    return piece[start:] if end < 0 else piece[start : end + len(prefix) + 4]


def _dec(b: bytes) -> str:
    s = b.decode("utf-8", "replace")
    return html.unescape(s) if "&" in s else s


class _CellReader:
    """Reads one cell's XML: attributes, formula, value."""

    def __init__(self, prefix: bytes, strings: _SharedStrings):
        p = re.escape(prefix)
        self.f = re.compile(rb"<" + p + rb"f\b([^>]*?)(?:/>|>(.*?)</" + p + rb"f>)", re.S)
        self.v = re.compile(rb"<" + p + rb"v>(.*?)</" + p + rb"v>", re.S)
        self.inline = re.compile(rb"<" + p + rb"is>(.*?)</" + p + rb"is>", re.S)
        self.t = re.compile(rb"<" + p + rb"t\b[^>]*?(?:/>|>(.*?)</" + p + rb"t>)", re.S)
        self.rph = re.compile(rb"<" + p + rb"rPh\b.*?</" + p + rb"rPh>", re.S)
        self.strings = strings

    def attrs(self, cell: bytes) -> dict[str, str]:
        head = cell[: cell.find(b">")]
        return {k.decode().rsplit(":", 1)[-1]: _dec(v) for k, v in _CELL_ATTR.findall(head)}

    def value(self, cell: bytes, attrs: dict[str, str]) -> tuple[str, Any]:
        """("text" | "number" | "bool" | "error" | "blank", value) as stored."""
        t = attrs.get("t", "n")
        if t == "inlineStr":
            m = self.inline.search(cell)
            if not m:
                return "blank", None
            body = self.rph.sub(b"", m.group(1))
            return "text", unescape_text("".join(_dec(x or b"") for x in self.t.findall(body)))
        m = self.v.search(cell)
        raw = _dec(m.group(1)) if m else ""
        if t == "s":
            try:
                return "text", self.strings[int(raw)]
            except ValueError:
                return "blank", None
        if t == "str":
            return "text", unescape_text(raw)
        if t == "b":
            return "bool", raw.strip() in ("1", "true")
        if t == "e":
            return "error", raw.strip() or "#N/A"
        if raw.strip() == "":
            return "blank", None
        try:
            return "number", float(raw)
        except ValueError:
            return "text", raw

    def formula(self, cell: bytes) -> tuple[dict[str, str], str] | None:
        m = self.f.search(cell)
        if not m:
            return None
        fattrs = {k.decode().rsplit(":", 1)[-1]: _dec(v) for k, v in _CELL_ATTR.findall(m.group(1))}
        return fattrs, _dec(m.group(2) or b"")


def _letters_alternation(cols: Iterable[int]) -> bytes:
    from .cells import col_letter

    return b"|".join(re.escape(col_letter(c).encode()) for c in sorted(cols, key=lambda c: (-len(str(c)), c)))


def _scan_cells(
    zf: zipfile.ZipFile,
    member: str,
    sheet: SheetParts,
    *,
    markers: dict[int, Look],
    skip_formula_cols: set[int],
    skip_look_rows: int,
    wanted: set[Cell],
    strings: _SharedStrings,
) -> bytes:
    """Formulas, marked cells and wanted cells of one sheet into ``sheet``; returns the sheet's XML
    without its rows (head + tail), for the rest."""
    head, pieces, tail = _pieces(zf, member)
    pm = re.search(rb"<([\w.-]+:)?worksheet\b", head)
    prefix = (pm.group(1) or b"") if pm else b""
    p = re.escape(prefix)
    reader = _CellReader(prefix, strings)
    shared: dict[str, tuple[int, int, str]] = {}
    followers: list[tuple[int, int, str, dict[str, str], bytes]] = []
    r_first: bool | None = None
    fast_formula = fast_style = fast_wanted = generic_formula = generic_style = None
    style_alt = b"|".join(str(i).encode() for i in sorted(markers)) if markers else b""
    wanted_refs = {cell_name(r, c).encode(): (r, c) for r, c in wanted}
    for piece in pieces:
        if r_first is None:
            first = re.search(rb"<" + p + rb"c\b[^>]*>", piece)
            if first is None:
                continue
            r_first = first.group(0).startswith(b"<" + prefix + b'c r="')
            skip = _letters_alternation(skip_formula_cols)
            look_ahead = (rb"(?!(?:" + skip + rb")[0-9])") if skip else b""
            fast_formula = re.compile(
                rb"<" + p + rb'c r="' + look_ahead + rb'([A-Z]{1,3})([0-9]+)"[^>]*>\s*<' + p + rb"f\b"
            )
            generic_formula = re.compile(rb"<" + p + rb"c\b[^>]*>\s*<" + p + rb"f\b")
            if style_alt:
                fast_style = re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})([0-9]+)" s="(' + style_alt + rb')"')
                generic_style = re.compile(rb"<" + p + rb'c\b[^>]*\ss="(?:' + style_alt + rb')"')
            if wanted_refs:
                refs = b"|".join(wanted_refs)
                fast_wanted = re.compile(
                    rb"<" + p + (rb'c r="(' + refs + rb')"' if r_first else rb'c\b[^>]*?\sr="(' + refs + rb')"')
                )
        # formulas
        formula_re = fast_formula if r_first else generic_formula
        assert formula_re is not None  # compiled with the first cell
        for m in formula_re.finditer(piece):
            cell = _cell_at(piece, m.start(), prefix)
            attrs = reader.attrs(cell)
            where = parse_ref(attrs.get("r", ""))
            if where is None:
                continue
            r, c = where[0], where[1]
            if c in skip_formula_cols:
                continue
            found = reader.formula(cell)
            if found is None:
                continue
            fattrs, text = found
            kind, value = reader.value(cell, attrs)
            cached = _cached(kind, value)
            ftype = fattrs.get("t", "normal")
            if ftype == "shared":
                si = fattrs.get("si", "")
                if text.strip():
                    shared[si] = (r, c, text)
                    sheet.formulas[(r, c)] = Formula(text, cached)
                else:
                    followers.append((r, c, si, attrs, cell))
                    sheet.formulas[(r, c)] = Formula("", cached)
            elif ftype == "array" or attrs.get("cm"):
                sheet.formulas[(r, c)] = Formula(text, cached, array=fattrs.get("ref") or cell_name(r, c))
            elif ftype == "dataTable":
                sheet.lost.append(
                    Loss(
                        sheet.name,
                        fattrs.get("ref") or cell_name(r, c),
                        Said(
                            "模拟运算表（假设分析）；其中的值保留",
                            "a data table (What-If analysis); its values are kept",
                        ),
                    )
                )
            else:
                sheet.formulas[(r, c)] = Formula(text, cached)
        # staff markers
        if style_alt:
            style_re = fast_style if r_first else generic_style
            assert style_re is not None  # compiled with the first cell, when there are markers
            for m in style_re.finditer(piece):
                if r_first:
                    r, c, s = int(m.group(2)) - 1, col_index(m.group(1).decode()), int(m.group(3))
                else:
                    attrs = reader.attrs(_cell_at(piece, m.start(), prefix))
                    where = parse_ref(attrs.get("r", ""))
                    if where is None:
                        continue
                    r, c, s = where[0], where[1], _int(attrs.get("s"))
                if r < skip_look_rows:
                    continue
                look = markers.get(s)
                if look is not None:
                    sheet.looks[(r, c)] = look
        # wanted cells
        if fast_wanted is not None:
            for m in fast_wanted.finditer(piece):
                cell = _cell_at(piece, m.start(), prefix)
                sheet.stored[wanted_refs[m.group(1)]] = reader.value(cell, reader.attrs(cell))
    if followers:
        from .formularefs import shift

        for r, c, si, _attrs, _cell in followers:
            master = shared.get(si)
            if master is None:
                del sheet.formulas[(r, c)]
                sheet.lost.append(
                    Loss(
                        sheet.name,
                        cell_name(r, c),
                        Said(
                            "与一个未带过去的单元格共用的公式；其值保留",
                            "a formula shared with a cell that is not carried; its value is kept",
                        ),
                    )
                )
                continue
            r0, c0, text = master
            sheet.formulas[(r, c)] = Formula(shift(text, r - r0, c - c0), sheet.formulas[(r, c)].value)
    return head + b"".join(tail)


def _cached(kind: str, value: Any) -> Any:
    if kind == "blank":
        return ""
    return value


# --------------------------------------------------------------------------------------------
# The parts around the rows
# --------------------------------------------------------------------------------------------


def _sqref_cells(sqref: str) -> list[tuple[int, int, int, int]]:
    out = []
    for part in sqref.split():
        ref = parse_ref(part) or _column_range(part)
        if ref is not None:
            out.append(ref)
    return out


def _column_range(part: str) -> tuple[int, int, int, int] | None:
    m = re.fullmatch(r"\$?([A-Z]{1,3}):\$?([A-Z]{1,3})", part.strip().upper())
    if not m:
        return None
    return 0, col_index(m.group(1)), 1_048_575, col_index(m.group(2))


def _rest(
    zf: zipfile.ZipFile,
    member: str,
    root: Element,
    sheet: SheetParts,
    info: DataSheetInfo | None,
    color: _Colors | None = None,
) -> None:
    """Everything in the sheet XML but its rows, and the parts the sheet points to."""
    rels = _rels(zf, member)
    name = sheet.name
    data = sheet.kind == "data"
    staff = sheet.kind == "staff"
    own = sheet.kind == "own"
    lost = sheet.lost
    for elem in root:
        tag = _local(elem.tag)
        if tag == "sheetPr":
            sheet.code_name = elem.get("codeName")
            tab = _child(elem, "tabColor")
            if tab is not None and color is not None and not own:
                sheet.tab_color = color(tab)
        elif tag == "cols" and staff:
            for col in elem:
                lo, hi = _int(col.get("min")), _int(col.get("max"))
                width = (
                    float(given) if (given := col.get("width")) and col.get("customWidth") in ("1", "true") else None
                )
                hidden = col.get("hidden") in ("1", "true")
                if (width is not None or hidden) and lo >= 1 and hi - lo < 256:
                    for c in range(lo - 1, hi):
                        sheet.widths[c] = (width, hidden)
        elif tag == "sheetViews" and staff:
            pane = next(_iter(elem, "pane"), None)
            if pane is not None and (pane.get("state") or "") in ("frozen", "frozenSplit"):
                sheet.freeze = (int(float(pane.get("ySplit") or 0)), int(float(pane.get("xSplit") or 0)))
        elif tag == "mergeCells" and not own:
            for merge in elem:
                ref = parse_ref(merge.get("ref") or "")
                if ref is None:
                    continue
                if staff:
                    sheet.merged.append(ref)
                else:
                    lost.append(
                        Loss(
                            name,
                            range_name(*ref),
                            Said(
                                "合并单元格（值留在第一个单元格）", "merged cells (the value stays in the first cell)"
                            ),
                        )
                    )
        elif tag == "hyperlinks" and not own:
            for link in elem:
                ref = parse_ref(link.get("ref") or "")
                if ref is None:
                    continue
                rid = _attr(link, "id")
                rel = rels.get(rid) if rid else None
                url = rel.target if rel is not None and rel.external else None
                target = Link(url, link.get("location"), link.get("tooltip"))
                if target.url is None and target.location is None:
                    continue
                for r in range(ref[0], min(ref[2], ref[0] + 999) + 1):
                    for c in range(ref[1], min(ref[3], ref[1] + 255) + 1):
                        sheet.links[(r, c)] = target
        elif tag == "dataValidations" and not own:
            for dv in elem:
                sqref = dv.get("sqref") or ""
                if data and _template_rule(sqref, info, "validation"):
                    continue
                kind = dv.get("type")
                lost.append(
                    Loss(
                        name,
                        sqref,
                        Said(
                            f"员工加的数据验证（{kind or '任何值'}）",
                            f"data validation ({kind or 'any value'}) staff added",
                        ),
                    )
                )
        elif tag == "conditionalFormatting" and not own:
            sqref = elem.get("sqref") or ""
            types = [r.get("type") or "" for r in _children(elem, "cfRule")]
            if data and all(t == "expression" for t in types) and _template_rule(sqref, info, "format"):
                continue
            lost.append(
                Loss(
                    name,
                    sqref,
                    Said(
                        f"员工加的条件格式（{'、'.join(types)}）",
                        f"conditional formatting ({', '.join(types)}) staff added",
                    ),
                )
            )
        elif tag == "sheetProtection" and staff and elem.get("sheet") in ("1", "true"):
            lost.append(Loss(name, None, Said("工作表保护", "the sheet's protection")))
        elif tag == "autoFilter" and staff:
            ref = parse_ref(elem.get("ref") or "")
            if ref is not None:
                sheet.autofilter = ref
            if any(_local(e.tag) == "filterColumn" for e in elem):
                lost.append(
                    Loss(
                        name,
                        elem.get("ref"),
                        Said("筛选条件（被筛掉的行会显示出来）", "the filter's criteria (rows it hid are shown)"),
                    )
                )
        elif tag == "drawing":
            rel = rels.get(_attr(elem, "id") or "")
            if rel is not None and not rel.external and rel.target in zf.NameToInfo:
                lost.extend(_drawing(zf, rel.target, name, own))
        elif tag == "legacyDrawing":
            rel = rels.get(_attr(elem, "id") or "")
            if rel is not None and not rel.external and rel.target in zf.NameToInfo:
                lost.extend(_vml_controls(zf.read(rel.target), name))
        elif tag == "legacyDrawingHF":
            lost.append(Loss(name, None, Said("页眉或页脚中的图片", "pictures in the page header or footer")))
        elif tag == "picture":
            lost.append(Loss(name, None, Said("工作表背景图片", "the sheet's background picture")))
        elif tag == "oleObjects":
            for obj in _iter(elem, "oleObject"):
                kind = obj.get("progId") or "OLE"
                lost.append(Loss(name, None, Said(f"嵌入的对象（{kind}）", f"an embedded object ({kind})")))
        elif tag == "controls":
            for ctrl in _iter(elem, "control"):
                control = ctrl.get("name")
                lost.append(
                    Loss(
                        name,
                        None,
                        Said(f"ActiveX 控件（{control or '控件'}）", f"an ActiveX control ({control or 'control'})"),
                    )
                )
        elif tag == "tableParts":
            for part in elem:
                rel = rels.get(_attr(part, "id") or "")
                if rel is None or rel.external or rel.target not in zf.NameToInfo:
                    continue
                table = _part(zf, rel.target)
                title = table.get("displayName") or table.get("name") or ""
                lost.append(
                    Loss(
                        name,
                        table.get("ref"),
                        Said(
                            f"表格（超级表）{title}：其单元格保留为普通单元格".replace(" ：", "："),
                            f"table (ListObject) {title}: its cells are kept as plain cells".replace(" :", ":"),
                        ),
                    )
                )
        elif tag == "extLst":
            _extensions(elem, sheet, info)
    # parts the sheet points to without an element for them
    for rel in rels.values():
        kind = _rel_kind(rel)
        if rel.external or rel.target not in zf.NameToInfo:
            continue
        if kind == "comments" and not own:
            sheet.comments.update(_comments(zf, rel.target))
        elif kind == "comments" and own:
            lost.append(Loss(name, None, Said("模板重建的工作表上的批注", "comments on a sheet the template rebuilds")))
        elif kind == "threadedComment":
            cells = sorted({c.get("ref") or "" for c in _iter(_part(zf, rel.target), "threadedComment")})
            lost.append(
                Loss(
                    name,
                    ", ".join(cells) or None,
                    Said(
                        "对话式批注（第一条文字保留为普通批注；回复和对话不保留）",
                        "threaded comments (their first text is kept as a plain comment; replies and the "
                        "thread are not)",
                    ),
                )
            )
        elif kind == "pivotTable":
            pivot = _part(zf, rel.target)
            location = _child(pivot, "location")
            lost.append(
                Loss(
                    name,
                    location.get("ref") if location is not None else None,
                    Said(
                        f"数据透视表 {pivot.get('name') or ''}".strip(),
                        f"pivot table {pivot.get('name') or ''}".strip(),
                    ),
                )
            )
    if own and (sheet.links or sheet.comments):
        lost.append(
            Loss(
                name, None, Said("模板重建的工作表上的链接或批注", "links or comments on a sheet the template rebuilds")
            )
        )


def _template_rule(sqref: str, info: DataSheetInfo | None, what: str) -> bool:
    """A validation or conditional format of the template: one column of the schema, from the first row below the header."""
    if info is None:
        return False
    refs = _sqref_cells(sqref)
    if len(refs) != 1:
        return False
    r0, c0, _r1, c1 = refs[0]
    return c0 == c1 and c0 in info.schema and 1 <= r0 <= info.header_row


def _extensions(ext_list: Element, sheet: SheetParts, info: DataSheetInfo | None) -> None:
    name = sheet.name
    for ext in ext_list:
        for child in ext:
            tag = _local(child.tag)
            refs = [e.text or "" for e in _iter(child, "sqref")]
            where = ", ".join(r for r in refs if r) or None
            if tag == "dataValidations":
                sheet.lost.append(
                    Loss(
                        name,
                        where,
                        Said(
                            "员工加的数据验证（列表来自另一个工作表）",
                            "data validation staff added (list from another sheet)",
                        ),
                    )
                )
            elif tag == "conditionalFormattings":
                sheet.lost.append(
                    Loss(
                        name,
                        where,
                        Said(
                            "员工加的条件格式（Excel 2010 规则）",
                            "conditional formatting staff added (Excel 2010 rules)",
                        ),
                    )
                )
            elif tag == "sparklineGroups":
                sheet.lost.append(Loss(name, where, Said("迷你图", "sparklines")))
            elif tag in ("slicerList", "timelineRefs"):
                sheet.lost.append(Loss(name, None, Said("切片器或日程表", "slicers or timelines")))


_CHART_KINDS: dict[str, Pair] = {
    "barChart": ("条形图", "bar chart"),
    "bar3DChart": ("三维条形图", "3-D bar chart"),
    "lineChart": ("折线图", "line chart"),
    "line3DChart": ("三维折线图", "3-D line chart"),
    "pieChart": ("饼图", "pie chart"),
    "pie3DChart": ("三维饼图", "3-D pie chart"),
    "doughnutChart": ("圆环图", "doughnut chart"),
    "areaChart": ("面积图", "area chart"),
    "area3DChart": ("三维面积图", "3-D area chart"),
    "scatterChart": ("散点图", "scatter chart"),
    "radarChart": ("雷达图", "radar chart"),
    "bubbleChart": ("气泡图", "bubble chart"),
    "stockChart": ("股价图", "stock chart"),
    "surfaceChart": ("曲面图", "surface chart"),
    "ofPieChart": ("复合饼图", "pie-of-pie chart"),
}
_CHART: Pair = ("图表", "chart")


def _drawing(zf: zipfile.ZipFile, member: str, sheet: str, own: bool) -> list[Loss]:
    root = _part(zf, member)
    rels = _rels(zf, member)
    out = []
    for anchor in root:
        tag = _local(anchor.tag)
        if tag not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
            continue
        start = _child(anchor, "from")
        where = None
        if start is not None:
            col, row = _child(start, "col"), _child(start, "row")
            if col is not None and row is not None:
                where = cell_name(_int(row.text), _int(col.text))
        for obj in anchor:
            what = _drawing_object(zf, obj, rels)
            if what and own and _template_chart(what):
                continue  # the dashboard's own charts: the rebuilt dashboard has them again
            if what:
                out.append(
                    Loss(
                        sheet,
                        where,
                        Said(
                            ("模板重建的工作表上的" if own else "") + what.zh,
                            what.en + (" on a sheet the template rebuilds" if own else ""),
                        ),
                    )
                )
    return out


def _template_chart(what: Said) -> bool:
    """Whether ``what`` (``a bar chart “各状态订单数”``) is one of the charts the template puts on the dashboard."""
    from .template.dashboard import CHART_TITLES

    return any(f"“{title}”" in what.en for title in CHART_TITLES)


def _drawing_object(zf: zipfile.ZipFile, obj: Any, rels: dict[str, _Rel]) -> Said | None:
    tag = _local(obj.tag)
    if tag == "AlternateContent":
        choice = next((c for c in obj if _local(c.tag) in ("Choice", "Fallback")), None)
        for inner in choice if choice is not None else ():
            what = _drawing_object(zf, inner, rels)
            if what:
                return what
        return None
    if tag == "graphicFrame":
        data = next(_iter(obj, "graphicData"), None)
        uri = (data.get("uri") or "") if data is not None else ""
        if uri.endswith("/chart"):
            chart = next(_iter(data, "chart"), None) if data is not None else None
            rel = rels.get(_attr(chart, "id") or "") if chart is not None else None
            if rel is not None and rel.target in zf.NameToInfo:
                return _chart_name(zf, rel.target)
            return Said("图表", "a chart")
        if "chartex" in uri:
            return Said("图表（Excel 2016 类型）", "a chart (Excel 2016 type)")
        if "slicer" in uri:
            return Said("切片器", "a slicer")
        if "timeslicer" in uri or "timeline" in uri:
            return Said("日程表", "a timeline")
        if "diagram" in uri:
            return Said("SmartArt 图形", "a SmartArt graphic")
        return Said("对象", "an object")
    if tag == "pic":
        return Said("图片", "a picture")
    if tag == "sp":
        text = "".join(t.text or "" for t in _iter(obj, "t")).strip()
        return Said(
            f"形状或文本框{f'（{text[:40]}）' if text else ''}",
            f"a shape or text box{f' ({text[:40]})' if text else ''}",
        )
    if tag == "grpSp":
        return Said("一组形状", "a group of shapes")
    if tag == "cxnSp":
        return Said("连接线", "a connector line")
    if tag == "contentPart":
        return Said("墨迹（用笔画的图）", "ink (a drawing made with a pen)")
    return None


def _chart_name(zf: zipfile.ZipFile, member: str) -> Said:
    root = _part(zf, member)
    plot = next(_iter(root, "plotArea"), None)
    zh, en = next(
        (
            _CHART_KINDS.get(_local(e.tag), _CHART)
            for e in (plot if plot is not None else ())
            if _local(e.tag).endswith("Chart")
        ),
        _CHART,
    )
    title = next(_iter(root, "title"), None)
    text = "".join(t.text or "" for t in _iter(title, "t")).strip() if title is not None else ""
    return Said(zh + (f"“{text}”" if text else ""), f"a {en}" + (f" “{text}”" if text else ""))


_VML_SHAPE = re.compile(rb"<v:shape\b.*?</v:shape>", re.S)
_VML_TYPE = re.compile(rb'<x:ClientData\s+ObjectType="(\w+)"')
_VML_ANCHOR = re.compile(rb"<x:Anchor>\s*([0-9,\s]+)</x:Anchor>")


def _vml_controls(vml: bytes, sheet: str) -> list[Loss]:
    """Form controls (buttons, check boxes …) in a sheet's VML drawing; comment boxes are not lost."""
    out = []
    for shape in _VML_SHAPE.findall(vml):
        kind = _VML_TYPE.search(shape)
        if kind is None or kind.group(1) == b"Note":
            continue
        where = None
        anchor = _VML_ANCHOR.search(shape)
        if anchor:
            nums = [int(x) for x in anchor.group(1).replace(b" ", b"").split(b",") if x]
            if len(nums) >= 4:
                where = cell_name(nums[2], nums[0])
        control = kind.group(1).decode()
        out.append(Loss(sheet, where, Said(f"表单控件（{control}）", f"a form control ({control})")))
    return out


def _comments(zf: zipfile.ZipFile, member: str) -> dict[Cell, Note]:
    root = _part(zf, member)
    authors_elem = _child(root, "authors")
    authors = [a.text or "" for a in authors_elem] if authors_elem is not None else []
    out = {}
    comment_list = _child(root, "commentList")
    for comment in comment_list if comment_list is not None else ():
        ref = parse_ref(comment.get("ref") or "")
        if ref is None:
            continue
        i = _int(comment.get("authorId"))
        text = _child(comment, "text")
        out[(ref[0], ref[1])] = Note(
            _string_item(text) if text is not None else "", authors[i] if 0 <= i < len(authors) and authors[i] else None
        )
    return out


# --------------------------------------------------------------------------------------------
# The book
# --------------------------------------------------------------------------------------------

#: Name prefixes of the template's own defined names, and Excel's (print areas, filters …).
_OUR_NAMES = ("lst_", "keys_", "col_", "rng_", "_xlnm.")


def our_name_prefixes() -> tuple[str, ...]:
    """The prefixes of the defined names the template writes (``lst_`` …), read from the pinned
    template itself so that a name kind added to the template is never taken for a staff name."""
    global _PREFIXES
    if _PREFIXES is None:
        found = set(_OUR_NAMES)
        try:
            from .template.write import TEMPLATE_PATH

            with zipfile.ZipFile(TEMPLATE_PATH) as zf:
                for name in re.findall(rb'<definedName\b[^>]*\bname="([^"]+)"', zf.read("xl/workbook.xml")):
                    text = name.decode("utf-8", "replace").lower()
                    if "_" in text.strip("_"):
                        found.add(text[: text.index("_", 1) + 1])
        except (OSError, KeyError, zipfile.BadZipFile):
            pass
        _PREFIXES = tuple(sorted(found))
    return _PREFIXES


_PREFIXES: tuple[str, ...] | None = None


def scan(
    path: str | os.PathLike[str],
    *,
    data_sheets: dict[str, DataSheetInfo],
    staff_sheets: Iterable[str],
    own_sheets: Iterable[str] | None = None,
) -> BookParts:
    """Read what the book at ``path`` holds besides its values: on its data sheets (by name, with
    what the reader found there), its staff sheets (worksheets, by name) and the template's own
    sheets (only for things a rebuild would drop; default: every other worksheet). Raises
    PartsError on a damaged part."""
    staff_sheets = set(staff_sheets)
    own_sheets = None if own_sheets is None else set(own_sheets)
    try:
        with zipfile.ZipFile(path) as zf:
            return _scan(zf, data_sheets, staff_sheets, own_sheets)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError) as exc:
        raise PartsError(said(("压缩包已损坏（{exc}）", "damaged package ({exc})"), exc=exc)) from None


def _scan(
    zf: zipfile.ZipFile, data_sheets: dict[str, DataSheetInfo], staff_sheets: set[str], own_sheets: set[str] | None
) -> BookParts:
    from .read.xlsxparts import workbook_member

    book = BookParts()
    workbook = workbook_member(zf)
    if workbook is None:
        raise PartsError(Said("没有工作簿部件（xl/workbook.xml）", "no workbook part"))
    root = _part(zf, workbook)
    rels = _rels(zf, workbook)
    members: dict[str, str] = {}
    sheet_order: list[str] = []
    for elem in root.iter():
        tag = _local(elem.tag)
        if tag == "workbookPr":
            book.code_name = elem.get("codeName")
        elif tag == "workbookProtection" and (
            elem.get("lockStructure") in ("1", "true") or elem.get("lockWindows") in ("1", "true")
        ):
            book.lost.append(Loss(None, None, Said("工作簿结构保护", "the workbook's structure protection")))
        elif tag == "sheet":
            rel = rels.get(_attr(elem, "id") or "")
            sheet_order.append(elem.get("name") or "")
            if rel is not None and not rel.external and rel.type.endswith("/worksheet"):
                members[elem.get("name") or ""] = rel.target
        elif tag == "definedName":
            name = elem.get("name") or ""
            local = elem.get("localSheetId")
            scope = (
                sheet_order[int(local)]
                if local is not None and local.isdigit() and int(local) < len(sheet_order)
                else None
            )
            if name.lower().startswith(our_name_prefixes()):
                continue
            book.names.append(DefinedName(name, elem.text or "", scope, elem.get("hidden") in ("1", "true")))
        elif tag == "externalReferences":
            book.lost.append(
                Loss(
                    None,
                    None,
                    Said(
                        f"指向 {len(elem)} 个其他工作簿的链接（用到它们的公式不带过去）",
                        f"links to {len(elem)} other workbook(s) (formulas using them are not carried)",
                    ),
                )
            )
    for rel in rels.values():
        kind = _rel_kind(rel)
        if rel.external or rel.target not in zf.NameToInfo:
            continue
        if kind == "vbaProject":
            book.vba = zf.read(rel.target)
            sig = next(
                (
                    r.target
                    for r in _rels(zf, rel.target).values()
                    if _rel_kind(r) == "vbaProjectSignature" and r.target in zf.NameToInfo
                ),
                None,
            )
            book.vba_signature = zf.read(sig) if sig else None
        elif kind == "connections":
            book.lost.append(
                Loss(
                    None,
                    None,
                    Said(
                        "数据连接或查询（数据 > 查询和连接）",
                        "data connections or queries (Data > Queries & Connections)",
                    ),
                )
            )
        elif kind in ("slicerCache", "timelineCache"):
            pass  # named on the sheet that shows the slicer
    styles = _read_styles(zf, workbook)
    data_markers = {i: look for i, look in styles.markers.items() if not _template_look(look)}
    strings = _SharedStrings(zf, workbook)
    for name, member in members.items():
        if member not in zf.NameToInfo:
            continue
        if name in data_sheets:
            info = data_sheets[name]
            sheet = SheetParts(name, "data")
            rest = _scan_cells(
                zf,
                member,
                sheet,
                markers=data_markers,
                skip_formula_cols=info.derived,
                skip_look_rows=info.header_row,
                wanted=info.wanted,
                strings=strings,
            )
        elif name in staff_sheets:
            info = None
            sheet = SheetParts(name, "staff")
            rest = _scan_cells(
                zf,
                member,
                sheet,
                markers=styles.looks,
                skip_formula_cols=set(),
                skip_look_rows=0,
                wanted=set(),
                strings=strings,
            )
        elif own_sheets is None or name in own_sheets:
            info = None
            sheet = SheetParts(name, "own")
            rest = _without_rows(zf, member)
        else:
            continue
        _rest(zf, member, parse_xml(rest, member), sheet, info, styles.color)
        book.sheets[name] = sheet
    return book


#: The template's own looks on a data sheet (headers, formula cells): never a staff marker.
_TEMPLATE_LOOKS = frozenset(
    {
        Look(fill=FORMULA_CELL_FILL.upper()),
        Look(bold=True, color="#FFFFFF", fill=REQUIRED_FILL.upper()),
        Look(bold=True, color="#1F1F1F", fill=OPTIONAL_FILL.upper()),
        Look(bold=True, italic=True, color="#404040", fill=DERIVED_FILL.upper()),
    }
)


def _template_look(look: Look) -> bool:
    return look in _TEMPLATE_LOOKS


def _without_rows(zf: zipfile.ZipFile, member: str) -> bytes:
    head, pieces, tail = _pieces(zf, member)
    for _ in pieces:
        pass
    return head + b"".join(tail)
