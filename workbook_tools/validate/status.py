"""Status rules: the order's status agrees with its shipments and its status log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from operator import gt, lt
from typing import Any

from ..choices import STATUS_RANK
from ..findings import Finding
from .context import Context
from .orders import status_words

CODES = (
    "shipped-without-shipment",
    "shipment-but-not-shipped",
    "status-log-mismatch",
    "status-regression",
    "unresolved-issue",
)


#: Cancelled ends an order: whatever follows it goes backwards.
_RANK = {**STATUS_RANK, "cancelled": 9}


def check(ctx: Context) -> Iterator[Finding]:
    ships = ctx.index("shipments", "order_no")
    log_rows = ctx.index("status_log", "order_no", keep=False)  # no other check needs it
    log = ctx.table("status_log").rows
    # the log's two columns taken out once (a million rows on a large book), not per order
    logged: list[Any] = [e.get("status") for e in log]
    stamps = [e.get("timestamp") or datetime.min for e in log]
    ranks = [_RANK.get(s, -1) for s in logged]
    every_status = all(logged)  # no entry without a status: nothing to leave out
    keys = ctx.keys
    for i, o in enumerate(ctx.table("orders").rows):
        status, no = o.get("status"), o.get("order_no")
        k = keys[no]
        if status in ("shipped", "completed") and k not in ships:
            zh, en = status_words(status)
            yield ctx.at("shipped-without-shipment", "orders", i, "status", no, expected=zh, expected_en=en)
        if status in ("pending", "processing") and k in ships:
            zh, en = status_words(status)
            yield ctx.at("shipment-but-not-shipped", "orders", i, "status", no, expected=zh, expected_en=en)
        entries = log_rows.get(k, ())
        if not every_status:
            entries = [j for j in entries if logged[j]]
        if len(entries) > 1:
            times = list(map(stamps.__getitem__, entries))
            if any(map(gt, times, times[1:])):  # staff usually log in time order: sort only if not
                entries = sorted(entries, key=lambda j: (stamps[j], j))
        if entries and status and logged[entries[-1]] != status:
            zh, en = status_words(status)
            last_zh, last_en = status_words(logged[entries[-1]])
            yield ctx.at(
                "status-log-mismatch",
                "orders",
                i,
                "status",
                no,
                expected=zh,
                expected_en=en,
                other=last_zh,
                other_en=last_en,
            )
        steps = list(map(ranks.__getitem__, entries))
        if not any(map(lt, steps[1:], steps)):  # no step backwards (nearly every order)
            continue
        for prev, j in zip(entries, entries[1:]):
            if ranks[j] < ranks[prev]:
                now_zh, now_en = status_words(logged[j])
                was_zh, was_en = status_words(logged[prev])
                yield ctx.at(
                    "status-regression",
                    "status_log",
                    j,
                    "status",
                    no,
                    expected=now_zh,
                    expected_en=now_en,
                    other=was_zh,
                    other_en=was_en,
                )

    days = ctx.config.thresholds.unresolved_issue_days
    cutoff = datetime.combine(ctx.today, datetime.min.time()) - timedelta(days=days)
    for j, e in enumerate(log):
        ts = e.get("timestamp")
        if e.get("issue") and not e.get("resolution") and isinstance(ts, datetime) and ts < cutoff:
            yield ctx.at(
                "unresolved-issue", "status_log", j, "issue", e.get("order_no"), expected=e["issue"], days=days
            )
