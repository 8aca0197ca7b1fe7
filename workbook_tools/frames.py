"""One typed pandas DataFrame per sheet: the door for analysts (``read_book(path).frames()``).

Columns are the schema's keys in schema order, input columns and (unless ``derived=False``) the
derived ones Python computes. Types, chosen so that the usual pandas work (group, sum, resample)
needs no conversion:

- text, ids, phones, e-mails, tax ids: ``string`` (missing: ``<NA>``);
- dropdown values: ``category`` of the canonical values (``"paid"``, ``"shipped"`` …), whatever
  language the book is in — the categories are the dropdown's values, in its order;
- whole numbers: ``Int64`` (nullable);
- money and percentages: ``float64``. The book's money is Decimal to the cent; a float holds every
  cent amount up to 2**53 / 100 exactly enough to round back, so round sums to 2 places
  (``df["total"].sum().round(2)``). Use ``read_book(...)[sheet].rows`` for Decimal arithmetic;
- dates and times: ``datetime64[ns]`` (a date at midnight);
- a value the reader could not type is missing here (it is a ``wrong-type`` finding).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .choices import ChoiceLists, choice_lists
from .config import Config
from .schema import SHEETS, Column, T

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not among the test extras

    from .book import OrderBook

#: Sheet key -> the sheet's DataFrame.
Frames = dict[str, "pd.DataFrame"]


def _series(col: Column, values: list[Any], lists: ChoiceLists) -> pd.Series:
    import pandas as pd

    if col.type == T.CHOICE:
        known = [c.value for c in lists[col.choices]] if col.choices is not None and col.choices in lists else []
        extra = sorted({v for v in values if isinstance(v, str) and v not in known})
        return pd.Series(
            pd.Categorical([v if isinstance(v, str) else None for v in values], categories=known + extra), name=col.key
        )
    if col.type == T.INT:
        return pd.Series(
            [v if isinstance(v, int) and not isinstance(v, bool) else None for v in values], dtype="Int64", name=col.key
        )
    if col.type in (T.MONEY, T.PERCENT):
        return pd.Series(
            [float(v) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else None for v in values],
            dtype="float64",
            name=col.key,
        )
    if col.type in (T.DATE, T.DATETIME):
        return pd.Series(
            pd.to_datetime([v if isinstance(v, (date, datetime)) else None for v in values]), name=col.key
        ).astype("datetime64[ns]")
    return pd.Series([v if isinstance(v, str) and v != "" else None for v in values], dtype="string", name=col.key)


def frames(book: OrderBook, *, derived: bool = True, config: Config | None = None) -> Frames:
    """Sheet key -> DataFrame of the book's records (see the module docstring for the types)."""
    import pandas as pd

    from .derive import derive

    lists = choice_lists(config or Config())
    # the book's settings: its payment terms give the 应付日期
    computed = derive({key: table.rows for key, table in book.tables.items()}, config) if derived else None
    out: Frames = {}
    for sheet in SHEETS:
        rows = book[sheet.key].rows
        columns: dict[str, pd.Series] = {}
        for col in sheet.columns:
            if col.derived:
                if computed is None:
                    continue
                values = computed[sheet.key][col.key]
            else:
                values = [r.get(col.key) for r in rows]
            columns[col.key] = _series(col, list(values), lists)
        out[sheet.key] = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    return out
