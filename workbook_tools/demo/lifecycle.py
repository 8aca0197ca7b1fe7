"""An order's way from 待处理 to 已完成 (or 已取消): status log, problems, shipments.

Every order is simulated as a chain of events in minutes (placed → processing → shipped →
delivered → completed, or cancelled). Whatever would happen after "now" has not happened yet:
that is what leaves recent orders pending, processing or shipped, and old ones completed.
"""

from __future__ import annotations

import random
from bisect import bisect

from .context import NEVER, Ctx, D, H, work
from .orders import Order
from .products import Product
from .shipping import OTHER_NOTES, Ship

CANCEL_RATE = 0.05
#: Where the demo company ships from: deliveries inside the province are faster.
HOME_PROVINCE = "浙江省"

RESOLUTIONS = {
    "缺货": (
        "已向供应商紧急补货，到货后立即发出",
        "已从宁波仓调货",
        "供应商已发货，到货后安排发出",
        "已与客户沟通，同意延后交货",
    ),
    "延迟发货": (
        "仓库备货延误，已加急处理",
        "快递揽收延迟，已改约次日上门取件",
        "已与客户沟通，客户同意延后发货",
        "订单集中，已安排加班出库",
    ),
    "其他": (
        "客户要求修改开票信息，已更新",
        "客户要求改期送货，已重新安排",
        "客户要求送货前电话联系，已通知仓库",
        "客户要求更换收货人，已更新",
    ),
    "地址错误": ("已联系客户核实地址，快递已改派", "门牌号有误，已更正并重新派送", "客户搬迁，已改寄新地址"),
    "质量问题": ("已安排上门检修", "已补发配件", "经检测为使用不当，已指导客户正确使用"),
}
PARTIAL_RESOLUTION = "有货部分先发，余下到货后补发"
CANCEL_REASONS = (
    "客户取消订单",
    "客户改买其他型号，订单取消",
    "等待时间过长，客户取消",
    "客户预算调整，订单取消",
    "客户重复下单，取消其中一单",
)


def resolution(rng: random.Random, issue: str) -> str:
    return rng.choice(RESOLUTIONS.get(issue, RESOLUTIONS["其他"]))


def _young(ctx: Ctx, m: int) -> bool:
    """A problem logged at minute ``m`` may still be open without raising a warning."""
    return ctx.clock.today_i - m // D < ctx.config.thresholds.unresolved_issue_days


def _carrier(ctx: Ctx, o: Order, products: list[Product]) -> Ship:
    rng, ships = ctx.rng, ctx.ships
    if any("顺丰" in h for h in o.cust.habits) and rng.random() < 0.6:
        sf = [s for s in ships if s.carrier.name == "顺丰速运"]
        if sf:
            return sf[0]
    bulky = any(products[ln.product].item.bulky for ln in o.lines)
    cum = ctx.ship_cum_bulky if bulky else ctx.ship_cum
    return ships[bisect(cum, rng.random() * cum[-1])]


def _split(o: Order, rng: random.Random) -> list[tuple[int, int, int]]:
    """Partial shipment rows (parcel 0 or 1, product, quantity) covering every line exactly."""
    lines = o.lines
    if len(lines) == 1:
        ln = lines[0]
        k = rng.randint(1, ln.qty - 1)
        return [(0, ln.product, k), (1, ln.product, ln.qty - k)]
    rows = []
    for ln in lines:
        r = rng.random()
        if r < 0.5:
            rows.append((0, ln.product, ln.qty))
        elif r < 0.85 or ln.qty < 2:
            rows.append((1, ln.product, ln.qty))
        else:
            k = rng.randint(1, ln.qty - 1)
            rows += [(0, ln.product, k), (1, ln.product, ln.qty - k)]
    if all(p == 1 for p, _, _ in rows):
        rows[0] = (0,) + rows[0][1:]
    elif all(p == 0 for p, _, _ in rows):
        rows[-1] = (1,) + rows[-1][1:]
    return sorted(rows, key=lambda r: r[0])


def simulate(
    ctx: Ctx,
    o: Order,
    products: list[Product],
    cap: str | None = None,
    force_cancel: bool = False,
    force_partial: bool = False,
) -> None:
    """Fill ``o.status``, ``o.log`` and ``o.ships`` (and the event minutes) from scratch."""
    rng, now = ctx.rng, ctx.clock.now
    log = o.log = [[o.t0, "pending", None, None, o.sales]]
    o.ships = []
    o.t1 = o.t2 = o.t3 = o.tc = None
    o.status = "pending"
    t1 = work(o.t0 + 10 + int(rng.expovariate(1 / 300)), rng)
    if cap == "pending":
        t1 = NEVER

    if force_cancel or rng.random() < CANCEL_RATE:
        at_pending = t1 > now or rng.random() < 0.55
        base = o.t0 if at_pending else t1
        tc = work(base + 20 + int(rng.random() * 2 * D), rng)
        if force_cancel and tc > now:
            tc = max(base + 1, now)
        if base < tc <= now:
            if not at_pending:
                o.t1 = t1
                log.append([t1, "processing", None, None, ctx.handler()])
            log.append([tc, "cancelled", "客户取消", rng.choice(CANCEL_REASONS), ctx.handler()])
            o.status, o.tc = "cancelled", tc
            return

    if t1 > now:
        return
    o.t1, o.status = t1, "processing"
    log.append([t1, "processing", None, None, ctx.handler()])
    r = rng.random()
    problem, delay = None, 0
    if r < 0.05:  # out of stock; now and then the supplier is weeks late and the order overdue
        problem, delay = "缺货", rng.randint(2, 9) * D if rng.random() > 0.08 else rng.randint(15, 40) * D
    elif r < 0.08:
        problem, delay = "延迟发货", rng.randint(1, 4) * D
    elif r < 0.095:
        problem, delay = "其他", rng.randint(0, 2) * D
    t2 = work(t1 + 90 + int(rng.random() * 1.6 * D) + delay, rng, 9 * H, 18 * H)
    if cap == "processing":
        t2 = NEVER
    splittable = len(o.lines) > 1 or o.lines[0].qty > 1
    partial = splittable and (force_partial or rng.random() < (0.6 if problem == "缺货" else 0.1))
    if problem:
        span = (t2 if t2 != NEVER else t1 + 2 * D) - t1
        tp = t1 + 1 + int((span - 2) * rng.uniform(0.05, 0.5))
        if tp <= now:
            if t2 > now and _young(ctx, tp) and rng.random() < 0.6:
                res = None
            elif problem == "缺货" and partial:
                res = PARTIAL_RESOLUTION
            else:
                res = resolution(rng, problem)
            log.append([tp, "processing", problem, res, ctx.handler()])
    if t2 > now:
        return

    o.t2, o.status = t2, "shipped"
    ship = _carrier(ctx, o, products)
    parcel_m = [t2]
    if partial:
        p2 = work(t2 + rng.randint(1, 5) * D, rng, 9 * H, 18 * H)
        if p2 > now and force_partial and now > t2 + 1:
            p2 = now
        if p2 <= now:
            parcel_m.append(p2)
        else:
            partial = False
    rows = _split(o, rng) if partial else [(0, None, None)]
    extra = 0
    ta = None
    if rng.random() < 0.015:
        ta, extra = t2 + 2 * H + rng.randrange(18 * H), rng.randint(1, 3) * D
    lo, hi = ship.transit
    if o.cust.city.province == HOME_PROVINCE:
        lo, hi = 1, min(hi, 2)
    delivered = [
        work(m + rng.randint(lo, hi) * D + extra - 2 * H + rng.randrange(6 * H), rng, 9 * H, 20 * H) for m in parcel_m
    ]
    if cap == "shipped":
        delivered = [NEVER] * len(parcel_m)
    log.append([t2, "shipped", None, None, ctx.handler()])
    last = max(delivered)
    if ta is not None and ta <= now and ta < min(delivered):
        res = None if last > now and _young(ctx, ta) and rng.random() < 0.6 else resolution(rng, "地址错误")
        log.append([ta, "shipped", "地址错误", res, ctx.handler()])
    other = ship.carrier.name == "其他"
    for parcel, product, qty in rows:
        dm = delivered[parcel]
        note = f"分批发货 第{parcel + 1}批/共{len(parcel_m)}批" if partial else None
        if other:
            note = rng.choice(OTHER_NOTES) + (f"；{note}" if note else "")
        o.ships.append([parcel_m[parcel], ship, None, product, qty, dm if dm <= now else None, note])
    if last > now:
        return
    t3 = min(last + 5 + rng.randrange(120), now)
    o.t3, o.status = max(t3, last), "completed"
    log.append([o.t3, "completed", None, None, ctx.handler()])
