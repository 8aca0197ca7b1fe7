"""What a rewritten book carries over from the book it replaces, besides its typed rows.

``orderbook regenerate`` and ``orderbook merge`` write a book on the current template from data
that was read from books staff kept. What the schema does not describe still belongs to the staff:

- columns they added to a data sheet: written after the schema's columns, header kept, each value
  as read (text stays text, numbers numbers, dates dates), cells unlocked;
- values the reader could not type (text in a quantity cell, an Excel error, a phone number that
  lost digits): written into their cell as found, so that validation flags them again;
- sheets they added: written after the order book's sheets, their cell values;
- with a :class:`Decor` (``regenerate`` reads one from the old book's XML, see staffparts.py):
  cell comments, hyperlinks, the staff's markers (bold, italic, underline, colours, fills — put on
  top of the format the template gives the cell), formulas in staff columns and on staff sheets,
  and on staff sheets also number formats, borders, alignment, merged cells, column widths,
  frozen panes and the autofilter.

Two paths write the same file byte for byte: rows rendered as XML (rowxml.py, the one used) and
the reference that writes every cell through xlsxwriter (tests/test_regenerate.py compares them).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..book import OtherSheet, Row
from ..cells import cell_name, col_letter
from ..schema import Sheet, T
from .rowxml import (
    _ERROR_CODES,
    BulkSheet,
    LazyStyles,
    cells,
    escape_control_characters,
    escape_data,
    inline_text,
    rows_xml,
    typed_value,
    value_body,
)
from .styles import Styles
from .xlsxwriter_adapter import (
    add_comment,
    add_link,
    add_merged,
    copy_format,
    number_format,
    prepared_array_formula,
    put_array_formula,
    put_formula,
    restyle,
    xf_attribute,
)

#: Width of a carried-over column (its header's own width is unknown).
EXTRA_WIDTH = 14
CHUNK = 10_000

Cell = tuple[int, int]


@dataclass
class ExtraColumn:
    """A column staff added to a data sheet."""

    #: The header as it stood (None: the column had none).
    header: str | None
    #: One value per data row written (None for blank).
    values: list[Any]
    #: Its 0-based column in the book it was read from (None: not read from a book).
    source: int | None = None


# --------------------------------------------------------------------------------------------
# What staff put on a sheet besides values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Border:
    """One side of a cell's border: xlsxwriter's style index (1 thin … 13) and colour."""

    style: int
    color: str | None = None


@dataclass(frozen=True)
class Look:
    """Formatting staff gave a cell, put on top of the format the new book gives that cell.

    On data sheets only the markers are read (bold, italic, underline, strike-through, font colour,
    fill); on staff sheets also the number format, font, alignment and borders."""

    bold: bool = False
    italic: bool = False
    #: 0 none, 1 single, 2 double, 33 single accounting, 34 double accounting (xlsxwriter's codes).
    underline: int = 0
    strike: bool = False
    #: "#RRGGBB"
    color: str | None = None
    fill: str | None = None
    #: A format code, or the index of one of Excel's built-in formats.
    num_format: str | int | None = None
    font_name: str | None = None
    font_size: float | None = None
    #: xlsxwriter's align names ("left", "center", … and "top", "vcenter", …).
    align: str | None = None
    valign: str | None = None
    wrap: bool = False
    #: left, right, top, bottom (None: no border on that side).
    borders: tuple[Border | None, Border | None, Border | None, Border | None] | None = None

    def apply(self, fmt: Format) -> None:
        if self.bold:
            fmt.set_bold()
        if self.italic:
            fmt.set_italic()
        if self.underline:
            fmt.set_underline(self.underline)
        if self.strike:
            fmt.set_font_strikeout()
        if self.color:
            fmt.set_font_color(self.color)
        if self.fill:
            fmt.set_pattern(1)
            fmt.set_bg_color(self.fill)
        if self.num_format is not None:
            fmt.set_num_format(self.num_format)
        if self.font_name:
            fmt.set_font_name(self.font_name)
        if self.font_size:
            fmt.set_font_size(self.font_size)
        if self.align:
            fmt.set_align(self.align)
        if self.valign:
            fmt.set_align(self.valign)
        if self.wrap:
            fmt.set_text_wrap()
        for side, border in zip(("left", "right", "top", "bottom"), self.borders or ()):
            if border is not None:
                getattr(fmt, f"set_{side}")(border.style)
                if border.color:
                    getattr(fmt, f"set_{side}_color")(border.color)


@dataclass(frozen=True)
class Formula:
    """A formula staff wrote, kept as a formula (with its last computed value when the file had one)."""

    #: As stored in the file: without "=", functions newer than Excel 2007 with their ``_xlfn.`` prefix.
    text: str
    #: The cached result: a number, text, a bool, an error ("#N/A"), or "" when there was none.
    value: Any = ""
    #: The range of an array (Ctrl+Shift+Enter) formula, e.g. "M2" or "M2:M5"; None for a plain one.
    array: str | None = None


@dataclass(frozen=True)
class Serial:
    """A date Excel stores before 1 March 1900 (its calendar has a 29 February 1900): the serial
    number itself, so that the cell shows the date it showed, not the day after."""

    number: float
    kind: str = "date"


@dataclass(frozen=True)
class Link:
    """A hyperlink: ``url`` (https://…, mailto:…, a file; as stored) and/or ``location`` (a place in
    this workbook, such as ``'客户'!A1`` or a name, or the anchor within ``url``)."""

    url: str | None = None
    location: str | None = None
    tip: str | None = None


@dataclass(frozen=True)
class Note:
    """A cell comment."""

    text: str
    author: str | None = None


@dataclass
class Decor:
    """What staff put on a sheet besides its values, in the cells of the sheet written (0-based)."""

    #: Values written into the cell instead of the carried value: a :class:`Formula`, a
    #: :class:`Serial`, or a text kept exactly as it stood.
    cells: dict[Cell, Any] = field(default_factory=dict)
    looks: dict[Cell, Look] = field(default_factory=dict)
    comments: dict[Cell, Note] = field(default_factory=dict)
    links: dict[Cell, Link] = field(default_factory=dict)
    #: Staff sheets only: merged ranges (first row, first col, last row, last col), column widths
    #: (col -> (width as stored in the file or None, hidden)), frozen panes (rows, cols), autofilter range.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, tuple[float | None, bool]] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None
    autofilter: tuple[int, int, int, int] | None = None
    #: The sheet tab's colour ("#RRGGBB"), on any sheet.
    tab_color: str | None = None

    def __bool__(self) -> bool:
        return bool(
            self.cells
            or self.looks
            or self.comments
            or self.links
            or self.merged
            or self.widths
            or self.freeze
            or self.autofilter
            or self.tab_color
        )

    def rows(self) -> set[int]:
        """Rows holding a cell this decor writes."""
        return {r for r, _c in self.cells} | {r for r, _c in self.looks}


@dataclass
class SheetCarry:
    """What one data sheet carries over."""

    columns: list[ExtraColumn] = field(default_factory=list)
    #: Row index -> {column key: raw value}: cells the reader could not type. A raw value is
    #: written only where the row's own value is blank.
    raw: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: Comments, links, markers, formulas … (cells of the sheet written: row 0 is the header).
    decor: Decor | None = None
    #: The Excel row each row written was on in the book it was read from (None: a new row).
    source_rows: list[int | None] | None = None


@dataclass
class StaffSheet(OtherSheet):
    """A staff sheet with what it holds besides values."""

    decor: Decor | None = None
    #: Its name in the book it was read from.
    source: str | None = None


@dataclass
class Carry:
    """Everything a rewritten book carries over: per data sheet (by key), and the staff's sheets."""

    sheets: dict[str, SheetCarry] = field(default_factory=dict)
    #: Written after the order book's own sheets, under these names (which must be free).
    other_sheets: list[OtherSheet] = field(default_factory=list)

    def sheet(self, key: str) -> SheetCarry | None:
        return self.sheets.get(key)


# --------------------------------------------------------------------------------------------
# Writing values
# --------------------------------------------------------------------------------------------


def put_value(ws: Worksheet, r: int, c: int, v: Any, formats: dict[str, Any]) -> None:
    """Write one value of any type, cell by cell (the reference for rowxml.value_body)."""
    kind, x = typed_value(v)
    if kind == "text":
        ws.write_string(r, c, x, formats["general"])
    elif kind == "bool":
        ws.write_boolean(r, c, x, formats["general"])
    else:
        ws.write_number(r, c, x, formats["general" if kind == "number" else kind])


def value_formats(styles: Styles, general: Any = None) -> dict[str, Any]:
    """Formats per kind of value: unlocked (a data sheet is protected; staff keep editing them)."""
    out = {kind: styles.free_value(kind) for kind in ("date", "datetime", "time", "duration")}
    out["general"] = styles.free if general is None else general
    return out


def value_kind(v: Any) -> str:
    """The key of ``value_formats`` a value is written with."""
    if isinstance(v, Serial):
        return v.kind
    kind = typed_value(v)[0]
    return "general" if kind in ("text", "bool", "number") else kind


def _formula_type(v: Any) -> str:
    if isinstance(v, bool):
        return ' t="b"'
    if isinstance(v, str) and v != "":
        return ' t="e"' if v in _ERROR_CODES else ' t="str"'
    return ""


def _cached(v: Any) -> Any:
    return (1 if v else 0) if isinstance(v, bool) else v


def cell_xml(ws: BulkSheet, row: int, col: int, v: Any, style: str) -> str:
    """One cell written by the decor, as xlsxwriter writes it (see :func:`put_cell`)."""
    ref = cell_name(row, col)
    if isinstance(v, Formula):
        if v.array is not None:
            text = escape_control_characters(escape_data(prepared_array_formula(ws, v.text)))
            value = str(_cached(v.value))
            t = "" if _is_number(value) else ' t="str"'
            return (
                f'<c r="{ref}"{style}{t}><f t="array" ref="{v.array}">{text}</f>'
                f"<v>{escape_control_characters(escape_data(value))}</v></c>"
            )
        value = escape_data(str(_cached(v.value)))
        return f'<c r="{ref}"{style}{_formula_type(v.value)}><f>{escape_data(v.text)}</f><v>{value}</v></c>'
    if isinstance(v, Serial):
        return f'<c r="{ref}"{style}><v>{v.number:.16G}</v></c>'
    if v is None or v == "":
        return f'<c r="{ref}"{style}/>'
    kind, x = typed_value(v)
    if kind == "text":
        return f'<c r="{ref}"{inline_text(style, x)}'
    if kind == "bool":
        return f'<c r="{ref}"{style} t="b"><v>{1 if x else 0}</v></c>'
    return f'<c r="{ref}"{style}><v>{x:.16G}</v></c>'


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def put_cell(ws: Worksheet, r: int, c: int, v: Any, fmt: Format | None) -> None:
    """One cell written by the decor through xlsxwriter: a formula exactly as stored (no ``_xlfn.``
    rewriting, never turned into a dynamic array), a serial date, a value of any type."""
    if isinstance(v, Formula):
        if v.array is not None:
            put_array_formula(ws, r, c, v.text, fmt, str(_cached(v.value)), v.array)
        else:
            put_formula(ws, r, c, v.text, fmt, v.value)
    elif isinstance(v, Serial):
        ws.write_number(r, c, v.number, fmt)
    elif v is None or v == "":
        ws.write_blank(r, c, None, fmt)
    else:
        kind, x = typed_value(v)
        if kind == "text":
            ws.write_string(r, c, x, fmt)
        elif kind == "bool":
            ws.write_boolean(r, c, x, fmt)
        else:
            ws.write_number(r, c, x, fmt)


class LookFormats:
    """Formats of cells with a staff look: the cell's own format with the look on top (xlsxwriter
    formats cannot be combined, so one is made per (format, look) pair, once per workbook)."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.cache: dict[tuple[int, Look], Format] = {}

    def __call__(self, base: Format | None, look: Look | None) -> Format | None:
        if look is None:
            return base
        key = (id(base), look)
        fmt = self.cache.get(key)
        if fmt is None:
            fmt = self.wb.add_format()
            if base is not None:
                copy_format(base, fmt)
            look.apply(fmt)
            self.cache[key] = fmt
        return fmt

    @classmethod
    def of(cls, styles: Styles) -> LookFormats:
        """The one per workbook (kept on its Styles)."""
        found = styles._look_formats
        if found is None:
            found = cls(styles._wb)
            styles._look_formats = found
        return found


def register_notes(ws: Worksheet, decor: Decor) -> None:
    """Comments and hyperlinks, once the sheet's rows are written (xlsxwriter keeps them until the
    sheet is closed; given earlier, a comment on a row written as XML would make its constant-memory
    writer write that row again)."""
    for (r, c), note in sorted(decor.comments.items()):
        add_comment(ws, r, c, note.text, note.author)
    for (r, c), link in sorted(decor.links.items()):
        add_link(ws, r, c, link.url, link.location, link.tip)


# --------------------------------------------------------------------------------------------
# A decor's cells, written in the row stream of a sheet
# --------------------------------------------------------------------------------------------

_KEEP = object()  # a look on the value the sheet writes anyway
_STYLE = re.compile(r' s="\d+"')


class CellPlan:
    """The cells a decor writes on one sheet, row by row, each with its format (the one the cell
    gets anyway, with the staff's look on top). Its formats are numbered when the plan is made, so
    that both row writers number every format in the same order."""

    def __init__(self, ws: Worksheet, decor: Decor, base: Any, looks: LookFormats):
        """``base(row, col, value)``: the format the sheet gives the cell (value: the decor's own,
        or ``_KEEP``)."""
        self.by_row: dict[int, list[tuple[int, Any, Format | None]]] = defaultdict(list)
        for cell in sorted(set(decor.cells) | set(decor.looks)):
            r, c = cell
            v = decor.cells.get(cell, _KEEP)
            number_format(base(r, c, _KEEP))  # the format of the value the sheet writes there anyway
            fmt = looks(base(r, c, v), decor.looks.get(cell))
            number_format(fmt)
            self.by_row[r].append((c, v, fmt))
        self.ws = ws
        self.decor = decor

    def finish(self) -> None:
        """After the rows: the comments and links, the tab's colour."""
        register_notes(self.ws, self.decor)
        if self.decor.tab_color:
            self.ws.set_tab_color(self.decor.tab_color)

    def last_col(self) -> int:
        return max((c for cells in self.by_row.values() for c, _v, _f in cells), default=-1)

    def patch(self, columns: list[list[str]], first_row: int, rows: range) -> None:
        """Put the plan's cells into the XML cells of ``rows`` (sheet rows; ``columns[c][k]`` is the
        cell of column c in row ``first_row + k``)."""
        ws = self.ws
        for r in rows:
            for c, v, fmt in self.by_row.get(r, ()):
                style = xf_attribute(fmt)
                column = columns[c]
                k = r - first_row
                if v is not _KEEP:
                    column[k] = cell_xml(ws, r, c, v, style)
                elif column[k]:
                    end = column[k].find(">")
                    head = column[k][:end]
                    if head.endswith("/"):
                        head, end = head[:-1], end - 1
                    column[k] = _with_style(head, style) + column[k][end:]
                else:
                    column[k] = f'<c r="{cell_name(r, c)}"{style}/>'

    def put_row(self, r: int) -> None:
        """The reference path: the plan's cells of row ``r``, after the row's own cells were written."""
        ws = self.ws
        for c, v, fmt in self.by_row.get(r, ()):
            if v is not _KEEP:
                put_cell(ws, r, c, v, fmt)
                continue
            restyle(ws, r, c, fmt)


def _with_style(head: str, style: str) -> str:
    """``<c r="B4" t="b"`` with `` s="…"`` after its reference."""
    if _STYLE.search(head):
        return _STYLE.sub(style, head, count=1)
    end = head.find('"', head.find('r="') + 3)
    return head[: end + 1] + style + head[end + 1 :]


def data_plan(ws: Worksheet, sheet: Sheet, rows: list[Row], carry: SheetCarry, styles: Styles) -> CellPlan | None:
    """A data sheet's decor: comments and links registered, its cells planned (None: nothing to write)."""
    decor = carry.decor
    if not decor:
        return None
    if isinstance(ws, BulkSheet):
        ws.flush_rows(1)  # the header first in both row writers: formats are numbered in order of use
    columns = sheet.columns
    extras = carry.columns
    general = value_formats(styles)

    def base(r: int, c: int, v: Any) -> Format | None:
        i = r - 1
        if c >= len(columns):
            if v is _KEEP:
                values = extras[c - len(columns)].values
                v = values[i] if 0 <= i < len(values) else None
            return styles.free if v is None or v == "" or isinstance(v, Formula) else general[value_kind(v)]
        col = columns[c]
        if isinstance(v, Serial) and col.type not in (T.DATE, T.DATETIME):
            return general[v.kind]
        if v is _KEEP and not col.derived and 0 <= i < len(rows):
            value = rows[i].get(col.key)
            raw = carry.raw.get(i, {}).get(col.key)
            if (value is None or value == "") and raw is not None and raw != "":
                kinds = general if col.type in (T.DATE, T.DATETIME) else value_formats(styles, general=styles.cell(col))
                return kinds[value_kind(raw)]
        return styles.cell(col)

    return CellPlan(ws, decor, base, LookFormats.of(styles))


# --------------------------------------------------------------------------------------------
# Staff sheets
# --------------------------------------------------------------------------------------------


def write_other_sheet(wb: Workbook, sheet: OtherSheet, styles: Styles) -> None:
    """One of the staff's own sheets: its values, and its decor when it has one (a StaffSheet)."""
    ws = wb.add_worksheet(sheet.name, worksheet_class=BulkSheet)
    formats = value_formats(styles)
    decor = getattr(sheet, "decor", None)
    plan = None
    if decor:
        _sheet_settings(ws, decor)
        formats_of = formats

        def base(_r: int, _c: int, v: Any) -> Format | None:
            if v is _KEEP:
                v = _value_at(sheet.rows, _r, _c)
            if isinstance(v, Formula):
                return formats_of["general"]
            return formats_of[value_kind(v)] if v is not None and v != "" else formats_of["general"]

        plan = CellPlan(ws, decor, base, LookFormats.of(styles))
    width = max((len(row) for row in sheet.rows), default=0)
    if plan is not None:
        width = max(width, plan.last_col() + 1)
    planned = sorted(plan.by_row) if plan is not None else []
    n_rows = max(len(sheet.rows), planned[-1] + 1 if planned else 0)
    if isinstance(ws, BulkSheet) and ws.bulk_ready():
        body = value_body(ws, LazyStyles(ws, formats, 0))
        letters = [col_letter(c) for c in range(width)]
        for start in range(0, n_rows, CHUNK):
            chunk = sheet.rows[start : start + CHUNK]
            end = min(start + CHUNK, n_rows)
            chunk = chunk + [[]] * (end - start - len(chunk))
            filled = [
                (start + i, c) for i, row in enumerate(chunk) for c, v in enumerate(row) if v is not None and v != ""
            ]
            mine = [(r, c) for r in planned if start <= r < end for c, _v, _f in plan.by_row[r]] if plan else []
            if not filled and not mine:
                continue
            nums = [str(start + i + 1) for i in range(len(chunk))]
            columns = [
                cells(letters[c], nums, [row[c] if c < len(row) else None for row in chunk], body) for c in range(width)
            ]
            if plan is not None:
                plan.patch(columns, start, range(start, end))
            every = filled + mine
            ws.write_xml_rows(
                min(r for r, _ in every),
                max(r for r, _ in every),
                min(c for _, c in every),
                max(c for _, c in every),
                rows_xml(nums, columns),
            )
    else:
        for r in range(n_rows):
            row = sheet.rows[r] if r < len(sheet.rows) else []
            for c, v in enumerate(row):
                if v is not None and v != "":
                    put_value(ws, r, c, v, formats)
            if plan is not None:
                plan.put_row(r)
    if plan is not None:
        plan.finish()
    if sheet.hidden:
        ws.hide()


def _value_at(rows: list[list[Any]], r: int, c: int) -> Any:
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def _sheet_settings(ws: Worksheet, decor: Decor) -> None:
    for c, (width, hidden) in sorted(decor.widths.items()):
        user = None if width is None else max(0.0, round(width - 5 / 7, 2))
        ws.set_column(c, c, user, None, {"hidden": True} if hidden else None)
    for r0, c0, r1, c1 in decor.merged:
        add_merged(ws, r0, c0, r1, c1)
    if decor.freeze is not None:
        ws.freeze_panes(*decor.freeze)
    if decor.autofilter is not None:
        ws.autofilter(*decor.autofilter)


__all__ = [
    "CHUNK",
    "EXTRA_WIDTH",
    "Border",
    "Carry",
    "CellPlan",
    "Decor",
    "ExtraColumn",
    "Formula",
    "Link",
    "Look",
    "LookFormats",
    "Note",
    "Serial",
    "SheetCarry",
    "StaffSheet",
    "cell_xml",
    "data_plan",
    "put_cell",
    "put_value",
    "register_notes",
    "value_formats",
    "value_kind",
    "write_other_sheet",
]
