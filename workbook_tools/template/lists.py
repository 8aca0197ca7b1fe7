"""The hidden 选项 / Lists sheet and the workbook's defined names.

Three kinds of names, all ASCII so every spreadsheet program takes them:

* ``lst_<list>``: one column of the Lists sheet per choice list (dropdown values in the workbook's
  language). Dropdowns point at these names, never at inline lists (which break past 255 chars).
* ``keys_<sheet>_<column>``: the existing customer IDs, SKUs and order numbers, from row 2 to the
  last row holding one (:func:`keys_formula`): the range grows as staff add rows, blank rows in
  between included, and Excel 2010+, WPS, LibreOffice and Gnumeric all evaluate it in a list
  validation.
* ``picks_<sheet>_<column>``: the same rows of the 编号及名称 column beside the customer IDs and SKUs
  ("C0001 杭州明远贸易有限公司"): the entries of the dropdowns that pick a customer or a product, so
  staff choose by name; the formulas and the reader take the code (formulas.LABELLED).
* ``col_<sheet>_<column>``: a whole column on another sheet, for validation and conditional
  format formulas (Excel 2007 refuses direct references to other sheets there; names always work).
* ``rng_<sheet>_<column>``: a column's prepared rows (row 2 to the sheet's last prepared row), the
  ranges the derived formulas and the dashboard compute over (formulas.py). ``orderbook extend``
  moves their ends when it prepares more rows.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..cells import col_letter, quote_sheet
from ..choices import Choice
from ..formulas import FORMULAS, FormulaContext, range_name
from ..schema import LISTS, SHEET_BY_KEY, SHEETS, aux_name, resolve_ref
from .styles import Styles

#: Whole columns reached from other sheets: every reference target, and the order date (shipments
#: may not be shipped before it).
_EXTRA_COLUMNS = (("orders", "order_date"),)


def list_name(list_key: str) -> str:
    return f"lst_{list_key}"


def keys_name(ref: str) -> str:
    """``keys_customers_customer_id`` for ``Column.ref`` ``"customers.customer_id"``."""
    return "keys_" + ref.replace(".", "_")


def picks_name(ref: str) -> str:
    """``picks_customers_customer_id``: the dropdown entries (code and name) of ``Column.ref`` ``ref``."""
    return "picks_" + ref.replace(".", "_")


#: The refs whose dropdowns list "code name" entries, and the column holding them.
PICKS = {"customers.customer_id": "label", "products.sku": "label"}


def column_name(sheet_key: str, col_key: str) -> str:
    return f"col_{sheet_key}_{col_key}"


def ref_targets() -> list[str]:
    """Every ``Column.ref`` of the schema, once, in order of first use."""
    return list(dict.fromkeys(c.ref for s in SHEETS for c in s.columns if c.ref))


def named_columns() -> list[tuple[str, str]]:
    targets = [(sheet.key, col.key) for sheet, col in map(resolve_ref, ref_targets())]
    return list(dict.fromkeys([*targets, *_EXTRA_COLUMNS]))


def keys_formula(where: str, letter: str, show: str | None = None) -> str:
    """The keys of column ``letter`` on sheet ``where`` (quoted), row 2 to the last row holding one.

    The last row is found by MATCH's binary search for a value above every key: a text
    (``REPT("z",255)``) and a number (9.99E+307), each the last of its kind; blank rows in between
    do not stop it (``COUNTA`` counted cells, and missed the keys typed after a gap). OFFSET, not
    ``A2:INDEX(…)``: Gnumeric does not build a range from INDEX in a name. ``show``: the letter of
    the column whose rows the list gives (the 编号及名称 beside the keys), default the keys'."""
    col = f"{where}!${letter}:${letter}"
    last = f'MAX(2,IFERROR(MATCH(REPT("z",255),{col}),1),IFERROR(MATCH(9.99E+307,{col}),1))'
    return f"=OFFSET({where}!${show or letter}$2,0,0,{last}-1,1)"


class _Recorder(FormulaContext):
    """A formula context that notes every prepared range a formula names."""

    #: (sheet, column) of every range named so far, in order (a dict as an ordered set)
    used: dict[tuple[str, str], None]

    def __init__(self, lang: str):
        super().__init__(lang, {})
        object.__setattr__(self, "used", {})

    def col(self, sheet: str, key: str) -> str:
        self.used[(sheet, key)] = None
        return super().col(sheet, key)


def range_columns() -> list[tuple[str, str]]:
    """Every (sheet, column) whose ``rng_`` name a derived formula or the dashboard uses, in schema order."""
    from ..config import Config
    from .dashboard import dashboard_formulas

    ctx = _Recorder("zh")
    for builder in FORMULAS.values():
        builder(ctx, 2)
    dashboard_formulas(ctx, Config())
    order = {(s.key, c.key): (i, j) for i, s in enumerate(SHEETS) for j, c in enumerate(s.columns)}
    return sorted(ctx.used, key=order.__getitem__)


def range_target(sheet_key: str, col_key: str, lang: str, last_row: int) -> str:
    """What ``rng_<sheet>_<col>`` refers to: ``'订单明细'!$G$2:$G$5001``."""
    sheet = SHEET_BY_KEY[sheet_key]
    letter = sheet.letter(col_key)
    return f"={quote_sheet(sheet.name(lang))}!${letter}$2:${letter}${last_row}"


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


def define_names(wb: Workbook, lists: dict[str, tuple[Choice, ...]], lang: str, last_row: dict[str, int]) -> None:
    """``last_row``: the last prepared row of each sheet (the end of its ``rng_`` names)."""
    sheet_ref = quote_sheet(aux_name(LISTS, lang))
    for j, (key, choices) in enumerate(lists.items()):
        letter = col_letter(j)
        wb.define_name(list_name(key), f"={sheet_ref}!${letter}$2:${letter}${max(2, len(choices) + 1)}")
    for ref in ref_targets():
        sheet, col = resolve_ref(ref)
        where, letter = quote_sheet(sheet.name(lang)), sheet.letter(col.key)
        wb.define_name(keys_name(ref), keys_formula(where, letter))
        if ref in PICKS:
            wb.define_name(picks_name(ref), keys_formula(where, letter, sheet.letter(PICKS[ref])))
    for sheet_key, col_key in named_columns():
        sheet, col = resolve_ref(f"{sheet_key}.{col_key}")
        letter = sheet.letter(col.key)
        wb.define_name(column_name(sheet_key, col_key), f"={quote_sheet(sheet.name(lang))}!${letter}:${letter}")
    for sheet_key, col_key in range_columns():
        wb.define_name(range_name(sheet_key, col_key), range_target(sheet_key, col_key, lang, last_row[sheet_key]))
