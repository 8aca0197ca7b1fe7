"""Validate one book in a child process with a memory cap and a timeout, so no book stops the night.

python-calamine aborts the whole process when an allocation fails (Rust's out-of-memory handler
calls ``abort()``: no exception, no ``finally``), a book can hold more findings than the machine
has memory for, and a damaged book can make any reader slow. So the nightly job checks each book in
a child (``multiprocessing`` with the *forkserver* start method: a clean single-threaded server that
has imported the reader once, forked per book in a few milliseconds), with ``RLIMIT_AS`` set in the
child and a deadline in the parent. A child over its memory cap, killed by the kernel's OOM killer,
crashed or too slow is one line in the report — ``超出内存上限`` (``over the memory limit``) — and the
other books are checked as usual. The parent receives the ``FileResult`` and writes the reports.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..config import Config
from ..lang import Said, said
from ..perf import bulk
from ..report import FileResult

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext

    #: The start methods this module uses (tests may set "fork").
    _Context = SpawnContext | ForkServerContext | ForkContext

#: Start method of the children: forkserver where there is one (Linux, BSD, macOS), else spawn.
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
#: Modules the fork server imports once, so each child starts with them loaded: ``__main__`` first (else
#: every child would run the main script or the ``orderbook`` command's module again, as spawn does),
#: the reader and the checks (the checks of cached formula results use the template's formulas), the
#: nightly job's per-book work; a module that is missing is passed over. The last, warm.py, checks a
#: tiny book once so that the children do not each build the same caches.
PRELOAD = [
    "__main__",
    "workbook_tools.validate.isolated",
    "workbook_tools.validate.files",
    "workbook_tools.validate.runner",
    "workbook_tools.read",
    "workbook_tools.schema",
    "workbook_tools.formulas",
    "workbook_tools.template",
    "workbook_tools.formats.annotate",
    "workbook_tools.changes.nightly",
    "json",
    "workbook_tools.validate.warm",
]
#: Seconds one book may take by default (our 250,000-order book takes under a minute).
DEFAULT_TIMEOUT = 900.0


def default_memory_mb() -> int:
    """The default cap on a child's address space: 4 GB (our 250,000-order book peaks at 2 GB of
    resident memory, 2.6 GB of address space), or three quarters of the machine's memory when that
    is less, never under 1 GB."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    except (ValueError, OSError, AttributeError):
        return 4096
    return max(1024, min(4096, total * 3 // 4))


@dataclass(frozen=True)
class Bounds:
    """How much one book may use: ``memory_mb`` of address space (None: no cap), ``timeout`` seconds
    of wall time (None: no deadline)."""

    memory_mb: int | None = None
    timeout: float | None = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if self.memory_mb is None:
            object.__setattr__(self, "memory_mb", default_memory_mb())
        if self.memory_mb is not None and self.memory_mb < 256:
            raise ValueError("memory_mb must be at least 256 (the reader alone needs about 100 MB)")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be positive")


def over_memory(memory_mb: int | None) -> Said:
    cap = f"（{memory_mb:,} MB）" if memory_mb else ""
    cap_en = f" ({memory_mb:,} MB)" if memory_mb else ""
    return Said(
        f"超出内存上限{cap}，未能检查；可能有工作表含有远多于数据所需的行或单元格",
        f"over the memory limit{cap_en}: not checked; a sheet may hold far more rows or cells than the data needs",
    )


def timed_out(seconds: float) -> Said:
    return said(("超时（{s:g} 秒），未能检查", "timed out after {s:g} s: not checked"), s=seconds)


def crashed(how: str) -> Said:
    """``how``: the signal's name or the exception, as Python spells it in either language."""
    return said(("检查时进程异常退出（{how}），未能检查", "the check crashed ({how}): not checked"), how=how)


_contexts: dict[str, _Context] = {}

#: What a child sends back: ``(True, value)``, or ``(False, the one line saying why there is none)``.
Outcome = tuple[bool, Any]


def _mp_context() -> _Context:
    """The multiprocessing context for ``START_METHOD`` (tests may set "fork" to keep their stand-ins)."""
    ctx = _contexts.get(START_METHOD)
    if ctx is None:
        # typeshed types get_context(str) as BaseContext, which has no Process: each concrete context has one
        ctx = _contexts[START_METHOD] = cast("_Context", multiprocessing.get_context(START_METHOD))
        if START_METHOD == "forkserver":
            ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _cap_memory(memory_mb: int) -> None:
    import resource

    limit = memory_mb << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _few_arenas()


#: mallopt's parameter for the most malloc arenas (glibc's malloc.h).
_M_ARENA_MAX = -8


def _few_arenas() -> None:
    """Under a cap on address space, at most two malloc arenas: glibc gives each thread that allocates
    an arena of its own, and reserves 64 MB of address space for each; the reader's threads (scan,
    inflate, two parsers) would spend a 512 MB cap on reservations before a good book's data. Only
    glibc has mallopt: elsewhere nothing is asked."""
    import ctypes

    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        return


def _quiet() -> None:
    """Send the child's stderr to /dev/null: a failed allocation in Rust prints a backtrace there
    (and faulthandler, when enabled, a Python one), which would land in the cron log between the
    one-line results."""
    import faulthandler

    faulthandler.disable()
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 2)
        os.close(fd)
    except OSError:
        pass


class Failed(Exception):
    """What ``call_isolated`` raises when the child gave no result: ``reason`` is the one line in
    both languages (over the memory limit, timed out, crashed); ``str(exc)`` its English."""

    def __init__(self, reason: Said) -> None:
        self.reason = reason
        super().__init__(reason.en)


def _child(
    conn: Connection[Outcome, Any],
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    memory_mb: int | None,
) -> None:
    """In the child: run ``fn``, send back ``(True, value)`` or ``(False, why)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _quiet()
    try:
        if memory_mb:
            _cap_memory(memory_mb)
        with bulk():  # the child is a process of ours: its bulk paths may pause the GC (perf.py)
            outcome: Outcome = (True, fn(*args, **kwargs))
    except MemoryError:
        outcome = (False, over_memory(memory_mb))
    except RecursionError:
        outcome = (False, crashed("RecursionError"))
    except Exception as exc:  # noqa: BLE001 — shown on the book's line, not a stopped night
        outcome = (False, crashed(f"{type(exc).__name__}: {exc}"))
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send((False, over_memory(memory_mb)))
    finally:
        conn.close()


def call_isolated(
    fn: Callable[..., Any], *args: Any, bounds: Bounds | None = None, name: str = "orderbook", **kwargs: Any
) -> Any:
    """``fn(*args, **kwargs)`` in a child process within ``bounds``; its value, or ``Failed`` with one
    line saying why there is none. ``fn`` and its arguments travel by pickle (a module-level function)."""
    bounds = bounds or Bounds()
    ctx = _mp_context()
    receive, send = ctx.Pipe(duplex=False)
    # not a daemon: a daemon may start no process of its own, and the check of a large book reads the
    # file's XML in a second process (validate/prepared.py). It is joined, or killed, below either way.
    child = ctx.Process(target=_child, args=(send, fn, args, kwargs, bounds.memory_mb), daemon=False, name=name)
    child.start()
    send.close()
    try:
        outcome = _wait(child, receive, bounds)
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome is None:
        raise Failed(_death(child.exitcode, bounds.memory_mb))
    ok, value = outcome
    if not ok:
        raise Failed(value)
    return value


#: Seconds a child at its memory cap may sit without using the CPU before it counts as stuck.
STALL_SECONDS = 5.0


def _wait(child: BaseProcess, receive: Connection[Any, Outcome], bounds: Bounds) -> Outcome | None:
    """The child's ``(ok, value)``; None when it died without one. Kills it at the deadline, and when
    it is stuck: an allocation that fails at the cap inside Rust (python-calamine, pyo3) can leave
    every thread of the child waiting on a lock forever instead of aborting; such a child is at its
    memory cap and uses no CPU, which the parent sees in /proc (Linux; elsewhere the deadline holds)."""
    deadline = None if bounds.timeout is None else time.monotonic() + bounds.timeout
    last, still = None, 0.0
    while True:
        step = 1.0 if deadline is None else max(min(1.0, deadline - time.monotonic()), 0)
        if receive.poll(step):
            try:
                return receive.recv()
            except (EOFError, OSError):  # the child died before sending
                return None
        if deadline is not None and bounds.timeout is not None and time.monotonic() >= deadline:
            child.kill()
            return (False, timed_out(bounds.timeout))
        cpu, size = _usage(child.pid)
        if cpu is None or not bounds.memory_mb or size < (bounds.memory_mb << 20) * 0.9:
            last, still = cpu, 0.0
            continue
        still = still + step if cpu == last else 0.0
        last = cpu
        if still >= STALL_SECONDS:
            child.kill()
            return (False, over_memory(bounds.memory_mb))


def _usage(pid: int | None) -> tuple[int | None, int]:
    """(CPU ticks used, address-space bytes) of a process, from /proc; (None, 0) where unknown."""
    if pid is None:
        return None, 0
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        # after the name: state(0) … utime(11) stime(12) … vsize(20)
        return int(fields[11]) + int(fields[12]), int(fields[20])
    except (OSError, IndexError, ValueError):
        return None, 0


def _validate(path: Path, config: Config, today: date) -> FileResult:
    from . import files

    return files.validate_file(path, config=config, today=today)


def validate_isolated(
    path: str | os.PathLike[str], *, config: Config, today: date, bounds: Bounds | None = None
) -> FileResult:
    """``files.validate_file(path)`` run in a child process within ``bounds``; never raises for
    anything the book does (out of memory, a crash, too slow: the result's ``error`` says which)."""
    path = Path(path)
    try:
        result: FileResult = call_isolated(
            _validate, path, config, today, bounds=bounds, name=f"orderbook-validate-{path.name}"
        )
        return result
    except Failed as exc:
        return FileResult.unreadable(path, exc.reason)


def _death(exitcode: int | None, memory_mb: int | None) -> Said:
    """Why a child ended without a result: SIGABRT is Rust's answer to a failed allocation, SIGKILL
    the kernel's OOM killer; both mean the book needs more memory than it may have."""
    if exitcode in (-signal.SIGABRT, -signal.SIGKILL):
        return over_memory(memory_mb)
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return crashed(name)
    return said(
        ("检查时进程异常退出（退出码 {code}），未能检查", "the check crashed (exit code {code}): not checked"),
        code=exitcode,
    )


__all__ = ["DEFAULT_TIMEOUT", "Bounds", "Failed", "call_isolated", "default_memory_mb", "validate_isolated"]

if sys.platform == "win32":  # pragma: no cover - no RLIMIT_AS: the timeout still holds
    _cap_memory = lambda memory_mb: None
