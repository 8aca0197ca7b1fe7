"""``orderbook regenerate BOOK [-o FILE]``: rebuild a book on the current template, losing nothing."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import load_config
from ..schema import SHEETS
from .common import config_option, handle_errors, lang_option, progress_bar


@click.command("regenerate")
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the new book here and leave BOOK untouched. Default: replace BOOK, "
                   "after copying it to BOOK.YYYYmmdd-HHMMSS.bak.xlsx beside it.")
@lang_option
@config_option
@handle_errors
def command(book: Path, output: Path | None, lang: str | None, config_path: Path | None) -> None:
    """Rebuild BOOK from its data on the current template (after a config change or a template
    upgrade, or to repair validation and formatting someone broke).

    Every value is kept: rows in their order, values the reader could not type (written as found),
    columns and sheets staff added (sheets as values only). Formulas, validation, dropdowns,
    formats, instructions and dashboard are written new. --lang defaults to the book's own.
    """
    from ..regenerate import regenerate

    config = load_config(config_path)
    bar, progress = progress_bar()
    with bar:
        result = regenerate(book, output=output, config=config, lang=lang, progress=progress)
    click.echo(f"wrote {result.path}" + (f" (the old book is saved as {result.backup_path})" if result.backup_path else ""))
    click.echo("rows: " + ", ".join(f"{s.zh} {result.rows[s.key]:,}" for s in SHEETS))
    for s in SHEETS:
        if result.extra_columns.get(s.key):
            click.echo(f"staff columns carried over on {s.zh}: {', '.join(result.extra_columns[s.key])}")
    if result.raw_values:
        click.echo(f"unreadable values carried over as found: {result.raw_values} (orderbook validate lists them)")
    for note in result.notes:
        click.echo(f"note: {note}")
