"""What a book written anew takes from the book it was read from, besides the rows themselves:
staff columns (with their values on rows without a record), the values the reader could not type,
and the staff's own sheets, renamed where the new book has a sheet of that name.

``regenerate`` (the rebuild: regenerate.py) and ``merge`` build their :class:`~.template.carry.Carry`
here; template/carry.py holds the Carry itself and writes it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

from .book import BookData, OrderBook, OtherSheet, Row, Table
from .cells import col_letter
from .keys import natural
from .lang import Said
from .schema import DASHBOARD, INSTRUCTIONS, LISTS, SHEETS, Sheet, aux_name
from .template.carry import Carry, ExtraColumn, SheetCarry, StaffSheet

#: Excel's longest sheet name.
SHEET_NAME_MAX = 31


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


def _extra_columns(table: Table) -> list[tuple[str, str | None, list[Any], int]]:
    """(name in Table.extra, header to write, values per record, column in the file), in the file's column order."""
    return [
        (name, extra_header(name, c), values, c)
        for name, (c, values) in sorted(table.extra.items(), key=lambda item: item[1][0])
    ]


def _raw(table: Table) -> dict[int, dict[str, Any]]:
    raw: dict[int, dict[str, Any]] = defaultdict(dict)
    for i, key, value, _reason in table.problems:
        raw[i][key] = value
    return dict(raw)


#: What a sheet that is not a worksheet is, in Chinese (its ``kind`` says it in English).
SHEET_KIND_ZH = {"chart": "图表工作表", "other": "对话框或宏工作表"}


def stray_note(sheet: str, n: int, row: int | None = None) -> Said:
    """Values staff typed beside the records, on rows without one, that are not carried over."""
    return Said(
        f"{sheet}：没有记录的行上有 {n} 个员工列中的值没有带过去" + (f"，例如第 {row} 行" if row else ""),
        f"{sheet}: {n} value(s) in staff columns on rows without a record not carried over"
        + (f", e.g. row {row}" if row else ""),
    )


def _header_note(table: Table) -> list[Said]:
    if table.header_row > 1:
        return [
            Said(
                f"{table.name}：表头原在第 {table.header_row} 行；它上面的行（标题）没有带过去（模板的表头在第 1 行）",
                f"{table.name}: the header was on row {table.header_row}; the rows above it (titles) "
                f"are not carried over (the template's header is row 1)",
            )
        ]
    return []


def carry_book(book: OrderBook, *, keep_rows: dict[str, set[int]] | None = None) -> tuple[BookData, Carry, list[Said]]:
    """The book's own rows, and everything else they carry (staff columns with their stray values
    on rows without a record, which become blank rows in their place; raw values). ``keep_rows``:
    per sheet key, Excel rows without a record to keep as blank rows too (they hold something staff
    put there, such as a formula with no value yet). ``SheetCarry.source_rows`` says where each
    row written was."""
    data: BookData = {}
    carry = Carry()
    notes: list[Said] = []
    for sheet in SHEETS:
        table = book[sheet.key]
        notes += _header_note(table)
        columns = _extra_columns(table)
        raw = _raw(table)
        strays: dict[int, dict[str, Any]] = defaultdict(dict)
        for row_number, name, value in table.stray:
            strays[row_number][name] = value
        records = set(table.row_numbers)
        for row_number in (keep_rows or {}).get(sheet.key, ()):
            if row_number not in records:
                strays.setdefault(row_number, {})
        if not strays:
            data[sheet.key] = [dict(r) for r in table.rows]
            carry.sheets[sheet.key] = SheetCarry(
                [ExtraColumn(h, list(v), c) for _n, h, v, c in columns], raw, source_rows=list(table.row_numbers)
            )
            continue
        # rows without a record that hold staff values: blank rows at their place among the records
        blank = {c.key: None for c in sheet.inputs}
        order = sorted([(n, i) for i, n in enumerate(table.row_numbers)] + [(n, -1) for n in strays])
        rows: list[Row] = []
        extras: list[ExtraColumn] = [ExtraColumn(h, [], c) for _n, h, _v, c in columns]
        new_raw: dict[int, dict[str, Any]] = {}
        for row_number, i in order:
            if i >= 0:
                if i in raw:
                    new_raw[len(rows)] = raw[i]
                rows.append(dict(table.rows[i]))
                for extra, (_name, _h, values, _c) in zip(extras, columns):
                    extra.values.append(values[i])
            else:
                rows.append(dict(blank))
                for extra, (name, _h, _values, _c) in zip(extras, columns):
                    extra.values.append(strays[row_number].get(name))
        data[sheet.key] = rows
        carry.sheets[sheet.key] = SheetCarry(extras, new_raw, source_rows=[n for n, _i in order])
    return data, carry, notes


def row_key(sheet: Sheet, row: Row) -> tuple[Any, ...] | None:
    """The row's natural key (schema.Sheet.natural_key), or None when every part of it is blank."""
    key = tuple(natural(row.get(k)) for k in sheet.natural_key)
    return None if all(v is None or v == "" for v in key) else key


def carry_by_key(book: OrderBook, data: BookData) -> tuple[BookData, Carry, list[Said]]:
    """``data``'s rows, with the staff values of the book's rows that have the same natural key
    (the n-th row of a key in ``data`` takes those of the n-th row of that key in the book)."""
    out: BookData = {}
    carry = Carry()
    notes: list[Said] = []
    for sheet in SHEETS:
        table = book[sheet.key]
        rows = [dict(r) for r in (data.get(sheet.key) or [])]
        out[sheet.key] = rows
        notes += _header_note(table)
        columns = _extra_columns(table)
        raw = _raw(table)
        queues: dict[tuple[Any, ...], deque[int]] = defaultdict(deque)
        for i, r in enumerate(table.rows):
            k = row_key(sheet, r)
            if k is not None:
                queues[k].append(i)
        extras = [ExtraColumn(h, [], c) for _n, h, _v, c in columns]
        new_raw: dict[int, dict[str, Any]] = {}
        matched: set[int] = set()
        sources: list[int | None] = []
        for j, r in enumerate(rows):
            k = row_key(sheet, r)
            queue = queues.get(k) if k is not None else None
            was = queue.popleft() if queue else None  # the old row of this key, if any
            sources.append(table.row_numbers[was] if was is not None else None)
            if was is not None:
                matched.add(was)
                found = {key: v for key, v in raw.get(was, {}).items() if r.get(key) is None}
                if found:
                    new_raw[j] = found
            for extra, (_name, _h, values, _c) in zip(extras, columns):
                extra.values.append(values[was] if was is not None else None)
        lost = [
            i
            for i in range(len(table.rows))
            if i not in matched and (i in raw or any(values[i] is not None for _n, _h, values, _c in columns))
        ]
        if lost:
            first = table.row_numbers[lost[0]]
            notes.append(
                Said(
                    f"{table.name}：{len(lost)} 行的员工列或读不出的值没有带过去（新数据中没有同键的行），"
                    f"例如第 {first} 行",
                    f"{table.name}: staff-column or unreadable values of {len(lost)} row(s) not carried over "
                    f"(no row with their key in the new data), e.g. row {first}",
                )
            )
        if table.stray:
            notes.append(stray_note(table.name, len(table.stray), table.stray[0][0]))
        carry.sheets[sheet.key] = SheetCarry(
            extras if any(c.header is not None or any(v is not None for v in c.values) for c in extras) else [],
            new_raw,
            source_rows=sources,
        )
    return out, carry, notes


# --------------------------------------------------------------------------------------------
# Staff sheets
# --------------------------------------------------------------------------------------------


def own_sheet_names(lang: str) -> list[str]:
    """The sheets write_book writes, in ``lang``."""
    return [
        aux_name(INSTRUCTIONS, lang),
        aux_name(DASHBOARD, lang),
        *(s.name(lang) for s in SHEETS),
        aux_name(LISTS, lang),
    ]


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


def staff_sheets(
    sheets: list[OtherSheet], lang: str, *, values_only: bool = True
) -> tuple[list[OtherSheet], list[Said]]:
    """The staff sheets to write after the book's own, renamed where a name is taken (a sheet
    named "Orders" in a book regenerated in English), and notes on what is not carried.
    ``values_only=False`` (regenerate, which carries more and names chart sheets as lost itself):
    StaffSheets keeping their old name in ``source``, no notes on chart sheets or on values only."""
    taken = {n.casefold() for n in own_sheet_names(lang)}
    out: list[OtherSheet] = []
    notes: list[Said] = []
    for sheet in sheets:
        if sheet.kind != "worksheet":
            if values_only:
                notes.append(
                    Said(
                        f"工作表 {sheet.name!r} 是{SHEET_KIND_ZH.get(sheet.kind, '特殊工作表')}，没有带过去",
                        f"sheet {sheet.name!r} is a {sheet.kind} sheet and is not carried over",
                    )
                )
            continue
        name = free_name(sheet.name, taken)
        taken.add(name.casefold())
        if name != sheet.name:
            notes.append(
                Said(
                    f"工作表 {sheet.name!r} 改名为 {name!r}：新簿中已有同名工作表",
                    f"sheet {sheet.name!r} renamed {name!r}: the new book has a sheet of that name",
                )
            )
        if values_only:
            out.append(OtherSheet(name, sheet.rows, hidden=sheet.hidden))
        else:
            out.append(StaffSheet(name, sheet.rows, hidden=sheet.hidden, source=sheet.name))
    if out and values_only:
        notes.append(
            Said(
                "员工的工作表只带过去了值（公式、格式和合并单元格没有）：" + "、".join(s.name for s in out),
                "staff sheets carried over as values only (formulas, formatting and merged cells are not): "
                + ", ".join(s.name for s in out),
            )
        )
    return out, notes
