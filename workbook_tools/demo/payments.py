"""Demo payments: deposits, balances, payment on delivery or on account, refunds.

Never more than the order total; completed orders are paid in full; a cancelled order that was
paid is refunded by a negative payment that brings it back to exactly 0.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from ..derive import cents
from .context import Ctx, D
from .orders import Order, reached
from .people import Customer

#: Who pays how: people by phone, businesses by bank transfer.
WEIGHTS = {
    "person": {"微信支付": 45, "支付宝": 35, "现金": 6, "信用卡": 8, "银行转账": 5, "其他": 1},
    "business": {"银行转账": 68, "微信支付": 12, "支付宝": 10, "现金": 3, "信用卡": 4, "其他": 3},
}
OTHER_NOTES = ("银行承兑汇票", "公司账户代付", "预存款抵扣")
REFUND_RESOLUTION = "客户取消订单，已原路退款"


@dataclass(slots=True)
class Payment:
    m: int
    order: Order
    method: str
    amount: Decimal
    reference: str | None
    #: The note before the method's own remark is added (notes()).
    note: str | None
    refund: bool = False

    def notes(self, rng: random.Random) -> str | None:
        return _note(rng, self.method, self.note)


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def reference(ctx: Ctx, method: str, m: int) -> str | None:
    """A transaction number in the shape each channel uses; None for cash and 其他."""
    rng = ctx.rng
    day = ctx.clock.date(m).strftime("%Y%m%d")
    while True:
        if method == "现金" or method == "其他":
            return None
        if method == "银行转账":
            ref = str(rng.randint(1, 9)) + _digits(rng, 19)
        elif method == "微信支付":
            ref = "4200" + _digits(rng, 6) + day + _digits(rng, 10)
        elif method == "支付宝":
            ref = day + "2200" + _digits(rng, 16)
        elif method == "信用卡":
            ref = _digits(rng, 12)
        else:
            ref = "T" + day + _digits(rng, 10)
        if ref not in ctx.used_refs:
            ctx.used_refs.add(ref)
            return ref


def _note(rng: random.Random, method: str, base: str | None) -> str | None:
    if method == "其他":
        return rng.choice(OTHER_NOTES) + (f"；{base}" if base else "")
    return base


class Payer:
    def __init__(self, ctx: Ctx, customers: list[Customer]):
        self.ctx = ctx
        self.methods = list(ctx.config.lists.payment_methods)
        self.cum: dict[str, list[int]] = {}
        for kind, table in WEIGHTS.items():
            ws = [table.get(m, 2) for m in self.methods]
            self.cum[kind] = [sum(ws[: i + 1]) for i in range(len(ws))]
        self.payments: list[Payment] = []
        for c in customers:
            c.pay_method = self._draw(c)

    def _draw(self, c: Customer) -> str:
        cum = self.cum["person" if c.is_person else "business"]
        x = self.ctx.rng.random() * cum[-1]
        return next(m for m, w in zip(self.methods, cum) if x < w)

    def _method(self, c: Customer) -> str:
        return c.pay_method if self.ctx.rng.random() < 0.8 else self._draw(c)

    def _between(self, lo: int, hi: int) -> int:
        hi = min(hi, self.ctx.clock.now)
        return lo + self.ctx.rng.randrange(max(1, hi - lo + 1)) if hi > lo else lo

    def _add(self, o: Order, m: int, amount: Decimal, method: str, note: str | None, refund: bool = False) -> None:
        p = Payment(m, o, method, amount, reference(self.ctx, method, m), note, refund)
        self.payments.append(p)

    def _deposit(self, total: Decimal) -> Decimal | None:
        pct = Decimal(self.ctx.rng.choice(("0.2", "0.3", "0.3", "0.5")))
        dep = cents((total * pct).quantize(Decimal(1))) if total >= 100 else cents(total * pct)
        if not 0 < dep < total:
            dep = cents(total / 2)
        return dep if 0 < dep < total else None

    def pay(self, o: Order, refund: bool | None = None) -> None:
        rng, now = self.ctx.rng, self.ctx.clock.now
        total, c, st = o.total, o.cust, o.status
        method = self._method(c)
        on_account = any("月结" in h for h in c.habits)
        r = rng.random()
        if st == "completed":
            t2, t3 = reached(o.t2), reached(o.t3)
            if (on_account and r < 0.85) or r < 0.2:
                self._add(o, self._between(t3, t3 + 45 * D), total, method, "月结" if on_account else None)
            elif r < 0.45 and (dep := self._deposit(total)):
                self._add(o, self._between(o.t0, t2), dep, method, "定金")
                self._add(o, self._between(t3, t3 + 10 * D), total - dep, method, "尾款")
            else:
                self._add(o, self._between(o.t0, min(o.t0 + 2 * D, t2)), total, method, None)
        elif st == "shipped":  # paid, or a deposit; customers on account pay after delivery
            t2 = reached(o.t2)
            if r < 0.65 and not on_account:
                self._add(o, self._between(o.t0, min(o.t0 + 2 * D, t2)), total, method, None)
            elif (r < 0.3 or not on_account) and (dep := self._deposit(total)):
                self._add(o, self._between(o.t0, t2), dep, method, "定金")
        elif st == "processing" or st == "pending":
            if r < (0.4 if st == "processing" else 0.12) and (dep := self._deposit(total)):
                self._add(o, self._between(o.t0, now), dep, method, "定金")
        elif st == "cancelled":
            if refund is None:
                refund = r < 0.4
            if refund:
                dep = self._deposit(total) if rng.random() < 0.4 else None
                paid = dep or total
                tc = reached(o.tc)
                self._add(o, self._between(o.t0, tc), paid, method, "定金" if dep else None)
                self._add(o, self._between(tc, tc + 3 * D), -paid, method, "订单取消退款", refund=True)
                o.log[-1][3] = REFUND_RESOLUTION

    def ensure_partly_paid(self, book: list[Order]) -> None:
        """Small books: make sure some open order is partly paid (a deposit)."""
        paid: dict[int, Decimal] = {}
        for p in self.payments:
            paid[id(p.order)] = paid.get(id(p.order), Decimal(0)) + p.amount
        if any(0 < paid.get(id(o), 0) < o.total for o in book):
            return
        pool = [o for o in book if o.status in ("pending", "processing", "shipped") and id(o) not in paid]
        for o in self.ctx.rng.sample(pool, len(pool)):
            if dep := self._deposit(o.total):
                m = self._between(o.t0, o.t2 if o.t2 is not None else self.ctx.clock.now)
                self._add(o, m, dep, self._method(o.cust), "定金")
                return

    def ensure_every_method(self) -> None:
        """Switch a few payments to any configured method nobody used (small books)."""
        rng = self.ctx.rng
        counts = {m: 0 for m in self.methods}
        for p in self.payments:
            counts[p.method] = counts.get(p.method, 0) + 1
        refunded = {id(p.order) for p in self.payments if p.refund}
        for method in self.methods:
            if counts[method]:
                continue
            pool = [p for p in self.payments if id(p.order) not in refunded and counts[p.method] > 1]
            if not pool:
                return
            p = rng.choice(pool)
            counts[p.method] -= 1
            counts[method] += 1
            p.method = method
            p.reference = reference(self.ctx, method, p.m)
