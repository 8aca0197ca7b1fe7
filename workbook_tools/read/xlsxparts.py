"""What python-calamine does not tell us, read from the .xlsx package itself.

- which zip member holds each sheet, and whether the workbook counts dates from 1904;
- where the error cells are: calamine returns ``#N/A``, ``#REF!`` … as ``''``, the same as an empty
  cell (python-calamine issue #105), so a sheet's XML is streamed once and searched for ``t="e"``.
  Most sheets have none, and then the search costs one inflate of the part (about a tenth of
  calamine's own read).

The small XML parts are parsed with defusedxml, so an entity bomb in them is refused, not expanded.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

_OFFICE_DOCUMENT = "/officeDocument"
_WORKSHEET = "/worksheet"


class PartsError(Exception):
    """The package structure is unreadable (the caller turns this into a BookReadError)."""


@dataclass
class Parts:
    #: sheet name -> zip member holding its XML (worksheets only; chart sheets are left out)
    sheets: dict[str, str] = field(default_factory=dict)
    #: True when the workbook uses the 1904 date system (old Mac Excel): serial 0 is 1904-01-01
    date1904: bool = False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(elem, local: str) -> str | None:
    """An attribute by local name, whatever namespace prefix the writer chose (``r:id``, ``ns2:id``)."""
    for k, v in elem.attrib.items():
        if _local(k) == local:
            return v
    return None


def _xml(zf: zipfile.ZipFile, member: str):
    try:
        return ElementTree.fromstring(zf.read(member))
    except DefusedXmlException:
        raise PartsError(f"{member} declares XML entities (a possible XML bomb); refused") from None
    except ElementTree.ParseError as exc:
        raise PartsError(f"{member} is not well-formed XML ({exc})") from None


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
_CHUNK = 1 << 23


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _scan(piece: bytes, found: dict[tuple[int, int], str], attrs: tuple[bytes, ...]) -> None:
    for attr in attrs:
        start = 0
        while (i := piece.find(attr, start)) >= 0:
            start = i + len(attr)
            lt, gt = piece.rfind(b"<", 0, i), piece.find(b">", i)
            if lt < 0 or gt < 0:
                continue
            tag = piece[lt:gt + 1]
            ref = _REF.search(tag)
            if not _CELL_TAG.match(tag) or ref is None:
                continue  # not a cell, or a cell without its position (rare; cannot be placed)
            text = "#ERROR"
            if not tag.endswith(b"/>"):
                end = piece.find(b"c>", gt)  # </c> or </x:c>: text inside a cell cannot contain a raw ">"
                value = _VALUE.search(piece, gt, end if end >= 0 else len(piece))
                if value and value.group(1).strip():
                    text = value.group(1).decode("utf-8", "replace").strip()
            found[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = text


def error_cells(zf: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    """``(row, col) -> "#N/A"`` for every error cell of a sheet (0-based, as in calamine's grid)."""
    found: dict[tuple[int, int], str] = {}
    tail = b""
    attrs: tuple[bytes, ...] = ()
    with zf.open(member) as f:
        while True:
            block = f.read(_CHUNK)
            if not attrs:
                # writers quote attributes one way; searching for the other quote too would double the cost
                attrs = _ERROR_ATTRS if b"='" in block else _ERROR_ATTRS[:1]
            buf = tail + block if tail else block
            if not block:
                if buf:
                    _scan(buf, found, attrs)
                return found
            # cut after the last complete row so that no cell is split between two pieces
            cut = buf.rfind(b"row>")
            if cut < 0 and len(buf) < 8 * _CHUNK:
                tail = buf
                continue
            cut = len(buf) if cut < 0 else cut + 4
            _scan(buf[:cut], found, attrs)
            tail = buf[cut:]
