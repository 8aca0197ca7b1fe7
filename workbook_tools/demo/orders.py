"""Demo orders and their lines: when, who, what, at which price."""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from itertools import accumulate
from typing import Any

from ..derive import CENT, cents
from .context import DAYS, Ctx, D, H
from .people import Customer
from .products import Product

#: Relative order volume per month (Spring Festival in February, Golden Week in October,
#: "Double 11" and the year-end rush in November and December).
SEASON = {1: 1.0, 2: 0.72, 3: 1.05, 4: 1.0, 5: 1.0, 6: 1.1, 7: 0.95, 8: 0.95, 9: 1.05, 10: 0.88, 11: 1.15, 12: 1.1}
WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.4)
#: How many lines an order has (1–5), as cumulative weights.
LINES_PERSON = tuple(accumulate((55, 25, 12, 5, 3)))
LINES_BUSINESS = tuple(accumulate((32, 26, 20, 13, 9)))
DISCOUNTS = tuple(Decimal(d) for d in ("0.05", "0.08", "0.10", "0.15", "0.20"))
DISCOUNT_WEIGHTS = tuple(accumulate((4, 2, 3, 1, 0.5)))
ORDER_NOTES = ("开增值税专用发票", "送货前电话联系", "加急", "周末送货", "含安装", "发票随货寄出", "客户自提")


@dataclass(slots=True)
class Line:
    product: int
    qty: int
    price: Decimal
    discount: Decimal | None
    amount: Decimal
    note: str | None = None


@dataclass(slots=True)
class Order:
    i: int
    day: int
    t0: int
    cust: Customer
    sales: str
    due_day: int
    lines: list[Line] = field(default_factory=list)
    total: Decimal = Decimal(0)
    no: str = ""
    notes: str | None = None
    status: str = ""
    #: [minute, status, issue, resolution, handled_by], strictly increasing minutes.
    log: list[list[Any]] = field(default_factory=list)
    #: [minute, Ship, tracking_no, product index or None, quantity or None, delivered minute or None, note]
    ships: list[list[Any]] = field(default_factory=list)
    t1: int | None = None
    t2: int | None = None
    t3: int | None = None
    tc: int | None = None


def reached(minute: int | None) -> int:
    """The minute of a step the order's status says it took (shipped: t2; completed: t2 and t3;
    cancelled: tc), which lifecycle.py set with the status."""
    if minute is None:
        raise ValueError("an order's status names a step it has no minute for")
    return minute


def order_days(ctx: Ctx, n: int) -> list[int]:
    """``n`` order days (0 = the book's first day), sorted, following trend, season and weekday."""
    clock = ctx.clock
    weights = []
    for i, d in enumerate(clock.dates):
        w = (0.9 + 0.2 * i / DAYS) * SEASON[d.month] * WEEKDAY[d.weekday()]
        weights.append(w * (0.15 if i == clock.today_i else 1.0))
    return sorted(ctx.rng.choices(range(DAYS), cum_weights=list(accumulate(weights)), k=n))


def order_minute(ctx: Ctx, day: int, person: bool) -> int:
    rng = ctx.rng
    if day == ctx.clock.today_i:  # today: only what happened before "now" (09:00)
        return day * D + 8 * H + rng.randrange(ctx.clock.now - (day * D + 8 * H))
    if person:
        return day * D + 8 * H + int(14.5 * H * rng.random() ** 0.8)
    return day * D + 8 * H + 30 + int(9.5 * H * rng.random())


class LineMaker:
    """Draws order lines: popular products more often, distinct products within an order."""

    def __init__(self, ctx: Ctx, products: list[Product]):
        self.ctx = ctx
        self.products = products
        self.cum = list(accumulate(p.demand for p in products))
        self.total = self.cum[-1]

    def lines(self, o: Order) -> None:
        rng, products = self.ctx.rng, self.products
        cust = o.cust
        person = cust.is_person
        k = 1 + bisect(LINES_PERSON if person else LINES_BUSINESS, rng.random() * 100)
        picked: list[int] = []
        for _ in range(k * 6):
            j = bisect(self.cum, rng.random() * self.total)
            if j < len(products) and j not in picked and products[j].stop_day > o.day:
                picked.append(j)
                if len(picked) == k:
                    break
        tier_rank = cust.tier_rank
        disc_p = (0.03, 0.06, 0.12, 0.22)[min(tier_rank, 3)]
        nego_p = 0.05 if person else 0.15
        total = Decimal(0)
        for j in picked:
            p = products[j]
            lo, hi = p.item.qty
            if person:
                hi = max(lo, hi // 4)
            qty = min(hi, lo + int((hi - lo + 1) * rng.random() ** 2.2))
            price, disc, note = p.price, None, None
            r = rng.random()
            if r < nego_p:
                price = _negotiated(p.price, rng.uniform(0.84, 1.1))
                note = "议价" if rng.random() < 0.3 else None
            elif r < nego_p + disc_p:
                disc = DISCOUNTS[bisect(DISCOUNT_WEIGHTS, rng.random() * DISCOUNT_WEIGHTS[-1])]
                note = "会员折扣" if tier_rank >= 2 and rng.random() < 0.3 else None
            amount = cents(qty * price * (1 - disc)) if disc is not None else qty * price
            total += amount
            o.lines.append(Line(j, qty, price, disc, amount, note))
        o.total = total


def _negotiated(list_price: Decimal, factor: float) -> Decimal:
    """A price agreed with the customer: within ±20 % of the list price, rounded like a person would."""
    raw = float(list_price) * factor
    step = 1 if list_price >= 100 else 0.1 if list_price >= 5 else 0.01
    v = Decimal(f"{round(raw / step) * step:.2f}")
    lo = (list_price * Decimal("0.8")).quantize(CENT, rounding=ROUND_UP)
    hi = (list_price * Decimal("1.2")).quantize(CENT, rounding=ROUND_DOWN)
    return min(max(v, lo), hi)
