"""Small helpers that keep the bulk paths (reading, validating, writing a 100,000-order book) fast.

Pausing the cyclic garbage collector is a process-wide change, so the library never makes it on
its own: the bulk paths call ``gc_paused()``, which pauses the collector only inside ``bulk()``, the
context a program enters to consent (the ``orderbook`` command, the nightly child processes and the
benchmarks do). A program that calls the library without it keeps its collector as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CONSENT: ContextVar[bool] = ContextVar("workbook_tools_gc_pause", default=False)


@contextmanager
def bulk() -> Iterator[None]:
    """Inside, the library's bulk paths may pause the cyclic garbage collector (``gc_paused``)."""
    token = _CONSENT.set(True)
    try:
        yield
    finally:
        _CONSENT.reset(token)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Millions of new lists, tuples and dicts, none in a cycle: the cyclic collector would rescan
    the growing heap again and again (a fifth of the read time on a 100,000-order book). Only
    inside the caller's ``bulk()``; elsewhere a plain context that changes nothing."""
    if not _CONSENT.get():
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
