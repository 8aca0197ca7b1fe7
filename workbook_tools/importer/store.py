"""Writing the imported book: through regeneration, never by patching cells.

A book that exists is rewritten by ``regenerate()`` from the rows the import settled on (the
book's own, in their order, then the new ones): on the current template, with the columns and
sheets staff added and the values the reader could not type carried over, after a timestamped
backup, through a temporary file renamed into place. A new book is written by ``write_book``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..book import BookData
from ..config import Config


@dataclass
class Stored:
    path: Path
    backup: Path | None = None
    #: What regeneration says it could not carry over, one line each.
    notes: list[str] = field(default_factory=list)


def store(path: Path, data: BookData, *, exists: bool, config: Config, lang: str, today: date | None = None) -> Stored:
    """Write ``data`` to ``path``: a regeneration of the book there, or a new book."""
    if not exists:
        from ..template import write_book

        return Stored(write_book(path, data, config=config, lang=lang, today=today))
    from ..regenerate import regenerate

    result = regenerate(path, data=data, config=config, lang=lang, backup=True, today=today)
    return Stored(Path(result.path), result.backup_path, list(result.notes))
