"""read_book(...).frames(): one typed DataFrame per sheet, equal to the typed rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.read import read_book
from workbook_tools.schema import SHEETS, T
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)


def test_frames_hold_the_typed_rows_and_the_derived_values(tmp_path):
    book = read_book(write_book(tmp_path / "b.xlsx", generate_demo(40, seed=5, today=TODAY), today=TODAY))
    frames = book.frames()
    computed = derive(book.data())
    assert list(frames) == [s.key for s in SHEETS]
    for sheet in SHEETS:
        df, rows = frames[sheet.key], book[sheet.key].rows
        assert list(df.columns) == [c.key for c in sheet.columns] and len(df) == len(rows)
        for col in sheet.columns:
            values = computed[sheet.key][col.key] if col.derived else [r.get(col.key) for r in rows]
            got = df[col.key].tolist()
            for v, g in zip(values, got):
                if v is None or v == "":
                    assert g is None or pd.isna(g), (sheet.key, col.key, v, g)
                elif col.type in (T.MONEY, T.PERCENT):
                    assert Decimal(str(g)).quantize(Decimal("0.0001")) == Decimal(v).quantize(Decimal("0.0001"))
                elif col.type in (T.DATE, T.DATETIME):
                    expected = v if isinstance(v, datetime) else datetime(v.year, v.month, v.day)
                    assert g.to_pydatetime() == expected
                else:
                    assert g == v, (sheet.key, col.key, v, g)
    orders = frames["orders"]
    assert str(orders["order_date"].dtype) == "datetime64[ns]" and orders["total"].dtype == "float64"
    assert isinstance(orders["status"].dtype, pd.CategoricalDtype)
    assert list(orders["status"].cat.categories)[:5] == ["pending", "processing", "shipped", "completed", "cancelled"]
    assert str(frames["order_lines"]["quantity"].dtype) == "Int64"
    assert str(frames["customers"]["phone"].dtype) == "string"
    # what an analyst does first: revenue by month equals Python's sum to the cent
    revenue = orders[orders["status"] != "cancelled"].groupby(orders["order_date"].dt.to_period("M"))["total"].sum()
    expected = sum(t for t, r in zip(computed["orders"]["total"], book["orders"].rows) if r["status"] != "cancelled")
    assert round(revenue.sum(), 2) == float(expected)


def test_derived_columns_can_be_left_out(tmp_path):
    book = read_book(write_book(tmp_path / "b.xlsx", generate_demo(5, seed=5, today=TODAY), today=TODAY))
    assert "total" not in book.frames(derived=False)["orders"].columns
