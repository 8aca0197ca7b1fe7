"""generate_demo(): a filled, internally consistent order book for demos, tests and benchmarks."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from ..book import BookData
from ..config import Config
from ..errors import ConfigError
from ..patterns import compile_pattern
from .context import DAYS, Clock, Ctx
from .lifecycle import simulate
from .orders import ORDER_NOTES, LineMaker, Order, order_days, order_minute
from .payments import Payer
from .people import Customer, make_customers, staff_names
from .products import Product, make_products, product_count
from .rows import book_rows
from .shipping import setup_carriers
from .stock import make_adjustments, make_returns, number_moves, plan_stock
from .unresolved import ensure_open_problems

Progress = Callable[[str, int, int], None]
CUSTOMER_NOTES = (
    "老客户介绍",
    "需开增值税专用发票",
    "节假日不收货",
    "仓库收货，需提前预约",
    "长期合作客户",
    "对账联系财务",
    "发票寄送至公司前台",
)
#: Top share of customers (by number of orders) in each tier above the lowest.
TIER_CUTS = (0.05, 0.20, 0.45, 0.65, 0.8)


def generate_demo(
    orders: int = 2000,
    *,
    seed: int = 1,
    today: date | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
) -> BookData:
    """A demo order book of ``orders`` orders over the 12 months up to ``today``.

    Deterministic for (orders, seed, today, config): every random choice comes from one
    ``random.Random(seed)``. Rows hold the input columns of each sheet only, with canonical
    choice values (see book.py). Dates never lie after ``today`` (timestamps not after 09:00
    that day); only a due date may, as a promise for an open order.

    ``progress(stage, done, total)`` is called as the work goes: stages "customers", "products",
    "orders" (every 1,000 orders), "payments", "stock", then "done".
    """
    if orders < 1:
        raise ValueError("orders must be at least 1")
    config = config or Config()
    today = today or date.today()
    report = progress or (lambda stage, done, total: None)
    rng = random.Random(seed)
    ctx = Ctx(rng, Clock(today), config, orders)
    taken: set[str] = set()
    ctx.sales = staff_names(rng, max(4, min(12, 4 + orders // 10_000)), taken)
    ctx.handlers = staff_names(rng, max(3, min(8, 3 + orders // 20_000)), taken)
    ctx.ships = setup_carriers(ctx)
    ctx.ship_cum = _cum(s.weight for s in ctx.ships)
    ctx.ship_cum_bulky = _cum(s.bulky_weight for s in ctx.ships)

    n_customers = max(30, orders // 8)
    customers = make_customers(ctx, n_customers)
    report("customers", n_customers, n_customers)
    products = make_products(ctx, product_count(orders))
    report("products", len(products), len(products))

    book = _orders(ctx, customers, orders, products, report)
    _ensure_variety(ctx, book, products)
    moves = make_returns(ctx, book, products)
    ensure_open_problems(ctx, book)
    payer = Payer(ctx, customers)
    # at least one cancelled order was paid and refunded, however small the book
    cancelled = [o for o in book if o.status == "cancelled"]
    refund_one = rng.choice(cancelled) if cancelled else None
    for i, o in enumerate(book):
        payer.pay(o, refund=True if o is refund_one else None)
        if i % 5000 == 4999:
            report("payments", i + 1, orders)
    payer.ensure_partly_paid(book)
    payer.ensure_every_method()
    report("payments", orders, orders)

    moves += make_adjustments(ctx, products)
    moves += plan_stock(ctx, products, book, moves)
    moves = number_moves(ctx, moves)
    report("stock", len(products), len(products))

    _customer_ids(ctx, customers)
    _product_skus(ctx, products)
    data = book_rows(ctx, customers, products, book, payer.payments, moves)
    report("done", orders, orders)
    return data


def _cum(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))


def _orders(ctx: Ctx, customers: list[Customer], n: int, products: list[Product], report: Progress) -> list[Order]:
    rng = ctx.rng
    days = order_days(ctx, n)
    who = rng.choices(customers, cum_weights=_cum(c.weight for c in customers), k=n)
    for d, c in zip(days, who):
        c.orders += 1
        if c.first_day is None:
            c.first_day = d
    _tiers(ctx, customers)
    maker = LineMaker(ctx, products)
    book: list[Order] = []
    for i, (d, c) in enumerate(zip(days, who)):
        person = c.is_person
        o = Order(
            i=i,
            day=d,
            t0=order_minute(ctx, d, person),
            cust=c,
            sales=c.sales if rng.random() < 0.9 else rng.choice(ctx.sales),
            due_day=d + (rng.randint(2, 7) if person else rng.randint(3, 15)),
            notes=rng.choice(ORDER_NOTES) if rng.random() < 0.06 else None,
        )
        maker.lines(o)
        for ln in o.lines:
            cat = products[ln.product].item.category
            c.categories[cat] = c.categories.get(cat, 0) + 1
        simulate(ctx, o, products)
        book.append(o)
        if i % 1000 == 999:
            report("orders", i + 1, n)
    report("orders", n, n)
    _order_numbers(ctx, book)
    return book


def _tiers(ctx: Ctx, customers: list[Customer]) -> None:
    tiers = ctx.config.lists.customer_tiers
    if not tiers:
        return
    ranked = sorted((c for c in customers if c.orders), key=lambda c: -c.orders)
    cuts = TIER_CUTS[: len(tiers) - 1]
    for pos, c in enumerate(ranked):
        share = pos / len(ranked)
        above = sum(1 for cut in cuts if share < cut)  # how many cuts this customer is inside
        c.tier_rank = above
    for c in customers:
        c.tier = tiers[c.tier_rank]


def _ensure_variety(ctx: Ctx, book: list[Order], products: list[Product]) -> None:
    """Small books: make sure every status and both kinds of shipment appear at least once.

    Only completed orders (there are always plenty) are re-simulated, most recent first for the
    open statuses, older ones for a cancellation or a partial shipment.
    """
    now = ctx.clock.now

    def has(pred: Callable[[Order], bool]) -> bool:
        return any(pred(o) for o in book)

    def redo(candidates: list[Order], goal: Callable[[Order], bool], **kw: Any) -> None:
        for o in candidates[:50]:
            simulate(ctx, o, products, **kw)
            if goal(o):
                return

    def completed() -> list[Order]:
        return [o for o in book if o.status == "completed"]

    if not has(lambda o: any(s[3] is not None for s in o.ships)):
        pool = [o for o in completed() if o.t0 < now - 20 * 1440 and (len(o.lines) > 1 or o.lines[0].qty > 1)]
        redo(pool[::-1], lambda o: any(s[3] is not None for s in o.ships), force_partial=True)
    if not has(lambda o: o.status == "cancelled"):
        redo(
            [o for o in completed() if o.t0 < now - 5 * 1440][::-1],
            lambda o: o.status == "cancelled",
            force_cancel=True,
        )
    for status in ("shipped", "processing", "pending"):
        if not has(lambda o: o.status == status):  # noqa: B023 (called at once)
            redo(completed()[::-1], lambda o: o.status == status, cap=status)  # noqa: B023
    if not has(lambda o: o.status in ("shipped", "completed") and any(s[3] is None for s in o.ships)):
        redo(completed()[::-1], lambda o: o.status == "completed" and o.ships[0][3] is None)


def _order_numbers(ctx: Ctx, book: list[Order]) -> None:
    """SO + yyyymm + 4-digit sequence; SO + yymmdd + 4 digits when a month holds more than 9,999."""
    dates = ctx.clock.dates
    month_seq: dict[tuple[int, int], int] = {}
    day_seq: dict[int, int] = {}
    keys: list[tuple[date, int, int, int]] = []
    for o in book:
        d = dates[o.day]
        month_seq[(d.year, d.month)] = ms = month_seq.get((d.year, d.month), 0) + 1
        day_seq[o.day] = ds = day_seq.get(o.day, 0) + 1
        keys.append((d, ms, ds, o.i + 1))
    # (whether it can number this book, the number from (date, month's seq, day's seq, order's seq))
    formats: list[tuple[bool, Callable[[date, int, int, int], str]]] = [
        (max(month_seq.values()) < 10_000, lambda d, ms, ds, i: f"SO{d:%Y%m}{ms:04d}"),
        (max(day_seq.values()) < 10_000, lambda d, ms, ds, i: f"SO{d:%y%m%d}{ds:04d}"),
        (max(day_seq.values()) < 10_000, lambda d, ms, ds, i: f"SO{d:%Y%m%d}{ds:04d}"),
        (max(month_seq.values()) < 10_000, lambda d, ms, ds, i: f"SO-{d:%Y%m}-{ms:04d}"),
        (True, lambda d, ms, ds, i: f"SO{i:08d}"),
        (True, lambda d, ms, ds, i: f"{d:%Y%m%d}{ds:06d}"),
        (True, lambda d, ms, ds, i: f"{i:010d}"),
    ]

    def numbered(f: Callable[[date, int, int, int], str]) -> Callable[[], list[str]]:
        return lambda: [f(*k) for k in keys]

    nos = _first_matching(ctx.config.patterns.order_no, "order_no", [numbered(f) for ok, f in formats if ok])
    for o, no in zip(book, nos):
        o.no = no


def _customer_ids(ctx: Ctx, customers: list[Customer]) -> None:
    """Created-on dates (before each customer's first order), then ids in order of creation."""
    rng, clock = ctx.rng, ctx.clock
    for c in customers:
        if c.first_day is not None:
            back = rng.randint(30, 1500) if rng.random() < 0.35 else min(rng.randint(0, 20), rng.randint(0, 20))
            c.created_on = clock.dates[c.first_day] - timedelta(days=back)
        else:
            c.created_on = clock.start + timedelta(days=rng.randint(-700, DAYS - 1))
        if rng.random() < 0.05:
            c.notes = rng.choice(CUSTOMER_NOTES)
        if c.categories:
            top = sorted(c.categories.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
            likes = "常购" + "、".join(k for k, _ in top)
            c.habits = [likes] + c.habits
    order = sorted(range(len(customers)), key=lambda i: (customers[i].created_on, i))
    n = len(customers)
    width = max(4, len(str(n)))

    def numbered(prefix: str, w: int) -> Callable[[], list[str]]:
        return lambda: [f"{prefix}{k + 1:0{w}d}" for k in range(n)]

    candidates = [numbered("C", w) for w in range(width, 9)] + [
        numbered("C-", width),
        numbered("KH", width),
        numbered("", width),
    ]
    ids = _first_matching(ctx.config.patterns.customer_id, "customer_id", candidates)
    for k, i in enumerate(order):
        customers[i].id = ids[k]


def _product_skus(ctx: Ctx, products: list[Product]) -> None:
    n = len(products)
    skus = _first_matching(
        ctx.config.patterns.sku,
        "sku",
        [
            lambda: [f"P{1001 + k}" for k in range(n)],
            lambda: [f"SKU{1001 + k}" for k in range(n)],
            lambda: [f"P{k + 1:04d}" for k in range(n)],
            lambda: [f"{1001 + k}" for k in range(n)],
        ],
    )
    for p, sku in zip(products, skus):
        p.sku = sku


def _first_matching(pattern: str, name: str, candidates: list[Callable[[], list[str]]]) -> list[str]:
    """The first candidate list whose every value matches the configured pattern."""
    rx = compile_pattern(pattern)
    for make in candidates:
        values = make()
        if all(map(rx.fullmatch, values)):
            return values
    raise ConfigError(f"patterns.{name}: the demo cannot make values matching {pattern!r}")
