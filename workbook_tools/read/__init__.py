"""Reading an order book: an .xlsx file → ``OrderBook`` of typed rows, each value keeping its cell.

    book = read_book("订单管理簿.xlsx")
    book["orders"].rows[0]["order_date"]      # datetime.date(2026, 11, 2)
    book["orders"].cell(0, "order_date")      # '订单!D2'
    book["orders"].problems                   # [(record, column key, raw value, reason), …]

Stages: open.py (file → calamine + zip, or BookReadError; sheets read one ahead in a worker),
sheets.py (sheet names, header row, records), headers.py (header text → column), coerce.py
(cell → typed value or a problem), columns.py (a whole column at once, fast), xlsxparts.py (what
calamine cannot tell: error cells, sheet parts, the 1904 date system).
Data problems never raise: they are listed in ``Table.problems`` for validation to report.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path

from ..book import OrderBook, Table
from ..choices import choice_lists
from ..config import Config
from ..derive import INPUTS
from ..errors import BookReadError
from ..lang import said
from ..perf import gc_paused
from ..schema import SHEETS
from .coerce import REASONS, Dates, converter
from .headers import header_map, normalise
from .open import open_book
from .sheets import find_other_sheets, find_sheets, read_table, sheet_values

__all__ = ["REASONS", "normalise", "read_book"]

#: The order the data sheets are handed on in (``on_table``): those the derived values need first,
#: the small ones first among them, the status log last. The caller works on the small sheets while
#: the orders sheet parses, and works out the derived values while the status log (a million rows on
#: a large book) parses (validate/runner.py).
READ_ORDER = sorted(
    SHEETS, key=lambda s: (s.key not in INPUTS, s.key in ("orders", "order_lines", "stock_moves", "status_log"))
)
#: The order the sheets start parsing in: the orders sheet, the largest of those needed first, right
#: after the two small sheets it names (on two cores it then parses beside the shipments and payments).
PARSE_FIRST = ("customers", "products", "orders")


def read_book(
    path: str | os.PathLike[str],
    *,
    config: Config | None = None,
    other_sheets: bool = False,
    on_table: Callable[[Table], None] | None = None,
    keep_xml: Collection[str] = (),
) -> OrderBook:
    """Read every data sheet of the order book at ``path`` (and, with ``other_sheets``, the cell
    values of every sheet staff added: ``OrderBook.other_sheets``).

    Raises BookReadError (not a workbook, encrypted, truncated …), MissingSheetError or
    MissingColumnError — each with one line saying what is wrong. Values that cannot be read as
    their column's type are None in the rows and listed in ``Table.problems``. ``on_table(table)``
    is called as each data sheet is read, so per-sheet work overlaps the reading of the next sheet.
    ``keep_xml``: keys of data sheets whose XML, inflated anyway to be scanned, is kept in
    ``OrderBook.xml`` (by part name) for a writer that changes them next (an import).
    """
    config = config or Config()
    lists = choice_lists(config)
    with gc_paused(), open_book(path, config) as source:
        names, lang = find_sheets(source.path, source.sheet_names)
        dates = Dates(source.parts.date1904)
        tables = {}
        others = find_other_sheets(source.sheet_info(), names) if other_sheets else []
        sheets = source.read_sheets(
            [names[s.key] for s in READ_ORDER] + [o.name for o in others if o.kind == "worksheet"],
            keep={names[k] for k in keep_xml},
            start=[names[k] for k in PARSE_FIRST],
        )
        xml = {}
        for sheet, cells in zip(READ_ORDER, sheets):
            if len(cells.grid) - 1 > config.limits.max_rows:
                raise BookReadError(
                    source.path,
                    said(
                        (
                            "工作表 {name!r} 用到第 {rows:,} 行，超过上限 {most:,} 行（设置中的 limits.max_rows）：请删除数据以下的行",
                            "sheet {name!r} reaches row {rows:,}, more than {most:,} rows (limits.max_rows in the config): "
                            "delete the rows below the data",
                        ),
                        name=cells.name,
                        rows=len(cells.grid),
                        most=config.limits.max_rows,
                    ),
                )
            converters = {c.key: converter(c, lists=lists, dates=dates) for c in sheet.columns}
            tables[sheet.key] = read_table(
                source.path,
                sheet,
                cells.name,
                cells.grid,
                header_map(sheet, config),
                converters,
                errors=cells.errors,
                merged=cells.merged,
            )
            if cells.xml is not None:
                xml[source.parts.sheets[cells.name]] = cells.xml
            del cells
            if on_table is not None:  # e.g. row checks, while the worker thread parses the next sheet
                on_table(tables[sheet.key])
            tables[sheet.key].by_column = {}  # (the rows hold the same values)
        for other, cells in zip([o for o in others if o.kind == "worksheet"], sheets):
            other.rows = sheet_values(cells)
    tables = {s.key: tables[s.key] for s in SHEETS}
    return OrderBook(tables, lang=lang, path=Path(path), other_sheets=others, xml=xml)
