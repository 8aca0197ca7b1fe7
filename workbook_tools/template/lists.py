"""The hidden 选项 / Lists sheet and the workbook's defined names.

Three kinds of names, all ASCII so every spreadsheet program takes them:

* ``lst_<list>``: one column of the Lists sheet per choice list (dropdown values in the workbook's
  language). Dropdowns point at these names, never at inline lists (which break past 255 chars).
* ``keys_<sheet>_<column>``: the existing customer IDs, SKUs and order numbers, as
  ``OFFSET(first key cell, 0, 0, COUNTA(key column) - 1, 1)``: the range grows as staff add rows,
  and Excel 2010+, WPS and LibreOffice all evaluate it in a list validation.
* ``col_<sheet>_<column>``: a whole column on another sheet, for validation and conditional
  format formulas (Excel 2007 refuses direct references to other sheets there; names always work).
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..cells import col_letter, quote_sheet
from ..choices import Choice
from ..schema import LISTS, SHEETS, aux_name, resolve_ref
from .styles import Styles

#: Whole columns reached from other sheets: every reference target, and the order date (shipments
#: may not be shipped before it).
_EXTRA_COLUMNS = (("orders", "order_date"),)


def list_name(list_key: str) -> str:
    return f"lst_{list_key}"


def keys_name(ref: str) -> str:
    """``keys_customers_customer_id`` for ``Column.ref`` ``"customers.customer_id"``."""
    return "keys_" + ref.replace(".", "_")


def column_name(sheet_key: str, col_key: str) -> str:
    return f"col_{sheet_key}_{col_key}"


def ref_targets() -> list[str]:
    """Every ``Column.ref`` of the schema, once, in order of first use."""
    return list(dict.fromkeys(c.ref for s in SHEETS for c in s.columns if c.ref))


def named_columns() -> list[tuple[str, str]]:
    targets = [tuple(ref.split(".")) for ref in ref_targets()]
    return list(dict.fromkeys([*targets, *_EXTRA_COLUMNS]))


def _list_title(list_key: str, lang: str) -> str:
    """The Lists sheet's header of a list: the header of the first column that uses it."""
    for sheet in SHEETS:
        for col in sheet.columns:
            if col.choices == list_key:
                return col.header(lang)
    return list_key


def write_lists_sheet(ws: Worksheet, lists: dict[str, tuple[Choice, ...]], lang: str, styles: Styles) -> None:
    """One column per list, header in row 1, labels from row 2; rows written in order (the
    workbook may be in constant-memory mode)."""
    keys = list(lists)
    for j, key in enumerate(keys):
        ws.set_column(j, j, 16)
        ws.write_string(0, j, _list_title(key, lang), styles.bold)
    longest = max((len(v) for v in lists.values()), default=0)
    for i in range(longest):
        for j, key in enumerate(keys):
            if i < len(lists[key]):
                ws.write_string(i + 1, j, lists[key][i].label(lang))
    ws.protect("", {"format_columns": True})
    ws.hide()


def define_names(wb: Workbook, lists: dict[str, tuple[Choice, ...]], lang: str) -> None:
    sheet_ref = quote_sheet(aux_name(LISTS, lang))
    for j, (key, choices) in enumerate(lists.items()):
        letter = col_letter(j)
        wb.define_name(list_name(key), f"={sheet_ref}!${letter}$2:${letter}${max(2, len(choices) + 1)}")
    for ref in ref_targets():
        sheet, col = resolve_ref(ref)
        where, letter = quote_sheet(sheet.name(lang)), sheet.letter(col.key)
        wb.define_name(
            keys_name(ref),
            f"=OFFSET({where}!${letter}$2,0,0,MAX(1,COUNTA({where}!${letter}:${letter})-1),1)",
        )
    for sheet_key, col_key in named_columns():
        sheet, col = resolve_ref(f"{sheet_key}.{col_key}")
        letter = sheet.letter(col.key)
        wb.define_name(column_name(sheet_key, col_key), f"={quote_sheet(sheet.name(lang))}!${letter}:${letter}")
