"""Keys — 客户编号, 产品编号, 订单编号 and the other identifiers — compare one way everywhere.

A key is its text with surrounding spaces taken off, full-width characters folded to their
ordinary forms (Unicode NFKC: ＳＯ２０２６ → SO2026, the ideographic space → a space) and case
ignored. The reader, validation, derive, import, merge, reconciliation, the change report and
the export all compare keys through :func:`normalise`.

Why NFKC and not a table of the full-width ASCII block: the reader has always read identifier
columns through NFKC (read/coerce.py ``to_id``), so a key and the value the reader gives agree by
construction; NFKC also covers what a table would forget (the ideographic space, full-width
punctuation from a Chinese input method, half-width katakana), and an ASCII key — nearly every
key — never reaches it. It does fold a few look-alikes a table would keep apart (① → 1, ﬁ → fi):
in a key, those are typing accidents too.

The workbook's formulas (MATCH, SUMIFS, COUNTIFS) ignore case but not spaces nor width, and a
SUMIFS cannot trim its criteria range: instead of a trimmed helper column on every sheet or an
array formula per row, validation reports each key cell typed with spaces or full-width characters
(``key-spelling``, validate/keys.py), and never blames a formula for what such a key does to it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from itertools import compress
from operator import ne
from typing import Any

from .schema import SHEETS


def display(value: Any) -> str:
    """The key as it should be typed: trimmed, full-width folded, case kept (``" ＳＯ１ "`` → ``"SO1"``).
    It is what the reader gives for an identifier cell."""
    if value is None:
        return ""
    s = value if value.__class__ is str else str(value)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)  # also turns a no-break space into a space
    return s.strip()


def normalise(value: Any) -> str:
    """The key two values share when they name the same row: ``display(value)`` without case."""
    return display(value).casefold()


def compare(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` name the same row (``"so1 "`` and ``"SO1"`` do)."""
    return normalise(a) == normalise(b)


def misspelt(typed: Any) -> str | None:
    """What is wrong with a key as typed, in words the formulas care about (case is not one):
    ``"spaces"``, ``"full-width"``, ``"both"``, or None when the workbook matches it as it is."""
    if typed.__class__ is not str:
        return None
    core = typed.strip()
    spaced = core != typed
    code = core.split(" ", 1)[0]  # of a dropdown entry "C0001 杭州明远（集团）" only the code counts
    wide = not code.isascii() and unicodedata.normalize("NFKC", code) != code
    return "both" if spaced and wide else "full-width" if wide else "spaces" if spaced else None


def as_formulas_compare(value: Any) -> str:
    """A key as MATCH, SUMIFS and COUNTIFS compare it: case ignored, and nothing else (the
    workbook's view of a key typed with a space, which validate/cached.py recomputes)."""
    return "" if value is None else str(value).casefold()


def misspelt_cells(typed: Sequence[Any], read: Sequence[Any]) -> Iterator[tuple[int, str]]:
    """(index, text as typed) of each cell of a key column whose text :func:`misspelt` finds wrong,
    given the column as typed and as read (the reader gives ``display``; most cells are equal)."""
    for i in compress(range(len(typed)), map(ne, typed, read)):  # in C: most cells are equal
        t = typed[i]
        if t.__class__ is str and read[i] is not None and misspelt(t):
            yield i, t


def _key_columns() -> dict[str, frozenset[str]]:
    """Sheet key -> the columns the formulas match on: each sheet's own key that another sheet
    names (客户编号, 产品编号, 订单编号) and every column naming one."""
    targets = {c.ref for s in SHEETS for c in s.columns if c.ref}
    return {s.key: frozenset(c.key for c in s.columns if c.ref or f"{s.key}.{c.key}" in targets) for s in SHEETS}


#: Sheet key -> its key columns (see :func:`_key_columns`).
KEY_COLUMNS = _key_columns()


def natural(value: Any) -> Any:
    """One part of a natural key (schema ``Sheet.natural_key``): text as a key, other values (a
    date, an amount) as they are."""
    return normalise(value) if value.__class__ is str else value


class Keys(dict[Any, str]):
    """``keys[value]`` is ``normalise(value)``, computed once per distinct value (a dict hit is far
    cheaper than a call, and a book repeats its keys on every sheet)."""

    def __missing__(self, value: Any) -> str:
        k = self[value] = normalise(value)
        return k
