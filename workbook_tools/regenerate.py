"""Rebuild an order book from its own data on the current template (``orderbook regenerate``).

After a config change, a template upgrade, or to repair validation and formatting someone broke:
the book is read, and written again by ``write_book`` — dropdowns, validation, formulas,
conditional formats, protection, instructions and dashboard all new — with everything the staff
put in it (DESIGN.md, principle 2: a rebuild carries or names every thing it cannot keep, before
writing):

- every record, in its order, with every value typed as the reader read it;
- values the reader could not type (text in a quantity cell, ``#N/A``, a phone number stored as a
  number that lost digits) written into their cell as found — a string as text, a number as a
  number — so the next validation reports them again, at their new cell;
- columns staff added to a data sheet, after the schema's columns, header kept exactly, values as
  read (numbers stay numbers, text text, spaces kept), including what they hold on rows without a
  record;
- sheets staff added, after the book's own sheets: values, formulas, merged cells, column widths,
  frozen panes, the autofilter;
- read from the old book's XML (staffparts.py): cell comments with their author, hyperlinks (web,
  ``mailto:``, files, places in the book), the staff's markers on any cell of a data sheet below
  the header (bold, italic, underline, strike-through, font colour, fill — on top of the
  template's format for the cell) and the whole look of staff-sheet cells (also number formats,
  fonts, alignment, borders), formulas in staff columns, in input cells and on staff sheets (as
  formulas with their last value; shared formulas expanded; references follow the cells when
  columns or rows moved or sheets were renamed), the workbook's defined names, and the macros of
  an ``.xlsm`` (which stays an ``.xlsm``, with its VBA project and code names);
- dates Excel stores before 1 March 1900 keep their serial number (Excel's calendar has a
  29 February 1900; converting would shift them a day), and such a date typed as text in an input
  cell stays that text.

What cannot be carried — charts, pictures, shapes, form controls, tables (ListObjects), pivot
tables, slicers, sparklines, data validation and conditional formatting staff added, threaded
comments, data connections, links to other workbooks, text longer than Excel's 32,767 characters
(it would be cut), macros when the output is an ``.xlsx``, merged cells on a data sheet … — is
listed by sheet and cell (``staffparts.Loss``) before anything is written, and ``regenerate``
raises :class:`WouldLoseError` with the list, unless ``accept_loss=True``: then the list is in
``RegenerateResult.lost``.

What is deliberately not kept: values typed over formula cells (the formulas are restored; run
``orderbook validate`` first to see them as ``formula-overwritten``), title rows above a header
(the template's header is row 1), blank rows between records, and ``NULL`` / whitespace-only
input cells, which the reader takes as blank (input values are trimmed by design; staff columns
and sheets keep their spaces). Each is mentioned in ``RegenerateResult.notes`` when found.

The old book is copied to ``NAME.YYYYmmdd-HHMMSS.bak.xlsx`` (``.bak.xlsm``) before it is replaced;
the new one is written to a temporary file and renamed over it, so a crash never leaves half a book.

Used with ``data=``: the rows to write instead of the book's own. Staff-column values, raw values
and what staff put on a row follow their rows by natural key (a row whose key is not in ``data``
loses them, with a note).
"""

from __future__ import annotations

import io
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .book import BookData, OrderBook, Row, Table
from .carry_over import carry_book, carry_by_key, own_sheet_names, staff_sheets
from .cells import cell_name, col_letter
from .config import Config
from .errors import BookReadError, OutputError, WorkbookToolsError, about
from .formularefs import Remap, SheetMap, Unmappable
from .lang import Said
from .read import read_book
from .read.headers import normalise
from .read.xlsxparts import PartsError
from .safe_io import backup as backup_file
from .schema import DASHBOARD, INSTRUCTIONS, LISTS, SHEET_BY_KEY, SHEETS, TEXT_TYPES, Sheet, T, aux_name
from .staffparts import BookParts, DataSheetInfo, Loss, SheetParts, parse_ref, range_name, scan
from .template import write_book
from .template.carry import Carry, Decor, ExtraColumn, Formula, Note, Serial, SheetCarry, StaffSheet
from .template.write import Progress

if TYPE_CHECKING:
    from xlsxwriter import Workbook

#: Excel's longest text in a cell (and in a comment), in UTF-16 units.
TEXT_MAX = 32_767
#: The first day Excel's serial numbers and the calendar agree on (Excel believes in 29 Feb 1900).
EXCEL_LEAP_BUG_END = date(1900, 3, 1)
MACRO_SUFFIXES = (".xlsm", ".xltm")


class WouldLoseError(WorkbookToolsError):
    """Rebuilding the book would lose things staff put in it (``lost``: one ``Loss`` each, by sheet
    and cell); nothing was written. ``regenerate(..., accept_loss=True)`` rebuilds it anyway."""

    def __init__(self, path: str | os.PathLike[str], lost: list[Loss]):
        self.path = str(path)
        self.lost = list(lost)
        n = len(self.lost)
        super().__init__(
            about(
                self.path,
                Said(
                    f"重建会丢失员工放进簿里的 {n} 项内容（见下），未写入任何文件。仍要重建，请加 --accept-loss 再运行"
                    f"（先备份旧簿）：\n" + "\n".join(f"  - {loss.text('zh')}" for loss in self.lost),
                    f"rebuilding would lose {n} thing(s) staff put in the book, listed below; nothing was written. To "
                    f"rebuild it anyway, run again with --accept-loss (the old book is backed up first):\n"
                    + "\n".join(f"  - {loss.text('en')}" for loss in self.lost),
                ),
            )
        )


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
    #: What was not carried over, or was changed on the way (renamed sheets), one line each, in
    #: both languages.
    notes: list[Said] = field(default_factory=list)
    #: What staff put in the book that the new book does not have (only with ``accept_loss``), one
    #: each, by sheet and cell (``Loss.text(lang)``: "sheet!cell: what").
    lost: list[Loss] = field(default_factory=list)
    #: How many of each thing read from the old book's XML were carried over: comments, links,
    #: formulas, formats (cells with a staff look), merged (ranges), names, macros.
    kept: dict[str, int] = field(default_factory=dict)


def regenerate(
    path: str | os.PathLike[str],
    *,
    data: BookData | None = None,
    output: str | os.PathLike[str] | None = None,
    config: Config | None = None,
    lang: str | None = None,
    backup: bool = True,
    today: date | None = None,
    progress: Progress | None = None,
    accept_loss: bool = False,
) -> RegenerateResult:
    """Rewrite the order book at ``path`` on the current template; see the module docstring.

    ``output``: write there instead, leaving ``path`` untouched (no backup is made). ``data``:
    the rows to write in place of the book's own. ``lang``: the new book's language (default:
    the book's own). ``today`` feeds the dashboard's cached figures (default: the real date).
    ``accept_loss``: rebuild even when something staff put in the book cannot be carried over
    (``RegenerateResult.lost`` lists it). Raises WouldLoseError (something would be lost and
    ``accept_loss`` is not given), BookReadError (the book cannot be read) or OutputError (the
    output cannot be written, or is an ``.xlsm`` and the book has no macros to keep), and
    writes nothing then.
    """
    path = Path(path)
    config = config or Config()
    book = read_book(path, config=config, other_sheets=True)
    lang = lang or book.lang
    target = Path(output) if output is not None else path
    macro_target = target.suffix.lower() in MACRO_SUFFIXES

    parts = _scan(book)
    keep = {} if data is not None else _rows_with_staff_things(book, parts)
    rows, carry, notes = carry_book(book, keep_rows=keep) if data is None else carry_by_key(book, data)
    carried_sheets, sheet_notes = staff_sheets(book.other_sheets, lang, values_only=False)
    notes += sheet_notes
    lost = list(parts.all_lost())
    for sheet in book.other_sheets:
        if sheet.kind != "worksheet":
            what = (
                Said("图表工作表：整个工作表", "a chart sheet: the whole sheet")
                if sheet.kind == "chart"
                else Said(
                    "对话框或宏工作表（Excel 4）：整个工作表", "a dialog or macro sheet (Excel 4): the whole sheet"
                )
            )
            lost.append(Loss(sheet.name, None, what))
    carry.other_sheets = carried_sheets
    decorate = _Decorate(book, parts, rows, carry, lang, data is None)
    decorate.run()
    lost += decorate.lost
    notes += decorate.notes
    lost += _too_long(book, rows, carry)

    if parts.vba is not None and not macro_target:
        lost.append(
            Loss(
                None,
                None,
                Said(
                    f"宏（VBA 项目）：{target.name} 是 .xlsx，存不下宏；要保留宏请写成 .xlsm",
                    f"the macros (VBA project): {target.name} is an .xlsx, which cannot hold "
                    f"them; write to an .xlsm to keep them",
                ),
            )
        )
    if macro_target and parts.vba is None:
        raise OutputError(
            about(
                target,
                Said(
                    f"宏工作簿 (.xlsm) 需要宏，而 {path.name} 没有可保留的宏（VBA 项目）：请写成 .xlsx（-o 名称.xlsx）",
                    f"an .xlsm book must be macro-enabled and {path.name} has no macros (VBA project) to keep: "
                    f"write to an .xlsx (-o NAME.xlsx)",
                ),
            )
        )
    lost = list(dict.fromkeys(lost))
    if lost and not accept_loss:
        raise WouldLoseError(path, lost)

    hooks = []
    if (parts.vba is not None and macro_target) or decorate.names:
        hooks.append(_workbook_hook(parts if macro_target else None, decorate))
    backup_path = backup_file(path) if backup and _same_file(target, path) else None
    write_book(target, rows, config=config, lang=lang, today=today, progress=progress, carry=carry, add_sheets=hooks)
    records = {s.key: len(book[s.key].rows if data is None else data.get(s.key) or []) for s in SHEETS}
    kept = dict(decorate.kept)
    if parts.vba is not None and macro_target:
        kept["macros"] = 1
    return RegenerateResult(
        path=target,
        backup_path=backup_path,
        rows=records,
        extra_columns={
            k: [c.header or f"({col_letter(len(SHEET_BY_KEY[k].columns) + j)})" for j, c in enumerate(sc.columns)]
            for k, sc in carry.sheets.items()
            if sc.columns
        },
        extra_sheets=[s.name for s in carry.other_sheets],
        raw_values=sum(len(cells) for sc in carry.sheets.values() for cells in sc.raw.values()),
        notes=notes,
        lost=lost,
        kept={k: v for k, v in kept.items() if v},
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


# --------------------------------------------------------------------------------------------
# What staff put in the book besides values: read from its XML, placed in the new book
# --------------------------------------------------------------------------------------------


def _own_sheet_role(name: str) -> tuple[str, str] | None:
    """The template sheet (instructions, dashboard, lists) ``name`` is, by either language's name."""
    for pair in (INSTRUCTIONS, DASHBOARD, LISTS):
        if normalise(name) in {normalise(n) for n in pair}:
            return pair
    return None


_EARLY_DATETIME = datetime(1900, 3, 1)


def _is_early(v: Any) -> bool:
    return (type(v) is date and v < EXCEL_LEAP_BUG_END) or (type(v) is datetime and v < _EARLY_DATETIME)


def _early(values: Iterable[Any]) -> list[int]:
    """Indexes of the dates before 1 March 1900 in ``values`` (a column: one pass, no call per value)."""
    lo, lo_dt = EXCEL_LEAP_BUG_END, _EARLY_DATETIME
    return [
        i for i, v in enumerate(values) if (v.__class__ is date and v < lo) or (v.__class__ is datetime and v < lo_dt)
    ]


def _early_serial(v: date | datetime) -> Serial | None:
    """Excel's serial number of a date before 1 March 1900 (None before 31 Dec 1899, which Excel cannot show)."""
    if isinstance(v, datetime):
        days = (v - datetime(1899, 12, 31)).total_seconds() / 86400
        kind = "datetime" if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0) else "date"
    else:
        days = (v - date(1899, 12, 31)).days
        kind = "date"
    return Serial(days, kind) if days >= 0 else None


def _scan(book: OrderBook) -> BookParts:
    infos = {}
    for sheet in SHEETS:
        table = book[sheet.key]
        derived = {table.columns[c.key] for c in sheet.derived if c.key in table.columns}
        wanted = {(table.header_row - 1, c) for c, _values in table.extra.values()}
        for col in sheet.inputs:
            if col.type in (T.DATE, T.DATETIME) and col.key in table.columns:
                c = table.columns[col.key]
                wanted.update((table.row_numbers[i] - 1, c) for i in _early(map(itemgetter(col.key), table.rows)))
        infos[table.name] = DataSheetInfo(table.header_row, {c: k for k, c in table.columns.items()}, derived, wanted)
    staff = [s.name for s in book.other_sheets if s.kind == "worksheet"]
    assert book.path is not None  # regenerate reads the book from its file
    try:
        return scan(book.path, data_sheets=infos, staff_sheets=staff)
    except PartsError as exc:
        raise BookReadError(
            book.path, Said(f"工作簿已损坏：{exc.said.zh}", f"damaged workbook: {exc.said.en}")
        ) from None


def _rows_with_staff_things(book: OrderBook, parts: BookParts) -> dict[str, set[int]]:
    """Per data sheet, Excel rows below the header holding a formula, a marker, a comment or a
    link staff put there (kept as rows even when they hold no record)."""
    out: dict[str, set[int]] = {}
    for sheet in SHEETS:
        table = book[sheet.key]
        found = parts.sheets.get(table.name)
        if found is None:
            continue
        rows = {r + 1 for r, _c in (*found.formulas, *found.looks, *found.comments, *found.links)}
        out[sheet.key] = {r for r in rows if r > table.header_row}
    return out


class _Decorate:
    """Places what staff put in the old book (BookParts, old cells) into the Carry (new cells)."""

    def __init__(self, book: OrderBook, parts: BookParts, rows: BookData, carry: Carry, lang: str, own_rows: bool):
        self.book, self.parts, self.rows, self.carry, self.lang = book, parts, rows, carry, lang
        self.own_rows = own_rows  # the book's own rows (not data=…): input formulas can be kept
        self.lost: list[Loss] = []
        self.notes: list[Said] = []
        self.kept: dict[str, int] = defaultdict(int)
        self.names: list[tuple[str, str]] = []  # (name, "Sheet!name" for a local one; formula)
        self.code_names: dict[str, str] = {}  # new sheet name -> VBA code name

    # -- maps from the old book to the new one --

    def run(self) -> None:
        self.maps: dict[str, SheetMap] = {}
        renames: dict[str, str] = {}
        for sheet in SHEETS:
            table = self.book[sheet.key]
            renames[table.name] = sheet.name(self.lang)
            self._add_orphan_columns(sheet, table)
            self.maps[table.name] = self._sheet_map(sheet, table)
        staff_names = {getattr(s, "source", s.name): s.name for s in self.carry.other_sheets}
        renames.update(staff_names)
        gone = {s.name for s in self.book.other_sheets if s.kind != "worksheet"}
        for name in self.parts.sheets:
            role = _own_sheet_role(name)
            if role is not None and name not in renames:
                renames[name] = aux_name(role, self.lang)
        self.remap = Remap(renames, self.maps, gone)
        for sheet in SHEETS:
            self._data_sheet(sheet, self.book[sheet.key])
        for staff in self.carry.other_sheets:
            if isinstance(staff, StaffSheet):  # all of them: staff_sheets(values_only=False) made them
                self._staff_sheet(staff)
        self._names()
        for name, sp in self.parts.sheets.items():
            if sp.code_name and name in renames:
                self.code_names[renames[name]] = sp.code_name

    def _add_orphan_columns(self, sheet: Sheet, table: Table) -> None:
        """Columns holding only things read from the XML (formulas without a value yet, comments,
        markers), which the reader did not see as staff columns: carried as staff columns too."""
        found = self.parts.sheets.get(table.name)
        sc = self.carry.sheets[sheet.key]
        if found is None:
            return
        known = set(table.columns.values()) | {e.source for e in sc.columns}
        cols = {
            c
            for r, c in (*found.formulas, *found.looks, *found.comments, *found.links)
            if c not in known and r >= table.header_row - 1
        }
        if not cols:
            return
        n = len(self.rows[sheet.key])
        sc.columns = sorted(
            [*sc.columns, *(ExtraColumn(None, [None] * n, c) for c in cols)],
            key=lambda e: e.source if e.source is not None else -1,
        )

    def _sheet_map(self, sheet: Sheet, table: Table) -> SheetMap:
        sc = self.carry.sheets[sheet.key]
        sources = sc.source_rows or []
        if table.header_row == 1 and sources == list(range(2, len(sources) + 2)):
            rows = []  # every row where it was (the usual case: no map of a hundred thousand rows)
        else:
            rows = [(table.header_row, 1)] + [(old, j + 2) for j, old in enumerate(sources) if old is not None]
        cols = {c: sheet.col(k) for k, c in table.columns.items()}
        cols.update({e.source: len(sheet.columns) + j for j, e in enumerate(sc.columns) if e.source is not None})
        return SheetMap(rows, cols)

    def _new_cell(self, mapping: SheetMap, r: int, c: int, *, exact: bool) -> tuple[int, int] | None:
        """0-based new cell of 0-based old cell (r, c); None when it is not kept."""
        try:
            if exact:
                new_r = mapping.row(r + 1)
            else:
                new_r = mapping.row(r + 1)
            return new_r - 1, mapping.col(c)
        except Unmappable:
            return None

    def _formula(self, f: Formula, sheet: str, mapping: SheetMap | None, old: tuple[int, int]) -> Formula | None:
        """``f`` for the new book (references remapped), or None when a reference is not kept."""
        try:
            text = self.remap.formula(f.text, sheet)
            array = f.array
            if array is not None and mapping is not None:
                ref = parse_ref(array)
                if ref is None:
                    return None
                r0, c0 = mapping.row(ref[0] + 1) - 1, mapping.col(ref[1])
                r1, c1 = mapping.row(ref[2] + 1) - 1, mapping.col(ref[3])
                if (r1 - r0, c1 - c0) != (ref[2] - ref[0], ref[3] - ref[1]):
                    return None
                array = range_name(r0, c0, r1, c1)
        except Unmappable:
            return None
        return Formula(text, f.value, array)

    def _location(self, location: str | None, sheet: str) -> str | None:
        if not location:
            return location
        try:
            return self.remap.formula(location, sheet)
        except Unmappable:
            return None

    # -- data sheets --

    def _data_sheet(self, sheet: Sheet, table: Table) -> None:
        sc = self.carry.sheets[sheet.key]
        found = self.parts.sheets.get(table.name)
        rows = self.rows[sheet.key]
        decor = Decor()
        name = table.name
        mapping = self.maps[name]
        self._headers(sheet, table, sc, found)
        if found is not None:
            for (r, c), note in found.comments.items():
                cell = self._new_cell(mapping, r, c, exact=False)
                if cell is None:
                    self.lost.append(
                        Loss(
                            name,
                            cell_name(r, c),
                            Said(
                                "新簿中没有的行或列上的批注（标题行，或记录之间的空行）",
                                "a comment on a row or column the new book does not have (a title row, or a blank row "
                                "between records)",
                            ),
                        )
                    )
                    continue
                decor.comments[cell] = self._note(note, name, r, c)
            for (r, c), link in found.links.items():
                cell = self._new_cell(mapping, r, c, exact=False)
                location = self._location(link.location, name) if link.url is None else link.location
                if cell is None or (link.location and location is None):
                    self.lost.append(
                        Loss(
                            name,
                            cell_name(r, c),
                            Said(
                                "新簿中没有的行或列上的链接，或指向新簿中没有的单元格的链接",
                                "a hyperlink on a row or column the new book does not have, or to a cell it does not have",
                            ),
                        )
                    )
                    continue
                decor.links[cell] = type(link)(link.url, location, link.tip)
            for (r, c), f in found.formulas.items():
                self._data_formula(sheet, table, decor, mapping, rows, r, c, f)
            for (r, c), look in found.looks.items():
                cell = self._new_cell(mapping, r, c, exact=True)
                if cell is None or not 1 <= cell[0] <= len(rows):
                    self.lost.append(
                        Loss(
                            name,
                            cell_name(r, c),
                            Said(
                                "新簿中没有的行上单元格的颜色或字体（标题行、空行、记录以下）",
                                "a cell's colours or font on a row the new book does not have (a title row, a blank row, "
                                "below the records)",
                            ),
                        )
                    )
                    continue
                decor.looks[cell] = look
        self._early_dates(sheet, table, sc, rows, decor, found)
        if found is not None:
            decor.tab_color = found.tab_color
        for j, extra in enumerate(sc.columns):
            c = len(sheet.columns) + j
            for i in _early(extra.values):
                v = extra.values[i]
                serial = _early_serial(v)
                decor.cells.setdefault((i + 1, c), serial if serial is not None else v.isoformat())
        self._count(decor)
        sc.decor = decor if decor else None

    def _headers(self, sheet: Sheet, table: Table, sc: SheetCarry, found: SheetParts | None) -> None:
        """A staff column's header as it stood (the reader trims it; spaces are the staff's)."""
        if found is None:
            return
        for extra in sc.columns:
            if extra.source is None or extra.header is None:
                continue
            kind, text = found.stored.get((table.header_row - 1, extra.source), (None, None))
            if kind == "text" and isinstance(text, str) and text != extra.header and text.strip() == extra.header:
                extra.header = text
        for r, c in found.formulas:
            if r == table.header_row - 1:
                self.lost.append(
                    Loss(
                        table.name,
                        cell_name(r, c),
                        Said("表头行中的公式（其文字保留）", "a formula in the header row (its text is kept)"),
                    )
                )

    def _data_formula(
        self, sheet: Sheet, table: Table, decor: Decor, mapping: SheetMap, rows: list[Row], r: int, c: int, f: Formula
    ) -> None:
        name = table.name
        if r < table.header_row:
            if r < table.header_row - 1:
                self.lost.append(
                    Loss(
                        name,
                        cell_name(r, c),
                        Said(
                            f"表头上方标题行中的公式（={f.text[:60]}）",
                            f"a formula (={f.text[:60]}) in a title row above the header",
                        ),
                    )
                )
            return
        cell = self._new_cell(mapping, r, c, exact=True)
        if cell is None or not 1 <= cell[0] <= len(rows):
            self.lost.append(
                Loss(
                    name,
                    cell_name(r, c),
                    Said(
                        f"新簿中没有的行上的公式（={f.text[:60]}）",
                        f"a formula (={f.text[:60]}) on a row the new book does not have",
                    ),
                )
            )
            return
        new_r, new_c = cell
        if new_c < len(sheet.columns):
            col = sheet.columns[new_c]
            if col.derived:
                return
            if not self.own_rows:
                self.notes.append(
                    Said(
                        f"{name}!{cell_name(r, c)}：这个输入单元格中输入的公式被新数据替换",
                        f"{name}!{cell_name(r, c)}: the formula typed into this input cell is replaced by the new data",
                    )
                )
                return
        moved = self._formula(f, name, mapping, (r, c))
        if moved is None:
            self.lost.append(Loss(name, cell_name(r, c), _unmoved(f)))
            return
        decor.cells[(new_r, new_c)] = moved

    def _early_dates(
        self, sheet: Sheet, table: Table, sc: SheetCarry, rows: list[Row], decor: Decor, found: SheetParts | None
    ) -> None:
        """Input dates before 1 March 1900: as stored (the text typed, or the serial number)."""
        for col in sheet.inputs:
            if col.type not in (T.DATE, T.DATETIME):
                continue
            c = sheet.col(col.key)
            for i in _early(row.get(col.key) for row in rows):
                v = rows[i][col.key]
                old_row = (sc.source_rows or [None] * len(rows))[i]
                stored = None
                if found is not None and old_row is not None and col.key in table.columns:
                    stored = found.stored.get((old_row - 1, table.columns[col.key]))
                if stored is not None and stored[0] == "text":
                    value: Any = stored[1]
                elif stored is not None and stored[0] == "number":
                    value = Serial(stored[1], "date" if col.type == T.DATE else "datetime")
                else:
                    value = _early_serial(v) or v.isoformat()
                decor.cells.setdefault((i + 1, c), value)

    def _note(self, note: Note, sheet: str, r: int, c: int) -> Note:
        if _utf16_len(note.text) > TEXT_MAX:
            self.lost.append(
                Loss(
                    sheet,
                    cell_name(r, c),
                    Said(
                        f"一条 {len(note.text):,} 个字符的批注的结尾（Excel 最多存 {TEXT_MAX:,} 个，其余被截掉）",
                        f"the end of a comment of {len(note.text):,} characters (Excel holds {TEXT_MAX:,}; it is cut)",
                    ),
                )
            )
            return Note(_cut(note.text), note.author)
        return note

    # -- staff sheets --

    def _staff_sheet(self, staff: StaffSheet) -> None:
        old = getattr(staff, "source", staff.name)
        found = self.parts.sheets.get(old)
        decor = Decor()
        if found is not None:
            for cell, note in found.comments.items():
                decor.comments[cell] = self._note(note, old, *cell)
            for cell, link in found.links.items():
                location = self._location(link.location, old) if link.url is None else link.location
                if link.location and location is None:
                    self.lost.append(
                        Loss(
                            old,
                            cell_name(*cell),
                            Said("指向新簿中没有的单元格的链接", "a hyperlink to a cell the new book does not have"),
                        )
                    )
                    continue
                decor.links[cell] = type(link)(link.url, location, link.tip)
            for cell, f in found.formulas.items():
                moved = self._formula(f, old, None, cell)
                if moved is None:
                    self.lost.append(Loss(old, cell_name(*cell), _unmoved(f)))
                    continue
                decor.cells[cell] = moved
            decor.looks.update(found.looks)
            decor.merged = list(found.merged)
            decor.widths = dict(found.widths)
            decor.freeze = found.freeze
            decor.autofilter = found.autofilter
            decor.tab_color = found.tab_color
        for r, row in enumerate(staff.rows):
            for c, v in enumerate(row):
                if _is_early(v):
                    serial = _early_serial(v)
                    decor.cells.setdefault((r, c), serial if serial is not None else v.isoformat())
        self._count(decor)
        staff.decor = decor if decor else None

    def _count(self, decor: Decor) -> None:
        self.kept["comments"] += len(decor.comments)
        self.kept["links"] += len(decor.links)
        self.kept["formulas"] += sum(1 for v in decor.cells.values() if isinstance(v, Formula))
        self.kept["formats"] += len(decor.looks)
        self.kept["merged"] += len(decor.merged)

    # -- the workbook --

    def _names(self) -> None:
        own = {n.casefold() for n in own_sheet_names(self.lang)}
        staff = {getattr(s, "source", s.name): s.name for s in self.carry.other_sheets}
        for defined in self.parts.names:
            if defined.hidden:
                self.notes.append(
                    Said(
                        f"隐藏的名称 {defined.name!r} 没有带过去",
                        f"hidden defined name {defined.name!r} not carried over",
                    )
                )
                continue
            try:
                formula = self.remap.formula(defined.formula, None)
            except Unmappable:
                self.lost.append(
                    Loss(
                        defined.sheet,
                        None,
                        Said(
                            f"名称 {defined.name}（={defined.formula[:60]}）：它引用的单元格新簿中没有",
                            f"the defined name {defined.name} (={defined.formula[:60]}): it refers to cells the new book "
                            "does not have",
                        ),
                    )
                )
                continue
            if defined.sheet is not None:
                new_sheet = staff.get(defined.sheet) or self.remap.renames.get(defined.sheet, defined.sheet)
                if new_sheet.casefold() not in own | {s.casefold() for s in staff.values()}:
                    self.lost.append(
                        Loss(
                            defined.sheet,
                            None,
                            Said(
                                f"没有带过去的工作表的名称 {defined.name}",
                                f"the defined name {defined.name} of a sheet that is not carried",
                            ),
                        )
                    )
                    continue
                self.names.append((f"{new_sheet}!{defined.name}", formula))
            else:
                self.names.append((defined.name, formula))
        self.kept["names"] += len(self.names)


def _unmoved(f: Formula) -> Said:
    return Said(
        f"引用新簿中没有的单元格或其他工作簿的公式（={f.text[:60]}）；其值保留",
        f"a formula (={f.text[:60]}) referring to a cell the new book does not have, or to another "
        "workbook; its value is kept",
    )


def _utf16_len(text: str) -> int:
    return len(text) if len(text) <= TEXT_MAX // 2 else len(text.encode("utf-16-le")) // 2


def _cut(text: str) -> str:
    return text.encode("utf-16-le")[: 2 * TEXT_MAX].decode("utf-16-le", "ignore")


def _too_long(book: OrderBook, rows: BookData, carry: Carry) -> list[Loss]:
    """Text longer than Excel holds in a cell, which writing would cut: one loss each."""
    out: list[Loss] = []

    def check(sheet: str, r: int, c: int, v: Any) -> None:
        if type(v) is str and len(v) > TEXT_MAX // 2 and _utf16_len(v) > TEXT_MAX:
            out.append(
                Loss(
                    sheet,
                    cell_name(r, c),
                    Said(
                        f"一段 {len(v):,} 个字符的文字的结尾（Excel 一个单元格最多存 {TEXT_MAX:,} 个，其余被截掉）",
                        f"the end of a text of {len(v):,} characters (Excel holds {TEXT_MAX:,} in a cell; it is cut)",
                    ),
                )
            )

    for sheet in SHEETS:
        name = sheet.name(book.lang)
        name = book[sheet.key].name
        data = rows[sheet.key]
        sc = carry.sheets.get(sheet.key)
        for col in sheet.inputs:
            if col.type not in TEXT_TYPES and not col.choices:
                continue
            try:
                values = list(map(itemgetter(col.key), data))
            except KeyError:  # rows given by the caller need not have every column
                values = [row.get(col.key) for row in data]
            try:
                longest = max(map(len, filter(None, values)), default=0)  # text columns hold str or None
            except TypeError:
                longest = max((len(v) for v in values if type(v) is str), default=0)
            if longest > TEXT_MAX // 2:
                for i, v in enumerate(values):
                    check(name, i + 1, sheet.col(col.key), v)
        if sc is not None:
            for i, found in sc.raw.items():
                for key, v in found.items():
                    check(name, i + 1, sheet.col(key), v)
            for j, extra in enumerate(sc.columns):
                if max((len(v) for v in extra.values if type(v) is str), default=0) > TEXT_MAX // 2:
                    for i, v in enumerate(extra.values):
                        check(name, i + 1, len(sheet.columns) + j, v)
    for staff in carry.other_sheets:
        for r, row in enumerate(staff.rows):
            for c, v in enumerate(row):
                check(getattr(staff, "source", staff.name), r, c, v)
    return out


def _workbook_hook(parts: BookParts | None, decorate: _Decorate) -> Callable[[Workbook, str], None]:
    """Called by write_book once the sheets exist (as an ``add_sheets`` writer that adds no sheet):
    the VBA project with the code names it knows the sheets by, and the staff's defined names."""

    def hook(wb: Workbook, _lang: str) -> None:
        if parts is not None and parts.vba is not None:
            wb.add_vba_project(io.BytesIO(parts.vba), is_stream=True)
            if parts.vba_signature is not None:
                wb.vba_project_signature = io.BytesIO(parts.vba_signature)
                wb.vba_project_signature_is_stream = True
            wb.set_vba_name(parts.code_name or "ThisWorkbook")
            sheets = wb.worksheets()
            used = {decorate.code_names[ws.name] for ws in sheets if ws.name in decorate.code_names}
            n = 1
            for ws in sheets:
                code = decorate.code_names.get(ws.name)
                if code is None:
                    while f"Sheet{n}" in used:
                        n += 1
                    code = f"Sheet{n}"
                    used.add(code)
                ws.set_vba_name(code)
        taken = {(str(n).casefold(), i) for n, i, _f, _h in wb.defined_names}
        sheets = {ws.name: ws.index for ws in wb.worksheets()}
        for name, formula in decorate.names:
            scope, _, bare = name.rpartition("!")
            if (bare.casefold(), sheets.get(scope, -1) if scope else -1) in taken:
                continue  # the template defines it itself
            wb.define_name(name, "=" + formula)

    return hook
