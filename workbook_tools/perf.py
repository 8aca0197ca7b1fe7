"""Small helpers that keep the bulk paths (reading, validating, writing a 100,000-order book) fast.

Pausing the cyclic garbage collector is a process-wide change, so the library never makes it on
its own: the bulk paths call ``gc_paused()``, which pauses the collector only inside ``bulk()``, the
context a program enters to consent (the ``orderbook`` command, the nightly child processes and the
benchmarks do). A program that calls the library without it keeps its collector as it was.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

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


def read_ahead(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """``items``, made by a second thread up to ``depth`` ahead of the caller: where making them lets
    go of the GIL (zlib inflating a sheet's XML), that runs while the caller works on the item before.
    What the maker raises is raised here; leaving the loop early stops the maker."""
    slots: queue.Queue[tuple[bool, Any]] = queue.Queue(depth)
    stop = threading.Event()

    def put(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False

    def make() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
        except BaseException as exc:  # noqa: BLE001  # raised in the caller's thread instead
            put((False, exc))
            return
        put((False, None))

    maker = threading.Thread(target=make, name="read-ahead", daemon=True)
    try:
        maker.start()
    except RuntimeError:  # "can't start new thread": no room for its stack (a child under a memory cap)
        yield from items  # made here instead, one after the other
        return
    try:
        while True:
            ok, value = slots.get()
            if ok:
                yield value
            elif value is None:
                return
            else:
                raise value
    finally:
        stop.set()
        maker.join()
