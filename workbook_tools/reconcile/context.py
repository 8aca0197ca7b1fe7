"""What every reconciliation step shares: validation's Context (book, settings, today, derived values,
indexes, ``ctx.at`` for findings by cell, ``ctx.once`` for what is worked out once), through its
public interface only."""

from __future__ import annotations

from datetime import date

from ..book import OrderBook, Row
from ..config import Config
from ..validate.context import Context, key

__all__ = ["Context", "key", "make_context", "rows_of"]


def rows_of(book: OrderBook) -> dict[str, list[Row]]:
    """The book's rows per sheet as they are (no copy: nothing downstream writes to them)."""
    return {k: t.rows for k, t in book.tables.items()}


def make_context(book: OrderBook, config: Config, today: date) -> Context:
    """Validation's context for ``book`` (its derived values come from the rows themselves, no copy)."""
    return Context(book, config, today)
