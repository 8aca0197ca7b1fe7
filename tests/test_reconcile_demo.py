"""Every figure of the reconciliation of a demo book equals an independent computation in pandas."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from reconcile_cases import frames, order_amounts
from terms_oracle import payment_due, with_allocation

from workbook_tools.book import OrderBook
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.reconcile import reconcile_book
from workbook_tools.validate import validate_book

TODAY = date(2026, 11, 27)
SHARED_CODES = {
    "negative-stock",
    "stocktake-variance",
    "low-stock",
    "overpaid",
    "unknown-order",
    "duplicate-key",
    "shipped-more-than-ordered",
    "shipped-without-shipment",
    "cancelled-with-payment",
}


@pytest.fixture(scope="module")
def demo():
    """The 300-order demo with every fifth payment left out, so that balances of every age are open,
    and a stock count on a busy day."""
    data = generate_demo(300, seed=4, today=TODAY)
    data["payments"] = [p for i, p in enumerate(data["payments"]) if i % 5]
    return data


@pytest.fixture(scope="module")
def rec(demo):
    return reconcile_book(OrderBook.from_data(demo), today=TODAY)


def cents(d: Decimal) -> int:
    return int(d * 100)


def order_figures(demo, f) -> pd.DataFrame:
    """reconcile_cases.order_amounts with the money on account each order took (terms_oracle): the
    demo's 月结 customers pay some months by one transfer for several orders."""
    return with_allocation(demo, order_amounts(f))


def pandas_ledger(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per SKU: the movements by kind, each stocktake's book quantity, and the closing stock."""
    products = f["products"].set_index("sku")
    moves = f["stock_moves"]
    ships = f["shipments"]
    lines = f["order_lines"]
    # what left the warehouse, and when: partial shipments on their date; a whole-order shipment
    # takes every line of the order on the (mean) date of the order's whole-order shipments
    partial = ships[ships["sku"].notna()][["sku", "ship_date", "quantity"]].rename(columns={"ship_date": "date"})
    whole_dates = (
        ships[ships["sku"].isna()]
        .groupby("order_no")["ship_date"]
        .apply(lambda s: pd.Timestamp(date.fromordinal(int(s.map(pd.Timestamp.toordinal).mean()))))
    )
    whole = lines.merge(whole_dates.rename("date"), left_on="order_no", right_index=True)[["sku", "date", "quantity"]]
    out_moves = pd.concat([partial, whole])
    out_moves = out_moves.assign(type="shipped", quantity=-out_moves["quantity"])
    flow = pd.concat([moves[moves["type"] != "stocktake"][["sku", "date", "type", "quantity"]], out_moves])
    counts = moves[moves["type"] == "stocktake"].groupby(["sku", "date"])["quantity"].sum().reset_index()

    rows = {}
    for sku, p in products.iterrows():
        fl = flow[flow["sku"] == sku]
        by_type = fl.groupby("type")["quantity"].sum()
        stock, since = int(p["opening_stock"]), pd.Timestamp.min
        book_at = []
        for _, c in counts[counts["sku"] == sku].sort_values("date").iterrows():
            stock += int(fl[(fl["date"] > since) & (fl["date"] <= c["date"])]["quantity"].sum())
            book_at.append((c["date"].date(), stock, int(c["quantity"])))
            stock, since = int(c["quantity"]), c["date"]
        stock += int(fl[fl["date"] > since]["quantity"].sum())
        rows[sku] = {
            "opening": int(p["opening_stock"]),
            "receipts": int(by_type.get("receipt", 0)),
            "returns": int(by_type.get("return", 0)),
            "adjustments": int(by_type.get("adjustment", 0)),
            "shipped": -int(by_type.get("shipped", 0)),
            "counts": book_at,
            "closing": stock,
            "value_c": stock * round(p["list_price"] * 100),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def test_stock_ledger_per_sku_equals_pandas(demo, rec):
    expected = pandas_ledger(frames(demo))
    got = {
        s.sku: {
            "opening": s.opening,
            "receipts": s.receipts,
            "returns": s.returns,
            "adjustments": s.adjustments,
            "shipped": s.shipped,
            "closing": s.closing,
            "value_c": cents(s.value),
        }
        for s in rec.stock.lines
    }
    assert got == expected.drop(columns="counts").to_dict(orient="index")
    counts = sorted((c.sku, c.date, c.book, c.counted) for c in rec.stock.counts)
    assert counts == sorted(
        (sku, d, book, counted) for sku, cs in expected["counts"].items() for d, book, counted in cs
    )
    assert any(c.variance for c in rec.stock.counts) and any(s.returns for s in rec.stock.lines)
    # the identity of the ledger, and derive.py's stock on hand
    on_hand = derive(demo)["products"]["on_hand"]
    for s in rec.stock.lines:
        assert s.opening + s.receipts + s.returns + s.adjustments - s.shipped + s.count_corrections == s.closing
        assert s.closing == on_hand[s.index]


def test_payment_totals_equal_pandas(demo, rec):
    f = frames(demo)
    orders = order_figures(demo, f)
    live = orders[orders["status"] != "cancelled"]
    p = rec.payments
    # some orders are paid by transfers on account, which the ledger shows as paid
    assert (orders["paid_c"] != order_amounts(f)["paid_c"]).sum() > 10
    assert p.orders == len(live)
    assert cents(p.total) == live["total_c"].sum() and cents(p.paid) == live["paid_c"].sum()
    assert cents(p.outstanding) == live["balance_c"].clip(lower=0).sum()
    amounts = (f["payments"]["amount"] * 100).round().astype("int64")
    assert cents(p.received) == amounts[amounts > 0].sum() and cents(p.refunded) == amounts[amounts < 0].sum()
    status = pd.Series("unpaid", index=live.index)
    status[(live["paid_c"] > 0)] = "partial"
    status[(live["paid_c"] == live["total_c"]) & (live["total_c"] > 0)] = "paid"
    status[live["paid_c"] > live["total_c"]] = "overpaid"
    assert dict(p.by_status) == status.value_counts().to_dict()
    # every past-due balance is listed, and nothing else is
    due = live.index.map(payment_due(demo))  # by the payment due date of the terms (terms_oracle.py)
    past_due = live[(live["balance_c"] > 0) & (due < pd.Timestamp(TODAY))]
    assert len(past_due) > 10
    assert sorted(i.order_no for i in p.items if i.kind == "unpaid-past-due") == sorted(past_due.index)
    refunds = f["payments"][f["payments"]["amount"] < 0]
    assert p.count("refund") == len(refunds) > 0


def test_ageing_and_collection_list_equal_pandas(demo, rec):
    f = frames(demo)
    orders = order_figures(demo, f)
    open_ = orders[(orders["status"] != "cancelled") & (orders["balance_c"] > 0)].copy()
    open_["due"] = open_.index.map(payment_due(demo))  # not due (NaT): an unshipped order on 月结 terms
    open_["days"] = (pd.Timestamp(TODAY) - open_["due"]).dt.days.fillna(0).astype(int)
    open_["bucket"] = pd.cut(open_["days"], [-(10**9), 0, 30, 60, 90, 10**9], labels=False)
    assert [cents(t) for t in rec.ageing.totals] == [
        int(open_[open_["bucket"] == b]["balance_c"].sum()) for b in range(5)
    ]
    assert cents(rec.ageing.grand_total) == open_["balance_c"].sum()

    overdue = open_[open_["days"] > 0]
    per = overdue.groupby("customer_id").agg(
        overdue=("balance_c", "sum"), days=("days", "max"), oldest=("due", "min"), orders=("balance_c", "size")
    )
    per["bucket"] = pd.cut(per["days"], [0, 30, 60, 90, 10**9], labels=False) + 1
    per = per.reset_index().sort_values(
        ["bucket", "overdue", "oldest", "customer_id"], ascending=[False, False, True, True]
    )
    assert len(per) > 5
    got = [(e.rank, e.customer_id, cents(e.overdue), e.max_days, len(e.orders), e.oldest_due) for e in rec.collection]
    assert got == [
        (n, r.customer_id, r.overdue, r.days, r.orders, r.oldest.date()) for n, r in enumerate(per.itertuples(), 1)
    ]
    owed = open_.groupby("customer_id")["balance_c"].sum()
    assert all(cents(e.owed) == owed[e.customer_id] for e in rec.collection)


def test_shipments_late_and_on_time_equal_pandas(demo, rec):
    f = frames(demo)
    orders = f["orders"].set_index("order_no")
    first = f["shipments"].groupby("order_no")["ship_date"].min()
    live = orders[orders["status"] != "cancelled"].join(first.rename("first"), how="inner")
    with_due = live[live["due_date"].notna()]
    late = with_due[with_due["first"] > with_due["due_date"]]
    sh = rec.shipments
    assert (sh.shipped_orders, sh.with_due, sh.on_time) == (len(live), len(with_due), len(with_due) - len(late))
    got = {i.order_no: i.days_late for i in sh.items if i.kind == "shipped-after-due"}
    assert got == ((late["first"] - late["due_date"]).dt.days).to_dict() and got


def test_the_clean_demo_has_no_error_level_discrepancy(rec):
    assert rec.errors == 0 and rec.exit_code == 0


def test_shared_checks_agree_with_validation(demo):
    """A corrupted demo: the discrepancies reconciliation shares with validation are the same findings."""
    data = copy.deepcopy(demo)
    data["payments"].append(dict(data["payments"][3], order_no="SO0000000000"))  # unknown order
    data["payments"].append(dict(data["payments"][4], amount=Decimal("9999.00")))  # overpaid, dup ref
    sku = data["products"][2]["sku"]
    data["stock_moves"].append(
        {"date": date(2026, 6, 1), "sku": sku, "type": "adjustment", "quantity": -5000, "doc_no": None, "notes": None}
    )  # negative stock
    shipped = next(o for o in data["orders"] if o["status"] == "shipped")
    data["shipments"] = [s for s in data["shipments"] if s["order_no"] != shipped["order_no"]]  # without shipment
    line = data["order_lines"][7]
    data["shipments"].append(
        {
            "order_no": line["order_no"],
            "ship_date": TODAY,
            "carrier": "顺丰速运",
            "tracking_no": "SF1234567890123",
            "sku": line["sku"],
            "quantity": 999,
            "delivered_on": None,
            "notes": None,
        }
    )  # more than ordered
    book = OrderBook.from_data(data)
    rec = reconcile_book(book, today=TODAY)
    validated = validate_book(OrderBook.from_data(data), today=TODAY)
    key = lambda f: (f.code, f.cell, str(f.value))  # noqa: E731
    ours = sorted(key(f) for f in rec.findings if f.code in SHARED_CODES)
    theirs = sorted(
        key(f)
        for f in validated
        if f.code in SHARED_CODES
        and not (f.code in ("unknown-order", "duplicate-key") and not f.cell.startswith(("付款", "发货")))
        and not (f.code == "overpaid" and f.cell.startswith("付款"))
    )  # reconciled per order
    assert ours == theirs
    assert {c for c, _, _ in ours} >= {
        "negative-stock",
        "overpaid",
        "unknown-order",
        "duplicate-key",
        "shipped-more-than-ordered",
        "shipped-without-shipment",
    }
    assert rec.exit_code == 1
