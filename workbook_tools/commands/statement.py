"""``orderbook statement BOOK --month YYYY-MM``: the customer statements (对账单) of a month, one
printable workbook per customer (and a PDF each with --pdf)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..lang import say
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
    "statement",
    cls=Command,
    help_zh="客户对账单：每个客户的期初余额、本月订单、收款和退款、期末余额、未结订单及其账龄、付款条件、公司收款账户，"
    "以及客户确认栏——A4，可直接打印或发送。\n\n"
    "退出码 0：已写出；2：订单簿、月份、客户或选项无法使用。",
    options_zh={
        "--month": "对账的月份，例如 2026-10。",
        "--customer": "对账的客户（客户编号）；可重复。即使该月没有往来也出对账单。",
        "--all": "每个有期初或期末余额、或该月有往来的客户。",
        "--output": "写到哪个文件夹。默认：簿旁的 <book>.statements-YYYY-MM。替换以前的对账单；其他文件只在加 --force 并备份后替换。",
        "--pdf": "另用 LibreOffice（soffice）为每份对账单生成 PDF。",
        "--today": "假定今天是这一天（YYYY-MM-DD）：进行中的月份对账到这一天。",
    },
    examples=[
        (
            "orderbook statement 订单簿.xlsx --month 2026-10 --all",
            "10 月每个客户的对账单：",
            "Every customer's statement for October:",
        ),
        (
            "orderbook statement 订单簿.xlsx --month 2026-10 --customer C0001 --pdf",
            "一个客户，另出 PDF：",
            "One customer, with a PDF:",
        ),
    ],
)
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to state, e.g. 2026-10.")
@click.option(
    "--customer",
    "customers",
    multiple=True,
    metavar="ID",
    help="The customer (客户编号) to state; repeat for several. Stated even with nothing in the month.",
)
@click.option(
    "--all", "every", is_flag=True, help="Every customer with an opening or closing balance or anything in the month."
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to write to. Default: <book>.statements-YYYY-MM beside the book. Earlier "
    "statements there are replaced; any other file only with --force, after a backup.",
)
@click.option("--pdf", is_flag=True, help="Also a PDF of each statement, rendered by LibreOffice (soffice).")
@today_option("Pretend today is this date (YYYY-MM-DD): a month still running is stated up to it.")
@lang_option
@config_option
@force_option
@handle_errors
def command(
    book: Path,
    month: str,
    customers: tuple[str, ...],
    every: bool,
    out_dir: Path | None,
    pdf: bool,
    today: date | None,
    lang: str | None,
    config_path: Path | None,
    force: bool,
) -> None:
    """Customer statements (对账单): per customer the opening balance, the month's orders, payments and
    refunds, the closing balance, the open orders and their ageing, payment terms, the company's bank
    account, and a line for the customer's confirmation — A4, ready to print or send.

    Exit code 0: written; 2: the book, the month, a customer or an option could not be used.
    """
    from ..errors import WorkbookToolsError
    from ..statement.run import run_statements
    from ..statement.texts import money_text

    if bool(customers) == every:
        raise WorkbookToolsError(
            ("请用 --customer ID（一个或多个）或 --all 之一", "give --customer ID (one or more) or --all")
        )
    settings = load_settings(book, config_path)
    config = settings.config
    lang = lang or config.language
    run = run_statements(
        book,
        month,
        out_dir=out_dir,
        customers=list(customers) or None,
        lang=lang,
        config=config,
        today=today,
        pdf=pdf,
        force=force,
        inputs=tuple(given(config_path)),
    )
    for saved in run.backups:
        click.echo(backed_up(saved, lang))
    click.echo(settings.line(lang))
    for st, path in zip(run.statements, run.workbooks):
        figures = say(
            lang,
            (
                "期初 {opening}  应收 {charged}  收款 {received}  期末 {closing}",
                "opening {opening}  charged {charged}  received {received}  closing {closing}",
            ),
            opening=money_text(st.opening),
            charged=money_text(st.charged),
            received=money_text(st.received),
            closing=money_text(st.closing),
        )
        click.echo(f"{st.customer.customer_id} {st.customer.name}  {figures}  → {path.name}")
    if not run.statements:
        click.echo(
            say(lang, ("{month} 没有需要对账的客户", "no customer has anything to state for {month}"), month=month)
        )
        return
    what = say(lang, ("{n} 份对账单", "{n} statement(s)"), n=len(run.workbooks))
    pdfs = say(lang, ("（另有 PDF {n} 份）", " and {n} PDF(s)"), n=len(run.pdfs)) if run.pdfs else ""
    click.echo(wrote(f"{what}{pdfs} → {run.folder}", lang))
    account = config.bank_account
    if not (account.bank or account.account_no):
        click.echo(
            say(
                lang,
                (
                    "提示：设置中没有收款账户，对账单上不显示；设置方法：orderbook config set {book} "
                    "bank_account.bank=开户行 bank_account.account_no=账号",
                    "note: the settings name no bank account, so the statements show none; set it with "
                    "orderbook config set {book} bank_account.bank=... bank_account.account_no=...",
                ),
                book=book,
            )
        )
