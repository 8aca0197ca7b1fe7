"""Steps of the speed benchmark (benchmarks/speed.py) that run a whole command's work through the library."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from workbook_tools.config import Config


def reconcile_stages(
    book_path: str | os.PathLike, *, today: date = date(2026, 11, 27), out: str | os.PathLike | None = None
) -> dict[str, float]:
    """Read ``book_path``, reconcile it and write the reconciliation workbook; seconds per stage:
    ``{"read": …, "reconcile": …, "write": …, "total": …}``. The workbook goes to ``out`` (default:
    a temporary file, removed afterwards)."""
    from workbook_tools.read import read_book
    from workbook_tools.reconcile import reconcile_book, write_reconciliation

    config = Config()
    t0 = time.perf_counter()
    book = read_book(book_path, config=config)
    t1 = time.perf_counter()
    rec = reconcile_book(book, config=config, today=today)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_reconciliation(rec, out or Path(tmp) / "reconciliation.xlsx")
        t3 = time.perf_counter()
    return {"read": t1 - t0, "reconcile": t2 - t1, "write": t3 - t2, "total": t3 - t0}


def summary_run(book_path: str | os.PathLike, month: str = "2026-10", today: date = date(2026, 11, 27)):
    """Read + summarise + write the summary workbook (to a temporary folder), as the command does."""
    from workbook_tools.summary.run import run_summary

    with tempfile.TemporaryDirectory() as tmp:
        return run_summary(book_path, month, output=Path(tmp) / "summary.xlsx", today=today)
