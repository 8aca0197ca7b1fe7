"""Header cells → schema columns, whatever language, spelling or order staff left them in.

A header matches a column by its Chinese or English header, its key, a schema alias, or an alias
from the config (``[aliases] "orders.order_no" = ["单据编号"]``), compared after :func:`normalise`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..cells import col_letter
from ..config import Config
from ..schema import Column, Sheet

#: How far down the header row may sit (title rows, notes and blank rows above it).
HEADER_SEARCH_ROWS = 30


def normalise(text: Any) -> str:
    """Fold what staff vary without meaning to: full-width forms, case, every space and line break
    (NBSP too), and a ``*`` / ``＊`` required-marker: ``" 订单编号＊"`` and ``"订单\\n编号"`` → ``"订单编号"``."""
    s = text if isinstance(text, str) else str(text)
    s = "".join(unicodedata.normalize("NFKC", s).casefold().split())
    return s.strip("*")


@dataclass(frozen=True)
class HeaderMap:
    """Every accepted header of one sheet, normalised, to its column key."""

    sheet: Sheet
    names: dict[str, str] = field(default_factory=dict)

    def match(self, cell: Any) -> str | None:
        if cell == "" or cell is None:
            return None
        return self.names.get(normalise(cell))


def header_map(sheet: Sheet, config: Config | None = None) -> HeaderMap:
    """Official names win over aliases, and the company's aliases over the schema's, so an alias can
    never take a header away from the column it names."""
    names: dict[str, str] = {}
    configured = (config.aliases if config else {}) or {}

    def add(word: str, col: Column) -> None:
        key = normalise(word)
        if key:
            names.setdefault(key, col.key)

    for col in sheet.columns:
        for word in (col.zh, col.en, col.key):
            add(word, col)
    for col in sheet.columns:
        for word in configured.get(f"{sheet.key}.{col.key}", ()):
            add(word, col)
    for col in sheet.columns:
        for word in col.aliases:
            add(word, col)
    return HeaderMap(sheet, names)


@dataclass
class HeaderRow:
    """Where the header sits and what each of its cells means."""

    #: 0-based index of the header row in the sheet's grid (= Excel row - 1).
    index: int
    #: column key -> 0-based column index (the first cell that names a column wins).
    columns: dict[str, int]
    #: headers the schema does not know (and repeats of known ones): text -> 0-based column index.
    extra: dict[str, int]


def _match_row(row: list[Any], hmap: HeaderMap) -> dict[str, int]:
    found: dict[str, int] = {}
    for c, cell in enumerate(row):
        key = hmap.match(cell)
        if key is not None and key not in found:
            found[key] = c
    return found


def find_header(grid: list[list[Any]], hmap: HeaderMap, *, limit: int = HEADER_SEARCH_ROWS) -> HeaderRow | None:
    """The first of the top ``limit`` rows that names enough of the sheet's columns (at least three,
    or every input column of a narrower sheet); else the row naming the most; None if none names any."""
    sheet = hmap.sheet
    enough = min(3, len(sheet.inputs))
    best: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(grid[:limit]):
        found = _match_row(row, hmap)
        if len(found) >= enough:
            best = (r, found)
            break
        if found and (best is None or len(found) > len(best[1])):
            best = (r, found)
    if best is None:
        return None
    r, found = best
    used = set(found.values())
    extra: dict[str, int] = {}
    for c, cell in enumerate(grid[r]):
        if c in used or cell == "" or cell is None:
            continue
        text = str(cell).strip()
        if not text:
            continue
        if text in extra:
            text = f"{text} ({col_letter(c)})"
        extra[text] = c
    return HeaderRow(r, found, extra)
