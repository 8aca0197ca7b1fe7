"""The book's own machinery, checked as its XML has it: rows of data with no formulas, sheets whose
prepared rows run out, input rows that lost their data validation.

- ``formula-missing``: a row of data whose derived cells hold no formula (nor a value: one typed
  over a formula is ``formula-overwritten``'s, cached.py) in a column that has formulas elsewhere —
  typically rows typed below the prepared ones, where nothing is computed.
- ``prepared-rows-low``: fewer prepared rows (formulas, formats, the ``rng_`` ranges the formulas
  compute over) left below a sheet's data than ``template.write.low_threshold`` (500, or a tenth
  of the rows in use); ``orderbook extend`` prepares more.
- ``validation-missing``: input columns whose data validation does not cover every row from 2 to
  the prepared end (or the last row of data): LibreOffice keeps it only to the last used row +
  1,000 when it saves, and pasting whole rows takes it away.

The sheets' XML is read once per book (xlsxpkg/extend.py: ``book_facts``) and shared with cached.py.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..book import OrderBook, Table
from ..cells import MAX_ROW, col_letter
from ..findings import Finding
from ..schema import SHEETS, Column, Sheet
from ..xlsxpkg.extend import BookFacts, SheetFacts, gaps, read_facts
from .context import Context

CODES = ("formula-missing", "prepared-rows-low", "validation-missing")
#: A book this many records long has its XML looked up in a second process while the checks run
#: (reading 100,000 orders' sheets takes seconds; a small book's, less than starting a process).
BACKGROUND_RECORDS = 20_000
#: The same, told by the file's size before it is read (``fork_ahead``): about 20,000 records.
BACKGROUND_BYTES = 2 << 20
#: prctl's request for a signal when the parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def _may_fork() -> bool:
    """Systems without fork, and daemon processes ("daemonic processes are not allowed to have
    children"), start no second process: there the XML is read when asked."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def _die_with(parent: int) -> None:
    """The second process's first step: to be killed when this one dies (killed at its memory cap or
    its deadline by the nightly job), not left waiting for its job forever (Linux's prctl; elsewhere
    nothing is asked)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl here
        return
    if os.getppid() != parent:  # it died before the request was made
        os._exit(0)


def _second_process() -> ProcessPoolExecutor | None:
    """The second process, forked now; None when none can be (no memory left for it under the
    nightly's cap, no process left: the XML is then read in line, as for a small book)."""
    pool = None
    try:
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_die_with,
            initargs=(os.getpid(),),
        )
        pool.submit(int)  # forks the worker now
    except (OSError, BrokenProcessPool):
        if pool is not None:
            pool.shutdown(wait=False)
        return None
    return pool


def fork_ahead(path: Path | None) -> ProcessPoolExecutor | None:
    """The second process for ``start``, forked before the book at ``path`` is read, while this process
    is small. Forked after, from a process holding a large book's rows, it would make this one copy
    each page it touches while the child lives: the checks that run beside it took twice as long on a
    250,000-order book. None for a small file (read in line) or where no process can be forked."""
    try:
        big = path is not None and path.stat().st_size >= BACKGROUND_BYTES
    except OSError:
        big = False
    return _second_process() if big and _may_fork() else None


def start(ctx: Context, pool: ProcessPoolExecutor | None = None) -> None:
    """Begin reading what the file's cells hold where a cached result is blank, in a second process
    (``pool``, forked ahead by ``fork_ahead``; else forked now, for a book of ``BACKGROUND_RECORDS``:
    it needs nothing but the file and the rows asked about) while the checks run on this one.
    ``facts`` collects it. Small books, and processes that may fork none, read it when asked."""
    path = ctx.book.path
    if pool is None:
        if path is None or sum(len(t.rows) for t in ctx.book.tables.values()) < BACKGROUND_RECORDS:
            return
        pool = _second_process() if _may_fork() else None
        if pool is None:
            return
    if path is None:
        pool.shutdown(wait=False)
        return
    layout = {k: (t.sheet.key, t.name, dict(t.columns)) for k, t in ctx.book.tables.items()}
    ctx.once("prepared_blank", lambda: pool.submit(_read_laid_out, path, layout, _doubtful(ctx, {})))
    pool.shutdown(wait=False)  # the worker exits once its one job is done


def _read_laid_out(
    path: Path, layout: dict[str, tuple[str, str, dict[str, int]]], wanted: dict[str, dict[int, list[int]]]
) -> BookFacts | None:
    """``read_facts`` in the second process, from the sheets' names and columns alone."""
    sheets = {s.key: s for s in SHEETS}
    book = OrderBook(
        {k: Table(sheet=sheets[key], name=name, columns=columns) for k, (key, name, columns) in layout.items()},
        path=path,
    )
    return read_facts(path, book, wanted)


def facts(ctx: Context, mismatched: dict[str, dict[int, list[int]]] | None = None) -> BookFacts | None:
    """The book's prepared rows as its file has them (None: no file, or not one this can read).

    Of the derived cells only the doubtful are looked up: those whose cached result is blank, and
    ``mismatched`` (sheet key -> 0-based column -> rows: cached.py's, whose result is not Python's).
    A cell showing Python's value holds its formula or that very value: nothing to report there."""
    return ctx.once("prepared_facts", lambda: _facts(ctx, mismatched or {}))


def _facts(ctx: Context, mismatched: dict[str, dict[int, list[int]]]) -> BookFacts | None:
    path = ctx.book.path
    if path is None:
        return None
    pending: Future[BookFacts | None] | None = ctx.once("prepared_blank", lambda: None)
    if pending is None:
        return read_facts(path, ctx.book, _doubtful(ctx, mismatched))
    try:
        found = pending.result()
    except (OSError, BrokenProcessPool):  # no second process after all (out of memory, killed)
        return read_facts(path, ctx.book, _doubtful(ctx, mismatched))
    if found is not None and any(mismatched.values()):
        more = read_facts(path, ctx.book, mismatched)
        if more is not None:
            _merge(found, more)
    return found


def _merge(found: BookFacts, more: BookFacts) -> None:
    """Add the rows ``more`` looked up to ``found`` (both read for some rows only)."""
    for key, sheet in more.sheets.items():
        into = found.sheets.get(key)
        if into is None:
            found.sheets[key] = sheet
            continue
        for c, cells in sheet.cells.items():
            have = into.cells.setdefault(c, cells)
            if have is not cells and isinstance(have.flags, dict) and isinstance(cells.flags, dict):
                have.flags.update(cells.flags)
                have.last_formula = max(have.last_formula, cells.last_formula)


def _doubtful(ctx: Context, mismatched: dict[str, dict[int, list[int]]]) -> dict[str, dict[int, list[int]]]:
    out: dict[str, dict[int, list[int]]] = {}
    for s in SHEETS:
        table = ctx.table(s.key)
        for col in s.derived:
            c = table.columns.get(col.key)
            if c is None:
                continue
            cached = table.cached.get(col.key) or []
            numbers = table.row_numbers
            rows = numbers[len(cached) :]
            if None in cached or "" in cached:  # (searched in C: most columns have every result)
                rows = [r for r, h in zip(numbers, cached) if h is None or h == ""] + rows
            out.setdefault(s.key, {})[c] = rows + mismatched.get(s.key, {}).get(c, [])
    return out


def _formula_columns(ctx: Context, found: BookFacts, key: str) -> list[Column]:
    """The derived columns of sheet ``key`` that hold formulas somewhere (others are values by design)."""
    f = found.sheets.get(key)
    table = ctx.table(key)
    if f is None:
        return []
    out: list[Column] = []
    for col in table.sheet.derived:
        c = table.columns.get(col.key)
        cells = f.cells.get(c) if c is not None else None
        if cells is not None and cells.last_formula:
            out.append(col)
    return out


def missing_rows(ctx: Context) -> dict[str, list[tuple[int, list[Column]]]]:
    """Sheet key -> [(record index, derived columns without a formula or a value), …]."""
    return ctx.once("prepared_missing_rows", lambda: _missing_rows(ctx))


def _missing_rows(ctx: Context) -> dict[str, list[tuple[int, list[Column]]]]:
    found = facts(ctx)
    out: dict[str, list[tuple[int, list[Column]]]] = {}
    if found is None:
        return out
    for s in SHEETS:
        table, f = ctx.table(s.key), found.sheets.get(s.key)
        columns = _formula_columns(ctx, found, s.key)
        if f is None or not columns:
            continue
        numbers = table.row_numbers
        index = {r: i for i, r in enumerate(numbers)}
        empty: dict[int, list[Column]] = {}
        for col in columns:
            for r in sorted(f.cells[table.columns[col.key]].empty_rows(numbers)):
                empty.setdefault(index[r], []).append(col)
        if empty:
            out[s.key] = sorted(empty.items())
    return out


def past_end(ctx: Context) -> bool:
    """Whether some sheet has data below its prepared rows, or rows without their formulas: then the
    formulas' results cannot be held against Python's until the book is extended and recalculated."""
    found = facts(ctx)
    if found is None:
        return False
    if missing_rows(ctx):
        return True
    for s in SHEETS:
        end = found.prepared_end(ctx.book, s.key)
        numbers = ctx.table(s.key).row_numbers
        if end is not None and numbers and max(numbers) > end:
            return True
    return False


def check(ctx: Context) -> Iterator[Finding]:
    found = facts(ctx)
    if found is None:
        return
    from ..template.write import low_threshold

    for key, rows in missing_rows(ctx).items():
        for i, columns in rows:
            names = "、".join(f"“{c.zh}”" for c in columns)
            names_en = ", ".join(c.en for c in columns)
            yield ctx.at(
                "formula-missing",
                key,
                i,
                columns[0].key,
                ctx.table(key).row_numbers[i],
                columns=names,
                columns_en=names_en,
            )
    for s in SHEETS:
        table, f = ctx.table(s.key), found.sheets.get(s.key)
        if f is None:
            continue
        end = found.prepared_end(ctx.book, s.key)
        last = max(table.row_numbers, default=table.header_row)
        if end is not None and table.row_numbers:
            needed = low_threshold(last - table.header_row)
            if end - last < needed and end < MAX_ROW:  # at Excel's last row nothing more can be prepared
                i = table.row_numbers.index(last)
                yield ctx.at(
                    "prepared-rows-low", s.key, i, None, last, end=end, remaining=max(0, end - last), needed=needed
                )
        yield from _validation(ctx, s, table, f, max(end or 0, last))


def _validation(ctx: Context, sheet: Sheet, table: Table, f: SheetFacts, expected_end: int) -> Iterator[Finding]:
    if not any(f.validation.values()):
        return  # a book without our validation (another program's): nothing was lost
    lost: dict[tuple[int, int], list[Column]] = {}
    for col in sheet.inputs:
        c = table.columns.get(col.key)
        if c is None:
            continue
        holes = gaps(f.validation.get(c, []), 2, expected_end)
        if holes:
            lost.setdefault(holes[0], []).append(col)
    for (first, last), columns in sorted(lost.items(), key=lambda kv: kv[0]):
        span = f"{first}" if first == last else f"{first}–{last}"
        c = table.columns[columns[0].key]
        yield Finding(
            "validation-missing",
            sheet=table.name,
            row=first,
            column=col_letter(c),
            field=columns[0].key,
            value=span,
            params={
                "columns": "、".join(f"“{col.zh}”" for col in columns),
                "columns_en": ", ".join(col.en for col in columns),
            },
            file=str(ctx.book.path) if ctx.book.path else None,
        )
