"""Run every check over a book and return its findings in reading order."""

from __future__ import annotations

from datetime import date

from ..book import OrderBook
from ..config import Config
from ..findings import Finding
from ..perf import gc_paused
from ..schema import SHEETS
from . import cached, keys, orders, payments, references, row, status, stock
from .context import Context

#: The checks, each a small module with ``CODES`` and ``check(ctx)``.
CHECKS = (row, keys, references, orders, status, stock, payments, cached)


def validate_book(book: OrderBook, *, config: Config | None = None, today: date | None = None,
                  skip: frozenset[str] = frozenset()) -> list[Finding]:
    ctx = Context(book, config or Config(), today or date.today())
    with gc_paused():
        findings = [f for check in CHECKS for f in check.check(ctx) if f.code not in skip]
    order = {book[s.key].name: n for n, s in enumerate(SHEETS)}
    findings.sort(key=lambda f: (order.get(f.sheet, 99), f.row or 0, len(f.column or ""), f.column or "", f.code))
    return findings
