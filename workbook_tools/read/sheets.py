"""Finding the data sheets in a workbook, and turning one sheet's grid into a typed ``Table``."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from functools import cache
from types import CodeType, FunctionType
from typing import Any

from ..book import OtherSheet, Table
from ..cells import col_letter
from ..errors import MissingColumnError, MissingSheetError
from ..keys import KEY_COLUMNS, misspelt_cells
from ..lang import DEFAULT as DEFAULT_LANG
from ..lang import Said
from ..schema import DASHBOARD, INSTRUCTIONS, LISTS, NUMERIC_TYPES, SHEETS, Sheet, T
from .coerce import ExcelError
from .columns import convert_column
from .headers import HEADER_SEARCH_ROWS, HeaderMap, find_header, normalise
from .open import Merged, SheetCells


def _both(zh: str, en: str) -> str:
    """A sheet's or column's two names, for the English line (either is read)."""
    return f"{zh} / {en}"


def find_sheets(path: Any, names: Iterable[str]) -> tuple[dict[str, str], str]:
    """``({sheet key: name in the file}, lang)`` — each data sheet by its Chinese or English name (or
    key), matched after normalising; the first match in workbook order wins. ``lang`` is "en" when
    every sheet has its English name, else "zh". Raises MissingSheetError naming what is missing."""
    names = list(names)
    wanted: dict[str, tuple[str, str]] = {}
    for s in SHEETS:
        for word, lang in ((s.zh, "zh"), (s.en, "en"), (s.key, "en")):
            wanted.setdefault(normalise(word), (s.key, lang))
    found: dict[str, str] = {}
    langs: set[str] = set()
    for name in names:
        hit = wanted.get(normalise(name))
        if hit and hit[0] not in found:
            found[hit[0]] = name
            langs.add(hit[1])
    missing = [s for s in SHEETS if s.key not in found]
    if missing:
        what = ", ".join(_both(s.zh, s.en) for s in missing)
        have = ", ".join(names) or "none"
        noun = "sheet" if len(missing) == 1 else "sheets"
        raise MissingSheetError(
            path,
            Said(
                f"缺少工作表 {'、'.join(s.zh for s in missing)}（文件中有：{'、'.join(names) or '无'}）",
                f"{noun} {what} not found (the file has: {have})",
            ),
        )
    # a book in one language is in that language; one with both names is Chinese (the default)
    return {s.key: found[s.key] for s in SHEETS}, (next(iter(langs)) if len(langs) == 1 else DEFAULT_LANG)


def find_other_sheets(info: dict[str, tuple[str, bool]], data_names: dict[str, str]) -> list[OtherSheet]:
    """The sheets staff added, in workbook order: every sheet but the data sheets found and the
    instructions, dashboard and lists sheets (by either language's name). ``info``: name ->
    (kind, hidden), as ``Source.sheet_info`` gives it."""
    ours = {normalise(n) for pair in (INSTRUCTIONS, DASHBOARD, LISTS) for n in pair}
    taken = set(data_names.values())
    return [
        OtherSheet(name, hidden=hidden, kind=kind)
        for name, (kind, hidden) in info.items()
        if name not in taken and normalise(name) not in ours
    ]


def sheet_values(cells: SheetCells) -> list[list[Any]]:
    """A sheet's grid as plain values: None for an empty cell, an error cell as its text."""
    grid = cells.grid
    for (r, c), text in cells.errors.items():
        if r < len(grid) and c < len(grid[r]):
            grid[r][c] = text
    rows = [[None if v == "" else v for v in row] for row in grid]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


@cache
def _row_builder(keys: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """``build(v0, v1, …) -> {keys[0]: v0, keys[1]: v1, …}``, made once per sheet: a dict display
    with constant keys is built in one step, 1.3-1.6 times as fast as ``dict(zip(keys, values))``
    or any mapping of iterators, and a large book has a million rows. The function is assembled as
    a syntax tree — the keys are ``Constant`` nodes, no text is parsed, so no key can become code."""
    params = [ast.arg(f"v{i}") for i in range(len(keys))]
    display = ast.Dict(keys=[ast.Constant(k) for k in keys], values=[ast.Name(a.arg, ast.Load()) for a in params])
    signature = ast.arguments(posonlyargs=[], args=params, kwonlyargs=[], kw_defaults=[], defaults=[])
    tree = ast.fix_missing_locations(ast.Expression(ast.Lambda(args=signature, body=display)))
    body = next(c for c in compile(tree, "<row builder>", "eval").co_consts if isinstance(c, CodeType))
    return FunctionType(body, {}, "build_row")


def _plain(v: Any) -> Any:
    return v.text if type(v) is ExcelError else v


def _mark_errors(grid: list[list[Any]], errors: dict[tuple[int, int], str], first: int) -> None:
    for (r, c), text in errors.items():
        if r >= first and r < len(grid) and c < len(grid[r]):
            grid[r][c] = ExcelError(text)


def _fill_merged(grid: list[list[Any]], merged: Merged, first: int) -> None:
    """A value merged down several rows belongs to each of them (an order number spanning its lines).
    Only downwards, within one column: a note merged across columns is not copied into quantities."""
    for (r0, c0), (r1, _c1) in merged:
        if r0 < first or r1 <= r0 or r0 >= len(grid):
            continue
        value = grid[r0][c0]
        for r in range(r0 + 1, min(r1, len(grid) - 1) + 1):
            if grid[r][c0] == "":
                grid[r][c0] = value


def _as_read(v: Any) -> Any:
    """A cached number as calamine read it; "" -> None, an error cell or typed text as its text."""
    if v.__class__ is str:
        return v.strip() or None
    return v.text if v.__class__ is ExcelError else v


def _as_read_int(v: Any) -> Any:
    """A cached count or day number: a whole float as an int."""
    return int(v) if v.__class__ is float and v.is_integer() else _as_read(v)


def _cached_numbers(raw: tuple[Any, ...], whole: bool) -> list[Any]:
    """A column of cached numeric results as read (``_as_read`` / ``_as_read_int`` of each value): a
    column of nothing but numbers as it is, in C (a large book has a million cached amounts)."""
    if set(map(type, raw)) == {float}:
        if not whole:
            return list(raw)
        if all(map(float.is_integer, raw)):
            return list(map(int, raw))
    return list(map(_as_read_int if whole else _as_read, raw))


def read_table(
    path: Any,
    sheet: Sheet,
    name: str,
    grid: list[list[Any]],
    hmap: HeaderMap,
    converters: dict[str, Callable[[Any], Any]],
    *,
    errors: dict[tuple[int, int], str] | None = None,
    merged: Merged | None = None,
) -> Table:
    """The records of one sheet: every row below the header whose input columns are not all blank.

    ``grid`` is calamine's ``to_python(skip_empty_area=False)`` (row 0 = Excel row 1); it is
    emptied as the columns are taken out, to keep the peak memory of a large book down."""
    header = find_header(grid, hmap)
    if header is None:
        required = [c for c in sheet.inputs if c.required]
        raise MissingColumnError(
            path,
            Said(
                f"工作表 {name} 前 {HEADER_SEARCH_ROWS} 行找不到表头（应有 {'、'.join(c.zh for c in required)} 等列）",
                f"sheet {name}: no header row found in the first {HEADER_SEARCH_ROWS} rows "
                f"(expected columns such as {', '.join(_both(c.zh, c.en) for c in required)})",
            ),
        )
    missing = [c for c in sheet.inputs if c.required and c.key not in header.columns]
    if missing:
        what = ", ".join(_both(c.zh, c.en) for c in missing)
        noun = "column" if len(missing) == 1 else "columns"
        raise MissingColumnError(
            path,
            Said(
                f"工作表 {name} 的表头（第 {header.index + 1} 行）缺少必填列 {'、'.join(c.zh for c in missing)}",
                f"sheet {name} ({_both(sheet.zh, sheet.en)}): required {noun} {what} "
                f"not found in the header row (row {header.index + 1})",
            ),
        )
    first = header.index + 1
    if errors:
        _mark_errors(grid, errors, first)
    if merged:
        _fill_merged(grid, merged, first)

    width = len(grid[header.index])
    n = len(grid) - first
    cells = list(zip(*grid[first:])) if n else []
    grid.clear()

    def values(c: int) -> tuple[Any, ...]:
        return cells[c] if c < len(cells) else ("",) * n

    # 1. input columns, typed; a column the file does not have is all None
    inputs = sheet.inputs
    derived_at = {header.columns[c.key] for c in sheet.derived if c.key in header.columns}
    typed: list[list[Any]] = []
    problems: list[tuple[int, str, Any, str]] = []
    spelling: list[tuple[int, str, str]] = []
    key_columns = KEY_COLUMNS[sheet.key]
    for col in inputs:
        c = header.columns.get(col.key)
        if c is None:
            typed.append([None] * n)
            continue
        out, probs = convert_column(values(c), converters[col.key])
        typed.append(out)
        problems.extend((i, col.key, raw, reason) for i, raw, reason in probs)
        if col.key in key_columns:
            spelling.extend((i, col.key, raw) for i, raw in misspelt_cells(values(c), out))

    # the input columns' cells as read are typed now: let them go before the rows are built (on a
    # large book the texts as read would outlive them by a hundred megabytes)
    for c in header.columns.values():
        if c < len(cells) and c not in derived_at:
            cells[c] = ()

    # 2. records: rows with a value or a problem in some input column
    keys = tuple(c.key for c in inputs)
    rows = list(map(_row_builder(keys), *typed))
    keep: list[int] | range = range(n)
    if not any(None not in column for column in typed):  # (else some column is filled on every row)
        blank = dict.fromkeys(keys)
        flagged = {p[0] for p in problems}
        keep = [i for i, row in enumerate(rows) if row != blank or i in flagged]
    new_index = None
    by_column = dict(zip(keys, typed))
    del typed
    if len(keep) != len(rows):
        rows = [rows[i] for i in keep]
        by_column = {k: [column[i] for i in keep] for k, column in by_column.items()}
        new_index = {old: new for new, old in enumerate(keep)}
        problems = [(new_index[i], k, raw, reason) for i, k, raw, reason in problems]
        spelling = [(new_index[i], k, raw) for i, k, raw in spelling]
    position = {k: j for j, k in enumerate(keys)}
    problems.sort(key=lambda p: (p[0], position[p[1]]))

    def pick(column: list[Any] | tuple[Any, ...]) -> list[Any]:
        return list(column) if new_index is None else [column[i] for i in keep]

    # 3. derived columns: the cached formula results, never trusted. Numbers stay as read: they are
    #    only ever compared to the cent (validate/cached.py), and making a Decimal of each of a
    #    large book's million cached amounts cost a second. Other results are typed where possible.
    cached: dict[str, list[Any]] = {}
    for col in sheet.derived:
        c = header.columns.get(col.key)
        if c is None:
            continue
        raw = values(c)
        if col.type in NUMERIC_TYPES:
            cached[col.key] = pick(_cached_numbers(raw, col.type == T.INT))
            continue
        out, probs = convert_column(raw, converters[col.key])
        for i, r, _reason in probs:
            out[i] = r.strip() if isinstance(r, str) else r  # "#N/A" or what was typed over the formula
        cached[col.key] = pick(out)

    # 4. columns the schema does not know, kept as found ('' -> None), and what they hold on rows
    #    that are no record (a note below the data), so that regenerating the book loses nothing
    extra: dict[str, tuple[int, list[Any]]] = {}
    stray: list[tuple[int, str, Any]] = []
    known = set(header.columns.values()) | set(header.extra.values())
    spare = [(f"({col_letter(c)})", c) for c in range(width) if c not in known]
    candidates = list(header.extra.items()) + spare
    dropped = [] if new_index is None or not candidates else sorted(set(range(n)).difference(keep))
    for text, c in candidates:
        column = values(c)
        found = [None if v == "" else _plain(v) for v in pick(column)]
        lost = [(first + i + 1, text, _plain(column[i])) for i in dropped if column[i] != ""]
        if c in header.extra.values() or lost or any(v is not None for v in found):
            extra[text] = (c, found)
            stray.extend(lost)
    stray.sort(key=lambda s: s[0])

    return Table(
        sheet=sheet,
        name=name,
        rows=rows,
        row_numbers=list(range(first + 1, first + n + 1)) if new_index is None else [first + i + 1 for i in keep],
        columns=dict(header.columns),
        cached=cached,
        extra=extra,
        stray=stray,
        problems=problems,
        header_row=header.index + 1,
        spelling=spelling,
        by_column=by_column,
    )
