"""Annotate a copy of an .xlsx by patching its XML parts: the fast engine behind ``annotate_copy``.

Only what must change is rewritten, as text, so namespaces and extensions survive untouched:

- ``styles.xml``: two fills (error red, warning yellow), two fonts (bold, link), a clone of each cell
  format a flagged cell uses with the fill set, and the Issues sheet's formats;
- each flagged sheet: the ``s`` attribute of the flagged cells (rows not flagged are copied byte for
  byte), a comments part and its VML drawing;
- ``workbook.xml`` and its relationships: the Issues sheet, first and selected;
- ``[Content_Types].xml``.

The copy is tagged ``orderbook:kind = annotated`` (docProps/custom.xml). Every other part is
streamed from the input to the copy. A package this module does not
understand raises ``Unsupported`` and the caller falls back to openpyxl.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, AnyStr
from xml.sax.saxutils import escape

from ..cells import col_index, col_letter
from ..codes import Severity
from ..safe_io import atomic_path
from ..xlsxpkg.package import MAIN, REL, XML_HEAD, Package, Unsupported, parse
from ..xlsxpkg.package import resolve as _resolve
from ..xlsxpkg.props import set_properties
from ..xlsxpkg.zipio import Chunks
from .labels import COLOURS

if TYPE_CHECKING:
    from .annotate import Mark, Plan

CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

#: Worksheet children that come after ``legacyDrawing`` (ECMA-376 CT_Worksheet order).
_AFTER_LEGACY = frozenset(
    {"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"}
)

_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_TAG = re.compile(r"""<(/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>""")
_REF = re.compile(rb"([A-Z]{1,3})(\d+)")

#: A cell's new style index from its old one and the severity it is flagged with.
Restyle = Callable[[int, Severity], int]
#: A merged area: (first row, first col, last row, last col), rows 1-based.
Area = tuple[int, int, int, int]


def _found(m: re.Match[AnyStr] | None, what: str) -> re.Match[AnyStr]:
    """A match the text is known to hold (it was found by a wider pattern of the same shape)."""
    if m is None:
        raise Unsupported(what)
    return m


def _relationships(pkg: Package, part: str) -> list[dict[str, str]]:
    return pkg.relationships(part)


def _add_relationships(pkg: Package, part: str, rels: list[tuple[str, str, str]]) -> None:
    """Add ``(id, type, target)`` relationships to ``part``'s rels part (created when absent)."""
    for rid, kind, target in rels:
        pkg.add_relationship(part, f"{REL}/{kind}", target, rid)


def _free_id(existing: Iterable[str], n: int = 1) -> list[str]:
    taken, out, k = set(existing), list[str](), 1
    while len(out) < n:
        rid = f"rIdWT{k}"
        if rid not in taken:
            out.append(rid)
        k += 1
    return out


def _sheets(pkg: Package) -> list[tuple[str, str, str]]:
    """``[(name, relationship id, part)]`` of the workbook's sheets, in tab order."""
    return [(s.name, s.rid, s.part) for s in pkg.sheets()]


def sheet_names(src: str | os.PathLike[str]) -> list[str]:
    """The sheet names of ``src`` in tab order (Unsupported when the package is not understood)."""
    with Package(src) as pkg:
        return [name for name, _, _ in _sheets(pkg)]


# ------------------------------------------------------------------------------------------- xml text


def _set_attr(tag: str, name: str, value: str) -> str:
    """Set ``name="value"`` in an opening tag string (``<xf …>`` or ``<xf …/>``)."""
    pattern = re.compile(rf'(\s){re.escape(name)}\s*=\s*("[^"]*"|\'[^\']*\')')
    if pattern.search(tag):
        return pattern.sub(lambda m: f'{m[1]}{name}="{value}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f'{tag[:end].rstrip()} {name}="{value}"{tag[end:]}'


def _drop_attr(tag: bytes, name: bytes) -> bytes:
    return re.sub(rb"\s" + re.escape(name) + rb'\s*=\s*("[^"]*"|\'[^\']*\')', b"", tag)


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _t(text: str) -> str:
    """A ``<t>`` element keeping leading/trailing spaces and line breaks."""
    return f'<t xml:space="preserve">{_x(text)}</t>'


def _ns_prefix(root_tag: str, namespace: str) -> str | None:
    m = re.search(rf'\sxmlns:([\w.-]+)\s*=\s*"{re.escape(namespace)}"', root_tag)
    return m[1] if m else None


# ------------------------------------------------------------------------------------------- styles


class _Styles:
    """``styles.xml`` as text, with fills, fonts and cell formats appended."""

    def __init__(self, text: str):
        self.text = text
        self.fills = self._section("fills", "fill")
        self.fonts = self._section("fonts", "font")
        self.xfs = self._section("cellXfs", "xf")
        if not self.xfs[2] or not self.fonts[2] or re.search(r"<borders\b", text) is None:
            raise Unsupported("styles.xml without cell formats, fonts or borders")
        self.added: dict[str, list[str]] = {"fills": [], "fonts": [], "cellXfs": []}
        self.clones: dict[tuple[int, Severity], int] = {}
        self.fill = {
            s: self._add(
                "fills",
                f'<fill><patternFill patternType="solid"><fgColor rgb="FF{c}"/>'
                '<bgColor indexed="64"/></patternFill></fill>',
            )
            for s, c in COLOURS.items()
        }
        self.head_fill = self._add(
            "fills",
            '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/>'
            '<bgColor indexed="64"/></patternFill></fill>',
        )
        font0 = self.fonts[2][0]
        inner = re.sub(r"^<font\b[^>]*>|</font>$", "", font0) if not font0.endswith("/>") else '<sz val="11"/>'
        self.bold = self._add("fonts", f"<font><b/>{inner}</font>")
        plain = re.sub(r"<(?:color|u)\b[^>]*/>", "", inner)
        self.link_font = self._add("fonts", f'<font><u/>{plain}<color rgb="FF0563C1"/></font>')

    def _section(self, name: str, child: str) -> tuple[re.Match[str], str, list[str]]:
        m = re.search(rf"<{name}\b[^>]*?(?:/>|>(.*?)</{name}>)", self.text, re.S)
        if m is None:
            raise Unsupported(f"styles.xml has no <{name}>")
        items = re.findall(rf"<{child}\b[^>]*?(?:/>|>.*?</{child}>)", m[1] or "", re.S)
        return m, m[1] or "", items

    def _add(self, section: str, xml: str) -> int:
        existing = {"fills": self.fills, "fonts": self.fonts, "cellXfs": self.xfs}[section][2]
        self.added[section].append(xml)
        return len(existing) + len(self.added[section]) - 1

    def flagged(self, base: int, severity: Severity) -> int:
        """The cell format ``base`` with the severity's fill (one clone per pair)."""
        key = (base, severity)
        if key not in self.clones:
            xfs = self.xfs[2]
            xf = xfs[base] if 0 <= base < len(xfs) else xfs[0]
            head = _found(re.match(r"<xf\b[^>]*>", xf), "a cell format without its opening tag")[0]
            new_head = _set_attr(_set_attr(head, "fillId", str(self.fill[severity])), "applyFill", "1")
            self.clones[key] = self._add("cellXfs", new_head + xf[len(head) :])
        return self.clones[key]

    def cell_format(self, *, font: int = 0, fill: int = 0, wrap: bool = False) -> int:
        align = '<alignment vertical="top" wrapText="1"/>' if wrap else '<alignment vertical="top"/>'
        return self._add(
            "cellXfs",
            f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0" '
            f'applyFont="1" applyFill="1" applyAlignment="1">{align}</xf>',
        )

    def render(self) -> bytes:
        text = self.text
        # replace from the back so earlier offsets stay valid
        sections = sorted(
            (
                (name, getattr(self, attr))
                for name, attr in (("fills", "fills"), ("fonts", "fonts"), ("cellXfs", "xfs"))
            ),
            key=lambda s: s[1][0].start(),
            reverse=True,
        )
        for name, (m, inner, items) in sections:
            added = self.added[name]
            if not added:
                continue
            open_tag = _found(re.match(rf"<{name}\b[^>]*?(?=/?>)", m[0]), f"<{name}> without its opening tag")[0] + ">"
            open_tag = _set_attr(open_tag, "count", str(len(items) + len(added)))
            text = text[: m.start()] + open_tag + inner + "".join(added) + f"</{name}>" + text[m.end() :]
        return text.encode("utf-8")


# ------------------------------------------------------------------------------------------- sheets


def _patch_rows(xml: bytes, marks: dict[int, dict[int, Severity]], restyle: Restyle) -> bytes:
    """Restyle the cells ``marks[row][col]`` (1-based row, 0-based col) with ``restyle(old_s, severity)``,
    adding the cells and rows that are missing. Rows without marks are copied byte for byte."""
    m = re.search(rb"<sheetData\b[^>]*?(/?)>", xml)
    if m is None:
        raise Unsupported("worksheet without <sheetData>")
    pending = sorted(marks)
    if m[1]:  # <sheetData/>
        rows = b"".join(_new_row(r, marks[r], restyle) for r in pending)
        return xml[: m.start()] + b"<sheetData>" + rows + b"</sheetData>" + xml[m.end() :]
    start, end = m.end(), xml.find(b"</sheetData>", m.end())
    if end < 0:
        raise Unsupported("unterminated <sheetData>")
    out, last, prev = [xml[:start]], start, 0
    for row in _ROW.finditer(xml, start, end):
        if not pending:
            break
        attrs = row[1]
        r_attr = re.search(rb'\br="(\d+)"', attrs)
        number = int(r_attr[1]) if r_attr else prev + 1
        prev = number
        if number < pending[0]:
            continue
        out.append(xml[last : row.start()])
        while pending and pending[0] < number:
            r = pending.pop(0)
            out.append(_new_row(r, marks[r], restyle))
        if pending and pending[0] == number:
            pending.pop(0)
            out.append(_restyle_row(number, attrs, row[2] or b"", dict(marks[number]), restyle))
        else:
            out.append(row[0])
        last = row.end()
    out.append(xml[last:end])
    out.extend(_new_row(r, marks[r], restyle) for r in pending)
    out.append(xml[end:])
    return b"".join(out)


def _new_row(number: int, cells: dict[int, Severity], restyle: Restyle) -> bytes:
    body = b"".join(_new_cell(number, c, restyle(0, sev)) for c, sev in sorted(cells.items()))
    return b'<row r="%d">%s</row>' % (number, body)


def _new_cell(row: int, col: int, style: int) -> bytes:
    return b'<c r="%s%d" s="%d"/>' % (col_letter(col).encode(), row, style)


def _restyle_row(number: int, attrs: bytes, body: bytes, cells: dict[int, Severity], restyle: Restyle) -> bytes:
    found: list[tuple[int, bytes]] = []
    rest: list[bytes] = []
    col, pos = -1, 0
    for c in _CELL.finditer(body):
        rest.append(body[pos : c.start()])
        pos = c.end()
        cattrs = c[1]
        ref = re.search(rb'\br="([A-Z]{1,3})(\d+)"', cattrs)
        col = col_index(ref[1]) if ref else col + 1
        head = b"<c" + cattrs
        if ref is None:  # cells may leave out their reference; ours are explicit
            head = b'<c r="%s%d"' % (col_letter(col).encode(), number) + cattrs
        if col in cells:
            old = re.search(rb'\ss="(\d+)"', cattrs)
            style = restyle(int(old[1]) if old else 0, cells.pop(col))
            head = _set_attr(head.decode("utf-8") + ">", "s", str(style))[:-1].encode("utf-8")
        found.append((col, head + c[0][len(b"<c" + cattrs) :]))
    rest.append(body[pos:])
    found.extend((c, _new_cell(number, c, restyle(0, sev))) for c, sev in cells.items())
    found.sort(key=lambda item: item[0])
    other = b"".join(rest).strip()  # e.g. a row's <extLst>: stays after the cells
    attrs = _drop_attr(attrs, b"spans")
    if not re.search(rb'\br="', attrs):
        attrs = b' r="%d"' % number + attrs
    return b"<row" + attrs + b">" + b"".join(c for _, c in found) + other + b"</row>"


def _merged(xml: bytes) -> list[Area]:
    """Merged areas after ``</sheetData>``: (first row, first col, last row, last col), rows 1-based."""
    end = xml.rfind(b"</sheetData>")
    out: list[Area] = []
    for m in re.finditer(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', xml[max(end, 0) :]):
        out.append((int(m[2]), col_index(m[1]), int(m[4]), col_index(m[3])))
    return out


def _to_top_left(marks: dict[tuple[int, int], Mark], merged: list[Area]) -> dict[tuple[int, int], Mark]:
    """A mark inside a merged area moves to its top-left cell, the one Excel shows."""
    if not merged:
        return marks
    out: dict[tuple[int, int], Mark] = {}
    for (row, col), mark in sorted(marks.items()):
        for r1, c1, r2, c2 in merged:
            if r1 <= row <= r2 and c1 <= col <= c2:
                row, col = r1, c1
                break
        if (row, col) in out:
            have = out[(row, col)]
            if mark.severity is Severity.ERROR:
                have.severity = Severity.ERROR
            have.texts.extend(mark.texts)
        else:
            out[(row, col)] = type(mark)(mark.severity, list(mark.texts))
    return out


def _top_level(tail: str) -> tuple[list[tuple[str, int]], int]:
    """Children of ``<worksheet>`` found in ``tail`` (text after ``</sheetData>``) and where ``</worksheet>`` is."""
    children: list[tuple[str, int]] = []
    depth = 0
    for m in _TAG.finditer(tail):
        closing, name, selfclosing = m[1], m[2].rpartition(":")[2], m[4]
        if closing:
            depth -= 1
            if depth < 0:
                return children, m.start()
        else:
            if depth == 0:
                children.append((name, m.start()))
            if not selfclosing:
                depth += 1
    raise Unsupported("unterminated <worksheet>")


def _insert_legacy_drawing(xml: bytes, rel_prefix: str, rid: str) -> bytes:
    end = xml.rfind(b"</sheetData>")
    if end < 0:
        m = re.search(rb"<sheetData\b[^>]*/>", xml)
        end = m.end() if m else -1
    else:
        end += len(b"</sheetData>")
    if end < 0:
        raise Unsupported("worksheet without <sheetData>")
    tail = xml[end:].decode("utf-8")
    children, close = _top_level(tail)
    names = [n for n, _ in children]
    if "legacyDrawing" in names:
        raise Unsupported("worksheet already has a legacy drawing")
    at = next((pos for name, pos in children if name in _AFTER_LEGACY), close)
    element = f'<legacyDrawing {rel_prefix}:id="{rid}"/>'
    return xml[:end] + (tail[:at] + element + tail[at:]).encode("utf-8")


def _unselect(head: bytes) -> bytes:
    """Clear ``tabSelected`` in a sheet's views (only the Issues sheet is selected in the copy)."""
    return re.sub(rb'(<(?:\w+:)?sheetView\b[^>]*?)\s+tabSelected\s*=\s*"(?:1|true)"', rb"\1", head)


# ------------------------------------------------------------------------------------------- comments


def _existing_comments(pkg: Package, part: str) -> tuple[list[str], dict[str, tuple[int, str]]]:
    """Authors and ``ref -> (author index, plain text)`` of an existing comments part."""
    root = parse(pkg.read(part), part)
    authors = [a.text or "" for a in root.iter(f"{{{MAIN}}}author")]
    comments = {}
    for c in root.iter(f"{{{MAIN}}}comment"):
        text_el = c.find(f"{{{MAIN}}}text")
        text = "".join(t.text or "" for t in text_el.iter(f"{{{MAIN}}}t")) if text_el is not None else ""
        comments[c.get("ref", "")] = (int(c.get("authorId", "0")), text)
    return authors, comments


def _comments_xml(authors: list[str], comments: list[tuple[int, int, int, str]]) -> bytes:
    """``comments``: (row, col, author index, text), 1-based row, 0-based col."""
    items = []
    for row, col, author, text in comments:
        items.append(
            f'<comment ref="{col_letter(col)}{row}" authorId="{author}"><text><r><rPr><sz val="9"/>'
            f'<color indexed="81"/></rPr>{_t(text)}</r></text></comment>'
        )
    names = "".join(f"<author>{_x(a)}</author>" for a in authors)
    return (
        f'{XML_HEAD}<comments xmlns="{MAIN}"><authors>{names}</authors>'
        f"<commentList>{''.join(items)}</commentList></comments>"
    ).encode()


def _vml_xml(first_block: int, comments: list[tuple[int, int, int, str]]) -> bytes:
    from .annotate import comment_size

    blocks = max(1, -(-len(comments) // 1024))
    data = ",".join(str(first_block + i) for i in range(blocks))
    shapes = []
    for n, (row, col, _author, text) in enumerate(comments):
        width, height = comment_size(text)
        spid = first_block * 1024 + n + 1
        r0 = row - 1
        top = max(r0 - 1, 0)
        right, bottom = col + 1 + max(2, round(width / 48)), top + max(3, round(height / 15))
        anchor = f"{col + 1}, 15, {top}, 10, {right}, 15, {bottom}, 4"
        shapes.append(
            f'<v:shape id="_x0000_s{spid}" type="#_x0000_t202" style="position:absolute;'
            f"margin-left:{(col + 1) * 48 + 15}pt;margin-top:{top * 15 + 2}pt;width:{width}pt;height:{height}pt;"
            f'z-index:{n + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            f'<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{anchor}</x:Anchor>'
            f"<x:AutoFill>False</x:AutoFill><x:Row>{r0}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
        )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
        f'<o:idmap v:ext="edit" data="{data}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f"{''.join(shapes)}</xml>"
    ).encode()


def _used_vml_blocks(pkg: Package) -> int:
    """The highest VML shape-id block any drawing of the input uses (new drawings start after it)."""
    top = 0
    for name in pkg.names:
        if name.lower().endswith(".vml"):
            with pkg.zip.open(name) as fh:
                head = fh.read(4096).decode("utf-8", "replace")
            for m in re.finditer(r'<o:idmap\b[^>]*\bdata="([\d,\s]*)"', head):
                top = max([top, *(int(x) for x in re.findall(r"\d+", m[1]))])
    return top


# ------------------------------------------------------------------------------------------- annotate


def annotate(src: str | Path, dst: str | Path, plan: Plan) -> None:
    """Write the annotated copy of ``src`` to ``dst`` (atomically). Raises Unsupported, never half-writes."""
    src, dst = Path(src), Path(dst)
    with Package(src) as pkg:
        workbook = pkg.office_document()
        sheets = _sheets(pkg)
        wb_rels = _relationships(pkg, workbook)
        styles_rel = next((r for r in wb_rels if r.get("Type", "").endswith("/styles")), None)
        if styles_rel is None:
            raise Unsupported("workbook without styles part")
        styles_part = _resolve(workbook, styles_rel["Target"])
        styles = _Styles(pkg.text(styles_part))
        content_types = pkg.text("[Content_Types].xml")
        overrides: list[tuple[str, str]] = []
        next_block = _used_vml_blocks(pkg) + 1

        parts = {name: part for name, _, part in sheets}
        for sheet, marks in plan.marks.items():
            part = parts[sheet]
            xml = pkg.zip.read(part)
            root = re.search(rb"<worksheet\b[^>]*>", xml)
            if root is None or f'xmlns="{MAIN}"'.encode() not in root[0]:
                raise Unsupported(f"{part}: not a plain worksheet")
            marks = _to_top_left(marks, _merged(xml))
            by_row: dict[int, dict[int, Severity]] = {}
            for (row, col), mark in marks.items():
                by_row.setdefault(row, {})[col] = mark.severity
            xml = _patch_rows(xml, by_row, styles.flagged)
            xml, next_block, added = _patch_comments(pkg, part, xml, marks, next_block)
            overrides.extend(added)
            cut = xml.find(b"<sheetData")
            pkg.new[part] = _unselect(xml[:cut]) + xml[cut:]

        issues_part = pkg.free_name("xl/worksheets/sheet{}.xml")
        pkg.new[issues_part] = _issues_sheet(plan, styles)
        overrides.append((issues_part, CT_SHEET))
        pkg.new[styles_part] = styles.render()
        wb_rid = _free_id([r["Id"] for r in wb_rels])[0]
        target = posixpath.relpath(issues_part, posixpath.dirname(workbook))
        _add_relationships(pkg, workbook, [(wb_rid, "worksheet", target)])
        pkg.new[workbook] = _patch_workbook(pkg.text(workbook), plan, wb_rid)
        pkg.new["[Content_Types].xml"] = _content_types(content_types, overrides)
        set_properties(pkg, {"orderbook:kind": "annotated"})  # known as our output, never as a book
        sheet_parts = {part for _, _, part in sheets}
        _write(pkg, dst, sheet_parts)


def _patch_comments(
    pkg: Package, part: str, xml: bytes, marks: dict[tuple[int, int], Mark], block: int
) -> tuple[bytes, int, list[tuple[str, str]]]:
    from .annotate import AUTHOR, clip

    rels = _relationships(pkg, part)
    by_type = {r.get("Type", "").rpartition("/")[2]: r for r in rels}
    if any("threadedComment" in t for t in by_type):
        raise Unsupported(f"{part}: threaded comments")
    authors: list[str] = []
    old: dict[str, tuple[int, str]] = {}
    vml_rel, comments_rel = by_type.get("vmlDrawing"), by_type.get("comments")
    if vml_rel is not None:
        vml_part = _resolve(part, vml_rel["Target"])
        kinds = set(re.findall(r'ObjectType="(\w+)"', pkg.text(vml_part)))
        if kinds - {"Note"}:
            raise Unsupported(f"{part}: drawing with form controls")
    if comments_rel is not None:
        authors, old = _existing_comments(pkg, _resolve(part, comments_rel["Target"]))
    if AUTHOR not in authors:
        authors.append(AUTHOR)
    me = authors.index(AUTHOR)
    merged: dict[tuple[int, int], tuple[int, str]] = {}
    for ref, (author, text) in old.items():
        m = _REF.fullmatch(ref.encode())
        if m:
            merged[(int(m[2]), col_index(m[1]))] = (author, text)
    for pos, mark in marks.items():
        if pos in merged:
            author, text = merged[pos]
            merged[pos] = (author, clip(text.rstrip() + "\n\n" + mark.text))
        else:
            merged[pos] = (me, mark.text)
    comments = [(row, col, author, text) for (row, col), (author, text) in sorted(merged.items())]
    blocks = max(1, -(-len(comments) // 1024))
    added: list[tuple[str, str]] = []
    new_rels = []
    ids = iter(_free_id([r["Id"] for r in rels], 2))
    if comments_rel is not None:
        comments_part = _resolve(part, comments_rel["Target"])
    else:
        comments_part = pkg.free_name("xl/comments{}.xml")
        new_rels.append((next(ids), "comments", posixpath.relpath(comments_part, posixpath.dirname(part))))
        added.append((comments_part, CT_COMMENTS))
    if vml_rel is not None:
        vml_part = _resolve(part, vml_rel["Target"])
        legacy_id = vml_rel["Id"]
    else:
        vml_part = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
        legacy_id = next(ids)
        new_rels.append((legacy_id, "vmlDrawing", posixpath.relpath(vml_part, posixpath.dirname(part))))
    pkg.new[comments_part] = _comments_xml(authors, comments)
    pkg.new[vml_part] = _vml_xml(block, comments)
    if new_rels:
        _add_relationships(pkg, part, new_rels)
    if b"<legacyDrawing" not in xml:
        root = _found(re.search(rb"<worksheet\b[^>]*>", xml), "a worksheet without <worksheet>")[0].decode("utf-8")
        prefix = _ns_prefix(root, REL)
        if prefix is None:
            prefix = "wtr"
            head = _found(re.search(rb"<worksheet\b", xml), "a worksheet without <worksheet>")
            xml = xml[: head.end()] + f' xmlns:{prefix}="{REL}"'.encode() + xml[head.end() :]
        xml = _insert_legacy_drawing(xml, prefix, legacy_id)
    return xml, block + blocks, added


def _issues_sheet(plan: Plan, styles: _Styles) -> bytes:
    from .annotate import MAX_LINKS, row_height
    from .labels import ISSUE_COLUMNS

    head = styles.cell_format(font=styles.bold, fill=styles.head_fill)
    plain, wrapped = styles.cell_format(), styles.cell_format(wrap=True)
    note_bold = styles.cell_format(font=styles.bold)
    link = styles.cell_format(font=styles.link_font)
    sev = {s: styles.cell_format(fill=f) for s, f in styles.fill.items()}
    sev_col, cell_col = ISSUE_COLUMNS.index("severity"), ISSUE_COLUMNS.index("cell")
    last_col = col_letter(len(plan.headers) - 1)
    top = plan.header_row

    def row_xml(r: int, values: list[str], formats: list[int]) -> str:
        cells = "".join(
            f'<c r="{col_letter(c)}{r}" s="{f}" t="inlineStr"><is>{_t(v)}</is></c>'
            for c, (v, f) in enumerate(zip(values, formats))
            if v or c == 0
        )
        height = row_height(values, plan.widths, plan.wrap) if r > top else None
        return f'<row r="{r}" ht="{height}" customHeight="1">{cells}</row>' if height else f'<row r="{r}">{cells}</row>'

    # the notes above the table (when, which file, which settings; fix the original), one cell each
    rows = [row_xml(r, [note], [note_bold if r == len(plan.notes) else plain]) for r, note in enumerate(plan.notes, 1)]
    rows.append(row_xml(top, plan.headers, [head] * len(plan.headers)))
    links: list[str] = []
    for r, issue in enumerate(plan.rows, top + 1):
        formats = [wrapped if w else plain for w in plan.wrap]
        formats[sev_col] = sev[issue.severity]
        if issue.location and len(links) < MAX_LINKS:
            formats[cell_col] = link
            links.append(
                f'<hyperlink ref="{col_letter(cell_col)}{r}" location="{_x(issue.location)}" '
                f'display="{_x(issue.values[cell_col])}"/>'
            )
        rows.append(row_xml(r, issue.values, formats))
    last_row = len(plan.rows) + top
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>' for c, w in enumerate(plan.widths, 1))
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{last_col}{last_row}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        f'<pane ySplit="{top}" topLeftCell="A{top + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{top + 1}" sqref="A{top + 1}"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{"".join(rows)}</sheetData>'
        f'<autoFilter ref="A{top}:{last_col}{last_row}"/>'
        f"{'<hyperlinks>' + ''.join(links) + '</hyperlinks>' if links else ''}"
        '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>'
        # A4 landscape, the table's width on one page
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "<headerFooter><oddFooter>&amp;C&amp;P / &amp;N</oddFooter></headerFooter></worksheet>"
    ).encode()


def _patch_workbook(text: str, plan: Plan, rid: str) -> bytes:
    root = re.search(r"<workbook\b[^>]*>", text)
    prefix = _ns_prefix(root[0], REL) if root else None
    if prefix is None:
        raise Unsupported("workbook.xml without the relationships namespace")
    ids = [int(i) for i in re.findall(r'<sheet\b[^>]*?\bsheetId="(\d+)"', text)]
    sheets = re.search(r"<sheets\b[^>]*>", text)
    if sheets is None or sheets[0].endswith("/>"):
        raise Unsupported("workbook.xml without sheets")
    element = f'<sheet name="{_x(plan.issues_title)}" sheetId="{max(ids, default=0) + 1}" {prefix}:id="{rid}"/>'
    text = text[: sheets.end()] + element + text[sheets.end() :]
    # the new sheet is first: sheet-scoped names move one place; the first tab is the active one
    text = re.sub(r'(\blocalSheetId\s*=\s*")(\d+)"', lambda m: f'{m[1]}{int(m[2]) + 1}"', text)
    text = re.sub(
        r"<workbookView\b[^>]*?/?>", lambda m: re.sub(r'\s(?:activeTab|firstSheet)\s*=\s*"\d+"', "", m[0]), text
    )
    top = plan.header_row
    last_row = len(plan.rows) + top
    last_col = col_letter(len(plan.headers) - 1)
    sheet_ref = "'" + plan.issues_title.replace("'", "''") + "'"
    name = (
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{_x(sheet_ref)}!$A${top}:${last_col}${last_row}</definedName>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{_x(sheet_ref)}!${top}:${top}</definedName>'
    )
    names = re.search(r"<definedNames\b[^>]*>", text)
    if names is not None and not names[0].endswith("/>"):
        text = text[: names.end()] + name + text[names.end() :]
    else:
        if names is not None:
            text = text[: names.start()] + text[names.end() :]
        # definedNames follows sheets, functionGroups and externalReferences (CT_Workbook order)
        before = r"</sheets>|</functionGroups>|<functionGroups\b[^>]*/>|</externalReferences>"
        at = max(m.end() for m in re.finditer(before, text))
        text = text[:at] + f"<definedNames>{name}</definedNames>" + text[at:]
    return text.encode("utf-8")


def _content_types(text: str, overrides: list[tuple[str, str]]) -> bytes:
    end = text.rfind("</Types>")
    if end < 0:
        raise Unsupported("[Content_Types].xml without </Types>")
    items = "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides)
    if re.search(r'<Default\b[^>]*\bExtension="vml"', text, re.I) is None:
        items = f'<Default Extension="vml" ContentType="{CT_VML}"/>' + items
    return (text[:end] + items + text[end:]).encode("utf-8")


def _write(pkg: Package, dst: Path, sheet_parts: set[str]) -> None:
    with atomic_path(dst, like=pkg.path) as tmp:  # no more readable than the book it copies
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in pkg.zip.infolist():
                name = info.filename
                if name in pkg.new:
                    zout.writestr(_info(name, info), _whole(pkg.new.pop(name)))
                elif name in sheet_parts:
                    _copy(pkg.zip, zout, info, _unselect)
                else:
                    _copy(pkg.zip, zout, info, None)
            for name, data in pkg.new.items():
                zout.writestr(_info(name, None), _whole(data))


def _whole(data: bytes | Chunks) -> bytes:
    """A new part's bytes (this module makes each whole; a streamed part is joined)."""
    return data if isinstance(data, bytes) else b"".join(data)


def _info(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr if like and like.external_attr else 0o644 << 16
    return info


def _copy(
    zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo, head_patch: Callable[[bytes], bytes] | None
) -> None:
    """Stream one part; ``head_patch`` rewrites the text before ``<sheetData`` (sheet views)."""
    out = _info(info.filename, info)
    with zin.open(info) as src, zout.open(out, "w", force_zip64=info.file_size > (1 << 31)) as dst:
        if head_patch is not None:
            head = b""
            while b"<sheetData" not in head:
                chunk = src.read(1 << 16)
                if not chunk:
                    break
                head += chunk
            cut = head.find(b"<sheetData")
            cut = len(head) if cut < 0 else cut
            dst.write(head_patch(head[:cut]) + head[cut:])
        while chunk := src.read(1 << 20):
            dst.write(chunk)
