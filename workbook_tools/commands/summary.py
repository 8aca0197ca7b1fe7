"""``orderbook summary BOOK --month YYYY-MM``: the monthly summary workbook (or a copy of the book
with the 月报 sheet), and the figures as JSON."""

from __future__ import annotations

import contextlib
import sys
from datetime import date
from pathlib import Path

import click

from ..exits import Exit
from ..lang import say
from .common import (
    Command,
    backed_up,
    book_output,
    config_option,
    force_option,
    given,
    handle_errors,
    lang_option,
    load_settings,
    progress_bar,
    today_option,
)


@click.command(
    "summary",
    cls=Command,
    help_zh="汇总 BOOK 的一个月：主要数字与上月、去年同月对比，分类明细，应收账龄，低库存，未解决的问题，图表。\n\n"
    "默认是上一个完整月份；进行中的月份汇总到今天（或 --today）。月份在订单簿的数据之外时只提醒，不写报告，退出码 1。"
    "退出码 0：已写出；1：该月没有数据；2：订单簿、月份或选项无法使用。",
    options_zh={
        "--month": "汇总哪个月，例如 2026-10。默认：上一个完整月份。",
        "--output": "写到哪里。默认：订单簿旁的 BOOK.summary-YYYY-MM.xlsx；加 --into-book 时为 "
        "BOOK.with-summary-YYYY-MM.xlsx。替换以前的月报；订单簿（包括 BOOK 本身）或其他文件只在加 --force 并备份后替换。",
        "--into-book": "写一份订单簿的副本，加上“月报 YYYY-MM”工作表（用簿的语言，除非 --lang），而不是单独的工作簿。",
        "--json": "另把主要数字和明细以 JSON 写到这个文件。",
        "--today": "假定今天是这一天（YYYY-MM-DD）：进行中的月份汇总到这一天。",
    },
    examples=[
        ("orderbook summary 订单簿.xlsx", "上个月的月报：", "Last month's report:"),
        (
            "orderbook summary 订单簿.xlsx --month 2026-10 --json 2026-10.json",
            "指定月份，另写 JSON：",
            "A given month, and the figures as JSON:",
        ),
    ],
)
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--month",
    default=None,
    metavar="YYYY-MM",
    help="The month to summarise, e.g. 2026-10. Default: the last full month.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write. Default: BOOK.summary-YYYY-MM.xlsx beside the book; with --into-book, "
    "BOOK.with-summary-YYYY-MM.xlsx. An earlier summary there is replaced; an order book (BOOK "
    "itself too) or another file only with --force, after a backup.",
)
@click.option(
    "--into-book",
    is_flag=True,
    help="Write a new copy of the order book with a 月报 YYYY-MM sheet added (in the book's language "
    "unless --lang), instead of a separate workbook.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the key figures and breakdowns as JSON to this file.",
)
@today_option("Pretend today is this date (YYYY-MM-DD): a month still running is summarised up to it.")
@lang_option
@config_option
@force_option
@handle_errors
def command(
    book: Path,
    month: str | None,
    output: Path | None,
    into_book: bool,
    json_path: Path | None,
    today: date | None,
    lang: str | None,
    config_path: Path | None,
    force: bool,
) -> None:
    """Summarise one month of BOOK: key figures beside the previous month and the same month last year,
    breakdowns, receivables ageing, low stock, open problems, and charts.

    Default: the last full month; a month still running is summarised up to today (or --today). A
    month outside the book's data is only warned about: nothing is written, exit code 1. Exit code 0:
    written; 1: no data in that month; 2: the book, the month or an option could not be used.
    """
    from ..errors import OutputError, about
    from ..names import output_path
    from ..outputs import check_output
    from ..summary.into_book import default_copy_path
    from ..summary.months import Month, previous_month
    from ..summary.run import MonthOutsideData, run_summary

    settings = load_settings(book, config_path)
    config = settings.config
    parsed = Month.parse(month) if month else previous_month(today or date.today())
    target = output or (default_copy_path(book, parsed) if into_book else output_path(book, "summary", parsed))
    if json_path is not None and _same_path(json_path, target):
        raise OutputError(
            about(
                json_path,
                (
                    "--json 与输出的工作簿是同一个文件：请另选一个文件",
                    "--json names the output workbook; choose another file",
                ),
            )
        )
    saved = []
    if json_path is not None:
        saved.append(check_output(json_path, "summary-json", inputs=given(book, config_path), force=force))
    bar, phase = progress_bar(lang or config.language)
    progress = phase("写入", "writing", cumulative=True)
    with bar:
        if into_book:
            # over BOOK itself the library makes the backup (and says so)
            in_place = _same_file(target, book)
            writing: contextlib.AbstractContextManager[Path | None] = book_output(
                target, inputs=given(book, config_path), force=force, backup_first=not in_place
            )
        else:
            saved.append(check_output(target, "summary", inputs=given(book, config_path), force=force))
            writing = contextlib.nullcontext()
        try:
            with writing as saved_book:
                run = run_summary(
                    book,
                    parsed,
                    output=target,
                    into_book=into_book,
                    json_path=json_path,
                    lang=lang,
                    config=settings,
                    today=today,
                    progress=progress,
                    force=force,
                )
        except MonthOutsideData as outside:
            words = (
                (
                    "注意：{month} 在订单簿的数据之外（有订单的月份：{first} – {last}），未生成月报",
                    "warning: {month} is outside the book's data (orders from {first} to {last}); no report written",
                )
                if outside.first is not None
                else (
                    "注意：订单簿没有带下单日期的订单，{month} 未生成月报",
                    "warning: the book has no dated orders; no report written for {month}",
                )
            )
            click.echo(
                say(lang or config.language, words, month=outside.month, first=outside.first, last=outside.last),
                err=True,
            )
            sys.exit(Exit.FINDINGS)
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
