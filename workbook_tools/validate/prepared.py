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

from collections.abc import Iterator

from ..book import Table
from ..cells import col_letter
from ..findings import Finding
from ..schema import SHEETS, Column, Sheet
from ..xlsxpkg.extend import BookFacts, SheetFacts, gaps, read_facts
from .context import Context

CODES = ("formula-missing", "prepared-rows-low", "validation-missing")
_FACTS = "_prepared_facts"


def facts(ctx: Context, mismatched: dict[str, dict[int, list[int]]] | None = None) -> BookFacts | None:
    """The book's prepared rows as its file has them (None: no file, or not one this can read).

    Of the derived cells only the doubtful are looked up: those whose cached result is blank, and
    ``mismatched`` (sheet key -> 0-based column -> rows: cached.py's, whose result is not Python's).
    A cell showing Python's value holds its formula or that very value: nothing to report there."""
    if _FACTS not in ctx.__dict__:
        path = ctx.book.path
        ctx.__dict__[_FACTS] = read_facts(path, ctx.book, _doubtful(ctx, mismatched or {})) if path else None
    found: BookFacts | None = ctx.__dict__[_FACTS]
    return found


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
            rows = [r for r, h in zip(numbers, cached) if h is None or h == ""] + numbers[len(cached):]
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
    if "_missing_rows" in ctx.__dict__:
        known: dict[str, list[tuple[int, list[Column]]]] = ctx.__dict__["_missing_rows"]
        return known
    found = facts(ctx)
    out: dict[str, list[tuple[int, list[Column]]]] = {}
    ctx.__dict__["_missing_rows"] = out
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
            yield ctx.at("formula-missing", key, i, columns[0].key, ctx.table(key).row_numbers[i],
                         columns=names, columns_en=names_en)
    for s in SHEETS:
        table, f = ctx.table(s.key), found.sheets.get(s.key)
        if f is None:
            continue
        end = found.prepared_end(ctx.book, s.key)
        last = max(table.row_numbers, default=table.header_row)
        if end is not None and table.row_numbers:
            needed = low_threshold(last - table.header_row)
            if end - last < needed:
                i = table.row_numbers.index(last)
                yield ctx.at("prepared-rows-low", s.key, i, None, last, end=end, remaining=max(0, end - last),
                             needed=needed)
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
        yield Finding("validation-missing", sheet=table.name, row=first, column=col_letter(c), field=columns[0].key,
                      value=span, params={"columns": "、".join(f"“{col.zh}”" for col in columns),
                                          "columns_en": ", ".join(col.en for col in columns)},
                      file=str(ctx.book.path) if ctx.book.path else None)
