"""Status rules: the order's status agrees with its shipments and its status log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from operator import methodcaller
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


def log_digest(ctx: Context) -> tuple[dict[str, str], dict[str, list[tuple[int, int]]]]:
    """Per order key: the status of its latest log entry, and its steps backwards as (entry, the entry
    before it) pairs. Entries in time order, sheet order among equal times; entries without a status
    left out. One pass over the log in sheet order (staff log as things happen: a million rows on a
    large book, and no index of them); the few orders whose entries are not in time order are sorted
    afterwards."""
    log = ctx.table("status_log").rows
    logged: list[Any] = list(map(methodcaller("get", "status"), log))
    keys = ctx.keys
    # per order key its latest entry so far: (status, time, row), one lookup and one store a row
    latest: dict[str, tuple[str, Any, int]] = {}
    seen = latest.get
    back: dict[str, list[tuple[int, int]]] = {}
    unordered: set[str] = set()
    stamps = map(methodcaller("get", "timestamp"), log)
    for j, (no, status, ts) in enumerate(zip(map(methodcaller("get", "order_no"), log), logged, stamps)):
        if not status:
            continue
        k = keys[no]
        if not k:
            continue
        stamp = ts or datetime.min
        prev = seen(k)
        if prev is not None:
            if stamp < prev[1]:
                unordered.add(k)
            elif _RANK.get(status, -1) < _RANK.get(prev[0], -1):
                back.setdefault(k, []).append((j, prev[2]))
        latest[k] = (status, stamp, j)
    last = {k: entry[0] for k, entry in latest.items()}
    del latest
    if unordered:
        entries: dict[str, list[tuple[Any, int]]] = {k: [] for k in unordered}
        for j, e in enumerate(log):
            if logged[j] and (k := keys[e.get("order_no")]) in entries:
                entries[k].append((e.get("timestamp") or datetime.min, j))
        for k, stamped in entries.items():
            order = [j for _, j in sorted(stamped)]
            last[k] = logged[order[-1]]
            steps = [
                (j, prev) for prev, j in zip(order, order[1:]) if _RANK.get(logged[j], -1) < _RANK.get(logged[prev], -1)
            ]
            if steps:
                back[k] = steps
            else:
                back.pop(k, None)
    return last, back


def check(ctx: Context) -> Iterator[Finding]:
    ships = ctx.index("shipments", "order_no")
    last, back = log_digest(ctx)
    log = ctx.table("status_log").rows
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
        latest = last.get(k)
        if latest is not None and status and latest != status:
            zh, en = status_words(status)
            last_zh, last_en = status_words(latest)
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
        for j, prev in back.get(k, ()):
            now_zh, now_en = status_words(log[j]["status"])
            was_zh, was_en = status_words(log[prev]["status"])
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
