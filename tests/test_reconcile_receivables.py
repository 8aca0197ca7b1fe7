"""Receivables and their ageing: hand-made cases with known answers, and the demo against pandas."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pandas as pd
import pytest
from reconcile_cases import frames, order_amounts, small_book
from terms_oracle import payment_due, with_allocation

from workbook_tools.config import Config
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.receivables import ageing, make_buckets, receivables

AS_OF = date(2026, 3, 1)


def items(data, as_of=AS_OF):
    return receivables(data, derive(data), Config(), as_of)


def test_open_balances_of_the_small_book():
    got = [
        (r.order_no, r.customer_name, r.contact, r.phone, r.due_date, r.days_past_due, r.balance)
        for r in items(small_book())
    ]
    assert got == [
        ("SO2026020001", "李娜", "", "13812345678", date(2026, 2, 27), 2, D("40.00")),
        ("SO2026020002", "杭州明远贸易有限公司", "王伟", "0571-88886666", date(2026, 3, 5), -4, D("20.00")),
    ]


def test_a_61_day_old_balance_is_in_the_61_to_90_bucket():
    data = small_book()
    data["orders"][1]["due_date"] = AS_OF - timedelta(days=61)
    data["orders"][1]["order_date"] = AS_OF - timedelta(days=70)
    table = ageing(items(data))
    assert table.labels("zh") == ["未到期", "0–30天", "31–60天", "61–90天", "90天以上"]
    assert table.labels("en") == ["Not yet due", "0–30 days", "31–60 days", "61–90 days", "Over 90 days"]
    li = next(r for r in table.rows if r.customer_id == "C0002")
    assert li.amounts == (D(0), D(0), D(0), D("40.00"), D(0)) and li.total == D("40.00") and li.max_days == 61
    assert table.totals == (D("20.00"), D(0), D(0), D("40.00"), D(0))
    assert table.grand_total == D("60.00") and table.overdue_total == D("40.00")


@pytest.mark.parametrize(
    "days, bucket", [(-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4)]
)
def test_bucket_edges(days, bucket):
    data = small_book()
    data["orders"][1]["due_date"] = AS_OF - timedelta(days=days)
    data["orders"][1]["order_date"] = min(AS_OF - timedelta(days=days), date(2026, 2, 20))
    li = next(r for r in ageing(items(data)).rows if r.customer_id == "C0002")
    assert [i for i, a in enumerate(li.amounts) if a] == [bucket]


def test_blank_due_date_falls_due_on_the_order_date_and_cancelled_orders_owe_nothing():
    data = small_book()
    data["orders"][1]["due_date"] = None
    data["orders"][2]["status"] = "cancelled"
    got = items(data)
    assert [(r.order_no, r.due_date, r.days_past_due) for r in got] == [("SO2026020001", date(2026, 2, 20), 9)]


def test_configurable_buckets():
    buckets = make_buckets([15, 45])
    assert [b.label("en") for b in buckets] == ["Not yet due", "0–15 days", "16–45 days", "Over 45 days"]
    data = small_book()
    data["orders"][1]["due_date"] = AS_OF - timedelta(days=16)
    data["orders"][1]["order_date"] = AS_OF - timedelta(days=20)
    table = ageing(items(data), buckets=[15, 45])
    assert table.totals == (D("20.00"), D(0), D("40.00"), D(0))


TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo():
    """The demo with every fourth payment left out, so that balances of every age are open."""
    data = generate_demo(300, seed=2, today=TODAY)
    data["payments"] = [p for i, p in enumerate(data["payments"]) if i % 4]
    return data


def test_demo_ageing_equals_pandas(demo):
    f = frames(demo)
    orders = with_allocation(demo, order_amounts(f))  # money on account paid some orders (terms_oracle)
    orders = orders[(orders["status"] != "cancelled") & (orders["balance_c"] > 0)].copy()
    orders["due"] = orders.index.map(payment_due(demo))  # the payment due date of the terms; NaT: not due
    orders["days"] = (pd.Timestamp(TODAY) - orders["due"]).dt.days.fillna(0).astype(int)
    orders["bucket"] = pd.cut(orders["days"], [-(10**9), 0, 30, 60, 90, 10**9], labels=False)
    expected = orders.pivot_table(
        index="customer_id", columns="bucket", values="balance_c", aggfunc="sum", fill_value=0
    ).reindex(columns=range(5), fill_value=0)
    assert len(expected) > 20 and orders["bucket"].nunique() == 5  # the demo exercises several buckets

    table = ageing(receivables(demo, derive(demo), Config(), TODAY))
    got = {r.customer_id: [int(a * 100) for a in r.amounts] for r in table.rows}
    assert got == {c: [int(v) for v in vals] for c, vals in expected.iterrows()}
    assert [int(t * 100) for t in table.totals] == [int(v) for v in expected.sum()]
    assert int(table.grand_total * 100) == int(orders["balance_c"].sum())
    assert {r.customer_id: r.orders for r in table.rows} == orders.groupby("customer_id").size().to_dict()
