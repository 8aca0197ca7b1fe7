"""``orderbook summary BOOK --month YYYY-MM``: the monthly summary workbook (or a copy of the book
with the 月报 sheet), and the figures as JSON."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from .common import (
    backed_up,
    book_output,
    config_option,
    force_option,
    handle_errors,
    lang_option,
    load_settings,
    progress_bar,
    today_option,
)


@click.command("summary")
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to summarise, e.g. 2026-10.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write. Default: summary_YYYY-MM.xlsx; with --into-book, BOOK's name + .YYYY-MM.xlsx "
                   "beside it. An earlier summary there is replaced; an order book (BOOK itself too) or another "
                   "file only with --force, after a backup.")
@click.option("--into-book", is_flag=True,
              help="Write a new copy of the order book with a 月报 YYYY-MM sheet added (in the book's language "
                   "unless --lang), instead of a separate workbook.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the key figures and breakdowns as JSON to this file.")
@today_option("Pretend today is this date (YYYY-MM-DD): a month still running is summarised up to it.")
@lang_option
@config_option
@force_option
@handle_errors
def command(book: Path, month: str, output: Path | None, into_book: bool, json_path: Path | None, today,
            lang: str | None, config_path: Path | None, force: bool) -> None:
    """Summarise one month of BOOK: key figures beside the previous month and the same month last year,
    breakdowns, receivables ageing, low stock, open problems, and charts.

    Exit code 0: written; 2: the book, the month or an option could not be used.
    """
    from ..errors import OutputError
    from ..outputs import check_output
    from ..summary.into_book import default_copy_path
    from ..summary.months import Month
    from ..summary.run import run_summary
    from ..summary.sheet import default_summary_path

    settings = load_settings(book, config_path)
    config = settings.config
    parsed = Month.parse(month)
    target = output or (default_copy_path(book, parsed) if into_book else default_summary_path(parsed))
    if json_path is not None and _same_path(json_path, target):
        raise OutputError(f"{json_path}: --json 与输出文件相同 / --json names the output workbook; choose another file")
    saved = []
    if json_path is not None:
        saved.append(check_output(json_path, "summary-json", inputs=[book, config_path], force=force))
    bar, progress = progress_bar()
    with bar:
        if into_book:
            # over BOOK itself the library makes the backup (and says so)
            in_place = _same_file(target, book)
            writing = book_output(target, inputs=[book, config_path], force=force, backup_first=not in_place)
        else:
            saved.append(check_output(target, "summary", inputs=[book, config_path], force=force))
            writing = contextlib.nullcontext()
        with writing as saved_book:
            run = run_summary(book, month, output=target, into_book=into_book, json_path=json_path, lang=lang,
                              config=config, today=today, progress=progress, force=force)
        saved.append(saved_book)
    lang = lang or config.language
    for s in saved:
        if s:
            click.echo(backed_up(s, lang))
    lines = run.lines(lang)
    for line in [*lines[:1], settings.line(lang), *lines[1:]]:  # under the report's title
        click.echo(line)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _same_path(a: Path, b: Path) -> bool:
    return _same_file(a, b) or a.resolve() == b.resolve()
