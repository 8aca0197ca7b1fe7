"""Imported by the fork server of isolated.py: check a three-order book once, so every child forked
from it starts with what a first check builds (compiled patterns, lists, caches) already built.

Each child then saves about 0.15 s, most of a small book's check. Nothing here may raise: an error
would stop the fork server, and with it every book of the night.
"""

from __future__ import annotations

from .isolated import _few_arenas


def _warm() -> None:
    import tempfile
    from datetime import date
    from pathlib import Path

    from ..config import Config
    from ..demo import generate_demo
    from ..template import write_book
    from .files import validate_file

    today = date(2026, 1, 15)
    with tempfile.TemporaryDirectory(prefix="orderbook-warm-") as tmp:
        book = write_book(Path(tmp) / "warm.xlsx", generate_demo(3, today=today), today=today)
        validate_file(book, config=Config(), today=today)


# before any thread of the warm-up allocates: the children inherit the fork server's malloc arenas,
# and each costs 64 MB of the address space their cap allows (isolated._few_arenas)
_few_arenas()
try:
    _warm()
except OSError:  # no room for the warm-up book: a cold child is slower, never wrong
    pass
