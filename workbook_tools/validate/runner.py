"""Run every check over a book and return its findings in reading order.

Like frictionless's row and end hooks, the checks come in two kinds: the row rules of one sheet
(``row.check_table``) run as each sheet is read — while the reader's worker parses the next
sheet — and the cross-sheet checks run once the whole book is there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..book import OrderBook, Table
from ..config import Config
from ..derive import INPUTS as DERIVE_INPUTS
from ..findings import Finding
from ..perf import gc_paused
from ..schema import SHEETS
from . import cached, keys, orders, payments, prepared, references, row, status, stock
from .context import Context

#: The checks, each a small module with ``CODES`` and ``check(ctx)``.
CHECKS = (row, keys, references, orders, status, stock, payments, cached, prepared)
#: The checks that need the whole book (``row`` runs per sheet).
BOOK_CHECKS = tuple(c for c in CHECKS if c is not row)


class Validation:
    """``on_table`` for each sheet as it is read (pass it to ``read_book``), then ``finish(book)``."""

    def __init__(
        self,
        *,
        config: Config | None = None,
        today: date | None = None,
        path: Path | None = None,
        skip: frozenset[str] = frozenset(),
        ahead: bool = False,
    ):
        self.ctx = Context(OrderBook({}, path=path), config or Config(), today or date.today())
        self.skip = skip
        self.findings: list[Finding] = []
        #: With ``ahead`` (the book at ``path`` not read yet), the process that will read the file's
        #: XML beside the checks, forked now while this one is small (prepared.fork_ahead).
        self.second = prepared.fork_ahead(path) if ahead else None

    def __enter__(self) -> Validation:
        return self

    def __exit__(self, *exc: object) -> None:
        """The second process let go without a job when ``finish`` gave it none (the book was unreadable)."""
        if self.second is not None:
            self.second.shutdown(wait=False)
            self.second = None

    def on_table(self, table: Table) -> None:
        tables = self.ctx.book.tables
        tables[table.sheet.key] = table
        with gc_paused():
            self.findings += [f for f in row.check_table(self.ctx, table) if f.code not in self.skip]
            self.ctx.derive_ahead(table)
            if table.sheet.key in DERIVE_INPUTS and all(k in tables for k in DERIVE_INPUTS):
                # worked out now, while the reader parses the status log (read_book reads it last)
                self.ctx.derived  # noqa: B018

    def finish(self, book: OrderBook) -> list[Finding]:
        for sheet in SHEETS:
            if sheet.key not in self.ctx.book.tables:
                self.on_table(book[sheet.key])
        self.ctx.use(book)
        # the file's XML, read in a second process while the checks run
        second, self.second = self.second, None
        prepared.start(self.ctx, second)
        with gc_paused():
            self.findings += [f for check in BOOK_CHECKS for f in check.check(self.ctx) if f.code not in self.skip]
        order: dict[str | None, int] = {book[s.key].name: n for n, s in enumerate(SHEETS)}
        self.findings.sort(
            key=lambda f: (order.get(f.sheet, 99), f.row or 0, len(f.column or ""), f.column or "", f.code)
        )
        return self.findings


def validate_book(
    book: OrderBook, *, config: Config | None = None, today: date | None = None, skip: frozenset[str] = frozenset()
) -> list[Finding]:
    return Validation(config=config, today=today, path=book.path, skip=skip).finish(book)
