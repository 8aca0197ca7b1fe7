"""``--into-book``: a copy of the order book with the 月报 YYYY-MM sheet added as its last sheet.

The book's package is changed, not rebuilt (DESIGN.md, principle 2): the report sheet is written
alone into memory by xlsxwriter (add_summary_sheet, with its four charts) and transplanted into a
copy of the package (xlsxpkg/transplant.py) — the sheet, its drawing and charts as new parts, its
entry in workbook.xml, its cell formats appended to styles.xml. Every other part is copied as its
compressed bytes, so all that staff put in the book stays as it was: comments, links, fills, their
formulas and sheets, charts, macros (an .xlsm stays an .xlsm). The new sheet is not made the active
one (that would rewrite the other sheets). A sheet of the report's name already in the book (an
earlier run's) is replaced, with the parts only it used.

The original is never overwritten silently: when the copy's path is the book itself, the book is
locked for the read and the write (no other orderbook writer, not while Excel, WPS or LibreOffice
has it open, unless ``force``), and a timestamped backup is made first.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..book import OrderBook
from ..config import Config
from ..errors import OutputError, about
from ..lang import Said, said
from ..safe_io import atomic_path, backup, locked
from .model import MonthlySummary
from .months import Month
from .sheet import add_summary_sheet

if TYPE_CHECKING:
    from ..template.write import Progress
    from ..xlsxpkg.package import Package

#: Content types of a macro-enabled workbook's main part (.xlsm, .xltm).
_MACRO = "macroEnabled"


@dataclass(frozen=True)
class IntoBook:
    path: Path
    #: The backup of the original, when the copy replaced it.
    backup: Path | None = None
    #: What was not kept, or was replaced, one line each (empty as a rule: the book is kept whole;
    #: an earlier run's report sheet of the same name is named here when it was replaced).
    notes: tuple[Said, ...] = ()


def default_copy_path(book_path: str | os.PathLike[str], month: Month | str) -> Path:
    """``订单管理簿.xlsx`` -> ``订单管理簿.with-summary-2026-10.xlsx`` beside it (names.py's scheme; an
    ``.xlsm`` keeps its suffix): the book with the report added, never taken for the standalone
    ``订单管理簿.summary-2026-10.xlsx``."""
    from ..names import output_path

    return output_path(book_path, "with-summary", str(month), Path(book_path).suffix or ".xlsx")


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether the paths name one file (through links), or would once written."""
    a, b = Path(a), Path(b)
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def report_workbook(summary: MonthlySummary, lang: str, config: Config | None = None) -> bytes:
    """The report sheet alone, as the bytes of an .xlsx written by xlsxwriter in memory.

    xlsxwriter's ``in_memory`` mode turns ``constant_memory`` off, so the strings are shared
    strings; the transplant writes them into the sheet as inline strings."""
    from xlsxwriter import Workbook

    from ..template.styles import TEXT_AS_TEXT

    buf = io.BytesIO()
    wb = Workbook(buf, {**TEXT_AS_TEXT, "in_memory": True})
    add_summary_sheet(wb, summary, lang, config)
    wb.close()
    return buf.getvalue()


def _book_lang(pkg: Package, config: Config) -> str:
    """The book's language from its sheet names (as the reader decides it)."""
    from ..errors import WorkbookToolsError
    from ..read.sheets import find_sheets

    try:
        return find_sheets(pkg.path, [s.name for s in pkg.sheets()])[1]
    except WorkbookToolsError:
        return config.language


def _check_suffix(pkg: Package, book_path: Path, output: Path) -> None:
    """A macro book's copy must be an .xlsm, and only a macro book's: Excel will not open a file
    whose content does not match its extension."""
    from ..xlsxpkg.transplant import content_type

    macro = _MACRO in (content_type(pkg, pkg.office_document()) or "")
    suffix = output.suffix.lower()
    if macro and suffix not in (".xlsm", ".xltm"):
        raise OutputError(
            about(
                output,
                (
                    f"{book_path.name} 含宏，副本须以 .xlsm 结尾（Excel 不打开名为 .xlsx 的含宏工作簿）",
                    f"{book_path.name} has macros: name the copy .xlsm (Excel does not open a macro book named .xlsx)",
                ),
            )
        )
    if not macro and suffix in (".xlsm", ".xltm"):
        raise OutputError(
            about(
                output,
                (
                    f"{book_path.name} 不含宏，副本不能以 .xlsm 结尾，请以 .xlsx 结尾（Excel 不会把它当作 .xlsm 打开）",
                    f"{book_path.name} has no macros: name the copy .xlsx (Excel does not open it as .xlsm)",
                ),
            )
        )


def summary_into_book(
    book_path: str | os.PathLike[str],
    summary: MonthlySummary,
    *,
    output: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    config: Config | None = None,
    book: OrderBook | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> IntoBook:
    """Write a copy of the book at ``book_path`` with the summary sheet added last; return where it went.

    The report sheet is in ``lang`` (default: the book's; ``book`` may pass the book already read,
    for its language). ``output`` defaults to ``<stem>.with-summary-YYYY-MM.xlsx`` (``.xlsm``) beside the book;
    if it is the book itself, the book is locked (``force``: even while an office program has it
    open) and backed up first. Every part of the book other than workbook.xml, its relationships,
    [Content_Types].xml and styles.xml is copied byte for byte. ``progress`` is accepted for
    compatibility (the copy takes no noticeable time). Raises OutputError when the book's package
    has a shape the transplant does not handle (nothing is written then).
    """
    from ..xlsxpkg.package import Package, Unsupported
    from ..xlsxpkg.transplant import transplant_sheet

    config = config or Config()
    book_path = Path(book_path)
    output = Path(output) if output is not None else default_copy_path(book_path, summary.month)
    over_book = same_file(output, book_path)
    saved = None
    with locked(book_path, force=force) if over_book else contextlib.nullcontext() as guard:
        try:
            with atomic_path(output, guard=guard) as tmp:
                with Package(book_path) as pkg:
                    _check_suffix(pkg, book_path, output)
                    report_lang = lang or (book.lang if book is not None else _book_lang(pkg, config))
                    done = transplant_sheet(pkg, report_workbook(summary, report_lang, config))
                    if over_book:
                        saved = backup(book_path, now=now)
                    with open(tmp, "wb") as out:
                        pkg.write_to(out)
        except Unsupported as exc:
            raise OutputError(
                about(
                    book_path,
                    (
                        f"无法把月报加入这个订单簿（{exc}），未写入任何文件；请把月报写成单独的工作簿（不加 --into-book）",
                        f"cannot add the report to this book ({exc}); nothing was written — write the summary as its own "
                        "workbook (without --into-book)",
                    ),
                )
            ) from None
    notes = (
        (said(("工作表 {name!r} 已换成这份月报", "sheet {name!r} replaced by this summary"), name=done.replaced),)
        if done.replaced
        else ()
    )
    return IntoBook(output, saved, notes)
