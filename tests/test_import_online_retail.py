"""Acceptance on real invoice lines: UCI Online Retail through examples/online-retail/mapping.toml.

The rejects expected for each reason are worked out here from the CSVs with plain pandas, following
the rules the mapping documents — not by asking the importer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from import_helpers import SHARED_DATA

from workbook_tools.config import load_config
from workbook_tools.importer import import_rows
from workbook_tools.read import read_book
from workbook_tools.validate import validate_file

RETAIL = SHARED_DATA / "online-retail"
FILES = ["2010-12-01.csv", "2011-01-18.csv"]
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "online-retail"
TODAY = date(2026, 11, 27)
#: Stock codes that are no products (the six in these two files, and the UCI set's others).
NOT_PRODUCTS = {"POST", "DOT", "M", "m", "D", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "S", "B"}

pytestmark = pytest.mark.skipif(
    not RETAIL.is_dir(),
    reason=f"Online Retail CSVs not found at {RETAIL} (the shared test data sits beside the repository)",
)


def _frame() -> pd.DataFrame:
    frames = []
    for name in FILES:
        df = pd.read_csv(RETAIL / name, dtype=str, keep_default_na=False)
        frames.append(df.assign(file=name, row=range(2, len(df) + 2)))
    return pd.concat(frames, ignore_index=True)


def expected_rejects() -> dict[str, int]:
    """Source rows per reason, from the CSVs."""
    frames = []
    for name in FILES:
        df = pd.read_csv(RETAIL / name, dtype=str, keep_default_na=False)
        frames.append(df.assign(file=name, row=range(2, len(df) + 2)))
    df = pd.concat(frames, ignore_index=True)
    rows: dict[str, set] = defaultdict(set)
    where = list(zip(df.file, df.row))

    skipped = df.StockCode.isin(NOT_PRODUCTS)
    rows["skipped"] = {where[i] for i in df.index[skipped]}
    rest = df[~skipped]
    qty = rest.Quantity.astype(int)
    price = rest.UnitPrice.map(lambda s: Decimal(s).quantize(Decimal("0.01"), ROUND_HALF_UP))
    invoice = rest.InvoiceNo.str.strip().str.casefold()
    sku = rest.StockCode.str.strip().str.casefold()

    # lines: the first (invoice, SKU) is the line; a repeat is a duplicate or a conflict
    firsts: dict[tuple, int] = {}
    lines = []
    for i in rest.index:
        k = (invoice[i], sku[i])
        if k in firsts:
            j = firsts[k]
            same = (qty[i], price[i]) == (qty[j], price[j])
            rows["duplicate-row" if same else "source-conflict"].add(where[i])
        else:
            firsts[k] = i
            lines.append(i)

    # products: the first row of each SKU; rejected when no row names it
    named = rest.assign(k=sku, d=rest.Description.str.strip()).groupby("k", sort=False)
    bad_products = {k for k, g in named if (g.d == "").all()}
    for k in bad_products:
        rows["required-missing"].add(where[named.get_group(k).index[0]])

    # orders: one per invoice, at its first row; round 1 errors
    orders = rest.assign(k=invoice).groupby("k", sort=False)
    total = defaultdict(Decimal)
    for i in lines:
        total[invoice[i]] += (qty[i] * price[i]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    bad_orders = set()
    for k, g in orders:
        first = where[g.index[0]]
        if not re.fullmatch(r"\d{6}", g.InvoiceNo.iloc[0]):
            rows["bad-format"].add(first)
            bad_orders.add(k)
        if (g.CustomerID == "").all():
            rows["required-missing"].add(first)
            bad_orders.add(k)
        if total[k] < 0:  # a negative total: "paid" 0 is more than it
            rows["overpaid"].add(first)
            bad_orders.add(k)

    # lines: their own errors first; then those whose order or product was rejected
    kept = defaultdict(int)
    for i in lines:
        if qty[i] < 1:
            rows["out-of-range"].add(where[i])
            continue
        if invoice[i] in bad_orders:
            rows["unknown-order"].add(where[i])
        if sku[i] in bad_products:
            rows["unknown-sku"].add(where[i])
        if invoice[i] not in bad_orders and sku[i] not in bad_products:
            kept[invoice[i]] += 1
    # orders left with no line at all
    for k, g in orders:
        if k not in bad_orders and not kept[k]:
            rows["order-without-lines"].add(where[g.index[0]])
    return {code: len(s) for code, s in rows.items() if s}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    book = tmp_path_factory.mktemp("retail") / "retail.xlsx"
    result = import_rows(
        [RETAIL / f for f in FILES], book, mapping=EXAMPLE / "mapping.toml", today=TODAY, rejects_dir=book.parent
    )
    return book, result


def test_rejects_by_reason(imported):
    _, result = imported
    expected = expected_rejects()
    assert result.reject_counts() == expected
    # the quirks, in the data's own numbers (SOURCES.md): every exact duplicate row that is a product
    # line is reported, as a duplicate of the line kept, or as a conflict with it when it repeats a
    # line that already differed from the one kept (same invoice and SKU, another quantity)
    df = _frame()
    exact = df[df.drop(columns=["row"]).duplicated() & ~df.StockCode.isin(NOT_PRODUCTS)]
    reported = {(r.file, r.row) for r in result.rejects if r.code in ("duplicate-row", "source-conflict")}
    assert set(zip(exact.file, exact.row)) <= reported and len(exact) == 44 + 7
    assert expected["skipped"] == 9 + 13
    assert result.exit_code == 1 and all(p.exists() for p in result.rejects_paths)


def test_what_is_imported_validates(imported):
    book, result = imported
    checked = validate_file(book, config=load_config(EXAMPLE / "orderbook.toml"), today=TODAY)
    assert checked.error is None and checked.errors == 0
    assert set(checked.by_code()) <= {"low-stock", "price-deviation"}
    data = read_book(book).data()
    assert {k: len(v) for k, v in data.items() if v} == {k: c["add"] for k, c in result.counts.items() if c["add"]}
    assert "17850" in {c["customer_id"] for c in data["customers"]}  # written 17850.0 in the CSV
    assert all(o["order_no"].isdigit() for o in data["orders"])  # no cancellation
    assert all(ln["quantity"] >= 1 for ln in data["order_lines"])


def test_cancellations_are_rejected_with_their_reasons(imported):
    _, result = imported
    cancel = [r for r in result.rejects if r.sheet == "orders" and str(r.value).startswith("C")]
    assert cancel and {r.code for r in cancel} <= {"bad-format", "overpaid", "required-missing"}
    assert any(
        r.code == "out-of-range" and r.column == "Quantity" and str(r.value).startswith("-") for r in result.rejects
    )
