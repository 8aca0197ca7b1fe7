"""``orderbook bank-check STATEMENT``: what the bank statement reader makes of a statement, without a book."""

from __future__ import annotations

from pathlib import Path

import click

from . import common
from .common import config_option, handle_errors, lang_option


def _settings(statement: Path, config_path: Path | None):
    """(config, the settings line or None): the same settings ``reconcile`` would use for a book beside
    the statement (--config, $ORDERBOOK_CONFIG, orderbook.toml nearby, the defaults)."""
    load = getattr(common, "load_settings", None)
    if load is not None:
        settings = load(statement, config_path, stored=False)
        return settings.config, settings
    from ..config import load_config

    return load_config(config_path), None


@click.command("bank-check")
@click.argument("statement", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@config_option
@handle_errors
def command(statement: Path, lang: str | None, config_path: Path | None) -> None:
    """Read a bank statement as `reconcile --bank-statement` does and print what was recognised: the
    format, the header row, the column read as date, credit, debit (or signed amount and direction),
    payer, memo and reference, the number of transactions, credits and debits with their totals.

    STATEMENT: CSV (GBK, GB18030, UTF-8 or UTF-16), .xlsx or .xls, as the bank exports it. Nothing is
    written. Exit code 0: the statement can be read; 2: it cannot — the line shows the header row
    found (or the first lines) and the [bank] setting to add to orderbook.toml.
    """
    from ..reconcile.statement import describe, read_statement

    config, settings = _settings(statement, config_path)
    lang = lang or config.language
    st = read_statement(statement, config.bank)
    for line in describe(st, lang, config.currency_symbol):
        click.echo(line)
    if settings is not None:
        click.echo(settings.line(lang))
