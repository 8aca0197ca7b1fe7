"""``orderbook reconcile BOOK [--bank-statement FILE] [-o FILE]``: the reconciliation workbook and a summary."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .common import backed_up, config_option, force_option, handle_errors, lang_option, load_settings, today_option


def default_output(book: Path, lang: str) -> Path:
    """``<book>_对账.xlsx`` (en: ``<book>_reconciliation.xlsx``) in the current folder."""
    return Path(f"{book.stem}_{'对账' if lang == 'zh' else 'reconciliation'}.xlsx")


@click.command("reconcile")
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--bank-statement", "statement", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Bank statement (CSV, .xlsx or .xls, as the bank exports it) to match against the payments; "
                   "`orderbook bank-check FILE` shows what is read of it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the reconciliation workbook. Default: BOOK_对账.xlsx "
                   "(en: BOOK_reconciliation.xlsx) in the current folder. Replaces an earlier reconciliation "
                   "there, nothing else without --force.")
@today_option("Reconcile as of this day (YYYY-MM-DD): ageing, past-due balances. Default: today.")
@lang_option
@config_option
@force_option
@handle_errors
def command(book: Path, statement: Path | None, output: Path | None, today, lang: str | None,
            config_path: Path | None, force: bool) -> None:
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
    output = output or default_output(book, lang)
    saved = check_output(output, "reconcile", inputs=[book, statement, config_path], force=force)
    rec = reconcile_book(read_book(book, config=config), config=config,
                         today=today or date.today(), bank_statement=statement)
    path = write_reconciliation(rec, output, lang)
    render_summary(rec, lang)
    click.echo(settings.line(lang))
    if saved:
        click.echo(backed_up(saved, lang))
    click.echo(f"{'已写入' if lang == 'zh' else 'wrote'} {path}")
    sys.exit(rec.exit_code)
