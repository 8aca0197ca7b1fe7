"""Writing the imported rows: into the book in place, or a new book from the template.

A book that exists is changed in place (xlsxpkg/book_changes.py): new rows appended after its
last row, updated cells rewritten, the cached results of the formulas that change refreshed, and
every other cell and part kept as it was — the staff's comments, colours, links, formulas, charts
and macros included. A timestamped backup is made first; the new file is written beside the book
and renamed over it only if the book has not changed since it was read (``guard``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..book import BookData, OrderBook
from ..config import Config
from ..errors import OutputError, about
from ..lang import ENUM_COMMA, LANGS, Said, joined
from ..safe_io import Guard, atomic_path, backup

if TYPE_CHECKING:
    from ..derive import Derived
    from ..xlsxpkg.package import Prefetch


@dataclass
class Stored:
    path: Path
    backup: Path | None = None
    #: What else happened to the book, one line each in both languages (rows prepared ahead again).
    notes: list[Said] = field(default_factory=list)
    #: Rows appended per sheet key (Excel row numbers).
    appended: dict[str, list[int]] = field(default_factory=dict)


def store(
    path: Path,
    data: BookData,
    *,
    book: OrderBook | None,
    config: Config,
    lang: str,
    today: date | None = None,
    guard: Guard | None = None,
    derived: Derived | None = None,
    keep_settings: bool = False,
    prefetched: Prefetch | None = None,
) -> Stored:
    """Write ``data`` to ``path``: the book read as ``book`` changed in place, or a new book.
    ``derived``: Python's derived values of ``data`` when the caller has them (the import's check).
    ``keep_settings``: the book changed in place stores ``config`` from now on (a new book always does).
    ``prefetched``: the book's sheets already being inflated (xlsxpkg.package.Prefetch)."""
    today = today or date.today()
    if book is None:
        from ..template import write_book

        return Stored(write_book(path, data, config=config, lang=lang, today=today))
    from ..settings import properties_to_store
    from ..xlsxpkg.book_changes import write_changes
    from ..xlsxpkg.package import Unsupported

    properties = properties_to_store(path, config) if keep_settings else None
    saved = backup(path)
    try:
        with atomic_path(path, guard=guard) as tmp, open(tmp, "wb") as out:
            changes = write_changes(
                path,
                book,
                data,
                out,
                config=config,
                today=today,
                derived=derived,
                properties=properties,
                prefetched=prefetched,
            )
    except Unsupported as exc:
        saved.unlink(missing_ok=True)
        raise OutputError(
            about(
                path,
                (
                    f"无法在原文件中修改这个订单簿（{exc}），未写入任何文件",
                    f"cannot change this book in place ({exc}); nothing was written",
                ),
            )
        ) from None
    notes = _prepare_ahead(path, changes.past_prepared, config, today) if changes.past_prepared else []
    return Stored(Path(path), saved, notes, changes.appended)


def _prepare_ahead(path: Path, sheets: list[str], config: Config, today: date) -> list[Said]:
    """New rows went past the prepared rows (the formulas were filled down onto them): prepare rows
    ahead again — formulas, validation, conditional formats, ranges — as ``orderbook extend`` does."""
    from ..schema import SHEET_BY_KEY
    from ..xlsxpkg.extend import ExtendError, extend_book

    names = Said(*(joined(lang, (SHEET_BY_KEY[k].name(lang) for k in sheets), ENUM_COMMA) for lang in LANGS))
    try:
        extend_book(path, config=config, today=today, force=True)  # the lock is ours: we hold it
    except ExtendError as exc:
        return [
            Said(
                f"{names.zh} 的新行超出了预置的行；{exc.said.zh}",
                f"rows past the prepared ones on {names.en}; {exc.said.en}",
            )
        ]
    return [
        Said(
            f"已在 {names.zh} 重新预置行（orderbook extend）",
            f"prepared rows added again on {names.en} (orderbook extend)",
        )
    ]
