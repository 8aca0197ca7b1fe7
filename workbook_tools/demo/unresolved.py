"""A few problems logged in the last days that nobody has resolved yet (realistic, no warning)."""

from __future__ import annotations

from .context import Ctx, D, H
from .orders import Order

OPEN_ISSUES = {
    "pending": ("缺货",),
    "processing": ("缺货", "延迟发货"),
    "shipped": ("地址错误", "延迟发货"),
    "completed": ("质量问题",),
}


def ensure_open_problems(ctx: Ctx, book: list[Order]) -> None:
    """Make sure the book has some open problems, each younger than ``unresolved_issue_days``."""
    days = ctx.config.thresholds.unresolved_issue_days
    if days <= 0:
        return
    rng, now = ctx.rng, ctx.clock.now
    want = max(2, len(book) // 1000)
    have = sum(1 for o in book for e in o.log if e[2] and e[3] is None)
    window = (ctx.clock.today_i - (days - 1)) * D + 8 * H
    pool = sorted(
        (o for o in book if o.status != "cancelled" and o.log[-1][0] < now), key=lambda o: (-o.log[-1][0], o.i)
    )
    for o in pool:
        if have >= want:
            return
        lo = max(o.log[-1][0] + 1, window)
        if lo > now:
            continue
        m = lo + rng.randrange(now - lo + 1)
        o.log.append([m, o.status, rng.choice(OPEN_ISSUES[o.status]), None, ctx.handler()])
        have += 1
