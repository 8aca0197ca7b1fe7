"""Demo stock: returns, adjustments, purchase receipts that keep every SKU in stock, a stocktake.

The ledger follows derive.py: per day, receipts, returns and adjustments add, shipments take
away (on their ship date), and a stocktake replaces the book quantity at the END of its day.
Receipts are planned after the fact, day by day, so the stock of a SKU is never negative at the
end of any day; moving a receipt a few days earlier (suppliers deliver ahead) only raises the
stock in between, so it stays safe — except across the stocktake, which it never crosses.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import DAYS, Ctx, D, H
from .names import BRANDS
from .orders import Order, reached
from .products import Product

ADJUST_DOWN = ("破损报废", "样品领用", "运输破损", "过期报废", "展厅陈列领用")
ADJUST_UP = ("盘点后找回", "供应商补发", "退回样品入库")
TYPE_ORDER = {"receipt": 0, "return": 1, "adjustment": 2, "stocktake": 3}
DOC_PREFIX = {"receipt": "RK", "adjustment": "TZ", "stocktake": "PD"}


@dataclass(slots=True)
class Move:
    day: int
    product: int
    type: str
    qty: int
    doc: str | None = None
    note: str | None = None


def nice_qty(x: float) -> int:
    """Round a quantity up the way purchasers order: 7, 35, 240, 1250."""
    step = 1 if x < 10 else 5 if x < 100 else 10 if x < 1000 else 50
    return max(1, -int(-x // step) * step)


def make_returns(ctx: Ctx, orders: list[Order], products: list[Product]) -> list[Move]:
    """A few completed orders with a quality complaint: goods returned and exchanged."""
    rng, now = ctx.rng, ctx.clock.now
    pool = [o for o in orders if o.status == "completed" and reached(o.t3) <= now - 3 * D]
    moves = []
    per_day: dict[int, int] = {}
    for o in sorted(rng.sample(pool, min(len(pool), max(3, len(orders) // 400))), key=lambda o: o.i):
        ln = rng.choice(o.lines)
        k = rng.randint(1, min(ln.qty, 3))
        p = products[ln.product]
        t3 = reached(o.t3)
        tq = min(t3 + rng.randint(1, 10) * D + rng.randrange(-3 * H, 3 * H), now)
        tq = max(tq, t3 + 1)
        day = min(ctx.clock.today_i, tq // D + rng.randint(1, 4))
        o.log.append([tq, "completed", "质量问题", f"客户退回{k}{p.unit}，已换新发出", ctx.handler()])
        # the return and the replacement sent out share one document number
        per_day[day] = per_day.get(day, 0) + 1
        doc = f"TH{ctx.clock.dates[day]:%Y%m%d}{per_day[day]:02d}"
        moves.append(Move(day, ln.product, "return", k, doc, f"订单{o.no}质量问题退货"))
        moves.append(Move(day, ln.product, "adjustment", -k, doc, f"换货发出（订单{o.no}）"))
    return moves


def make_adjustments(ctx: Ctx, products: list[Product]) -> list[Move]:
    rng = ctx.rng
    moves = []
    for _ in range(max(4, ctx.orders_n // 500)):
        day, p = rng.randint(1, ctx.clock.today_i), rng.randrange(len(products))
        if rng.random() < 0.7:
            moves.append(Move(day, p, "adjustment", -rng.randint(1, 3), note=rng.choice(ADJUST_DOWN)))
        else:
            moves.append(Move(day, p, "adjustment", rng.randint(1, 2), note=rng.choice(ADJUST_UP)))
    return moves


def plan_stock(ctx: Ctx, products: list[Product], orders: list[Order], moves: list[Move]) -> list[Move]:
    """Set each product's opening stock and reorder point; return receipts and stocktake counts."""
    rng, today_i = ctx.rng, ctx.clock.today_i
    n = len(products)
    out = [[0] * DAYS for _ in range(n)]
    inn = [[0] * DAYS for _ in range(n)]
    for o in orders:
        for s in o.ships:
            day = s[0] // D
            if s[3] is None:
                for ln in o.lines:
                    out[ln.product][day] += ln.qty
            else:
                out[s[3]][day] += s[4]
    for mv in moves:
        if mv.qty > 0:
            inn[mv.product][mv.day] += mv.qty
        else:
            out[mv.product][mv.day] -= mv.qty
    count_day = today_i - rng.randint(3, 12)
    counted = set(rng.sample(range(n), max(1, int(n * 0.85))))
    off = rng.sample(sorted(counted), min(len(counted), max(2, n // 30)))  # a handful counted wrong
    variance = {p: rng.choice((-3, -2, -1, -1, 1, 1, 2)) for p in off}
    quiet = today_i - 4  # no routine reordering in the last days: a few SKUs end up low
    planned: list[Move] = []
    for pi, p in enumerate(products):
        o_, i_ = out[pi], inn[pi]
        rate = sum(o_) / DAYS
        rp = nice_qty(max(2.0, rate * rng.uniform(5, 10)))
        lot = nice_qty(max(rp, rate * rng.uniform(20, 40), 5))
        stock = opening = nice_qty(rp + lot * rng.uniform(0.4, 1.1))
        last = -1
        for d in range(DAYS):
            end = stock + i_[d] - o_[d]
            if end < 0 or (end <= rp and d < quiet and d < p.stop_day):
                q = nice_qty(max(lot, rp + lot - end))
                lower = max(last + 1, count_day + 1 if d > count_day else 0)
                last = max(lower, d - rng.randint(0, 4))
                planned.append(Move(last, pi, "receipt", q))
                end += q
            stock = end
            if d == count_day and pi in counted:
                v = variance.get(pi, 0)
                c = stock + v if stock + v >= 0 else stock - v
                note = None if c == stock else f"盘{'盈' if c > stock else '亏'}{abs(c - stock)}{p.unit}"
                planned.append(Move(d, pi, "stocktake", c, note=note or "定期盘点"))
                stock = c
        p.opening, p.reorder = opening, rp
    return planned


def number_moves(ctx: Ctx, moves: list[Move]) -> list[Move]:
    """Sort by date and give each document a number: RK/TZ/PD + date + sequence."""
    rng, dates = ctx.rng, ctx.clock.dates
    moves.sort(key=lambda m: (m.day, TYPE_ORDER[m.type], m.product))
    seq: dict[tuple[str, int], int] = {}
    supplier = ""
    for m in moves:
        if m.doc:  # returns and exchanges are numbered where they are made
            continue
        prefix, ymd = DOC_PREFIX[m.type], dates[m.day].strftime("%Y%m%d")
        if m.type == "stocktake":
            m.doc = prefix + ymd
            continue
        key = (prefix, m.day)
        new_doc = m.type != "receipt" or seq.get(key, 0) == 0 or rng.random() < 0.25
        if new_doc:
            seq[key] = seq.get(key, 0) + 1
            if m.type == "receipt":
                brand = rng.choice(BRANDS)[0]
                supplier = f"供应商：{brand}{'办公用品' if rng.random() < 0.6 else '实业'}有限公司"
        m.doc = f"{prefix}{ymd}{seq[key]:02d}"
        if m.type == "receipt":
            m.note = supplier
    return moves
