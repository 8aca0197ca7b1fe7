"""The demo order book is realistic and consistent: every invariant recomputed from its rows."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from terms_oracle import allocated

from workbook_tools.choices import PROVINCES, STATUS_RANK, choice_lists
from workbook_tools.config import Config, Lists, Thresholds
from workbook_tools.demo import generate_demo
from workbook_tools.demo.places import CITIES
from workbook_tools.derive import cents, derive
from workbook_tools.ids import LANDLINE_RE, MOBILE_RE, is_valid_email, is_valid_phone, is_valid_uscc, tracking_matches
from workbook_tools.schema import SHEETS, T

TODAY = date(2026, 11, 27)
CONFIG = Config()
DISCOUNTS = {Decimal(x) for x in ("0.05", "0.08", "0.10", "0.15", "0.20")}


@pytest.fixture(scope="module", params=[1, 2, 3, 7])
def book(request):
    return generate_demo(300, seed=request.param, today=TODAY)


@pytest.fixture(scope="module")
def big():
    return generate_demo(5000, seed=11, today=TODAY)


def by_order(rows):
    out = defaultdict(list)
    for r in rows:
        out[r["order_no"]].append(r)
    return out


# --- shape ------------------------------------------------------------------------------------


def test_deterministic_for_seed_and_today():
    a = generate_demo(200, seed=5, today=TODAY)
    assert a == generate_demo(200, seed=5, today=TODAY)
    assert a != generate_demo(200, seed=6, today=TODAY)
    assert a != generate_demo(200, seed=5, today=TODAY - timedelta(days=1))


def test_rows_hold_exactly_the_input_columns(book):
    assert list(book) == [s.key for s in SHEETS]
    for sheet in SHEETS:
        keys = [c.key for c in sheet.inputs]
        assert book[sheet.key], sheet.key
        for row in book[sheet.key]:
            assert list(row) == keys, sheet.key


def _type_ok(col, v) -> bool:
    if col.type in (T.TEXT, T.ID, T.PHONE, T.EMAIL, T.TAX_ID, T.CHOICE):
        return isinstance(v, str) and v == v.strip() and v != ""
    if col.type == T.INT:
        return type(v) is int
    if col.type == T.MONEY:
        return isinstance(v, Decimal) and v.as_tuple().exponent == -2
    if col.type == T.PERCENT:
        return isinstance(v, Decimal) and 0 < v < 1
    if col.type == T.DATE:
        return type(v) is date
    if col.type == T.DATETIME:
        return type(v) is datetime and v.tzinfo is None and v.second == 0 and v.microsecond == 0
    raise AssertionError(col.type)


def test_values_have_their_column_types_and_required_values(book):
    for sheet in SHEETS:
        for row in book[sheet.key]:
            for col in sheet.inputs:
                v = row[col.key]
                if v is None:
                    assert not col.required, (sheet.key, col.key)
                else:
                    assert _type_ok(col, v), (sheet.key, col.key, v)
                    if col.max_len and isinstance(v, str):
                        assert len(v) <= col.max_len, (sheet.key, col.key, v)
                    if col.min is not None:
                        assert v >= col.min, (sheet.key, col.key, v)


def test_choice_columns_hold_canonical_values(book):
    lists = choice_lists(CONFIG)
    for sheet in SHEETS:
        for col in sheet.inputs:
            if col.choices:
                allowed = {c.value for c in lists[col.choices]}
                for row in book[sheet.key]:
                    if row[col.key] is not None:
                        assert row[col.key] in allowed, (sheet.key, col.key, row[col.key])


def test_references_resolve_and_keys_are_unique(book):
    customers = [r["customer_id"] for r in book["customers"]]
    skus = [r["sku"] for r in book["products"]]
    orders = [r["order_no"] for r in book["orders"]]
    refs = [r["reference"] for r in book["payments"] if r["reference"] is not None]
    tracking = [r["tracking_no"] for r in book["shipments"] if r["tracking_no"] is not None]  # 送货上门, 自提: none
    for keys in (customers, skus, orders, refs, tracking):
        assert len(keys) == len(set(keys))
    assert {r["customer_id"] for r in book["orders"]} <= set(customers)
    for sheet in ("order_lines", "status_log", "shipments"):
        assert {r["order_no"] for r in book[sheet]} <= set(orders), sheet
    # a payment names its order, or (on account: a 月结 customer's transfer for several orders) its customer
    assert all((p["order_no"] is None) != (p["customer_id"] is None) for p in book["payments"])
    assert {r["order_no"] for r in book["payments"]} - {None} <= set(orders)
    assert {r["customer_id"] for r in book["payments"]} - {None} <= set(customers)
    for sheet in ("order_lines", "shipments", "stock_moves"):
        assert {r["sku"] for r in book[sheet] if r["sku"]} <= set(skus), sheet
    for sheet in SHEETS:  # natural keys identify rows (import and merge rely on it)
        keys = [tuple(r[k] for k in sheet.natural_key) for r in book[sheet.key]]
        assert len(keys) == len(set(keys)), sheet.key
    assert set(orders) == {r["order_no"] for r in book["order_lines"]}  # no order without lines


def test_identifiers_match_the_configured_patterns(book):
    p = CONFIG.patterns
    for sheet, key, pattern in [
        ("orders", "order_no", p.order_no),
        ("customers", "customer_id", p.customer_id),
        ("products", "sku", p.sku),
    ]:
        assert all(re.fullmatch(pattern, r[key]) for r in book[sheet]), key


def test_no_future_dates(book):
    for sheet in SHEETS:
        for col in sheet.inputs:
            if col.type in (T.DATE, T.DATETIME) and (sheet.key, col.key) != ("orders", "due_date"):
                for row in book[sheet.key]:
                    v = row[col.key]
                    if v is not None:
                        assert (v.date() if isinstance(v, datetime) else v) <= TODAY, (sheet.key, col.key, v)
    orders = book["orders"]
    assert all(r["due_date"] >= r["order_date"] for r in orders)
    assert min(r["order_date"] for r in orders) >= TODAY - timedelta(days=365)


# --- customers and products -------------------------------------------------------------------


def test_customers_are_reachable_and_well_formed(book):
    provinces = {c.value for c in PROVINCES}
    city_of = {(c.province, c.name): c for c in CITIES}
    first_order = {}
    for o in book["orders"]:
        first_order[o["customer_id"]] = min(first_order.get(o["customer_id"], o["order_date"]), o["order_date"])
    kinds = Counter()
    for c in book["customers"]:
        assert is_valid_phone(c["phone"]), c["phone"]
        assert c["email"] is None or is_valid_email(c["email"]), c["email"]
        assert c["province"] in provinces
        city = city_of[(c["province"], c["city"])]
        if LANDLINE_RE.match(c["phone"]):
            assert c["phone"].startswith(city.area_code + "-"), (c["phone"], c["city"])
        if c["contact"] is None:  # a person: no tax id
            kinds["person"] += 1
            assert c["tax_id"] is None
        else:
            kinds["business"] += 1
            assert c["tax_id"] is None and city.area_code.startswith("+") or is_valid_uscc(c["tax_id"])
        if c["customer_id"] in first_order:
            assert c["created_on"] <= first_order[c["customer_id"]]
    assert kinds["person"] and kinds["business"]
    assert any(MOBILE_RE.match(c["phone"]) for c in book["customers"])
    assert any(LANDLINE_RE.match(c["phone"]) for c in book["customers"])
    phones = [c["phone"] for c in book["customers"]]
    assert len(phones) == len(set(phones))
    ids = [c["customer_id"] for c in book["customers"]]
    created = [c["created_on"] for c in book["customers"]]
    assert ids == sorted(ids) and created == sorted(created)  # ids given in order of creation
    assert len({c["tier"] for c in book["customers"]}) >= 3


def test_products_and_prices(book):
    products = {p["sku"]: p for p in book["products"]}
    assert 60 <= len(products) <= 150
    assert Counter(p["active"] for p in products.values())["no"] >= 2
    assert {p["unit"] for p in products.values()} <= set(CONFIG.lists.units)
    for ln in book["order_lines"]:
        lp = products[ln["sku"]]["list_price"]
        assert abs(ln["unit_price"] - lp) <= lp * Decimal("0.2")
        assert ln["discount"] is None or ln["discount"] in DISCOUNTS
    lines = book["order_lines"]
    assert any(ln["discount"] for ln in lines)
    assert any(ln["unit_price"] != products[ln["sku"]]["list_price"] for ln in lines)
    for rows in by_order(lines).values():
        assert 1 <= len(rows) <= 5 and len({r["sku"] for r in rows}) == len(rows)


# --- status ----------------------------------------------------------------------------------


def test_every_status_and_the_log_agrees(book):
    orders = {o["order_no"]: o for o in book["orders"]}
    assert {o["status"] for o in orders.values()} == {"pending", "processing", "shipped", "completed", "cancelled"}
    log = by_order(book["status_log"])
    assert set(log) == set(orders)
    for no, rows in log.items():
        stamps = [r["timestamp"] for r in rows]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps), no
        assert stamps[0].date() == orders[no]["order_date"] and rows[0]["status"] == "pending"
        assert rows[-1]["status"] == orders[no]["status"], no
        ranks = [STATUS_RANK[r["status"]] for r in rows if r["status"] != "cancelled"]
        assert ranks == sorted(ranks), no
        if any(r["status"] == "cancelled" for r in rows):
            assert rows[-1]["status"] == "cancelled"
        assert all(r["handled_by"] for r in rows)


def test_problems_with_and_without_resolution(book):
    problems = [r for r in book["status_log"] if r["issue"]]
    assert {r["issue"] for r in problems} <= set(CONFIG.lists.problem_types)
    assert any(r["resolution"] for r in problems)
    open_ = [r for r in problems if r["resolution"] is None]
    assert open_
    limit = CONFIG.thresholds.unresolved_issue_days
    assert all((TODAY - r["timestamp"].date()).days < limit for r in open_)
    cancels = [r for r in book["status_log"] if r["status"] == "cancelled"]
    assert cancels and all(r["issue"] == "客户取消" and r["resolution"] for r in cancels)


# --- shipments --------------------------------------------------------------------------------


def test_shipments_cover_lines_exactly(book):
    orders = {o["order_no"]: o for o in book["orders"]}
    lines = by_order(book["order_lines"])
    ships = by_order(book["shipments"])
    carriers = {c.name: c for c in CONFIG.lists.carriers}
    kinds = Counter()
    for no, o in orders.items():
        rows = ships.get(no, [])
        assert bool(rows) == (o["status"] in ("shipped", "completed")), no
        if not rows:
            continue
        whole = [r for r in rows if r["sku"] is None]
        if whole:
            kinds["whole"] += 1
            assert len(rows) == 1 and whole[0]["quantity"] is None
        else:
            kinds["partial"] += 1
            shipped = Counter()
            for r in rows:
                assert r["quantity"] > 0
                shipped[r["sku"]] += r["quantity"]
            assert shipped == Counter({ln["sku"]: ln["quantity"] for ln in lines[no]}), no
        for r in rows:
            assert o["order_date"] <= r["ship_date"] <= TODAY
            assert tracking_matches(carriers[r["carrier"]], r["tracking_no"]), r
            assert (r["tracking_no"] is not None) == carriers[r["carrier"]].needs_tracking, r  # 送货上门, 自提
            if r["delivered_on"] is not None:
                assert r["ship_date"] < r["delivered_on"] <= TODAY
        if o["status"] == "completed":
            assert all(r["delivered_on"] for r in rows), no
        else:
            assert any(r["delivered_on"] is None for r in rows), no
    assert kinds["whole"] and kinds["partial"]


def test_shipped_status_is_logged_on_the_first_ship_date(book):
    log = by_order(book["status_log"])
    for no, rows in by_order(book["shipments"]).items():
        shipped = [r["timestamp"].date() for r in log[no] if r["status"] == "shipped" and not r["issue"]]
        assert shipped == [min(r["ship_date"] for r in rows)], no


# --- payments ---------------------------------------------------------------------------------


def _totals(book):
    totals = defaultdict(Decimal)
    for ln in book["order_lines"]:
        disc = ln["discount"] or Decimal(0)
        totals[ln["order_no"]] += cents(ln["quantity"] * ln["unit_price"] * (1 - disc))
    return totals


def test_payments_never_overpay_and_completed_orders_are_paid(book):
    orders = {o["order_no"]: o for o in book["orders"]}
    totals = _totals(book)
    paid = defaultdict(Decimal)
    named, on_account = set(), Decimal(0)
    for p in book["payments"]:
        assert p["amount"] != 0
        if p["order_no"] is None:  # a 月结 customer's one transfer for the orders its memo names, after them
            nos = re.findall(r"SO\d+", p["notes"])
            assert p["method"] == "银行转账" and p["notes"].startswith("月结货款") and len(nos) >= 2
            assert all(orders[no]["customer_id"] == p["customer_id"] for no in nos)
            assert max(orders[no]["order_date"] for no in nos) <= p["paid_on"] <= TODAY
            named.update(nos)
            on_account += p["amount"]
            continue
        assert orders[p["order_no"]]["order_date"] <= p["paid_on"] <= TODAY
        paid[p["order_no"]] += p["amount"]
    # allocated oldest due first (terms_oracle.allocated), the transfers pay just the orders they name
    took = allocated(book, totals)
    assert set(took) == named and sum(took.values()) == on_account > 0
    for no, amount in took.items():
        paid[no] += amount
    derived = derive(book)["orders"]
    for i, o in enumerate(book["orders"]):
        no = o["order_no"]
        assert derived["total"][i] == totals[no]
        assert derived["paid"][i] == paid[no]
        assert 0 <= paid[no] <= totals[no], no
        assert derived["payment_status"][i] != "overpaid"
        if o["status"] == "completed":
            assert paid[no] == totals[no] and derived["payment_status"][i] == "paid", no
        if o["status"] == "cancelled":
            assert paid[no] == 0, no
    statuses = {s for o, s in zip(book["orders"], derived["payment_status"])}
    assert {"unpaid", "partial", "paid"} <= statuses


def test_every_method_appears_and_cancelled_orders_are_refunded(book):
    pays = book["payments"]
    assert {p["method"] for p in pays} == set(CONFIG.lists.payment_methods)
    orders = {o["order_no"]: o for o in book["orders"]}
    refunds = [p for p in pays if p["amount"] < 0]
    assert refunds
    by = by_order(pays)
    for r in refunds:
        assert orders[r["order_no"]]["status"] == "cancelled"
        assert all(p["paid_on"] <= r["paid_on"] for p in by[r["order_no"]])


def test_references_have_each_channels_shape(book):
    shapes = {"银行转账": r"\d{20}", "微信支付": r"4200\d{24}", "信用卡": r"\d{12}"}
    for p in book["payments"]:
        ref, method = p["reference"], p["method"]
        if method in ("现金", "其他"):
            assert ref is None
        elif method == "支付宝":
            assert re.fullmatch(r"\d{28}", ref) and ref.startswith(f"{p['paid_on']:%Y%m%d}")
        else:
            assert re.fullmatch(shapes[method], ref), (method, ref)


# --- stock ------------------------------------------------------------------------------------


def _ledger(book):
    """End-of-day stock per SKU, day by day, following derive.py (stocktake at the end of its day)."""
    lines = by_order(book["order_lines"])
    delta = defaultdict(lambda: defaultdict(int))
    counts = defaultdict(dict)
    for s in book["shipments"]:
        if s["sku"] is None:
            for ln in lines[s["order_no"]]:
                delta[ln["sku"]][s["ship_date"]] -= ln["quantity"]
        else:
            delta[s["sku"]][s["ship_date"]] -= s["quantity"]
    for m in book["stock_moves"]:
        if m["type"] == "stocktake":
            counts[m["sku"]][m["date"]] = m["quantity"]
        else:
            delta[m["sku"]][m["date"]] += m["quantity"]
    first = min([r["order_date"] for r in book["orders"]] + [m["date"] for m in book["stock_moves"]])
    days = [first + timedelta(days=i) for i in range((TODAY - first).days + 1)]
    for p in book["products"]:
        stock, book_at_count = p["opening_stock"], {}
        history = []
        for d in days:
            stock += delta[p["sku"]].get(d, 0)
            if d in counts[p["sku"]]:
                book_at_count[d] = stock
                history.append(stock)
                stock = counts[p["sku"]][d]
            history.append(stock)
        yield p, history, stock, book_at_count


def test_stock_never_negative_and_matches_derive(book):
    on_hand = derive(book)["products"]["on_hand"]
    for (p, history, final, _), derived in zip(_ledger(book), on_hand):
        assert min(history) >= 0, p["sku"]
        assert final == derived >= 0, p["sku"]


def test_stock_movements_are_realistic(book):
    moves = book["stock_moves"]
    types = Counter(m["type"] for m in moves)
    assert set(types) == {"receipt", "return", "adjustment", "stocktake"}
    assert any(m["quantity"] < 0 for m in moves if m["type"] == "adjustment")
    assert all(m["quantity"] > 0 for m in moves if m["type"] in ("receipt", "return"))
    count_days = {m["date"] for m in moves if m["type"] == "stocktake"}
    assert len(count_days) == 1 and TODAY - timedelta(days=30) < min(count_days) < TODAY
    assert types["stocktake"] >= 0.7 * len(book["products"])
    variances = 0
    for p, _, _, at_count in _ledger(book):
        for _day, bk in at_count.items():
            counted = next(m["quantity"] for m in moves if m["type"] == "stocktake" and m["sku"] == p["sku"])
            variances += counted != bk
            assert abs(counted - bk) <= 3
    assert 1 <= variances <= max(2, len(book["products"]) // 20)
    assert all(m["doc_no"] for m in moves)


# --- scale and options -----------------------------------------------------------------------


def test_a_bigger_book_keeps_every_invariant(big):
    test_rows_hold_exactly_the_input_columns(big)
    test_references_resolve_and_keys_are_unique(big)
    test_every_status_and_the_log_agrees(big)
    test_shipments_cover_lines_exactly(big)
    test_payments_never_overpay_and_completed_orders_are_paid(big)
    test_stock_never_negative_and_matches_derive(big)
    test_no_future_dates(big)
    status = Counter(o["status"] for o in big["orders"])
    assert 0.02 < status["cancelled"] / len(big["orders"]) < 0.09
    assert status["completed"] > 0.8 * len(big["orders"])
    old = [o for o in big["orders"] if o["order_date"] < TODAY - timedelta(days=60)]
    assert {o["status"] for o in old} <= {"completed", "cancelled"}


def test_progress_is_reported():
    seen = []
    generate_demo(2500, seed=3, today=TODAY, progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    assert {"customers", "orders", "payments", "stock", "done"} <= set(stages)
    assert ("orders", 1000, 2500) in seen and ("orders", 2500, 2500) in seen
    assert all(0 <= done <= total for _, done, total in seen)


def test_config_lists_and_thresholds_are_followed():
    config = Config(
        lists=Lists(
            payment_methods=["银行转账", "微信支付", "现金", "挂账"],
            customer_tiers=["A", "B"],
            units=["个", "件", "箱"],
        ),
        thresholds=Thresholds(unresolved_issue_days=3),
    )
    data = generate_demo(300, seed=4, today=TODAY, config=config)
    assert {p["method"] for p in data["payments"]} == {"银行转账", "微信支付", "现金", "挂账"}
    assert {c["tier"] for c in data["customers"]} == {"A", "B"}
    assert {p["unit"] for p in data["products"]} <= {"个", "件", "箱"}
    open_ = [r for r in data["status_log"] if r["issue"] and r["resolution"] is None]
    assert open_ and all((TODAY - r["timestamp"].date()).days < 3 for r in open_)


def test_today_defaults_to_the_current_date():
    data = generate_demo(50, seed=1)
    assert max(o["order_date"] for o in data["orders"]) <= date.today()


def test_rejects_nonsense():
    with pytest.raises(ValueError):
        generate_demo(0)


def test_the_demo_pipeline_is_a_library_call(tmp_path):
    """``orderbook demo`` is ``make_demo`` rendered: the book, its check and the last full month's report."""
    from workbook_tools.demo.pipeline import make_demo
    from workbook_tools.outputs import read_tag

    run = make_demo(tmp_path / "demo.xlsx", orders=40, seed=3, today=date(2026, 11, 27))
    assert run.path == tmp_path / "demo.xlsx" and run.report == tmp_path / "demo.summary-2026-10.xlsx"
    assert run.checked.errors == 0 and run.checked.rows["orders"] == len(run.data["orders"]) == 40
    assert str(run.summary.month) == "2026-10" and read_tag(run.report) == "summary"
    assert run.backups == [None, None]  # nothing was there to replace


def test_derive_with_parts_worked_out_ahead_is_derive(book):
    """What the shipments and payments sheets alone give derive, worked out as they are read (validation
    does, derive.one_sheet), changes nothing; a part of other rows (a sheet read again since) is not used."""
    from workbook_tools.derive import ONE_SHEET, one_sheet
    from workbook_tools.keys import Keys

    keys = Keys()
    plain = derive(book, known=Keys()).values
    ahead = {sheet: one_sheet(sheet, book[sheet], keys) for sheet in ONE_SHEET}
    assert set(ahead) == {"shipments", "payments"}
    assert derive(book, known=keys, ahead=ahead).values == plain
    # parts of a sheet with its first row gone, held against the whole sheet: not used
    stale = {sheet: one_sheet(sheet, book[sheet][1:], keys) for sheet in ONE_SHEET}
    assert derive(book, known=keys, ahead=stale).values == plain
    # and used when they are of these rows: a part that says otherwise shows
    wrong = dict(ahead)
    rows, paid = wrong["payments"]
    wrong["payments"] = (rows, type(paid)({}, paid.pool, paid.memos))
    assert derive(book, known=keys, ahead=wrong).values["orders"]["paid"] != plain["orders"]["paid"]
