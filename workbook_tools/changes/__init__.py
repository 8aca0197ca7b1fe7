"""What changed in a book since last night: rows added, changed (cell, old → new) and deleted.

    changes = record_changes("订单簿.xlsx", read_book("订单簿.xlsx"), reports_root="reports", night=date.today())
    changes.counts()        # Counter({"added": 2, "changed": 1, "deleted": 1})
    changes.rows[0].values  # every value of the row (a deleted row's, to paste back)
    changes.findings        # row-deleted, paid-order-changed

The nightly job keeps a snapshot of each book's data (snapshot.py: a SQLite file per book under the
reports root) and compares the book with the snapshot of the last night before today (diff.py);
deleting or changing what an order was paid or shipped for is a finding (rules.py). Each night's
changes are logged in the same file: ``change_history`` (``orderbook changes BOOK --since``) reads
them back, and ``pending_changes`` compares the book as it is now with the last snapshot.
report.py renders them (text, JSON, HTML, Excel).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..book import OrderBook
from ..config import Config
from ..findings import Finding
from ..lang import pick
from .diff import ADDED, CHANGED, DELETED, KINDS, RowChange, diff_snapshots
from .rules import change_findings
from .snapshot import Snapshot, SnapshotStore, snapshot_of, snapshot_path

__all__ = [
    "ADDED",
    "CHANGED",
    "DELETED",
    "BookChanges",
    "RowChange",
    "change_history",
    "pending_changes",
    "record_changes",
    "snapshot_path",
]


@dataclass
class BookChanges:
    book: Path
    #: The night compared with; None: there was no earlier snapshot (the first night), nothing to compare.
    since: date | None
    #: The night these changes were recorded; None: the book as it is now, not recorded.
    night: date | None
    rows: list[RowChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: Why the changes could not be recorded (the snapshot file could not be written …), if so: the
    #: English (JSON's ``error``), and ``error_zh`` the same in Chinese.
    error: str | None = None
    error_zh: str | None = None

    def error_text(self, lang: str) -> str | None:
        """Why the changes could not be recorded, in ``lang``."""
        return pick(lang, self.error_zh or self.error or "", self.error or "") or None

    def counts(self) -> Counter[str]:
        """``{"added": n, "changed": n, "deleted": n}`` (rows)."""
        counts = Counter({k: 0 for k in KINDS})
        counts.update(c.kind for c in self.rows)
        return counts

    def to_dict(self, lang: str = "zh", config: Config | None = None) -> dict[str, Any]:
        from .report import change_dict

        counts = self.counts()
        return {
            "since": self.since.isoformat() if self.since else None,
            "night": self.night.isoformat() if self.night else None,
            **({"error": self.error} if self.error else {}),
            **{k: counts[k] for k in KINDS},
            "rows": [change_dict(c, lang, config) for c in self.rows],
        }


def _compare(
    path: Path, book: OrderBook, before: Snapshot | None, since: date | None, night: date | None
) -> tuple[Snapshot, BookChanges]:
    current = snapshot_of(book)
    if before is None:
        return current, BookChanges(path, since, night)
    rows = diff_snapshots(before, current)
    rows, findings = change_findings(before, rows, book, str(path))
    return current, BookChanges(path, since, night, rows, findings)


def record_changes(
    path: str | os.PathLike[str],
    book: OrderBook,
    *,
    reports_root: str | os.PathLike[str],
    night: date,
    taken: datetime | None = None,
    settings: str | None = None,
) -> BookChanges:
    """Compare ``book`` (read from ``path``) with its snapshot of the last night before ``night``, keep
    tonight's snapshot and log the changes (a second run the same night replaces the first's)."""
    path = Path(path)
    with SnapshotStore(snapshot_path(reports_root, path), mode=_mode_of(path)) as store:
        since = max((n for n in store.nights() if n < night), default=None)
        before = store.load(since) if since is not None else None
        current, changes = _compare(path, book, before, since, night)
        store.put(
            night,
            current,
            since=since,
            taken=taken or datetime.now(),
            book=str(path),
            settings=settings,
            changes=changes.rows,
        )
    return changes


def _mode_of(book: Path) -> int | None:
    """The permissions of a snapshot of ``book``: what the umask allows, never more than the book's
    (its owner keeps read and write)."""
    from ..safe_io import current_umask

    try:
        return (0o666 & ~current_umask()) & ((os.stat(book).st_mode & 0o777) | 0o600)
    except OSError:
        return None


def pending_changes(
    path: str | os.PathLike[str], book: OrderBook, *, reports_root: str | os.PathLike[str]
) -> BookChanges | None:
    """``book`` as it is now against its latest snapshot (not recorded); None when it has none."""
    path = Path(path)
    where = snapshot_path(reports_root, path)
    if not where.exists():
        return None
    with SnapshotStore(where, create=False) as store:
        nights = store.nights()
        if not nights:
            return None
        return _compare(path, book, store.load(nights[-1]), nights[-1], None)[1]


def change_history(
    path: str | os.PathLike[str], *, reports_root: str | os.PathLike[str], since: date | None = None
) -> list[BookChanges] | None:
    """The changes logged each night from ``since`` on (oldest first); None when the book has no snapshot."""
    where = snapshot_path(reports_root, path)
    if not where.exists():
        return None
    with SnapshotStore(where, create=False) as store:
        return [BookChanges(Path(path), before, night, rows) for night, before, rows in store.history(since)]
