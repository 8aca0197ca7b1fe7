"""Write new and changed rows into an existing order book, changing only the cells that must change.

The book's rows before (as read) and after (the same rows in the same order, some updated, then
the new ones) give the cells to write:

- input cells whose value changed, and the input cells of new rows, appended after the sheet's
  last row in use (records, and staff notes on rows without a record);
- formula cells whose cached result changes (an order's total when a line is added, a product's
  stock, the dashboard's figures), so that every reader sees Python's values (principle 5);
- on new rows, the formulas of the row above where the row has none yet (past the prepared rows,
  and the staff's own formula columns).

Every other part of the package is copied byte for byte, and every other cell of the sheets that
change keeps its XML (styles, comments, links, staff formulas, validation, conditional formats).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from ..book import BookData, OrderBook, Table
from ..choices import Choice, choice_lists
from ..config import Config
from ..derive import Derived, derive
from ..schema import DASHBOARD, SHEETS, Column, Sheet, aux_name
from ..template.dashboard import _cached as dashboard_cached
from ..template.dashboard import dashboard_cells, dashboard_values
from ..validate.cached import mismatches
from .cells import cached_parts
from .package import Package, Prefetch, Unsupported
from .props import set_properties
from .sheet import Cached, SheetEdit, Value, patch_sheet


@dataclass
class Changes:
    """What was written: cells per sheet name (inputs and cached results), rows appended per sheet key."""

    inputs: dict[str, int] = field(default_factory=dict)
    cached: dict[str, int] = field(default_factory=dict)
    appended: dict[str, list[int]] = field(default_factory=dict)
    #: Sheet keys whose new rows lay past the prepared rows (the schema's formulas were filled down).
    past_prepared: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(self.inputs.values()) and not any(self.cached.values())


def _labels(sheet: Sheet, lists: dict[str, tuple[Choice, ...]], lang: str) -> dict[str, dict[str, str]]:
    return {c.key: {ch.value: ch.label(lang) for ch in lists[c.choices]} for c in sheet.columns if c.choices}


def _cell_value(v: Any, labels: dict[str, str] | None) -> Any:
    if labels and isinstance(v, str):
        return labels.get(v, v)
    return v


def _cached_value(v: Any, labels: dict[str, str] | None) -> Any:
    if v is None or v == "":
        return ""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, str) and labels:
        return labels.get(v, v)
    return v


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _refresh(
    edit: SheetEdit,
    col: Column,
    now: list[Any],
    table: Table,
    numbers: list[int],
    start: int,
    n_old: int,
    labels: dict[str, str] | None,
    lists: dict[str, tuple[Choice, ...]],
    touched: set[int],
) -> None:
    """Cached results of column ``col`` to rewrite: on every new row, and on book rows whose cached
    result differs from Python's value. A column whose results were never computed (a book saved by
    a library that writes none) is left so, except on new rows. A result of TODAY() (``volatile``:
    逾期天数) is the day's it was computed on: the spreadsheet computes it again when it opens the
    book, so only the rows the change writes (``touched``: typed values or other results changed, and
    new rows) get today's."""
    where = table.columns[col.key]
    cached = table.cached.get(col.key) or []
    new = list(range(n_old, len(now)))
    if col.volatile:
        old: Iterable[int] = sorted(i for i in touched if i < n_old)
    elif not any(v not in (None, "") for v in cached):
        old = ()  # results never computed (a book a library wrote): left for the client
    else:
        old = range(n_old)
    rows = list(mismatches(col, cached, now, lists, blank_cache=True, rows=old)) + new
    for i in rows:
        v = now[i]
        r = numbers[i] if i < n_old else start + (i - n_old)
        edit.set(r, where, Cached(_cached_value(v, labels)))


def plan_changes(
    book: OrderBook,
    data: BookData,
    *,
    config: Config,
    today: date,
    date1904: bool = False,
    derived: Derived | None = None,
) -> tuple[dict[str, SheetEdit], Changes]:
    """The edit of each sheet (by name in the file) that turns ``book`` into ``data``. ``derived``:
    Python's derived values of ``data``, when already computed."""
    lists = choice_lists(config)
    old = {key: table.rows for key, table in book.tables.items()}
    after = derived or derive(data, config)
    edits: dict[str, SheetEdit] = {}
    changes = Changes()
    for s in SHEETS:
        table = book[s.key]
        rows_old, rows_new = old[s.key], data.get(s.key) or []
        if len(rows_new) < len(rows_old):
            raise Unsupported(f"{table.name}: rows would be removed")
        labels = _labels(s, lists, book.lang)
        edit = SheetEdit(date1904=date1904)
        inputs = [c for c in s.columns if not c.derived and c.key in table.columns]
        formula_columns = [c for c in s.columns if c.derived and c.key in table.columns]
        numbers = list(table.row_numbers)
        start = max([table.header_row, *numbers, *(r for r, _, _ in table.stray)]) + 1
        like = max(numbers) if numbers else None
        appended = []
        touched: set[int] = set()  # book rows whose typed values change
        for i, row in enumerate(rows_new):
            new = i >= len(rows_old)
            if new:
                r = start + (i - len(rows_old))
                appended.append(r)
                if like is not None:
                    edit.like[r] = like
            else:
                r = numbers[i]
            if new or (row is not rows_old[i] and row != rows_old[i]):  # most rows are the very same dicts
                if not new:
                    touched.add(i)
                for c in inputs:
                    v = row.get(c.key)
                    if new or not _same(v, rows_old[i].get(c.key)):
                        if not new or (v is not None and v != ""):
                            edit.set(r, table.columns[c.key], Value(_cell_value(v, labels.get(c.key))))
        for c in sorted(formula_columns, key=lambda c: c.volatile):  # the volatile last: on the rows the others changed
            if c.volatile:
                touched |= {i for i, r in enumerate(numbers) if r in edit.cells}
            _refresh(
                edit, c, after[s.key][c.key], table, numbers, start, len(rows_old), labels.get(c.key), lists, touched
            )
        changes.inputs[table.name] = sum(isinstance(w, Value) for cells in edit.cells.values() for w in cells.values())
        changes.cached[table.name] = sum(isinstance(w, Cached) for cells in edit.cells.values() for w in cells.values())
        changes.appended[s.key] = appended
        if edit:
            edits[table.name] = edit
    return edits, changes


def _cached_in(xml: bytes, at: str) -> str | None:
    """The cached result text of cell ``at`` of a worksheet, None when it holds no formula."""
    m = re.search(rb'<c\b[^>]*\br="' + at.encode() + rb'"[^>]*>(.*?)</c>', xml, re.S)
    if m is None or b"<f" not in m[1]:
        return None
    v = re.search(rb"<v>(.*?)</v>", m[1], re.S)
    return v[1].decode("utf-8") if v else ""


def _same_text(a: str, b: str) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-9
    except ValueError:
        return a == b


def dashboard_edit(
    xml: bytes, data: BookData, derived: Derived, config: Config, today: date, date1904: bool
) -> SheetEdit:
    """The dashboard's cached figures that differ from Python's for ``data`` (its formulas compute
    over the data sheets, so a change there moves them)."""
    now = dashboard_values(data, derived, config, today)
    edit = SheetEdit(date1904=date1904)
    for key, at in dashboard_cells().items():
        have = _cached_in(xml, at)
        value = dashboard_cached(now[key], True)
        if have is None or _same_text(have, cached_parts(value, date1904)[1]):
            continue
        m = re.fullmatch(r"([A-Z]+)(\d+)", at)
        assert m is not None, f"dashboard_cells gives A1 names, not {at!r}"
        edit.set(int(m[2]), ord(m[1]) - 65, Cached(value))
    return edit


def _grow_print_areas(pkg: Package, book: OrderBook, changes: Changes) -> None:
    """A print area that stops above the rows appended takes them in (a clerk printing the sheet must
    see the new rows); the names are moved as ``orderbook extend`` moves them."""
    from .extend import move_names

    last = {key: rows[-1] for key, rows in changes.appended.items() if rows}
    if not last:
        return
    workbook = pkg.office_document()
    key_of = {book[s.key].name: s.key for s in SHEETS}
    xml, moved = move_names(pkg.text(workbook), [key_of.get(s.name) for s in pkg.sheets()], {}, last)
    if moved:
        pkg.new[workbook] = xml.encode("utf-8")


def write_changes(
    path: str | os.PathLike[str],
    book: OrderBook,
    data: BookData,
    out: BinaryIO,
    *,
    config: Config,
    today: date,
    derived: Derived | None = None,
    properties: dict[str, str] | None = None,
    prefetched: Prefetch | None = None,
) -> Changes:
    """Write the book at ``path`` with ``data`` in place of ``book``'s rows to the open binary file
    ``out``; ``properties``: custom document properties to set too (the settings the book now
    carries); ``prefetched``: the sheets already being inflated (Prefetch). Raises Unsupported when the
    package has a shape this writer does not handle."""
    with Package(path, prefetched=prefetched) as pkg:
        sheets = {s.name: s.part for s in pkg.sheets()}
        date1904 = pkg.date1904()
        derived = derived or derive(data, config)
        edits, changes = plan_changes(book, data, config=config, today=today, date1904=date1904, derived=derived)
        dashboard = sheets.get(aux_name(DASHBOARD, book.lang))
        if dashboard is not None:  # a book without our dashboard has nothing to refresh there
            edit = dashboard_edit(pkg.read(dashboard), data, derived, config, today, date1904)
            if edit:
                edits[aux_name(DASHBOARD, book.lang)] = edit
                changes.cached[aux_name(DASHBOARD, book.lang)] = sum(len(c) for c in edit.cells.values())
        _grow_print_areas(pkg, book, changes)
        for name, edit in edits.items():
            part = sheets.get(name)
            if part is None:
                raise Unsupported(f"sheet {name!r} not found")
            pkg.new[part] = patch_sheet(pkg.read(part), edit)  # streamed into the zip
        if properties:
            set_properties(pkg, properties)
        pkg.write_to(out)  # the sheets are patched as they are written
    for s in SHEETS:
        written = edits.get(book[s.key].name)
        if written is not None and written.filled & {
            book[s.key].columns[c.key] for c in s.derived if c.key in book[s.key].columns
        }:
            changes.past_prepared.append(s.key)
    return changes
