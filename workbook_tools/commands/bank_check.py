"""``orderbook bank-check STATEMENT``: what the bank statement reader makes of a statement, without a book."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import common
from .common import Command, config_option, handle_errors, lang_option

if TYPE_CHECKING:
    from ..config import Config
    from ..settings import Settings


def _settings(statement: Path, config_path: Path | None) -> tuple[Config, Settings | None]:
    """(config, the settings line or None): the same settings ``reconcile`` would use for a book beside
    the statement (--config, $ORDERBOOK_CONFIG, orderbook.toml nearby, the defaults)."""
    load = getattr(common, "load_settings", None)
    if load is not None:
        settings = load(statement, config_path, stored=False)
        return settings.config, settings
    from ..config import load_config

    return load_config(config_path), None


@click.command(
    "bank-check",
    cls=Command,
    help_zh="按 reconcile --bank-statement 的方式读银行流水并打印识别结果：格式、表头行、作为日期、收入、支出"
    "（或带符号金额和方向）、付款人、摘要和流水号的列，交易笔数，收入和支出及其合计。\n\n"
    "STATEMENT：CSV（GBK、GB18030、UTF-8 或 UTF-16）、.xlsx 或 .xls，按银行导出的原样。不写任何文件。"
    "退出码 0：能读；2：不能读——会显示找到的表头行（或前几行）和要加到 orderbook.toml 的 [bank] 设置。",
    examples=[("orderbook bank-check 流水.csv", "看看流水能读出什么：", "See what is read of a statement:")],
)
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
