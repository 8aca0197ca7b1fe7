"""Move one sheet of a workbook written apart into a book's package, changing nothing else.

``transplant_sheet(pkg, source)`` takes a small workbook written on its own (the 月报 sheet, by
xlsxwriter into memory) and adds its sheet as the book's new last sheet:

- the sheet part and every part reachable from it (drawing, charts, …) under free names, their
  relationships re-pointed, a content-type override for each;
- a ``<sheet>`` entry (a new sheetId) and a relationship in workbook.xml, and the sheet's own
  defined names (print area, print titles) with ``localSheetId`` = its index;
- its cell formats: the fonts, fills, borders, number formats (custom ids ≥ 164 renumbered past
  the book's) and cellXfs (and dxfs) appended to the book's styles.xml (an identical entry of the
  book is reused), the sheet's ``s=""`` / ``style=""`` / ``dxfId=""`` remapped;
- shared strings written into the sheet as inline strings (the book's sharedStrings.xml is not
  touched), dates moved to the 1904 system when the book uses it;
- not selected: ``tabSelected`` is dropped, so no other sheet's XML has to change (two selected
  tabs would group the sheets in Excel).

A sheet of the same name (case-insensitive, as Excel compares them) is replaced: its ``<sheet>``
entry, relationship, defined names (later sheets' ``localSheetId`` shift down) and the parts only
it reached (its rels, drawing, charts, comments …) go, with their content-type overrides.

Only workbook.xml, its rels, [Content_Types].xml and styles.xml are rewritten (and calcChain.xml
dropped, when it lists cells of a replaced sheet: Excel rebuilds it); every other part of the book
stays as it was, byte for byte, when the Package is written. XML the staff's programs wrote is
edited as text (never re-serialised), so their namespaces, prefixes and extensions survive.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.sax.saxutils import unescape

from .package import MAIN, PKG, REL, XML_HEAD, Package, Unsupported, parse, rels_name, resolve, xml_attr

CONTENT_TYPES = "[Content_Types].xml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET = f"{REL}/worksheet"
STYLES = f"{REL}/styles"
SHARED_STRINGS = f"{REL}/sharedStrings"
CALC_CHAIN = f"{REL}/calcChain"
#: Days between the 1900 and the 1904 date systems.
DAYS_1904 = 1462
#: Built-in number formats that show a date or a time.
_BUILTIN_DATES = frozenset({*range(14, 23), 45, 46, 47})
#: styles.xml's children in schema order (new blocks go in their place).
_STYLE_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
_UNESCAPE = {"&quot;": '"', "&apos;": "'"}


@dataclass(frozen=True)
class Transplanted:
    """What ``transplant_sheet`` did."""

    #: The sheet's name, its new part and its position (0-based, the last).
    name: str
    part: str
    index: int
    #: Every part added (the sheet, its drawing, charts, their rels).
    added: tuple[str, ...]
    #: The name of the sheet it replaced (an earlier run's), and the parts dropped with it.
    replaced: str | None = None
    removed: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------- small helpers


def _attrs(tag: str) -> dict[str, str]:
    """The attributes of one start tag, unescaped (prefixed names as written)."""
    return {
        k: unescape(v1 if q == '"' else v2, _UNESCAPE)
        for k, q, v1, v2 in (
            (m[1], m[2], m[3], m[4]) for m in re.finditer(r"([\w:.-]+)\s*=\s*(?:(\")([^\"]*)\"|'([^']*)')", tag)
        )
    }


def _start_tag(element: str) -> str:
    """The start tag an element's text begins with (``<xf numFmtId="14" …>``)."""
    m = re.match(r"<[^>]*>", element)
    if m is None:
        raise Unsupported(f"not an element: {element[:40]!r}")
    return m[0]


def _set_attr(tag: str, name: str, value: str | int) -> str:
    """``tag`` (a start tag) with attribute ``name`` set to ``value`` (added before the end when absent)."""
    pattern = rf"(\s{re.escape(name)}\s*=\s*)(\"[^\"]*\"|'[^']*')"
    if re.search(pattern, tag):
        return re.sub(pattern, lambda m: f'{m[1]}"{xml_attr(str(value))}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f'{tag[:end].rstrip()} {name}="{xml_attr(str(value))}"{tag[end:]}'


def _prefix(text: str, root: str) -> str:
    """``"x:"`` when the root element ``root`` is written with a prefix, else ``""``."""
    m = re.search(rf"<(?:([\w.-]+):)?{root}\b", text)
    if m is None:
        raise Unsupported(f"no <{root}> element")
    return f"{m[1]}:" if m[1] else ""


def _prefixed(fragment: str, p: str) -> str:
    """An unprefixed fragment (xlsxwriter's) with its unprefixed element names given prefix ``p``."""
    if not p:
        return fragment
    return re.sub(r"<(/?)([A-Za-z_][\w.-]*)(?=[\s/>])", lambda m: f"<{m[1]}{p}{m[2]}", fragment)


def _element(p: str, name: str) -> str:
    """A regex for the elements ``name`` (empty or with content; no element of that name nested)."""
    return rf"<{p}{name}\b[^>]*?(?:/>|>.*?</{p}{name}\s*>)"


def _content_types(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """(extension -> type, part name -> type) from [Content_Types].xml (lower-cased keys)."""
    root = parse(text.encode("utf-8"), CONTENT_TYPES)
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iter(f"{{{CT_NS}}}Default")}
    overrides = {
        e.get("PartName", "").lstrip("/").lower(): e.get("ContentType", "") for e in root.iter(f"{{{CT_NS}}}Override")
    }
    return defaults, overrides


def content_type(pkg: Package, part: str) -> str | None:
    """The content type of ``part`` in ``pkg`` (its override, else its extension's default)."""
    defaults, overrides = _content_types(pkg.text(CONTENT_TYPES))
    return overrides.get(part.lower()) or defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())


def _rel_target(part: str, rels: list[dict[str, str]], type_url: str) -> str | None:
    for r in rels:
        if r.get("Type") == type_url and r.get("TargetMode") != "External":
            return resolve(part, r["Target"])
    return None


# ---------------------------------------------------------------- relationships and content types


def _empty_element(name: str, attr: str, value: str) -> str:
    """A regex for the element ``name`` (any prefix, no content) whose ``attr`` is ``value``."""
    return (
        rf"<(?:[\w.-]+:)?{name}\b[^>]*?\s{attr}\s*=\s*[\"']{re.escape(xml_attr(value))}[\"'][^>]*?"
        rf"(?:/>|>\s*</(?:[\w.-]+:)?{name}\s*>)"
    )


def remove_relationship(pkg: Package, part: str, rid: str) -> None:
    """Drop relationship ``rid`` from ``part``'s rels (``""``: the package's)."""
    name = rels_name(part)
    text = pkg.text(name)
    new, n = re.subn(_empty_element("Relationship", "Id", rid), "", text, count=1)
    if n == 0:
        raise Unsupported(f"{name}: no relationship {rid}")
    pkg.new[name] = new.encode("utf-8")


def remove_override(pkg: Package, part: str) -> None:
    """Drop the content-type override of ``part`` (nothing when it has none)."""
    text = pkg.text(CONTENT_TYPES)
    new, n = re.subn(_empty_element("Override", "PartName", "/" + part), "", text, flags=re.I)
    if n:
        pkg.new[CONTENT_TYPES] = new.encode("utf-8")


def reachable(pkg: Package, start: Iterable[str] = ("",)) -> set[str]:
    """The parts reachable through internal relationships from ``start`` (``""``: the package root)."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        part = todo.pop()
        for r in pkg.relationships(part):
            if r.get("TargetMode") == "External" or "Target" not in r:
                continue
            target = resolve(part, r["Target"])
            if target not in seen and pkg.exists(target):
                seen.add(target)
                todo.append(target)
    return seen


def drop_part(pkg: Package, part: str) -> None:
    """Leave ``part`` (and its rels) out of the package, with its content-type override."""
    for name in (part, rels_name(part)):
        if pkg.exists(name):
            pkg.new.pop(name, None)
            if name in pkg.names:
                pkg.gone.add(name)
    remove_override(pkg, part)


# ------------------------------------------------------------------------------------ the source


class _Source:
    """The workbook written apart, read from its bytes."""

    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise Unsupported(f"the sheet to add: {exc}") from None
        self.names = set(self.zip.namelist())
        self.defaults, self.overrides = _content_types(self.text(CONTENT_TYPES))

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise Unsupported(f"the sheet to add: missing part {name}")
        return self.zip.read(name)

    def text(self, name: str) -> str:
        return self.read(name).decode("utf-8")

    def relationships(self, part: str) -> list[dict[str, str]]:
        name = rels_name(part)
        if name not in self.names:
            return []
        return [dict(r.attrib) for r in parse(self.read(name), name).iter(f"{{{PKG}}}Relationship")]

    def content_type(self, part: str) -> str:
        found = self.overrides.get(part.lower()) or self.defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())
        if not found:
            raise Unsupported(f"the sheet to add: no content type for {part}")
        return found

    def workbook(self) -> str:
        target = _rel_target("", self.relationships(""), f"{REL}/officeDocument")
        if target is None:
            raise Unsupported("the sheet to add: no officeDocument relationship")
        return target


# ----------------------------------------------------------------------------------------- styles


class _Styles:
    """styles.xml as text, its blocks (numFmts, fonts, …) found by regex, with the prefix it uses."""

    def __init__(self, text: str):
        self.text = text
        self.p = _prefix(text, "styleSheet")

    def block(self, name: str) -> re.Match[str] | None:
        p = self.p
        return re.search(rf"<{p}{name}\b([^>]*?)(/>|>(.*?)</{p}{name}\s*>)", self.text, re.S)

    def items(self, name: str, item: str) -> list[str]:
        m = self.block(name)
        if m is None or m[3] is None:
            return []
        return [x[0] for x in re.finditer(_element(self.p, item), m[3], re.S)]

    def append(self, name: str, item_count: int, fragments: list[str]) -> None:
        """Append ``fragments`` (already prefixed) to block ``name`` (made where the schema puts it
        when the book has none); its count becomes ``item_count`` + their number."""
        if not fragments:
            return
        p, count = self.p, item_count + len(fragments)
        m = self.block(name)
        if m is None:
            new = f'<{p}{name} count="{count}">{"".join(fragments)}</{p}{name}>'
            later = _STYLE_ORDER[_STYLE_ORDER.index(name) + 1 :]
            at = [b.start() for b in (self.block(n) for n in later) if b is not None]
            if at:
                pos = min(at)
            else:
                pos = self.text.rfind(f"</{p}styleSheet")
                if pos < 0:
                    raise Unsupported("styles.xml: no </styleSheet>")
            self.text = self.text[:pos] + new + self.text[pos:]
            return
        start_tag = f"<{p}{name}{m[1]}>"
        if m[2] == "/>":
            start_tag = f"<{p}{name}{m[1].rstrip()}>"
            inner = ""
        else:
            inner = m[3]
        if re.search(r"\scount\s*=", start_tag):
            start_tag = _set_attr(start_tag, "count", count)
        new = f"{start_tag}{inner}{''.join(fragments)}</{p}{name}>"
        self.text = self.text[: m.start()] + new + self.text[m.end() :]


def _format_code(fragment: str) -> tuple[int, str]:
    a = _attrs(_start_tag(fragment))
    return int(a.get("numFmtId", "0")), a.get("formatCode", "")


def _is_date_format(code: str) -> bool:
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return re.search(r"[ydhs]", bare, re.I) is not None


def _map_ids(tag: str, maps: dict[str, dict[int, int]]) -> str:
    for attr, mapping in maps.items():
        m = re.search(rf"\s{attr}\s*=\s*\"(\d+)\"", tag)
        if m and int(m[1]) in mapping:
            tag = _set_attr(tag, attr, mapping[int(m[1])])
    return tag


def _merge_list(
    book: _Styles, src: _Styles, name: str, item: str, change: Callable[[str], str] | None = None
) -> tuple[dict[int, int], list[str]]:
    """Map each item of the source's block to an identical item of the book's, or to a new one
    appended; returns the map and the fragments to append."""
    have = book.items(name, item)
    index = {frag: i for i, frag in reversed(list(enumerate(have)))}
    mapping: dict[int, int] = {}
    extra: list[str] = []
    for i, frag in enumerate(src.items(name, item)):
        frag = _prefixed(change(frag) if change else frag, book.p)
        if frag not in index:
            index[frag] = len(have) + len(extra)
            extra.append(frag)
        mapping[i] = index[frag]
    book.append(name, len(have), extra)
    return mapping, extra


@dataclass
class _StyleMaps:
    xf: dict[int, int]
    dxf: dict[int, int]
    #: Source cellXfs indices that show dates.
    dates: frozenset[int]


def merge_styles(book_text: str, src_text: str) -> tuple[str, _StyleMaps]:
    """The book's styles.xml with the source's formats appended, and how the source's cellXfs and
    dxfs indices map to the book's. The source's xf 0 (the default) maps to the book's default."""
    book, src = _Styles(book_text), _Styles(src_text)
    for name in ("fonts", "fills", "borders", "cellXfs"):
        if book.block(name) is None:
            raise Unsupported(f"styles.xml has no <{name}>")
    # number formats: built-in ids as they are; custom ones by their code, else a new id past the book's
    have = [_format_code(f) for f in book.items("numFmts", "numFmt")]
    by_code = {code: fid for fid, code in reversed(have)}
    next_id = max([163, *(fid for fid, _ in have)]) + 1
    fmt_map: dict[int, int] = {}
    codes: dict[int, str] = {}
    extra = []
    for fid, code in (_format_code(f) for f in src.items("numFmts", "numFmt")):
        codes[fid] = code
        if fid < 164:
            fmt_map[fid] = fid
        elif code in by_code:
            fmt_map[fid] = by_code[code]
        else:
            fmt_map[fid] = by_code[code] = next_id
            extra.append(_prefixed(f'<numFmt numFmtId="{next_id}" formatCode="{xml_attr(code)}"/>', book.p))
            next_id += 1
    book.append("numFmts", len(have), extra)
    fonts, _ = _merge_list(book, src, "fonts", "font")
    fills, _ = _merge_list(book, src, "fills", "fill")
    borders, _ = _merge_list(book, src, "borders", "border")

    def xf(frag: str) -> str:
        tag = _start_tag(frag)
        new = _map_ids(tag, {"numFmtId": fmt_map, "fontId": fonts, "fillId": fills, "borderId": borders})
        return new + frag[len(tag) :]

    def dxf(frag: str) -> str:
        return re.sub(r"<numFmt\b[^>]*>", lambda m: _map_ids(m[0], {"numFmtId": fmt_map}), frag)

    src_xfs = src.items("cellXfs", "xf")
    dates = set()
    for i, frag in enumerate(src_xfs):
        fid = int(_attrs(_start_tag(frag)).get("numFmtId", "0"))
        if fid in _BUILTIN_DATES or (fid >= 164 and _is_date_format(codes.get(fid, ""))):
            dates.add(i)
    # the source's default format (xf 0) is the book's default: only the others are added
    xf_map: dict[int, int] = {0: 0}
    have_xfs = book.items("cellXfs", "xf")
    index = {f: i for i, f in reversed(list(enumerate(have_xfs)))}
    extra = []
    for i, frag in enumerate(src_xfs):
        if i == 0:
            continue
        frag = _prefixed(xf(frag), book.p)
        if frag not in index:
            index[frag] = len(have_xfs) + len(extra)
            extra.append(frag)
        xf_map[i] = index[frag]
    book.append("cellXfs", len(have_xfs), extra)
    dxf_map, _ = _merge_list(book, src, "dxfs", "dxf", dxf)
    return book.text, _StyleMaps(xf_map, dxf_map, frozenset(dates))


# -------------------------------------------------------------------------------------- the sheet


def _shared_strings(src: _Source, workbook: str) -> list[str]:
    part = _rel_target(workbook, src.relationships(workbook), SHARED_STRINGS)
    if part is None:
        return []
    text = src.text(part)
    return [m[1] or "" for m in re.finditer(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", text, re.S)]


def sheet_xml(
    text: str, maps: _StyleMaps, strings: list[str], *, date1904: bool = False, selected: bool = False
) -> str:
    """The source sheet's XML (xlsxwriter's: unprefixed) for the book: styles remapped, shared
    strings inline, dates in the 1904 system when ``date1904``, not selected unless ``selected``."""

    def cell(m: re.Match[str]) -> str:
        tag, body = f"<c{m[1]}>", m[2]
        a = _attrs(tag)
        s = int(a.get("s", "0"))
        t = a.get("t", "n")
        if t == "s" and body is not None:
            v = re.search(r"<v>\s*(\d+)\s*</v>", body)
            if v is None or int(v[1]) >= len(strings):
                raise Unsupported(f"the sheet to add: cell {a.get('r')} has no shared string")
            tag = _set_attr(tag, "t", "inlineStr")
            body = f"<is>{strings[int(v[1])]}</is>"
        elif date1904 and t == "n" and s in maps.dates and body is not None:
            body = re.sub(r"<v>([^<]*)</v>", lambda v: f"<v>{float(v[1]) - DAYS_1904:.15g}</v>", body)
        if "s" in a and s in maps.xf:
            tag = _set_attr(tag, "s", maps.xf[s])
        return tag[:-1] + "/>" if body is None else f"{tag}{body}</c>"

    text = re.sub(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", cell, text, flags=re.S)
    text = re.sub(r"<row\b[^>]*>", lambda m: _map_ids(m[0], {"s": maps.xf}), text)
    text = re.sub(r"<col\b[^>]*>", lambda m: _map_ids(m[0], {"style": maps.xf}), text)
    text = re.sub(r"<cfRule\b[^>]*>", lambda m: _map_ids(m[0], {"dxfId": maps.dxf}), text)
    if not selected:
        text = re.sub(r"<sheetView\b[^>]*>", lambda m: re.sub(r"\stabSelected\s*=\s*\"[^\"]*\"", "", m[0]), text)
    return text


def _rels_xml(rels: list[dict[str, str]]) -> bytes:
    items = []
    for r in rels:
        mode = f' TargetMode="{xml_attr(r["TargetMode"])}"' if r.get("TargetMode") else ""
        items.append(
            f'<Relationship Id="{xml_attr(r["Id"])}" Type="{xml_attr(r["Type"])}" '
            f'Target="{xml_attr(r["Target"])}"{mode}/>'
        )
    return f'{XML_HEAD}<Relationships xmlns="{PKG}">{"".join(items)}</Relationships>'.encode()


def _free(pkg: Package, folder: str, source_name: str) -> str:
    """A free part name in ``folder`` like ``source_name`` (``chart3.xml`` -> ``chartN.xml``), reserved."""
    stem, ext = posixpath.splitext(source_name)
    stem = re.sub(r"\d+$", "", stem) or "part"
    braces = {ord("{"): "{{", ord("}"): "}}"}
    pattern = posixpath.join(folder, stem.translate(braces) + "{}" + ext.translate(braces))
    name = pkg.free_name(pattern)
    pkg.new[name] = b""
    return name


# ------------------------------------------------------------------------------------ workbook.xml


def _workbook_text(pkg: Package, workbook: str) -> tuple[str, str]:
    """(workbook.xml as text, the prefix of its main namespace)."""
    text = pkg.text(workbook)
    return text, _prefix(text, "workbook")


def _sheet_elements(text: str, p: str) -> tuple[re.Match[str], list[re.Match[str]]]:
    block = re.search(rf"<{p}sheets\b[^>]*>(.*?)</{p}sheets\s*>", text, re.S)
    if block is None:
        raise Unsupported("workbook.xml: no <sheets>")
    items = list(re.finditer(_element(p, "sheet"), block[1], re.S))
    return block, items


def _defined_names(text: str, p: str) -> list[re.Match[str]]:
    return list(re.finditer(_element(p, "definedName"), text, re.S))


def _local_id(name_element: str) -> int | None:
    v = _attrs(_start_tag(name_element)).get("localSheetId")
    return int(v) if v is not None and v.strip().isdigit() else None


def _remove_sheet(pkg: Package, index: int, *, active_after: int) -> tuple[list[str], bool]:
    """Take the sheet at ``index`` out of the workbook: its entry, relationship, defined names (the
    later sheets' ``localSheetId`` shift down), and the parts only it reached. A view whose active
    tab it was gets ``active_after`` (the sheet that replaces it). Returns (parts dropped, whether it
    was the active tab)."""
    workbook = pkg.office_document()
    sheets = pkg.sheets()
    gone = sheets[index]
    text, p = _workbook_text(pkg, workbook)
    block, items = _sheet_elements(text, p)
    if len(items) != len(sheets):
        raise Unsupported("workbook.xml: unexpected <sheet> entries")
    item = items[index]
    sheet_id = _attrs(item[0]).get("sheetId")
    start, end = block.start(1) + item.start(), block.start(1) + item.end()
    text = text[:start] + text[end:]

    def name(m: re.Match[str]) -> str:
        local = _local_id(m[0])
        if local is None or local < index:
            return m[0]
        if local == index:
            return ""
        tag = _start_tag(m[0])
        return _set_attr(tag, "localSheetId", local - 1) + m[0][len(tag) :]

    text = re.sub(_element(p, "definedName"), name, text, flags=re.S)
    text = re.sub(rf"<{p}definedNames\b[^>]*>\s*</{p}definedNames\s*>", "", text)
    was_active = False

    def view(m: re.Match[str]) -> str:
        nonlocal was_active
        tag = m[0]
        a = _attrs(tag)
        active = int(a.get("activeTab", "0") or 0)
        if active == index:
            was_active = True
            tag = _set_attr(tag, "activeTab", active_after)
        elif active > index:
            tag = _set_attr(tag, "activeTab", active - 1)
        first = int(a.get("firstSheet", "0") or 0)
        if first > index:
            tag = _set_attr(tag, "firstSheet", first - 1)
        return tag

    text = re.sub(rf"<{p}workbookView\b[^>]*>", view, text)
    pkg.new[workbook] = text.encode("utf-8")
    remove_relationship(pkg, workbook, gone.rid)
    kept = reachable(pkg)
    dropped = sorted(({gone.part} | reachable(pkg, [gone.part])) - kept)
    for part in dropped:
        drop_part(pkg, part)
    # calcChain.xml lists formula cells by sheetId: a list naming a sheet that is gone makes Excel
    # repair the file, so it goes too (Excel rebuilds it)
    rels = pkg.relationships(workbook)
    chain = _rel_target(workbook, rels, CALC_CHAIN)
    if chain and sheet_id and pkg.exists(chain) and re.search(rf"\si\s*=\s*\"{re.escape(sheet_id)}\"", pkg.text(chain)):
        rid = next(r["Id"] for r in rels if r.get("Type") == CALC_CHAIN)
        remove_relationship(pkg, workbook, rid)
        drop_part(pkg, chain)
        dropped.append(chain)
    return dropped, was_active


def _insert_names(text: str, p: str, elements: list[str]) -> str:
    if not elements:
        return text
    joined = "".join(elements)
    end = re.search(rf"</{p}definedNames\s*>", text)
    if end:
        return text[: end.start()] + joined + text[end.start() :]
    empty = re.search(rf"<{p}definedNames\b[^>]*/>", text)
    if empty:
        return text[: empty.start()] + f"<{p}definedNames>{joined}</{p}definedNames>" + text[empty.end() :]
    after = [
        m.end()
        for m in re.finditer(
            rf"</{p}sheets\s*>|</{p}functionGroups\s*>|<{p}functionGroups\b[^>]*/>|"
            rf"</{p}externalReferences\s*>",
            text,
        )
    ]
    if not after:
        raise Unsupported("workbook.xml: no </sheets>")
    at = max(after)
    return text[:at] + f"<{p}definedNames>{joined}</{p}definedNames>" + text[at:]


# ---------------------------------------------------------------------------------- the transplant


def transplant_sheet(pkg: Package, source: bytes, *, sheet: str | None = None) -> Transplanted:
    """Add the sheet ``sheet`` (default: the only one) of the workbook ``source`` (bytes of an
    .xlsx) to ``pkg`` as its last sheet, replacing a sheet of the same name; see the module's
    docstring. The edits are collected in ``pkg.new`` / ``pkg.gone``. Raises Unsupported when the
    book's package has a shape this does not handle."""
    src = _Source(source)
    src_wb = src.workbook()
    src_root = parse(src.read(src_wb), src_wb)
    src_rels = {r["Id"]: r for r in src.relationships(src_wb)}
    src_sheets = [(s.get("name", ""), s.get(f"{{{REL}}}id", "")) for s in src_root.iter(f"{{{MAIN}}}sheet")]
    if sheet is None and len(src_sheets) != 1:
        raise ValueError("the source workbook has more than one sheet: name the one to add")
    picked = [i for i, (n, _) in enumerate(src_sheets) if sheet is None or n == sheet]
    if not picked:
        raise ValueError(f"the source workbook has no sheet {sheet!r}")
    src_index = picked[0]
    name, src_rid = src_sheets[src_index]
    src_sheet = resolve(src_wb, src_rels[src_rid]["Target"])
    src_wb_text = src.text(src_wb)
    src_names = [
        m[0] for m in _defined_names(src_wb_text, _prefix(src_wb_text, "workbook")) if _local_id(m[0]) == src_index
    ]

    workbook = pkg.office_document()
    sheets = pkg.sheets()
    text, p = _workbook_text(pkg, workbook)
    entries = "".join(m[0] for m in _sheet_elements(text, p)[1])
    sheet_id = max([0, *(int(v) for v in re.findall(r"\ssheetId\s*=\s*\"(\d+)\"", entries))]) + 1
    # Excel compares sheet names case-insensitively and allows no two alike: at most one matches
    same = [i for i, s in enumerate(sheets) if s.name.casefold() == name.casefold()]
    removed: list[str] = []
    selected = False
    for i in reversed(same):
        dropped, active = _remove_sheet(pkg, i, active_after=len(sheets) - len(same))
        removed += dropped
        selected = selected or active
    index = len(sheets) - len(same)

    # styles
    styles = _rel_target(workbook, pkg.relationships(workbook), STYLES)
    src_styles = _rel_target(src_wb, list(src_rels.values()), STYLES)
    if styles is None or not pkg.exists(styles) or src_styles is None:
        raise Unsupported("the book has no styles part")
    styles_text, maps = merge_styles(pkg.text(styles), src.text(src_styles))
    pkg.new[styles] = styles_text.encode("utf-8")

    # the parts: the sheet and all it reaches, under free names beside the book's
    order = [src_sheet]
    seen = {src_sheet}
    for part in order:
        for r in src.relationships(part):
            if r.get("TargetMode") != "External":
                target = resolve(part, r["Target"])
                if target not in seen:
                    seen.add(target)
                    order.append(target)
    src_base, base = posixpath.dirname(src_wb), posixpath.dirname(workbook)
    names: dict[str, str] = {}
    for part in order:
        folder = posixpath.normpath(posixpath.join(base, posixpath.relpath(posixpath.dirname(part), src_base or ".")))
        names[part] = _free(pkg, "" if folder == "." else folder, posixpath.basename(part))
    strings = _shared_strings(src, src_wb)
    added = []
    for part in order:
        new = names[part]
        data = src.read(part)
        if part == src_sheet:
            data = sheet_xml(data.decode("utf-8"), maps, strings, date1904=pkg.date1904(), selected=selected).encode(
                "utf-8"
            )
        pkg.new[new] = data
        pkg.add_override(new, src.content_type(part))
        added.append(new)
        rels = src.relationships(part)
        if rels:
            out = []
            for r in rels:
                r = dict(r)
                if r.get("TargetMode") != "External":
                    r["Target"] = posixpath.relpath(names[resolve(part, r["Target"])], posixpath.dirname(new) or ".")
                out.append(r)
            pkg.new[rels_name(new)] = _rels_xml(out)
            added.append(rels_name(new))

    # workbook.xml: the <sheet> entry, its relationship, its defined names
    rid = pkg.add_relationship(workbook, WORKSHEET, posixpath.relpath(names[src_sheet], base or "."))
    text, p = _workbook_text(pkg, workbook)
    root = re.search(rf"<{p}workbook\b[^>]*>", text)
    if root is None:
        raise Unsupported("workbook.xml: no <workbook>")
    root_tag = root[0]
    r_prefix = re.search(rf"xmlns:([\w.-]+)\s*=\s*[\"']{re.escape(REL)}[\"']", root_tag)
    rel_attr = f'{r_prefix[1]}:id="{rid}"' if r_prefix else f'xmlns:r="{REL}" r:id="{rid}"'
    element = f'<{p}sheet name="{xml_attr(name)}" sheetId="{sheet_id}" {rel_attr}/>'
    block, _ = _sheet_elements(text, p)
    text = text[: block.end(1)] + element + text[block.end(1) :]
    local = []
    for e in src_names:
        tag = _start_tag(e)
        local.append(_prefixed(_set_attr(tag, "localSheetId", index) + e[len(tag) :], p))
    text = _insert_names(text, p, local)
    pkg.new[workbook] = text.encode("utf-8")
    return Transplanted(
        name, names[src_sheet], index, tuple(added), sheets[same[0]].name if same else None, tuple(removed)
    )
