"""One naming scheme for what the commands write beside a book: ``BOOK.<kind>[-<stamp>].<ext>``.

``订单簿.xlsx`` -> ``订单簿.summary-2026-10.xlsx`` (the month's report), ``订单簿.reconcile-2026-11-27.xlsx``
(reconciled as of that day), ``订单簿.customers-2026-11-27.xlsx``, ``订单簿.with-summary-2026-10.xlsx``
(a copy of the book with the month's report: never taken for the report), ``订单簿.annotated.xlsx`` (the
checked copy), ``订单簿.rejects.csv``: sorted by name, a book's outputs sit beside it, by kind, then by
date. Every default output name of the commands comes from ``output_path``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path


def output_name(book: str | os.PathLike[str], kind: str, stamp: object = None, suffix: str = ".xlsx") -> str:
    """``<book's stem>.<kind>[-<stamp>]<suffix>``; a date stamp as YYYY-MM-DD, a month as YYYY-MM."""
    if isinstance(stamp, date):
        stamp = stamp.isoformat()
    tail = f"{kind}-{stamp}" if stamp not in (None, "") else kind
    return f"{Path(book).stem}.{tail}{suffix}"


def output_path(book: str | os.PathLike[str], kind: str, stamp: object = None, suffix: str = ".xlsx") -> Path:
    """``output_name`` beside ``book``."""
    return Path(book).with_name(output_name(book, kind, stamp, suffix))
