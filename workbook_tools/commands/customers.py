"""``orderbook customers BOOK``: the customer history workbook (客户档案) and the count per segment."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import click

from ..lang import pick, say
from .common import (
    Command,
    backed_up,
    config_option,
    force_option,
    given,
    handle_errors,
    lang_option,
    load_settings,
    today_option,
    wrote,
)


@click.command(
    "customers",
    cls=Command,
    help_zh="客户档案：每个客户的首单和末单、订单数、消费总额、常买产品、常用付款方式、付款天数、未付余额，"
    "以及 RFM 分组（重要价值客户 …）。",
    options_zh={
        "--output": "写到哪里。默认：订单簿旁的 BOOK.customers-YYYY-MM-DD.xlsx。替换以前的客户档案，"
        "其他文件不加 --force 不替换。",
        "--today": "按这一天（YYYY-MM-DD）计算最近一次购买，而不是今天。",
    },
    examples=[("orderbook customers 订单簿.xlsx", "写出客户档案：", "Write the customer history:")],
)
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write. Default: BOOK.customers-YYYY-MM-DD.xlsx beside the book. Replaces an earlier "
    "customer history there, nothing else without --force.",
)
@today_option("Count recency up to this day (YYYY-MM-DD) instead of today.")
@lang_option
@config_option
@force_option
@handle_errors
def command(
    book: Path, output: Path | None, today: date | None, lang: str | None, config_path: Path | None, force: bool
) -> None:
    """Customer history: per customer the first and last order, orders, total spent, favourite products,
    usual payment method, days to pay, open balance, and the RFM segment (重要价值客户 …)."""
    from ..customers import SEGMENTS, customer_history, segment_counts, unprofiled_orders, write_customer_history
    from ..names import output_path
    from ..outputs import check_output
    from ..read import read_book

    settings = load_settings(book, config_path)
    config = settings.config
    lang = lang or config.language
    today = today or date.today()
    output = output or output_path(book, "customers", today)
    saved = check_output(output, "customers", inputs=given(book, config_path), force=force)
    data = read_book(book, config=config).data()
    profiles = customer_history(data, config=config, today=today)
    path = write_customer_history(profiles, output, lang, config=config, today=today)
    if saved:
        click.echo(backed_up(saved, lang))
    click.echo(settings.line(lang))
    click.echo(wrote(path, lang))
    click.echo(f"{pick(lang, '客户', 'customers')}: {len(profiles):,}")
    counts = segment_counts(profiles)
    width = max(_columns(s.label(lang)) for s in SEGMENTS) + 2
    for seg in SEGMENTS:
        label = seg.label(lang)
        click.echo(f"  {label}{' ' * (width - _columns(label))}{counts.get(seg.value, 0):>6,}")
    missing = unprofiled_orders(data)
    if missing:
        click.echo(
            say(
                lang,
                (
                    "{n:,} 张订单的客户编号不在客户表中，未计入任何客户",
                    "{n:,} orders name no customer on the Customers sheet and are in nobody's history",
                ),
                n=missing,
            )
        )


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
