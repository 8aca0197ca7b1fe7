"""An .xlsx/.xlsm package opened read-only: its parts, relationships, content types and sheets.

Edits are collected as new part contents and written by :func:`Package.write_to`, which copies every
other part as its compressed bytes (zipio.py). XML the staff's programs wrote is parsed with
defusedxml only (no entity expansion).
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET

from . import zipio, zsplice

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Unsupported(Exception):
    """The package has a shape this module does not handle."""


#: What reading a damaged or foreign package raises: a caller that must go on with the next file
#: catches these, never ``Exception`` (a bug in our code is not a damaged file, and must show).
DAMAGED = (Unsupported, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, SafeET.ParseError)


@dataclass(frozen=True)
class SheetPart:
    name: str
    rid: str
    part: str


def rels_name(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` -> ``xl/worksheets/_rels/sheet1.xml.rels`` (``""``: the package's)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(part: str, target: str) -> str:
    """A relationship target relative to ``part``, as a part name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def xml_attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def parse(data: bytes | str, name: str) -> Element:
    try:
        return SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise Unsupported(f"{name}: {exc}") from None


class Package:
    """The zip at ``path`` with the parts changed or added so far (``new``) and dropped (``gone``)."""

    def __init__(self, path: str | os.PathLike[str], *, prefetched: Prefetch | None = None):
        self.path = Path(path)
        self.prefetched = prefetched
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise Unsupported(f"{self.path}: {exc}") from None
        self.names = set(self.zip.namelist())
        self.new: dict[str, bytes | zipio.Chunks] = {}
        self.gone: set[str] = set()
        #: Parts read from the prefetch with their block boundaries: rewritten from their first change on.
        self.origins: dict[str, zsplice.Indexed] = {}

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------------- parts

    def exists(self, name: str) -> bool:
        return (name in self.names or name in self.new) and name not in self.gone

    def read(self, name: str) -> bytes:
        data = self.new.get(name)
        if isinstance(data, (bytes, bytearray)):
            return bytes(data)
        if data is not None:
            raise Unsupported(f"{name} is being streamed")
        if name not in self.names:
            raise Unsupported(f"missing part {name}")
        if self.prefetched is not None:
            early = self.prefetched.take(name)
            if early is not None:
                if early.boundaries:
                    self.origins[name] = early
                return early.data
        return self.zip.read(name)

    def text(self, name: str) -> str:
        try:
            return self.read(name).decode("utf-8")
        except UnicodeDecodeError:
            raise Unsupported(f"{name} is not UTF-8") from None

    def free_name(self, pattern: str) -> str:
        """``pattern.format(n)`` for the first n ≥ 1 not taken, e.g. ``xl/comments{}.xml``."""
        lowered = {n.lower() for n in self.names | set(self.new)}
        n = 1
        while pattern.format(n).lower() in lowered:
            n += 1
        return pattern.format(n)

    # -------------------------------------------------------------------------- relationships

    def relationships(self, part: str) -> list[dict[str, str]]:
        name = rels_name(part)
        if not self.exists(name):
            return []
        root = parse(self.read(name), name)
        return [dict(r.attrib) for r in root.iter(f"{{{PKG}}}Relationship")]

    def add_relationship(self, part: str, type_url: str, target: str, rid: str | None = None) -> str:
        """Add a relationship from ``part`` (``""``: the package) and return its id (a new one
        unless ``rid`` is given)."""
        name = rels_name(part)
        if rid is None:
            taken = {r.get("Id") for r in self.relationships(part)}
            n = 1
            while f"rIdOB{n}" in taken:
                n += 1
            rid = f"rIdOB{n}"
        item = f'<Relationship Id="{rid}" Type="{type_url}" Target="{xml_attr(target)}"/>'
        if self.exists(name):
            text = self.text(name)
            end = text.rfind("</Relationships>")
            if end < 0:
                raise Unsupported(f"{name}: no </Relationships>")
            text = text[:end] + item + text[end:]
        else:
            text = f'{XML_HEAD}<Relationships xmlns="{PKG}">{item}</Relationships>'
        self.new[name] = text.encode("utf-8")
        return rid

    def office_document(self) -> str:
        for r in self.relationships(""):
            if r.get("Type", "").endswith("/officeDocument"):
                return resolve("", r["Target"])
        raise Unsupported("no officeDocument relationship")

    def sheets(self) -> list[SheetPart]:
        """The workbook's sheets in tab order."""
        workbook = self.office_document()
        root = parse(self.read(workbook), workbook)
        if root.tag != f"{{{MAIN}}}workbook":
            raise Unsupported(f"unexpected workbook namespace {root.tag}")
        rels = {r["Id"]: r for r in self.relationships(workbook)}
        out = []
        for s in root.iter(f"{{{MAIN}}}sheet"):
            rid = s.get(f"{{{REL}}}id", "")
            rel = rels.get(rid)
            if rel is None:
                raise Unsupported(f"sheet {s.get('name')!r} has no relationship")
            out.append(SheetPart(s.get("name", ""), rid, resolve(workbook, rel["Target"])))
        return out

    def date1904(self) -> bool:
        text = self.text(self.office_document())
        m = re.search(r"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*\"(1|true)\"", text)
        return m is not None

    # ---------------------------------------------------------------------------- content types

    def add_override(self, part: str, content_type: str) -> None:
        name = "[Content_Types].xml"
        text = self.text(name)
        if re.search(rf'PartName="/{re.escape(part)}"', text, re.I):
            return
        end = text.rfind("</Types>")
        if end < 0:
            raise Unsupported(f"{name} without </Types>")
        text = text[:end] + f'<Override PartName="/{xml_attr(part)}" ContentType="{content_type}"/>' + text[end:]
        self.new[name] = text.encode("utf-8")

    # ------------------------------------------------------------------------------------ save

    def write_to(self, out: BinaryIO) -> None:
        """Write the package with the edits to the open binary file ``out``."""
        replace = {n: d for n, d in self.new.items() if n in self.names}
        add = {n: d for n, d in self.new.items() if n not in self.names}
        origins = {n: o for n, o in self.origins.items() if n in replace}
        zipio.rewrite(str(self.path), out, replace, add, self.gone, origins)


class Prefetch:
    """Sheets of the package at ``path`` inflated in a thread while the caller does other work: zlib
    releases the GIL, so on two cores an import's check of its rows and the inflating of the sheets it
    will patch run side by side. Each is inflated with its deflate block boundaries where zlib allows
    (zsplice.py), so that writing it again keeps its compressed bytes up to its first change. The
    caller holds the book's lock, so the bytes are the file's; ``Package(path, prefetched=...)`` takes
    them instead of reading the zip again. ``ready``: parts inflated already (the reader's scan kept
    them: read_book's ``keep_xml``), taken as they are — the dict is emptied as they are taken."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        sheet_names: Iterable[str],
        ready: dict[str, zsplice.Indexed] | None = None,
    ):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-prefetch")
        self._zip: zipfile.ZipFile | None = None
        self._ready = ready if ready is not None else {}
        self._parts: Future[dict[str, Future[zsplice.Indexed]]] = self._pool.submit(
            self._start, Path(path), set(sheet_names)
        )

    def _start(self, path: Path, wanted: set[str]) -> dict[str, Future[zsplice.Indexed]]:
        with Package(path) as pkg:
            parts = [s.part for s in pkg.sheets() if s.name in wanted and s.part in pkg.names]
        self._zip = zipfile.ZipFile(path)  # its own handle: never the caller's file position
        return {part: self._pool.submit(self._inflate, part) for part in parts if part not in self._ready}

    def _inflate(self, part: str) -> zsplice.Indexed:
        assert self._zip is not None  # set before any part is submitted
        return zipio.indexed_member(self._zip, part) or zsplice.Indexed(self._zip.read(part))

    def take(self, part: str) -> zsplice.Indexed | None:
        """The part's data and boundaries, once (None when not prefetched or the prefetch failed: read
        it again)."""
        if part in self._ready:
            return self._ready.pop(part)
        try:
            future = self._parts.result().pop(part, None)
            return future.result() if future is not None else None
        except (Unsupported, OSError, zipfile.BadZipFile, EOFError, ValueError, CancelledError):
            return None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
