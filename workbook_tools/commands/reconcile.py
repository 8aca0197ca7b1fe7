"""``orderbook reconcile BOOK [--bank-statement FILE] [-o FILE]``: the reconciliation workbook and a summary."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..codes import CODES
from ..lang import ENUM_COMMA, joined
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

#: The error-level rules a reconciliation finds, named (by the catalogue's titles) in the help.
ERRORS = (
    "negative-stock",
    "overpaid",
    "unknown-order",
    "duplicate-key",
    "shipped-more-than-ordered",
    "shipped-without-shipment",
)


def default_output(book: Path, day: date) -> Path:
    """``BOOK.reconcile-YYYY-MM-DD.xlsx`` beside the book: reconciled as of ``day`` (names.py's scheme)."""
    from ..names import output_path

    return output_path(book, "reconcile", day)


@click.command(
    "reconcile",
    cls=Command,
    help_zh="对账：库存台账、付款、发货、应收账龄、催收清单，以及（加 --bank-statement 时）银行流水与付款核对。\n\n"
    "退出码 0：没有错误级的差异（可以有提醒）；"
    f"1：有错误（{joined('zh', (CODES[c].title('zh') for c in ERRORS), ENUM_COMMA)}）；"
    "2：订单簿、流水或设置无法读取。",
    options_zh={
        "--bank-statement": "与付款核对的银行流水（CSV、.xlsx 或 .xls，按银行导出的原样）；"
        "orderbook bank-check 文件 显示能读出什么。",
        "--output": "对账工作簿写到哪里。默认：订单簿旁的 BOOK.reconcile-YYYY-MM-DD.xlsx（对账日）。"
        "替换以前的对账表，其他文件不加 --force 不替换。",
        "--today": "按这一天（YYYY-MM-DD）对账：账龄、逾期欠款。默认：今天。",
    },
    examples=[
        ("orderbook reconcile 订单簿.xlsx", "对账：", "Reconcile:"),
        (
            "orderbook reconcile 订单簿.xlsx --bank-statement 流水.csv",
            "同时核对银行流水：",
            "With the bank statement too:",
        ),
    ],
)
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--bank-statement",
    "statement",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Bank statement (CSV, .xlsx or .xls, as the bank exports it) to match against the payments; "
    "`orderbook bank-check FILE` shows what is read of it.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the reconciliation workbook. Default: BOOK.reconcile-YYYY-MM-DD.xlsx beside "
    "the book (the day reconciled). Replaces an earlier reconciliation there, nothing else without "
    "--force.",
)
@today_option("Reconcile as of this day (YYYY-MM-DD): ageing, past-due balances. Default: today.")
@lang_option
@config_option
@force_option
@handle_errors
def command(
    book: Path,
    statement: Path | None,
    output: Path | None,
    today: date | None,
    lang: str | None,
    config_path: Path | None,
    force: bool,
) -> None:
    """Reconcile an order book: stock ledger, payments, shipments, receivables ageing, collection list,
    and (with --bank-statement) the bank statement against the payments.

    Exit code 0: no error-level discrepancy (warnings allowed); 1: errors found (negative stock,
    overpaid orders, payments to unknown orders, duplicate references, shipped more than ordered,
    shipped without a shipment); 2: the book, the statement or the settings could not be read.
    """
    from ..outputs import check_output
    from ..read import read_book
    from ..reconcile import reconcile_book, write_reconciliation
    from ..reconcile.terminal import render_summary

    settings = load_settings(book, config_path)
    config = settings.config
    lang = lang or config.language
    day = today or date.today()
    output = output or default_output(book, day)
    saved = check_output(output, "reconcile", inputs=given(book, statement, config_path), force=force)
    rec = reconcile_book(read_book(book, config=config), config=settings, today=day, bank_statement=statement)
    path = write_reconciliation(rec, output, lang)
    render_summary(rec, lang)
    click.echo(settings.line(lang))
    if saved:
        click.echo(backed_up(saved, lang))
    click.echo(wrote(path, lang))
    sys.exit(rec.exit_code)
