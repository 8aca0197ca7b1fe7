"""Every figure of the monthly summary against an independent computation in plain pandas over the
same demo rows (600 orders, today 2026-11-27): a month that has ended (2026-10, whose month a year
before precedes the book) and the month still running (2026-11, compared with 2025-11)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from terms_oracle import allocated, payment_due

from workbook_tools.config import Config
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.summary import Month, monthly_summary

TODAY = date(2026, 11, 27)
CENT = Decimal("0.01")
ZERO = Decimal(0)


def r2(x) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def data():
    return generate_demo(600, seed=1, today=TODAY)


class Frames:
    """The demo book as DataFrames, with line amounts and order totals computed here."""

    def __init__(self, data):
        self.data = data
        self.customers = pd.DataFrame(data["customers"])
        self.products = pd.DataFrame(data["products"])
        o = pd.DataFrame(data["orders"])
        for c in ("order_date", "due_date"):
            o[c] = pd.to_datetime(o[c])
        ln = pd.DataFrame(data["order_lines"])
        ln["amount"] = [
            r2(Decimal(q) * p * (1 - (d if d is not None and not pd.isna(d) else ZERO)))
            for q, p, d in zip(ln["quantity"], ln["unit_price"], ln["discount"])
        ]
        totals = ln.groupby("order_no")["amount"].apply(lambda s: sum(s, ZERO))
        o["total"] = [r2(totals.get(no, ZERO)) for no in o["order_no"]]
        o["live"] = o["status"] != "cancelled"
        self.orders, self.lines = o, ln.merge(o[["order_no", "order_date", "live"]], on="order_no")
        p = pd.DataFrame(data["payments"])
        p["paid_on"] = pd.to_datetime(p["paid_on"])
        s = pd.DataFrame(data["shipments"])
        for c in ("ship_date", "delivered_on"):
            s[c] = pd.to_datetime(s[c])
        self.payments, self.shipments = p, s
        self.log = pd.DataFrame(data["status_log"])

    @staticmethod
    def within(col: pd.Series, month: Month) -> pd.Series:
        return (col >= pd.Timestamp(month.first)) & (col <= pd.Timestamp(month.last))

    def balances(self, day: date) -> pd.DataFrame:
        """Orders placed by ``day`` and not cancelled, with the balance at the end of that day: less the
        payments naming the order and the money on account it took (terms_oracle.allocated)."""
        o = self.orders[(self.orders["order_date"] <= pd.Timestamp(day)) & self.orders["live"]].copy()
        paid = (
            self.payments[self.payments["paid_on"] <= pd.Timestamp(day)]
            .groupby("order_no")["amount"]
            .apply(lambda s: sum(s, ZERO))
        )
        took = allocated(self.data, dict(zip(self.orders["order_no"], self.orders["total"])), as_of=day)
        o["balance"] = [t - paid.get(no, ZERO) - took.get(no, ZERO) for no, t in zip(o["order_no"], o["total"])]
        return o

    def figures(self, month: Month, as_of: date) -> dict:
        o = self.orders[self.within(self.orders["order_date"], month)]
        live = o[o["live"]]
        revenue = sum(live["total"], ZERO)
        first = self.orders.groupby("customer_id")["order_date"].min()
        buyers = o["customer_id"].unique()
        new = int(sum(self.within(first[buyers], month)))
        first_ship = self.shipments.groupby("order_no")["ship_date"].min().rename("first_ship").reset_index()
        shipped = first_ship.merge(self.orders, on="order_no")
        shipped = shipped[self.within(shipped["first_ship"], month)]
        with_due = shipped[shipped["due_date"].notna()]
        deliv = self.shipments[self.within(self.shipments["ship_date"], month) & self.shipments["delivered_on"].notna()]
        bal = self.balances(as_of)["balance"]
        return {
            "orders": len(o),
            "order_lines": int(self.lines["order_no"].isin(o["order_no"]).sum()),
            "revenue": revenue,
            "received": sum(self.payments[self.within(self.payments["paid_on"], month)]["amount"], ZERO),
            "outstanding": sum((b for b in bal if b > 0), ZERO),
            "average_order_value": r2(revenue / len(live)) if len(live) else None,
            "new_customers": new,
            "returning_customers": len(buyers) - new,
            "cancelled_orders": int((~o["live"]).sum()),
            "on_time_rate": (with_due["first_ship"] <= with_due["due_date"]).mean() if len(with_due) else None,
            "days_to_ship": (shipped["first_ship"] - shipped["order_date"]).dt.days.mean() if len(shipped) else None,
            "days_to_deliver": (deliv["delivered_on"] - deliv["ship_date"]).dt.days.mean() if len(deliv) else None,
        }


@pytest.fixture(scope="module")
def frames(data):
    return Frames(data)


def same(ours, theirs):
    if theirs is None:
        return ours is None
    if isinstance(theirs, float):
        return ours == pytest.approx(theirs, rel=1e-12)
    return ours == theirs


@pytest.mark.parametrize("month, as_of", [("2026-10", date(2026, 10, 31)), ("2026-11", TODAY)])
def test_key_figures_equal_pandas(data, frames, month, as_of):
    s = monthly_summary(data, month, today=TODAY)
    m = Month.parse(month)
    assert s.as_of == as_of
    expected = {"value": frames.figures(m, as_of), "previous": frames.figures(m.shift(-1), m.shift(-1).last)}
    year_ago = m.shift(-12)
    has_year = year_ago.last >= min(d["order_date"] for d in data["orders"])
    expected["last_year"] = frames.figures(year_ago, year_ago.last) if has_year else None
    for key, f in s.figures.items():
        assert same(f.value, expected["value"][key]), key
        assert same(f.previous, expected["previous"][key]), key
        assert same(f.last_year, expected["last_year"][key] if has_year else None), key
        if f.previous not in (None, 0) and f.value is not None:
            assert f.change_previous == pytest.approx(
                float((Decimal(str(f.value)) - Decimal(str(f.previous))) / Decimal(str(f.previous)))
            )
    assert (month == "2026-11") == has_year  # the demo book starts 2025-11-29
    assert s.figures["orders"].value > 40 and s.figures["received"].value > 0


@pytest.mark.parametrize("month", ["2026-10", "2026-11"])
def test_breakdowns_equal_pandas(data, frames, month):
    s = monthly_summary(data, month, today=TODAY)
    m = Month.parse(month)
    o = frames.orders[frames.within(frames.orders["order_date"], m)]
    live = o[o["live"]]
    revenue = sum(live["total"], ZERO)

    g = live.groupby("customer_id").agg(orders=("order_no", "size"), revenue=("total", lambda t: sum(t, ZERO)))
    top = sorted(((-r.revenue, -r.orders, cid) for cid, r in g.iterrows()))[:10]
    assert [(r["customer_id"], r["orders"], r["revenue"]) for r in s["top_customers"]] == [
        (cid, -n, -rev) for rev, n, cid in top
    ]
    names = dict(zip(frames.customers["customer_id"], frames.customers["name"]))
    assert all(r["name"] == names[r["customer_id"]] for r in s["top_customers"])
    assert s["top_customers"][0]["share"] == pytest.approx(float(s["top_customers"][0]["revenue"] / revenue))

    ln = frames.lines[frames.within(frames.lines["order_date"], m) & frames.lines["live"]]
    p = ln.groupby("sku").agg(quantity=("quantity", "sum"), revenue=("amount", lambda t: sum(t, ZERO)))
    by_rev = sorted((-r.revenue, -r.quantity, sku) for sku, r in p.iterrows())[:10]
    assert [(r["sku"], r["quantity"], r["revenue"]) for r in s["top_products_by_revenue"]] == [
        (sku, -q, -rev) for rev, q, sku in by_rev
    ]
    by_qty = sorted((-r.quantity, -r.revenue, sku) for sku, r in p.iterrows())[:10]
    assert [(r["sku"], r["quantity"]) for r in s["top_products_by_quantity"]] == [(sku, -q) for q, _, sku in by_qty]

    counts = o["status"].value_counts()
    assert {r["status"]: r["orders"] for r in s["orders_by_status"]} == {
        st: int(counts.get(st, 0)) for st in ("pending", "processing", "shipped", "completed", "cancelled")
    }
    assert sum(r["amount"] for r in s["orders_by_status"]) == sum(o["total"], ZERO)

    sp = live.groupby("salesperson")["total"].apply(lambda t: sum(t, ZERO))
    assert {r["salesperson"]: r["revenue"] for r in s["by_salesperson"]} == sp.to_dict()
    prov = live.merge(frames.customers[["customer_id", "province"]], on="customer_id")
    pg = prov.groupby("province").agg(
        customers=("customer_id", "nunique"), orders=("order_no", "size"), revenue=("total", lambda t: sum(t, ZERO))
    )
    assert {r["province"]: (r["customers"], r["orders"], r["revenue"]) for r in s["by_province"]} == {
        k: (v.customers, v.orders, v.revenue) for k, v in pg.iterrows()
    }

    pay = frames.payments[frames.within(frames.payments["paid_on"], m)]
    pm = pay.groupby("method").agg(payments=("amount", "size"), amount=("amount", lambda t: sum(t, ZERO)))
    assert {r["method"]: (r["payments"], r["amount"]) for r in s["by_payment_method"]} == {
        k: (v.payments, v.amount) for k, v in pm.iterrows()
    }

    sh = frames.shipments[frames.within(frames.shipments["ship_date"], m)].copy()
    sh["days"] = (sh["delivered_on"] - sh["ship_date"]).dt.days
    cg = sh.groupby("carrier").agg(
        shipments=("order_no", "size"),
        orders=("order_no", "nunique"),
        delivered=("delivered_on", "count"),
        days=("days", "mean"),
    )
    ours = {r["carrier"]: r for r in s["by_carrier"]}
    assert set(ours) == set(cg.index)
    for carrier, v in cg.iterrows():
        r = ours[carrier]
        assert (r["shipments"], r["orders"], r["delivered"]) == (v.shipments, v.orders, v.delivered)
        assert r["days_to_deliver"] == pytest.approx(v.days)


@pytest.mark.parametrize("month", ["2026-10", "2026-11"])
def test_daily_and_twelve_months_equal_pandas(data, frames, month):
    s = monthly_summary(data, month, today=TODAY)
    m = Month.parse(month)
    o = frames.orders[frames.within(frames.orders["order_date"], m)]
    assert [d["date"] for d in s["daily"]] == [date(m.year, m.month, i) for i in range(1, m.days + 1)]
    per_day = o.groupby(o["order_date"].dt.day)
    assert [d["orders"] for d in s["daily"]] == [int(per_day.size().get(i, 0)) for i in range(1, m.days + 1)]
    rev = o[o["live"]].groupby(o["order_date"].dt.day)["total"].apply(lambda t: sum(t, ZERO))
    assert [d["revenue"] for d in s["daily"]] == [rev.get(i, ZERO) for i in range(1, m.days + 1)]
    assert sum(d["revenue"] for d in s["daily"]) == s.figures["revenue"].value

    start = min(frames.orders["order_date"])
    for row, i in zip(s["monthly"], range(11, -1, -1)):
        mo = m.shift(-i)
        assert row["month"] == str(mo)
        if pd.Timestamp(mo.last) < start:
            assert row["orders"] is row["revenue"] is row["received"] is None
            continue
        f = frames.figures(mo, mo.last)
        assert (row["orders"], row["revenue"], row["received"]) == (f["orders"], f["revenue"], f["received"])
    assert s["monthly"][-1]["revenue"] == s.figures["revenue"].value


@pytest.mark.parametrize("month, as_of", [("2026-10", date(2026, 10, 31)), ("2026-11", TODAY)])
def test_ageing_low_stock_and_open_problems_equal_pandas(data, frames, month, as_of):
    config = Config()
    s = monthly_summary(data, month, config=config, today=TODAY)
    # ageing: balances at as_of, by days past the due date (or the order date when there is none)
    b = frames.balances(as_of)
    b = b[b["balance"] > 0].copy()
    due = b["order_no"].map(payment_due(data))  # the payment due date of the terms (terms_oracle.py)
    b["days"] = (pd.Timestamp(as_of) - due).dt.days.fillna(0)
    b["bucket"] = pd.cut(b["days"], [-(10**6), 0, 30, 60, 90, 10**6], labels=False)
    expected = [sum(b[b["bucket"] == i]["balance"], ZERO) for i in range(5)]
    assert list(s.ageing.totals) == expected
    assert s.ageing.grand_total == s.figures["outstanding"].value == sum(expected, ZERO)
    per_customer = b.groupby("customer_id")["balance"].apply(lambda t: sum(t, ZERO))
    assert {r.customer_id: r.total for r in s.ageing.rows} == per_customer.to_dict()

    on_hand = derive(data)["products"]["on_hand"]
    p = frames.products.assign(on_hand=on_hand)
    p["point"] = p["reorder_point"].fillna(config.thresholds.low_stock_default)
    low = p[p["on_hand"] <= p["point"]]
    assert sorted(r["sku"] for r in s["low_stock"]) == sorted(low["sku"])
    assert all(r["shortfall"] == r["reorder_point"] - r["on_hand"] for r in s["low_stock"])

    log = frames.log
    end = datetime.combine(as_of, time.max)
    open_ = log[
        log["issue"].notna()
        & (log["issue"] != "")
        & (log["resolution"].isna() | (log["resolution"] == ""))
        & (log["timestamp"] <= end)
    ]
    assert [(r["order_no"], r["logged_at"]) for r in s["unresolved_problems"]] == sorted(
        zip(open_["order_no"], open_["timestamp"]), key=lambda t: (t[1], t[0])
    )
    statuses = dict(zip(frames.orders["order_no"], frames.orders["status"]))
    assert all(r["status"] == statuses[r["order_no"]] for r in s["unresolved_problems"])
    assert all(r["days_open"] == (as_of - r["logged_at"].date()).days for r in s["unresolved_problems"])
    if month == "2026-11":
        assert s["unresolved_problems"]  # the demo leaves a few recent problems open
