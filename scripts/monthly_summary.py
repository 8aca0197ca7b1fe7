#!/usr/bin/env python3
"""The monthly summary for cron: the previous month by default.

    python scripts/monthly_summary.py /srv/orders/订单管理簿.xlsx --out /srv/orders/reports

Writes OUT/summary_YYYY-MM.xlsx (and OUT/summary_YYYY-MM.json with --json), or with --into-book
a copy of the book with the 月报 sheet (OUT/<book>.YYYY-MM.xlsx). Prints the key figures and what
was written; exits 0 when written, 2 when the book, the month or an option could not be used.
No colours or progress bar unless run in a terminal. Crontab, at 06:00 on the 1st of each month:

    0 6 1 * *  cd /srv/orders && python3 /opt/orderbook/scripts/monthly_summary.py 订单管理簿.xlsx >> summary.log 2>&1
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_tools.config import load_config  # noqa: E402
from workbook_tools.errors import WorkbookToolsError  # noqa: E402
from workbook_tools.summary import default_copy_path, default_summary_path, previous_month  # noqa: E402
from workbook_tools.summary.run import run_summary  # noqa: E402


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--month", metavar="YYYY-MM", default=None, help="The month to summarise. Default: the previous month.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to. Default: the book's folder.")
@click.option("--json", "with_json", is_flag=True, help="Also write summary_YYYY-MM.json.")
@click.option("--into-book", is_flag=True, help="Write a copy of the book with the 月报 sheet instead.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language. Default: the config's.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Company settings (TOML).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Pretend today is this date.")
def main(book: Path, month: str | None, out_dir: Path | None, with_json: bool, into_book: bool, lang: str | None,
         config_path: Path | None, today: datetime | None) -> None:
    """Summarise the previous month (or --month) of the order book BOOK."""
    day = today.date() if today else date.today()
    try:
        config = load_config(config_path)
        if not book.is_file():
            raise WorkbookToolsError(f"{book}: file not found")
        month = month or str(previous_month(day))
        out_dir = out_dir or book.parent
        output = out_dir / (default_copy_path(book, month).name if into_book else default_summary_path(month).name)
        json_path = out_dir / default_summary_path(month).with_suffix(".json").name if with_json else None
        run = run_summary(book, month, output=output, into_book=into_book, json_path=json_path, lang=lang,
                          config=config, today=day)
    except WorkbookToolsError as exc:
        click.echo(f"monthly_summary: {exc}", err=True)
        sys.exit(2)
    for line in run.lines(lang or config.language):
        click.echo(line)


if __name__ == "__main__":
    main()
