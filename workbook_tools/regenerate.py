"""Rebuild an order book from its own data on the current template (``orderbook regenerate``).

After a config change, a template upgrade, or to repair validation and formatting someone broke:
the book is read, and written again by ``write_book`` — dropdowns, validation, formulas,
conditional formats, protection, instructions and dashboard all new — with everything the staff
put in it:

- every record, in its order, with every value typed as the reader read it;
- values the reader could not type (text in a quantity cell, ``#N/A``, a phone number stored as a
  number that lost digits) written into their cell as found — a string as text, a number as a
  number — so the next validation reports them again, at their new cell;
- columns staff added to a data sheet, after the schema's columns, header kept, values as read
  (numbers stay numbers, text text, dates dates), including what they hold on rows without a record;
- sheets staff added, after the book's own sheets: cell values only (formulas become their last
  computed values; formatting, merged cells, comments and charts are not carried).

What is deliberately not kept: values typed over formula cells (the formulas are restored; run
``orderbook validate`` first to see them as ``formula-overwritten``), title rows above a header
(the template's header is row 1), blank rows between records, and ``NULL`` / whitespace-only
cells, which the reader takes as blank. Each is mentioned in ``RegenerateResult.notes`` when found.

The old book is copied to ``NAME.YYYYmmdd-HHMMSS.bak.xlsx`` before it is replaced; the new one is
written to a temporary file and renamed over it, so a crash never leaves half a book.

Used by import with ``data=``: the rows to write instead of the book's own. Staff-column values and
raw values then follow their rows by natural key (a row whose key is not in ``data`` loses them,
with a note).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .book import BookData, OrderBook, OtherSheet, Row, Table
from .cells import col_letter
from .config import Config
from .read import read_book
from .safe_io import backup as backup_file
from .schema import DASHBOARD, INSTRUCTIONS, LISTS, SHEET_BY_KEY, SHEETS, Sheet, aux_name
from .template import write_book
from .template.carry import Carry, ExtraColumn, SheetCarry
from .template.write import Progress

#: Excel's longest sheet name.
SHEET_NAME_MAX = 31


@dataclass
class RegenerateResult:
    #: The book written.
    path: Path
    #: The copy of the old book made before it was replaced (None with ``output`` or ``backup=False``).
    backup_path: Path | None
    #: Records written, per sheet key.
    rows: dict[str, int]
    #: Headers of the staff columns carried over, per sheet key (a column without header as "(N)").
    extra_columns: dict[str, list[str]]
    #: Staff sheets carried over, as named in the new book.
    extra_sheets: list[str]
    #: Cells written as found because the reader could not type them.
    raw_values: int = 0
    #: What was not carried over, or was changed on the way (renamed sheets), one line each.
    notes: list[str] = field(default_factory=list)


def regenerate(
    path: str | os.PathLike,
    *,
    data: BookData | None = None,
    output: str | os.PathLike | None = None,
    config: Config | None = None,
    lang: str | None = None,
    backup: bool = True,
    today: date | None = None,
    progress: Progress | None = None,
) -> RegenerateResult:
    """Rewrite the order book at ``path`` on the current template; see the module docstring.

    ``output``: write there instead, leaving ``path`` untouched (no backup is made). ``data``:
    the rows to write in place of the book's own. ``lang``: the new book's language (default:
    the book's own). ``today`` feeds the dashboard's cached figures (default: the real date).
    Raises BookReadError (the book cannot be read) or OutputError, and writes nothing then.
    """
    path = Path(path)
    config = config or Config()
    book = read_book(path, config=config, other_sheets=True)
    lang = lang or book.lang
    target = Path(output) if output is not None else path
    rows, carry, notes = carry_book(book) if data is None else carry_by_key(book, data)
    carry.other_sheets, sheet_notes = staff_sheets(book.other_sheets, lang)
    notes += sheet_notes
    backup_path = backup_file(path) if backup and _same_file(target, path) else None
    write_book(target, rows, config=config, lang=lang, today=today, progress=progress, carry=carry)
    records = {s.key: len(book[s.key].rows if data is None else data.get(s.key) or []) for s in SHEETS}
    return RegenerateResult(
        path=target,
        backup_path=backup_path,
        rows=records,
        extra_columns={k: [c.header or f"({col_letter(len(SHEET_BY_KEY[k].columns) + j)})"
                           for j, c in enumerate(sc.columns)] for k, sc in carry.sheets.items() if sc.columns},
        extra_sheets=[s.name for s in carry.other_sheets],
        raw_values=sum(len(cells) for sc in carry.sheets.values() for cells in sc.raw.values()),
        notes=notes,
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


# --------------------------------------------------------------------------------------------
# What each data sheet carries
# --------------------------------------------------------------------------------------------


def extra_header(name: str, col: int) -> str | None:
    """The header a staff column had, from its name in ``Table.extra``: None for a column without
    one ("(N)"), the text without the letter the reader added to a repeated header ("微信号 (P)")."""
    suffix = f"({col_letter(col)})"
    if name == suffix:
        return None
    if name.endswith(" " + suffix):
        return name[: -len(suffix) - 1]
    return name


def _extra_columns(table: Table) -> list[tuple[str, str | None, list[Any]]]:
    """(name in Table.extra, header to write, values per record), in the file's column order."""
    return [(name, extra_header(name, c), values)
            for name, (c, values) in sorted(table.extra.items(), key=lambda item: item[1][0])]


def _raw(table: Table) -> dict[int, dict[str, Any]]:
    raw: dict[int, dict[str, Any]] = defaultdict(dict)
    for i, key, value, _reason in table.problems:
        raw[i][key] = value
    return dict(raw)


def _header_note(table: Table) -> list[str]:
    if table.header_row > 1:
        return [f"{table.name}: the header was on row {table.header_row}; the rows above it (titles) "
                f"are not carried over (the template's header is row 1)"]
    return []


def carry_book(book: OrderBook) -> tuple[BookData, Carry, list[str]]:
    """The book's own rows, and everything else they carry (staff columns with their stray values
    on rows without a record, which become blank rows in their place; raw values)."""
    data: BookData = {}
    carry = Carry()
    notes: list[str] = []
    for sheet in SHEETS:
        table = book[sheet.key]
        notes += _header_note(table)
        columns = _extra_columns(table)
        raw = _raw(table)
        if not table.stray:
            data[sheet.key] = [dict(r) for r in table.rows]
            carry.sheets[sheet.key] = SheetCarry([ExtraColumn(h, list(v)) for _n, h, v in columns], raw)
            continue
        # rows without a record that hold staff values: blank rows at their place among the records
        strays: dict[int, dict[str, Any]] = defaultdict(dict)
        for row_number, name, value in table.stray:
            strays[row_number][name] = value
        blank = {c.key: None for c in sheet.inputs}
        order = sorted([(n, i) for i, n in enumerate(table.row_numbers)] + [(n, -1) for n in strays])
        rows: list[Row] = []
        extras: list[ExtraColumn] = [ExtraColumn(h, []) for _n, h, _v in columns]
        new_raw: dict[int, dict[str, Any]] = {}
        for row_number, i in order:
            if i >= 0:
                if i in raw:
                    new_raw[len(rows)] = raw[i]
                rows.append(dict(table.rows[i]))
                for extra, (_name, _h, values) in zip(extras, columns):
                    extra.values.append(values[i])
            else:
                rows.append(dict(blank))
                for extra, (name, _h, _values) in zip(extras, columns):
                    extra.values.append(strays[row_number].get(name))
        data[sheet.key] = rows
        carry.sheets[sheet.key] = SheetCarry(extras, new_raw)
    return data, carry, notes


def _norm(value: Any) -> Any:
    """A key value as the spreadsheet compares it: text trimmed and case-folded."""
    return value.strip().casefold() if isinstance(value, str) else value


def row_key(sheet: Sheet, row: Row) -> tuple | None:
    """The row's natural key (schema.Sheet.natural_key), or None when every part of it is blank."""
    key = tuple(_norm(row.get(k)) for k in sheet.natural_key)
    return None if all(v is None or v == "" for v in key) else key


def carry_by_key(book: OrderBook, data: BookData) -> tuple[BookData, Carry, list[str]]:
    """``data``'s rows, with the staff values of the book's rows that have the same natural key
    (the n-th row of a key in ``data`` takes those of the n-th row of that key in the book)."""
    out: BookData = {}
    carry = Carry()
    notes: list[str] = []
    for sheet in SHEETS:
        table = book[sheet.key]
        rows = [dict(r) for r in (data.get(sheet.key) or [])]
        out[sheet.key] = rows
        notes += _header_note(table)
        columns = _extra_columns(table)
        raw = _raw(table)
        queues: dict[tuple, deque[int]] = defaultdict(deque)
        for i, r in enumerate(table.rows):
            k = row_key(sheet, r)
            if k is not None:
                queues[k].append(i)
        extras = [ExtraColumn(h, []) for _n, h, _v in columns]
        new_raw: dict[int, dict[str, Any]] = {}
        matched: set[int] = set()
        for j, r in enumerate(rows):
            k = row_key(sheet, r)
            queue = queues.get(k) if k is not None else None
            i = queue.popleft() if queue else None
            if i is not None:
                matched.add(i)
                found = {key: v for key, v in raw.get(i, {}).items() if r.get(key) is None}
                if found:
                    new_raw[j] = found
            for extra, (_name, _h, values) in zip(extras, columns):
                extra.values.append(values[i] if i is not None else None)
        lost = [i for i in range(len(table.rows)) if i not in matched
                and (i in raw or any(values[i] is not None for _n, _h, values in columns))]
        if lost:
            notes.append(f"{table.name}: staff-column or unreadable values of {len(lost)} row(s) not carried over "
                         f"(no row with their key in the new data), e.g. row {table.row_numbers[lost[0]]}")
        if table.stray:
            notes.append(f"{table.name}: {len(table.stray)} value(s) in staff columns on rows without a record "
                         f"not carried over, e.g. row {table.stray[0][0]}")
        carry.sheets[sheet.key] = SheetCarry(extras if any(c.header is not None or any(v is not None for v in c.values)
                                                           for c in extras) else [], new_raw)
    return out, carry, notes


# --------------------------------------------------------------------------------------------
# Staff sheets
# --------------------------------------------------------------------------------------------


def own_sheet_names(lang: str) -> list[str]:
    """The sheets write_book writes, in ``lang``."""
    return [aux_name(INSTRUCTIONS, lang), aux_name(DASHBOARD, lang), *(s.name(lang) for s in SHEETS),
            aux_name(LISTS, lang)]


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` … cut to Excel's 31 characters, not in ``taken``
    (compared as Excel does, ignoring case)."""
    if name.casefold() not in taken:
        return name
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def staff_sheets(sheets: list[OtherSheet], lang: str) -> tuple[list[OtherSheet], list[str]]:
    """The staff sheets to write after the book's own, renamed where a name is taken (a sheet
    named "Orders" in a book regenerated in English), and notes on what is not carried."""
    taken = {n.casefold() for n in own_sheet_names(lang)}
    out, notes = [], []
    for sheet in sheets:
        if sheet.kind != "worksheet":
            notes.append(f"sheet {sheet.name!r} is a {sheet.kind} sheet and is not carried over")
            continue
        name = free_name(sheet.name, taken)
        taken.add(name.casefold())
        if name != sheet.name:
            notes.append(f"sheet {sheet.name!r} renamed {name!r}: the new book has a sheet of that name")
        out.append(OtherSheet(name, sheet.rows, hidden=sheet.hidden))
    if out:
        notes.append("staff sheets carried over as values only (formulas, formatting and merged cells are not): "
                     + ", ".join(s.name for s in out))
    return out, notes


# --------------------------------------------------------------------------------------------
# Benchmark (scripts/benchmark.py): regenerate against xlsxwriter's bare write of the same values
# --------------------------------------------------------------------------------------------


def bench(book_path: str | os.PathLike, *, repeat: int = 1, folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """Time regenerating ``book_path`` (on a copy: the book itself is never modified) and, in the
    same run, the baseline: xlsxwriter in constant-memory mode writing the same cell values (every
    non-empty cell of every sheet, as python-calamine reads them) with no formatting. Each step runs
    in a fresh process, ``repeat`` times, alternating; the medians are reported.

    Returns ``{"regenerate": {"seconds", "peak_mb", "runs"}, "baseline": {…}, "ratio": …}``: the
    ratio is the median of each run's regenerate / baseline (the two run back to back, so a busy
    machine slows both alike), the target of issue 5 being ≤ 1.5.
    """
    import shutil
    import tempfile

    book_path = Path(book_path)
    with tempfile.TemporaryDirectory(prefix="regen-bench-", dir=folder) as tmp:
        copy = Path(tmp) / book_path.name
        shutil.copyfile(book_path, copy)
        runs: dict[str, list[dict[str, float]]] = {"regenerate": [], "baseline": []}
        for _ in range(repeat):
            for step in runs:
                out = subprocess.run([sys.executable, "-c", _BENCH_CHILD, step, str(copy), tmp],
                                     capture_output=True, text=True, check=True)
                runs[step].append(json.loads(out.stdout.strip().splitlines()[-1]))
    result: dict[str, Any] = {
        step: {"seconds": statistics.median(r["seconds"] for r in rs), "peak_mb": max(r["peak_mb"] for r in rs),
               "runs": [round(r["seconds"], 2) for r in rs]}
        for step, rs in runs.items()
    }
    result["ratio"] = statistics.median(r["seconds"] / b["seconds"]
                                        for r, b in zip(runs["regenerate"], runs["baseline"]))
    return result


_BENCH_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
step, book, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if step == "regenerate":
    from workbook_tools.regenerate import regenerate
    start = time.perf_counter()
    regenerate(book, output=folder / "regenerated.xlsx")
else:
    from workbook_tools.regenerate import _bare_values, _bare_write
    sheets = _bare_values(book)
    start = time.perf_counter()
    _bare_write(sheets, folder / "bare.xlsx")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _bare_values(book: Path) -> list[tuple[str, list[list[Any]]]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(book))
    return [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]


def _bare_write(sheets: list[tuple[str, list[list[Any]]]], path: Path) -> None:
    """The baseline: the values as they are (dates as serial numbers), no formats, no formulas."""
    from datetime import datetime

    from xlsxwriter import Workbook

    from .derive import serial

    wb = Workbook(str(path), {"constant_memory": True})
    for name, grid in sheets:
        ws = wb.add_worksheet(name)
        put_string, put_number, put_bool = ws.write_string, ws.write_number, ws.write_boolean
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                t = type(v)
                if t is str:
                    if v:
                        put_string(r, c, v)
                elif t is float or t is int:
                    put_number(r, c, v)
                elif t is date or t is datetime:
                    put_number(r, c, serial(v))
                elif t is bool:
                    put_bool(r, c, v)
    wb.close()
