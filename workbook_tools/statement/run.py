"""``orderbook statement`` as a library call: read the book, state the month per customer, write one
workbook per customer (and its PDF), every target checked before anything is written."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..config import Config
from ..errors import OutputError, about
from ..names import output_path
from ..outputs import check_output
from ..summary.months import Month
from .model import Statement, customer_statements, period
from .sheet import file_name, write_statement


@dataclass
class StatementRun:
    folder: Path
    statements: list[Statement]
    workbooks: list[Path]
    pdfs: list[Path] = field(default_factory=list)
    #: Files moved aside before being replaced (--force).
    backups: list[Path] = field(default_factory=list)


def default_folder(book: Path, month: Month) -> Path:
    """``<book>.statements-2026-10`` beside the book (names.py): a month's statements together, apart
    from the book."""
    return output_path(book, "statements", month, suffix="")


def run_statements(
    book: str | os.PathLike[str],
    month: str,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    customers: list[str] | None = None,
    lang: str | None = None,
    config: Config | None = None,
    today: date | None = None,
    pdf: bool = False,
    force: bool = False,
    inputs: tuple[str | os.PathLike[str], ...] = (),
) -> StatementRun:
    """Write the statements of ``month`` (every customer with something to state, or those named)."""
    from ..read import read_book
    from .pdf import check_pdf, pdf_path, require_soffice, write_pdfs

    config = config or Config()
    lang = lang or config.language
    book = Path(book)
    parsed, _, _ = period(month, today or date.today())
    if pdf:
        require_soffice()  # before any work: the user asked for PDFs
    folder = Path(out_dir) if out_dir is not None else default_folder(book, parsed)
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            about(
                folder,
                ("不是文件夹：-o 指的是放对账单的文件夹", "is not a folder: -o names the folder the statements go to"),
            )
        )
    statements = customer_statements(
        read_book(book, config=config).data(), parsed, config=config, customers=customers, today=today
    )
    targets, taken = [], set()
    for st in statements:
        name = file_name(book, st)
        n = 1
        while name.casefold() in taken:  # two IDs that differ only where a file name cannot (C/1, C_1)
            n += 1
            name = file_name(book, st, n)
        taken.add(name.casefold())
        targets.append(folder / name)
    inputs = (book, *inputs)
    backups = [check_output(t, "statement", inputs=inputs, force=force) for t in targets]
    if pdf:
        backups += [check_pdf(pdf_path(t), inputs=inputs, force=force) for t in targets]
    run = StatementRun(folder, statements, [], backups=[b for b in backups if b])
    if statements:
        folder.mkdir(parents=True, exist_ok=True)
    for st, target in zip(statements, targets):
        run.workbooks.append(write_statement(st, target, lang, config=config))
    if pdf and run.workbooks:
        run.pdfs = write_pdfs(run.workbooks)
    return run
