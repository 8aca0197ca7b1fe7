"""What every command shares: error handling, the --config and --lang options, a progress bar."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from ..errors import WorkbookToolsError

EXIT_INPUT = 2


def handle_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WorkbookToolsError as exc:
            click.echo(f"orderbook: {exc}", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


def config_option(fn):
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
        help="Company settings (TOML). Default: built-in defaults; see `orderbook config init`.",
    )(fn)


def today_option(help: str):
    """``--today YYYY-MM-DD``, given to the command as a ``date`` (None when not given)."""
    return click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help=help,
                        callback=lambda ctx, param, value: value.date() if value else None)


def lang_option(fn):
    return click.option(
        "--lang", type=click.Choice(["zh", "en"]), default=None,
        help="Workbook language (sheet names, headers, messages). Default: the config's, zh.",
    )(fn)


def progress_bar():
    """A rich progress bar as a ``progress(stage, done, total)`` callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=True, disable=not sys.stderr.isatty(), console=None)
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return bar, update


