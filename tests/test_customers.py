"""Customer history (客户档案): every figure against an independent pandas computation, hand-made
cases with known answers, the workbook and the command."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from terms_oracle import allocated

from workbook_tools.book import empty_data
from workbook_tools.commands.customers import command
from workbook_tools.config import Config
from workbook_tools.customers import (
    SEGMENTS,
    customer_history,
    quintile_scores,
    segment_of,
    unprofiled_orders,
    write_customer_history,
)
from workbook_tools.demo import generate_demo
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)
CENT, TENTH = Decimal("0.01"), Decimal("0.1")


@pytest.fixture(scope="module")
def demo():
    return generate_demo(300, seed=11, today=TODAY)


@pytest.fixture(scope="module")
def profiles(demo):
    return {p.customer_id: p for p in customer_history(demo, today=TODAY)}


# --- the independent computation: plain pandas over the demo rows ---------------------------------


@pytest.fixture(scope="module")
def expected(demo):
    orders = pd.DataFrame(demo["orders"])
    lines = pd.DataFrame(demo["order_lines"])
    everything = pd.DataFrame(demo["payments"]).reset_index(names="row")
    # the payments naming an order; payments on account (a customer, no order) pay orders by allocation
    # (terms_oracle.allocated): they count in the balances only, as history.py reads payments per order
    pays = everything[everything["order_no"].notna()].drop(columns="customer_id")
    assert len(pays) < len(everything)
    products = pd.DataFrame(demo["products"])

    lines["disc"] = lines["discount"].map(lambda d: Decimal(0) if d is None or pd.isna(d) else d)
    lines["amount"] = [
        (q * p * (1 - d)).quantize(CENT, ROUND_HALF_UP)
        for q, p, d in zip(lines["quantity"], lines["unit_price"], lines["disc"])
    ]
    total = lines.groupby("order_no")["amount"].apply(lambda s: sum(s, Decimal(0)))
    paid = pays.groupby("order_no")["amount"].apply(lambda s: sum(s, Decimal(0)))
    orders["total"] = orders["order_no"].map(total).map(lambda v: Decimal(0) if pd.isna(v) else v)
    took = allocated(demo, dict(zip(orders["order_no"], orders["total"])))
    orders["paid"] = orders["order_no"].map(paid).map(lambda v: Decimal(0) if pd.isna(v) else v)
    orders["paid"] += orders["order_no"].map(lambda no: took.get(no, Decimal(0)))
    orders["balance"] = orders["total"] - orders["paid"]
    live = orders[orders["status"] != "cancelled"]

    out = pd.DataFrame(index=pd.Index([c["customer_id"] for c in demo["customers"]], name="customer_id"))
    g = live.groupby("customer_id")
    out["orders"] = g.size()
    out["cancelled"] = orders[orders["status"] == "cancelled"].groupby("customer_id").size()
    out[["orders", "cancelled"]] = out[["orders", "cancelled"]].fillna(0).astype(int)
    out["first_order"] = g["order_date"].min()
    out["last_order"] = g["order_date"].max()
    out["total_spent"] = g["total"].apply(lambda s: sum(s, Decimal(0)))
    owing = live[live["balance"] > 0]
    out["open_balance"] = owing.groupby("customer_id")["balance"].apply(lambda s: sum(s, Decimal(0)))

    # favourites: quantity, then amount, then SKU
    fav = lines.merge(live[["order_no", "customer_id"]], on="order_no")
    fav = fav.groupby(["customer_id", "sku"], as_index=False).agg(
        quantity=("quantity", "sum"), amount=("amount", lambda s: sum(s, Decimal(0)))
    )
    fav["neg_amount"] = -fav["amount"].map(float)
    fav = fav.sort_values(["customer_id", "quantity", "neg_amount", "sku"], ascending=[True, False, True, True])
    names = dict(zip(products["sku"], products["name"]))
    out["favourites"] = fav.groupby("customer_id").apply(
        lambda f: tuple((s, names[s], int(q)) for s, q in zip(f["sku"].head(3), f["quantity"].head(3)))
    )

    # usual method: count of payments received, then amount, then the settings' order
    received = pays[pays["amount"] > 0].merge(orders[["order_no", "customer_id"]], on="order_no")
    by = received.groupby(["customer_id", "method"], as_index=False).agg(
        n=("amount", "size"), amount=("amount", lambda s: float(sum(s, Decimal(0))))
    )
    rank = {m: i for i, m in enumerate(Config().lists.payment_methods)}
    by["rank"] = by["method"].map(rank)
    by = by.sort_values(["customer_id", "n", "amount", "rank"], ascending=[True, False, False, True])
    out["usual_method"] = by.groupby("customer_id")["method"].first()

    # days to pay: first payment date on which the running sum reaches the total (payments before the order left out)
    p = pays.merge(live[["order_no", "customer_id", "order_date", "total"]], on="order_no")
    p = p[(p["total"] > 0) & (p["paid_on"] >= p["order_date"])].sort_values(["order_no", "paid_on", "row"])
    p["running"] = p.groupby("order_no")["amount"].transform(lambda s: s.cumsum())
    settled = p[p["running"] >= p["total"]].groupby("order_no").first()
    settled["days"] = [(a - b).days for a, b in zip(settled["paid_on"], settled["order_date"])]
    dg = settled.groupby("customer_id")["days"]
    out["paid_orders"] = dg.size()
    out["days_to_pay"] = dg.apply(lambda s: (Decimal(int(s.sum())) / len(s)).quantize(TENTH, ROUND_HALF_UP))

    # RFM over the customers with orders: 1 + floor(5 × (rank_min − 1) / n); high = 4–5, low = 1–2
    pop = out[out["orders"] > 0].copy()
    n = len(pop)
    pop["recency"] = [(TODAY - d).days for d in pop["last_order"]]
    pop["r"] = ((-pop["recency"]).rank(method="min") - 1).map(lambda b: 1 + int(5 * b) // n)
    pop["f"] = (pop["orders"].rank(method="min") - 1).map(lambda b: 1 + int(5 * b) // n)
    pop["m"] = (pop["total_spent"].map(float).rank(method="min") - 1).map(lambda b: 1 + int(5 * b) // n)

    def band(score: int) -> str:
        return "H" if score >= 4 else "L" if score <= 2 else "M"

    def segment(rfm: str) -> str:  # the table of rfm.py's docstring
        r, f, m = rfm
        if m == "H":
            if f == "H":
                return "key_value" if r == "H" else "key_retain"
            return "key_develop" if r == "H" else "key_win_back" if r == "L" else "regular"
        return "churn_risk" if rfm == "LLL" else "regular"

    pop["segment"] = [segment("".join(band(pop.at[c, s]) for s in "rfm")) for c in pop.index]
    for col in ("recency", "r", "f", "m", "segment"):
        out[col] = pop[col]
    out["segment"] = out["segment"].fillna("no_orders")
    return out


def _get(row, col, default=None):
    v = row[col]
    return default if v is None or (not isinstance(v, tuple) and pd.isna(v)) else v


def test_every_figure_matches_pandas(profiles, expected):
    assert list(profiles) == list(expected.index)
    for cid, row in expected.iterrows():
        p = profiles[cid]
        assert p.orders == row["orders"] and p.cancelled == row["cancelled"], cid
        assert p.first_order == _get(row, "first_order") and p.last_order == _get(row, "last_order"), cid
        assert p.total_spent == _get(row, "total_spent", Decimal(0)), cid
        expected_avg = (p.total_spent / p.orders).quantize(CENT, ROUND_HALF_UP) if p.orders else None
        assert p.average_order == expected_avg, cid
        assert p.open_balance == _get(row, "open_balance", Decimal(0)), cid
        assert tuple((f.sku, f.name, f.quantity) for f in p.favourites) == _get(row, "favourites", ()), cid
        assert p.usual_method == _get(row, "usual_method"), cid
        assert p.days_to_pay == _get(row, "days_to_pay"), cid
        assert p.paid_orders == int(_get(row, "paid_orders", 0)), cid
        assert p.recency_days == _get(row, "recency"), cid
        assert (p.r, p.f, p.m) == (_get(row, "r"), _get(row, "f"), _get(row, "m")), cid
        assert p.segment == row["segment"], cid


def test_demo_has_variety(profiles):
    """The demo exercises what the test above checks: several segments, refunds, open balances."""
    segments = {p.segment for p in profiles.values()}
    assert {"key_value", "churn_risk", "no_orders"} <= segments and len(segments) >= 5
    assert any(p.cancelled for p in profiles.values())
    assert any(p.open_balance > 0 for p in profiles.values())
    assert any(p.days_to_pay and p.days_to_pay > 0 for p in profiles.values())
    assert all(p.preferences for p in profiles.values() if p.customer_id == "C0001")


# --- hand-made cases ------------------------------------------------------------------------------


def _book(customers, orders, lines=(), payments=(), products=()):
    data = empty_data()
    data["customers"] = [{"customer_id": c, "name": f"客户{c}", "preferences": f"偏好{c}"} for c in customers]
    data["products"] = list(products) or [
        {"sku": "P1", "name": "笔记本", "list_price": Decimal("10.00"), "opening_stock": 100}
    ]
    data["orders"] = [{"order_no": o, "customer_id": c, "order_date": d, "status": s} for o, c, d, s in orders]
    data["order_lines"] = [
        {"order_no": o, "sku": sku, "quantity": q, "unit_price": Decimal(p), "discount": None} for o, sku, q, p in lines
    ]
    data["payments"] = [
        {"order_no": o, "paid_on": d, "method": m, "amount": Decimal(a), "reference": None} for o, d, m, a in payments
    ]
    return data


D0 = date(2026, 10, 1)


def test_two_orders_one_cancelled_and_refunded():
    data = _book(
        ["C0001"],
        [("SO1", "C0001", D0, "completed"), ("SO2", "C0001", D0 + timedelta(days=20), "cancelled")],
        lines=[("SO1", "P1", 3, "10.00"), ("SO2", "P1", 50, "10.00")],
        payments=[
            ("SO1", D0 + timedelta(days=4), "微信支付", "30.00"),
            ("SO2", D0 + timedelta(days=20), "支付宝", "500.00"),
            ("SO2", D0 + timedelta(days=22), "支付宝", "-500.00"),
        ],
    )
    [p] = customer_history(data, today=D0 + timedelta(days=30))
    assert (p.orders, p.cancelled) == (1, 1)
    assert p.first_order == p.last_order == D0  # the cancelled order is no purchase
    assert p.total_spent == Decimal("30.00") and p.average_order == Decimal("30.00")
    assert p.open_balance == 0
    assert [(f.sku, f.quantity) for f in p.favourites] == [("P1", 3)]  # not the cancelled 50
    # one payment each way; the cancelled order's 500 received is the larger amount, refund ignored
    assert p.usual_method == "支付宝"
    assert (p.days_to_pay, p.paid_orders) == (Decimal("4.0"), 1)
    assert p.recency_days == 30 and p.preferences == "偏好C0001"
    # the only customer with orders: every score 1, so low on all three
    assert (p.r, p.f, p.m, p.segment) == (1, 1, 1, "churn_risk")


def test_average_days_to_pay_uses_the_settling_payment():
    data = _book(
        ["C0001"],
        [
            ("SO1", "C0001", D0, "completed"),
            ("SO2", "C0001", D0, "completed"),
            ("SO3", "C0001", D0, "shipped"),
            ("SO4", "C0001", D0, "completed"),
        ],
        lines=[("SO1", "P1", 10, "10.00"), ("SO2", "P1", 10, "10.00"), ("SO3", "P1", 10, "10.00")],
        payments=[
            # SO1: deposit 30 on day 1, the rest on day 10 -> settled on day 10
            ("SO1", D0 + timedelta(days=10), "银行转账", "70.00"),
            ("SO1", D0 + timedelta(days=1), "银行转账", "30.00"),
            # SO2: paid in full on day 3, a refund on day 5 and 20 paid again on day 9 -> settled on day 3
            ("SO2", D0 + timedelta(days=3), "现金", "100.00"),
            ("SO2", D0 + timedelta(days=5), "现金", "-20.00"),
            ("SO2", D0 + timedelta(days=9), "现金", "20.00"),
            # SO3: only a deposit -> never settled, left out
            ("SO3", D0 + timedelta(days=2), "现金", "50.00"),
        ],
    )
    [p] = customer_history(data, today=D0 + timedelta(days=40))
    assert p.paid_orders == 2 and p.days_to_pay == Decimal("6.5")  # (10 + 3) / 2
    assert p.open_balance == Decimal("50.00")  # SO3; SO4 has no lines: total 0, nothing open
    assert p.orders == 4 and p.total_spent == Decimal("300.00") and p.average_order == Decimal("75.00")
    # 现金: 3 payments received (100, 20, 50; the refund is no payment) against 银行转账's 2
    assert p.usual_method == "现金"


def test_usual_method_ties_go_to_amount_then_to_the_settings_order():
    pays = [("SO1", D0, "支付宝", "10.00"), ("SO1", D0, "微信支付", "10.00")]
    data = _book(["C1"], [("SO1", "C1", D0, "completed")], lines=[("SO1", "P1", 2, "10.00")], payments=pays)
    assert customer_history(data, today=D0)[0].usual_method == "微信支付"  # listed before 支付宝
    data["payments"][0]["amount"] = Decimal("10.01")
    assert customer_history(data, today=D0)[0].usual_method == "支付宝"


def test_favourites_top_three_by_quantity_then_amount_then_sku():
    products = [{"sku": s, "name": f"产品{s}", "list_price": Decimal(1), "opening_stock": 0} for s in "ABCDE"]
    data = _book(
        ["C1"],
        [("SO1", "C1", D0, "completed"), ("SO2", "C1", D0, "completed")],
        lines=[
            ("SO1", "A", 5, "1.00"),
            ("SO1", "B", 5, "2.00"),
            ("SO1", "C", 4, "9.00"),
            ("SO2", "A", 1, "1.00"),
            ("SO2", "D", 5, "1.00"),
            ("SO2", "E", 5, "1.00"),
        ],
        products=products,
    )
    [p] = customer_history(data, today=D0)
    # A 6; B 5 (10.00); D and E 5 (5.00 each): B by amount, then D before E by SKU; C (4) left out
    assert [(f.sku, f.name, f.quantity) for f in p.favourites] == [
        ("A", "产品A", 6),
        ("B", "产品B", 5),
        ("D", "产品D", 5),
    ]


def test_keys_match_as_the_workbook_matches_and_strays_are_counted():
    data = _book(
        ["C0001", "C0002"],
        [("SO1", "c0001 ", D0, "completed"), ("SO2", "C0404", D0, "completed"), ("SO3", None, D0, "completed")],
        lines=[("so1", "p1", 2, "5.00")],
    )
    c1, c2 = customer_history(data, today=D0)
    assert c1.orders == 1 and c1.total_spent == Decimal("10.00") and c1.favourites[0].name == "笔记本"
    assert c2.orders == 0 and c2.segment == "no_orders" and c2.r is None and c2.average_order is None
    assert unprofiled_orders(data) == 2


def test_only_cancelled_orders_is_a_customer_without_orders():
    data = _book(["C1"], [("SO1", "C1", D0, "cancelled")], lines=[("SO1", "P1", 1, "1.00")])
    [p] = customer_history(data, today=D0)
    assert (p.orders, p.cancelled, p.segment, p.first_order) == (0, 1, "no_orders", None)


def test_quintile_edges():
    assert quintile_scores(list(range(10))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintile_scores([50, 40, 30, 20, 10], lower_is_better=True) == [1, 2, 3, 4, 5]
    # n = 7: beaten b -> 1 + floor(5b/7): b = 0, 1 -> 1; 2 -> 2; 3, 4 -> 3; 5 -> 4; 6 -> 5
    assert quintile_scores([1, 2, 3, 4, 5, 6, 7]) == [1, 1, 2, 3, 3, 4, 5]
    # ties share the score of their lowest rank, whatever the order
    assert quintile_scores([1, 1, 1, 1, 1, 1, 2, 2, 3, 4]) == [1] * 6 + [4, 4, 5, 5]
    assert quintile_scores([4, 1, 2, 1, 3, 1, 1, 2, 1, 1]) == [5, 1, 4, 1, 5, 1, 1, 4, 1, 1]
    assert quintile_scores([7]) == [1] and quintile_scores([]) == []
    assert quintile_scores([3, 3, 3], lower_is_better=True) == [1, 1, 1]
    assert quintile_scores([Decimal("0.01"), Decimal("0.02")]) == [1, 3]


def test_segments():
    # high = 4–5, low = 1–2, 3 is neither
    assert segment_of(4, 5, 4) == "key_value"
    assert segment_of(3, 4, 5) == segment_of(1, 4, 4) == "key_retain"
    assert segment_of(5, 3, 4) == segment_of(4, 1, 5) == "key_develop"
    assert segment_of(2, 3, 4) == segment_of(1, 1, 5) == "key_win_back"
    assert segment_of(3, 3, 4) == "regular"  # a big spender, neither recent nor long gone
    assert segment_of(2, 1, 2) == "churn_risk"
    assert {segment_of(3, 1, 1), segment_of(1, 3, 2), segment_of(5, 5, 3), segment_of(1, 1, 3)} == {"regular"}
    assert [s.zh for s in SEGMENTS] == [
        "重要价值客户",
        "重要保持客户",
        "重要发展客户",
        "重要挽留客户",
        "一般客户",
        "流失风险",
        "新客户（未下单）",
    ]


def test_rfm_on_five_customers_with_known_scores():
    # C1 … C5 ordered 1 … 5 times, each order 100 × the customer's number, the last one 10 days apart
    customers = [f"C{i}" for i in range(1, 6)]
    orders, lines = [], []
    for i, c in enumerate(customers, 1):
        for k in range(i):
            no = f"SO{i}{k}"
            orders.append((no, c, D0 - timedelta(days=10 * (5 - i) + 30 * k), "completed"))
            lines.append((no, "P1", i, "100.00"))
    profiles = customer_history(_book(customers, orders, lines), today=D0)
    assert [(p.recency_days, p.r, p.f, p.m) for p in profiles] == [
        (40, 1, 1, 1),
        (30, 2, 2, 2),
        (20, 3, 3, 3),
        (10, 4, 4, 4),
        (0, 5, 5, 5),
    ]
    # 4–5 is high, 1–2 low: C3 (all 3) is neither
    assert [p.segment for p in profiles] == ["churn_risk", "churn_risk", "regular", "key_value", "key_value"]


@pytest.mark.parametrize("orders", [300, 2000])
def test_each_segment_of_the_demo_is_a_minority(orders):
    """With the mean as the edge 41 % of the 2,000-order demo's customers were 重要价值客户."""
    data = generate_demo(orders, seed=1, today=TODAY)
    with_orders = [p for p in customer_history(data, today=TODAY) if p.orders]
    shares = {seg: n / len(with_orders) for seg, n in Counter(p.segment for p in with_orders).items()}
    assert max(shares.values()) < 0.5 and shares["key_value"] < 0.3, shares


# --- the workbook and the command -------------------------------------------------------------------


def test_workbook(tmp_path, demo, profiles):
    path = write_customer_history(list(profiles.values()), tmp_path / "c.xlsx", "zh", today=TODAY)
    wb = openpyxl.load_workbook(path)
    ws = wb["客户档案"]
    heads = [c.value for c in ws[1]]
    assert heads[:3] == ["客户编号", "客户名称", "联系人"] and "客户分层" in heads and "购买偏好" in heads
    last = ws.cell(1, len(heads)).column_letter
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:{last}{len(profiles) + 1}"
    assert ws.max_row == len(profiles) + 1
    col = {h: i + 1 for i, h in enumerate(heads)}
    first = profiles["C0001"]
    assert ws.cell(2, col["累计消费金额"]).value == pytest.approx(float(first.total_spent))
    assert ws.cell(2, col["累计消费金额"]).number_format == "#,##0.00"
    assert ws.cell(2, col["最近下单日期"]).value.date() == first.last_order
    assert ws.cell(2, col["最近下单日期"]).number_format == "yyyy-mm-dd"
    assert ws.cell(2, col["客户分层"]).value == next(s.zh for s in SEGMENTS if s.value == first.segment)
    seg = wb["客户分层"]
    counts = {seg.cell(r, 1).value: seg.cell(r, 3).value for r in range(2, 2 + len(SEGMENTS))}
    assert sum(counts.values()) == len(profiles) == seg.cell(len(SEGMENTS) + 2, 3).value
    for s in SEGMENTS:
        assert counts[s.zh] == sum(1 for p in profiles.values() if p.segment == s.value)

    en = openpyxl.load_workbook(write_customer_history(list(profiles.values()), tmp_path / "e.xlsx", "en"))
    assert en.sheetnames == ["Customer history", "Segments"]
    heads = [c.value for c in en["Customer history"][1]]
    methods = {
        en["Customer history"].cell(r, heads.index("Usual payment method") + 1).value
        for r in range(2, len(profiles) + 2)
    }
    assert methods <= {"Bank transfer", "WeChat Pay", "Alipay", "Cash", "Credit card", "Other", None}


def test_command(tmp_path):
    book = write_book(tmp_path / "簿.xlsx", generate_demo(60, seed=2, today=TODAY), today=TODAY)
    result = CliRunner().invoke(command, [str(book), "--today", "2026-11-27"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = tmp_path / "簿.customers-2026-11-27.xlsx"  # names.py: BOOK.customers-YYYY-MM-DD.xlsx
    assert f"已写入 {out}" in result.output and out.exists()
    assert all(s.zh in result.output for s in SEGMENTS)
    en = CliRunner().invoke(command, [str(book), "--lang", "en", "-o", str(tmp_path / "x.xlsx")])
    assert en.exit_code == 0 and "Key value" in en.output and (tmp_path / "x.xlsx").exists()
    bad = CliRunner().invoke(command, [str(tmp_path / "x.customers.xlsx")])
    assert bad.exit_code == 2
    notabook = tmp_path / "n.xlsx"
    notabook.write_text("hello")
    res = CliRunner().invoke(command, [str(notabook)])
    assert res.exit_code == 2 and "orderbook:" in res.output and "Traceback" not in res.output
