"""``orderbook export BOOK --to URL``: the book as normalised database tables (SQLite by default)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import config_option, handle_errors, load_settings

EXIT_REFUSED = 1


@click.command("export")
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "url", metavar="URL", default=None,
              help="Database URL (SQLAlchemy). Default: sqlite:///<book>.sqlite beside the book. PostgreSQL: "
                   "postgresql+psycopg://user:pass@host/db, after `pip install \"psycopg[binary]\"` (not installed "
                   "with workbook_tools).")
@config_option
@handle_errors
def command(book: Path, url: str | None, config_path: Path | None) -> None:
    """Export the order book to a database: one table per sheet, with primary and foreign keys.

    Exporting again updates the tables to match the book: changed rows are updated, new rows
    added, rows no longer in the book deleted — all in one transaction. A book with rows the keys
    cannot hold (unknown customer, duplicate order number, unreadable value …) is refused, with
    each cell named, and nothing is written. Exit code 0: exported; 1: refused; 2: the book or the
    database could not be used.
    """
    from ..export import ExportRefused, default_url, export_book
    from ..read import read_book

    settings = load_settings(book, config_path)
    opened = read_book(book, config=settings.config)
    try:
        result = export_book(opened, url or default_url(book))
    except ExportRefused as refused:
        click.echo(f"orderbook: {book}: {refused}", err=True)
        sys.exit(EXIT_REFUSED)
    click.echo(f"exported {book} to {result.url}")
    click.echo(settings.line("en"))
    width = max(len(name) for name in result.tables)
    click.echo(f"  {'table':<{width}}  {'rows':>9}  {'added':>9}  {'updated':>9}  {'deleted':>9}")
    for name, c in result.tables.items():
        click.echo(f"  {name:<{width}}  {c.rows:>9,}  {c.inserted:>9,}  {c.updated:>9,}  {c.deleted:>9,}")
    if not result.changed:
        click.echo("the database already held this book: nothing changed")
