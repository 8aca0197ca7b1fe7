"""Cell formats, created once per workbook and shared by every sheet.

Input cells are unlocked (staff type there on the protected sheets); formula cells stay locked and
are tinted grey. Headers show what a column is: dark blue = required, light blue = optional,
grey = formula.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..schema import TEXT_TYPES, Column

if TYPE_CHECKING:
    from .carry import LookFormats

#: Number formats of carried-over values, by kind (rowxml.typed_value).
VALUE_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "time": "hh:mm:ss",
    "duration": "[h]:mm:ss",
}

REQUIRED_FILL = "#1F4E78"
OPTIONAL_FILL = "#DDEBF7"
DERIVED_FILL = "#D9D9D9"
FORMULA_CELL_FILL = "#F2F2F2"
#: Conditional formats: Excel's own "light red fill with dark red text" and its yellow twin.
ERROR_FILL, ERROR_FONT = "#FFC7CE", "#9C0006"
WARNING_FILL, WARNING_FONT = "#FFEB9C", "#9C5700"

_HEADER = {
    "bold": True,
    "text_wrap": True,
    "align": "center",
    "valign": "vcenter",
    "border": 1,
    "border_color": "#8EA9DB",
}


class Styles:
    def __init__(self, wb: Workbook):
        self._wb = wb
        #: (number format, derived), ("free", kind) or (number format, "column") -> the format
        self._cache: dict[tuple[str, bool | str], Format] = {}
        #: The formats of staff looks carried over by a rebuild (carry.LookFormats.of makes it).
        self._look_formats: LookFormats | None = None
        add = wb.add_format
        self.header_required = add({**_HEADER, "bg_color": REQUIRED_FILL, "font_color": "#FFFFFF"})
        self.header_optional = add({**_HEADER, "bg_color": OPTIONAL_FILL, "font_color": "#1F1F1F"})
        self.header_derived = add({**_HEADER, "bg_color": DERIVED_FILL, "font_color": "#404040", "italic": True})
        #: Columns right of the schema's: unlocked so staff can keep their own notes there.
        self.free = add({"locked": False})
        self.error = add({"bg_color": ERROR_FILL, "font_color": ERROR_FONT})
        self.warning = add({"bg_color": WARNING_FILL, "font_color": WARNING_FONT})
        self.title = add({"bold": True, "font_size": 16, "font_color": REQUIRED_FILL})
        self.section = add({"bold": True, "font_size": 12, "bg_color": OPTIONAL_FILL, "bottom": 1})
        self.bold = add({"bold": True})
        self.table_header = add({**_HEADER, "bg_color": OPTIONAL_FILL, "align": "left"})
        self.wrap = add({"text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF"})
        self.wrap_required = add(
            {
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": "#BFBFBF",
                "bold": True,
                "font_color": REQUIRED_FILL,
            }
        )
        self.wrap_plain = add({"text_wrap": True, "valign": "top"})
        self.label = add({"bold": True, "border": 1, "border_color": "#BFBFBF"})
        self.value = {
            kind: add(
                {
                    "num_format": num,
                    "border": 1,
                    "border_color": "#BFBFBF",
                    "align": "left" if kind == "text" else "right",
                }
            )
            for kind, num in (
                ("int", "0"),
                ("money", "#,##0.00"),
                ("date", "yyyy-mm-dd"),
                ("month", "yyyy-mm"),
                ("text", "General"),
            )
        }

    def header(self, col: Column) -> Format:
        if col.derived:
            return self.header_derived
        return self.header_required if col.required else self.header_optional

    def cell(self, col: Column) -> Format:
        """Format of ``col``'s data cells (and of the whole column).

        A formula column whose type is text gets the General format: a formula in a cell formatted
        as Text is shown, not calculated, once someone re-enters it.
        """
        derived = col.derived
        num = _num_format(col)
        key = (num, derived)
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"num_format": num}
            if derived:
                props["bg_color"] = FORMULA_CELL_FILL
            else:
                props["locked"] = False
            fmt = self._cache[key] = self._wb.add_format(props)
        return fmt

    def free_value(self, kind: str) -> Format:
        """Unlocked cells holding a value of its own type — columns, sheets and values carried over
        from an older book (rowxml.typed_value): "general", or a kind of VALUE_FORMATS."""
        if kind == "general":
            return self.free
        key = ("free", kind)
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format({"locked": False, "num_format": VALUE_FORMATS[kind]})
        return fmt

    def column(self, col: Column) -> Format:
        """Default format of ``col``'s whole column: as its cells, but formula columns untinted
        (locked, so nobody types into the rows below the prepared formulas)."""
        if not col.derived:
            return self.cell(col)
        key = (_num_format(col), "column")
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format({"num_format": key[0]})
        return fmt


def _num_format(col: Column) -> str:
    return "General" if col.derived and col.type in TEXT_TYPES else col.number_format


def a4_page(ws: Worksheet, *, landscape: bool = True, footer: bool = False) -> None:
    """Print on A4, the table's width on one page (every report sheet prints alike)."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6 if footer else 0.5)
    if footer:
        ws.set_footer("&C&P / &N")


#: xlsxwriter options for every report workbook: text from a book is never taken for a formula, a
#: URL or a number, whichever writer method a report uses.
TEXT_AS_TEXT = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
