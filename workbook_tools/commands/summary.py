"""``orderbook summary BOOK --month YYYY-MM``: the monthly summary workbook (or a copy of the book
with the 月报 sheet), and the figures as JSON."""

from __future__ import annotations

from pathlib import Path

import click

from .common import config_option, handle_errors, lang_option, progress_bar, today_option


@click.command("summary")
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to summarise, e.g. 2026-10.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write. Default: summary_YYYY-MM.xlsx; with --into-book, BOOK's name + .YYYY-MM.xlsx "
                   "beside it (naming BOOK itself backs it up first).")
@click.option("--into-book", is_flag=True,
              help="Write a new copy of the order book with a 月报 YYYY-MM sheet added (in the book's language "
                   "unless --lang), instead of a separate workbook.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the key figures and breakdowns as JSON to this file.")
@today_option("Pretend today is this date (YYYY-MM-DD): a month still running is summarised up to it.")
@lang_option
@config_option
@handle_errors
def command(book: Path, month: str, output: Path | None, into_book: bool, json_path: Path | None, today,
            lang: str | None, config_path: Path | None) -> None:
    """Summarise one month of BOOK: key figures beside the previous month and the same month last year,
    breakdowns, receivables ageing, low stock, open problems, and charts.

    Exit code 0: written; 2: the book, the month or an option could not be used.
    """
    from ..config import load_config
    from ..summary.run import run_summary

    config = load_config(config_path)
    bar, progress = progress_bar()
    with bar:
        run = run_summary(book, month, output=output, into_book=into_book, json_path=json_path, lang=lang,
                          config=config, today=today, progress=progress)
    for line in run.lines(lang or config.language):
        click.echo(line)
