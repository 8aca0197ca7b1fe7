"""Combine the copies of the order book several staff keep (``orderbook merge``).

Rows are matched across the books by each sheet's natural key (schema ``Sheet.natural_key``:
the customer ID, the SKU, the order number, order number + SKU for a line …), compared as the
spreadsheet compares keys (text trimmed, case ignored). Then, key by key:

- every copy holds the same values: one row (the others are counted as merged duplicates);
- the copies differ: a **conflict**, reported for each differing value with both cells
  (``a.xlsx 订单!E12 = 2026-11-09`` against ``b.xlsx 订单!E14 = 2026-11-10``) — a blank against a
  value too, as someone may have cleared it on purpose. It is never resolved
  silently: without ``prefer`` the row is kept as the *first* book that has it holds it (in the
  order the books were given), so the master stays complete and every order keeps its lines and
  payments — and the conflict stays *unresolved* (the command exits 1). With ``prefer`` the
  preferred book's row is kept and the conflict counts as resolved (and is still listed).

A **probable correction** is a conflict too, never two rows: a row whose key only one book has,
against a row whose key only another book has, that differ in exactly one identifier column of the
key (a tracking number, a payment reference, a customer ID, a SKU, an order or document number; a
blank against a value included) and are equal on every other input column but the notes — the
tracking number corrected in one copy, which would otherwise come out as a second shipment. It is
matched like a differing copy of one key (the first book's row kept, ``prefer`` chooses) and
described as a probable correction (``物流单号不同，其余相同：可能是更正``). Two rows that are
really two (two payments of the same amount on the same day, by different references, entered in
different copies) look just the same: that is why it is a conflict for a person to decide. Rows
that differ in anything else (an amount, a date, a quantity) are different rows, as before.

A row without any key value (no order number at all) cannot be matched: it is kept unless another
book holds an identical row. Values the reader could not type take part in the comparison as found,
and are carried into the master as regenerate carries them; so are staff columns (by header, the
value of the row that was kept) and staff sheets (the first book's, by name).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .book import BookData, OrderBook, OtherSheet, Table
from .carry_over import SHEET_KIND_ZH, extra_header, row_key, staff_sheets, stray_note
from .config import Config
from .errors import WorkbookToolsError
from .keys import natural
from .lang import Said
from .read import read_book
from .safe_io import backup
from .schema import SHEETS, Sheet, T
from .template import write_book
from .template.carry import Carry, ExtraColumn, SheetCarry
from .template.write import Progress


class MergeError(WorkbookToolsError):
    """The merge cannot be done as asked (``prefer`` names no input, no input given)."""


@dataclass(frozen=True)
class Version:
    """One copy of a value: where it sits and what it is."""

    file: str
    #: The cell as people name it, e.g. ``订单!E12`` (``订单!12`` when the file lacks the column).
    cell: str
    value: Any

    def __str__(self) -> str:
        return f"{Path(self.file).name} {self.cell} = {shown(self.value)}"


@dataclass(frozen=True)
class Conflict:
    """Two copies of a row (same key) that hold different values in one column."""

    sheet: str
    #: The row's natural key, as written in the row that was kept.
    key: tuple[Any, ...]
    #: Column key.
    field: str
    #: The value in the row that went into the master.
    kept: Version
    #: The value in another copy.
    other: Version
    #: True when ``prefer`` chose the kept row over this copy.
    resolved: bool = False
    #: True when the two are rows of different keys, equal but for this key column: the key
    #: probably corrected in one copy (see the module docstring).
    correction: bool = False

    def describe(self) -> str:
        sheet = next(s for s in SHEETS if s.key == self.sheet)
        key = " / ".join(shown(v) for v in self.key)
        state = "kept (preferred)" if self.resolved else "kept, UNRESOLVED"
        column = sheet.column(self.field)
        text = f"{sheet.zh} {key} {column.zh} ({self.field}): {self.kept} [{state}]  ≠  {self.other}"
        if self.correction:
            text += (
                f" — {column.zh}不同，其余相同：可能是更正 "
                f"(only the {column.en.lower()} differs: probably a correction, not a second row)"
            )
        return text


@dataclass
class SheetProvenance:
    """Where one sheet of the master came from."""

    #: File -> rows of the master taken from it.
    taken: dict[str, int] = field(default_factory=dict)
    #: File -> rows only that file has.
    only_in: dict[str, int] = field(default_factory=dict)
    #: Copies identical to a row already taken (merged into it).
    merged: int = 0
    #: Rows whose copies differ.
    conflicting: int = 0


@dataclass
class MergeResult:
    data: BookData
    conflicts: list[Conflict]
    #: Sheet key -> where its rows came from.
    provenance: dict[str, SheetProvenance]
    #: What the master carries besides its rows (staff columns and sheets, raw values).
    carry: Carry = field(default_factory=Carry)
    files: list[str] = field(default_factory=list)
    #: The first book's language (the master's, unless told otherwise).
    lang: str = "zh"
    #: What was not carried over, one line each, in both languages.
    notes: list[Said] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.resolved]


def shown(value: Any) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def merge_books(
    paths: list[str | os.PathLike[str]], *, prefer: str | os.PathLike[str] | None = None, config: Config | None = None
) -> MergeResult:
    """Merge the books at ``paths`` (see the module docstring). Raises BookReadError when a book
    cannot be read, MergeError when ``prefer`` is not one of ``paths``."""
    if not paths:
        raise MergeError(("没有要合并的簿", "no books to merge"))
    config = config or Config()
    files = [str(p) for p in paths]
    preferred = _which(files, prefer) if prefer is not None else None
    books = [read_book(p, config=config, other_sheets=True) for p in paths]
    result = MergeResult(data={}, conflicts=[], provenance={}, files=files, lang=books[0].lang)
    for sheet in SHEETS:
        _merge_sheet(sheet, books, files, preferred, result)
    result.carry.other_sheets, notes = _staff_sheets(books, files)
    result.notes += notes
    return result


def write_master(
    result: MergeResult,
    output: str | os.PathLike[str],
    *,
    config: Config | None = None,
    lang: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> tuple[Path, Path | None]:
    """Write the merged book (atomically, through ``write_book``) and return ``(path, backup)``.
    When ``output`` is one of the books merged, that book is backed up first."""
    output = Path(output)
    lang = lang or result.lang
    backup_path = None
    if output.exists() and any(_same(output, f) for f in result.files):
        backup_path = backup(output)
    carry = Carry(result.carry.sheets)
    carry.other_sheets, notes = staff_sheets(result.carry.other_sheets, lang)
    result.notes += [n for n in notes if n not in result.notes]
    write_book(output, result.data, config=config, lang=lang, today=today, progress=progress, carry=carry)
    return output, backup_path


def _same(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _which(files: list[str], prefer: str | os.PathLike[str]) -> int:
    """The index of the preferred book: the same file, else the only one with that name."""
    for i, f in enumerate(files):
        if _same(f, prefer):
            return i
    named = [i for i, f in enumerate(files) if Path(f).name == Path(prefer).name]
    if len(named) == 1:
        return named[0]
    raise MergeError(
        Said(
            f"--prefer {prefer}：不是要合并的簿之一（{'、'.join(files)}）",
            f"--prefer {prefer}: not one of the books being merged ({', '.join(files)})",
        )
    )


def _effective(table: Table, raw: dict[int, dict[str, Any]], i: int) -> dict[str, Any]:
    """A row as its file holds it: typed values, and what the reader could not type as found."""
    row = dict(table.rows[i])
    row.update(raw.get(i, {}))
    return row


def _cell(table: Table, i: int, key: str) -> str:
    if key in table.columns:
        return table.cell(i, key)
    return f"{table.name}!{table.row_numbers[i]}"


#: Marks the group of a row without any key value (it takes the place of the key).
_NO_KEY = object()


def _merge_sheet(
    sheet: Sheet, books: list[OrderBook], files: list[str], preferred: int | None, result: MergeResult
) -> None:
    tables = [b[sheet.key] for b in books]
    raws: list[dict[int, dict[str, Any]]] = []
    for t in tables:
        raw: dict[int, dict[str, Any]] = defaultdict(dict)
        for i, key, value, _reason in t.problems:
            raw[i][key] = value
        raws.append(raw)

    # every copy of every key, in order of first appearance
    groups: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    for f, t in enumerate(tables):
        for i in range(len(t.rows)):
            k = row_key(sheet, _effective(t, raws[f], i))
            if k is None:  # no key at all: only an identical row is the same row
                k = (_NO_KEY, *sorted((key, repr(v)) for key, v in _effective(t, raws[f], i).items()))
            groups.setdefault(k, []).append((f, i))
    groups = _join_corrections(sheet, groups, lambda f, i: _effective(tables[f], raws[f], i))

    prov = SheetProvenance(taken={p: 0 for p in files}, only_in={p: 0 for p in files})
    rows, chosen = [], []
    for copies in groups.values():
        pick = next((c for c in copies if c[0] == preferred), copies[0])
        f0, i0 = pick
        kept = _effective(tables[f0], raws[f0], i0)
        rows.append(dict(tables[f0].rows[i0]))
        chosen.append(pick)
        prov.taken[files[f0]] += 1
        if len({f for f, _ in copies}) == 1:
            prov.only_in[files[f0]] += 1
        differs = False
        for f, i in copies:
            if (f, i) == pick:
                continue
            other = _effective(tables[f], raws[f], i)
            if other == kept:
                prov.merged += 1
                continue
            differs = True
            kept_key = tuple(kept.get(k) for k in sheet.natural_key)
            for col in sheet.inputs:
                a, b = kept.get(col.key), other.get(col.key)
                if a != b:
                    result.conflicts.append(
                        Conflict(
                            sheet.key,
                            kept_key,
                            col.key,
                            Version(files[f0], _cell(tables[f0], i0, col.key), a),
                            Version(files[f], _cell(tables[f], i, col.key), b),
                            resolved=preferred is not None and f0 == preferred and f != preferred,
                            correction=col.key in sheet.natural_key and natural(a) != natural(b),
                        )
                    )
        prov.conflicting += differs
    result.data[sheet.key] = rows
    result.provenance[sheet.key] = prov
    result.carry.sheets[sheet.key] = _carry(tables, raws, chosen)
    strays = sum(len(t.stray) for t in tables)
    if strays:
        result.notes.append(stray_note(sheet.zh, strays))


def _join_corrections(
    sheet: Sheet,
    groups: dict[tuple[Any, ...], list[tuple[int, int]]],
    row_of: Callable[[int, int], dict[str, Any]],
) -> dict[tuple[Any, ...], list[tuple[int, int]]]:
    """``groups`` with each probable correction joined to the key it corrects (see the module
    docstring): a key's copies join the first earlier key whose rows are equal to one of its rows
    but for one identifier column of the key (and the notes), when no book holds both keys (a book
    that holds both has two rows). The joined copies sit where the earlier key did, in book order."""
    ids = [j for j, k in enumerate(sheet.natural_key) if sheet.column(k).type is T.ID]
    if not ids:
        return groups
    by_signature: dict[tuple[Any, ...], list[_Cluster]] = defaultdict(list)
    heads: dict[tuple[Any, ...], _Cluster] = {}
    joined: set[tuple[Any, ...]] = set()
    for k, copies in groups.items():
        if k[0] is _NO_KEY:  # a row without a key is matched only by an identical row
            continue
        books = {f for f, _ in copies}
        signatures = list(dict.fromkeys((j, _rest(sheet, row_of(f, i), j)) for f, i in copies for j in ids))
        found = next(
            (
                (c, sig[0])
                for sig in signatures
                for c in by_signature[sig]
                if not c.books & books and c.column in (None, sig[0])
            ),
            None,
        )
        if found is None:
            cluster = heads[k] = _Cluster([k], books)
        else:
            cluster, column = found
            cluster.column = column
            cluster.keys.append(k)
            cluster.books |= books
            joined.add(k)
        for sig in signatures:
            if cluster.column in (None, sig[0]) and not any(c is cluster for c in by_signature[sig]):
                by_signature[sig].append(cluster)
    return {
        k: sorted(c for member in heads[k].keys for c in groups[member]) if k in heads else copies
        for k, copies in groups.items()
        if k not in joined
    }


@dataclass(eq=False)
class _Cluster:
    """Keys taken for one row: the first, and its probable corrections."""

    keys: list[tuple[Any, ...]]
    #: The books that hold any of them.
    books: set[int]
    #: The position in the natural key of the column they differ in (None while there is one key).
    column: int | None = None


def _rest(sheet: Sheet, row: dict[str, Any], j: int) -> tuple[Any, ...]:
    """What must be equal for a row to be a correction of another in key column ``j``: the other key
    columns as keys compare, every other input column but the notes (a blank equals a blank)."""
    out = []
    for col in sheet.inputs:
        if col.key == sheet.natural_key[j] or col.key == "notes":
            continue
        value = row.get(col.key)
        if col.key in sheet.natural_key:
            value = natural(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            value = None
        try:
            hash(value)
        except TypeError:
            value = repr(value)
        out.append(value)
    return tuple(out)


def _carry(tables: list[Table], raws: list[dict[int, dict[str, Any]]], chosen: list[tuple[int, int]]) -> SheetCarry:
    """Staff columns by header (in order of first appearance), each row's value from the copy
    that was kept; and that copy's raw values."""
    # a column is known by its header and, for a header repeated in one file, which repeat it is
    slots: dict[tuple[str | None, int], dict[int, str]] = {}  # -> {file: its name in Table.extra}
    for f, t in enumerate(tables):
        seen: dict[str | None, int] = defaultdict(int)
        for name, (c, _values) in sorted(t.extra.items(), key=lambda item: item[1][0]):
            header = extra_header(name, c)
            slots.setdefault((header, seen[header]), {})[f] = name
            seen[header] += 1
    columns = []
    for (header, _n), names in slots.items():
        values = [tables[f].extra[names[f]][1][i] if f in names else None for f, i in chosen]
        columns.append(ExtraColumn(header, values))
    raw = {j: dict(raws[f][i]) for j, (f, i) in enumerate(chosen) if raws[f].get(i)}
    return SheetCarry(columns, raw)


def _staff_sheets(books: list[OrderBook], files: list[str]) -> tuple[list[OtherSheet], list[Said]]:
    """Each staff sheet by name from the first book that has it; a later book's sheet of the same
    name that holds other values is noted, not merged."""
    out: dict[str, tuple[int, OtherSheet]] = {}
    notes: list[Said] = []
    for f, book in enumerate(books):
        for sheet in book.other_sheets:
            if sheet.kind != "worksheet":
                kind = SHEET_KIND_ZH.get(sheet.kind, "特殊工作表")
                notes.append(
                    Said(
                        f"{Path(files[f]).name}：工作表 {sheet.name!r} 是{kind}，没有带过去",
                        f"{Path(files[f]).name}: sheet {sheet.name!r} is a {sheet.kind} sheet, not carried over",
                    )
                )
                continue
            first = out.get(sheet.name.casefold())
            if first is None:
                out[sheet.name.casefold()] = (f, sheet)
            elif first[1].rows != sheet.rows:
                mine, kept = Path(files[f]).name, Path(files[first[0]]).name
                notes.append(
                    Said(
                        f"工作表 {sheet.name!r}：{mine} 中的与 {kept} 中的不同；合并后的簿用 {kept} 中的",
                        f"sheet {sheet.name!r}: {mine}'s copy differs from {kept}'s; the master has {kept}'s",
                    )
                )
    return [s for _f, s in out.values()], notes
