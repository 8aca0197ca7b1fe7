#!/usr/bin/env python3
"""Validate every order book in a folder and write a dated report folder (for cron).

    python scripts/nightly_validate.py /srv/orders --reports /srv/orders/reports --keep-days 30

Prints one line per file (errors and warnings, or why it could not be read), one per file skipped
(our own outputs, links out of the folder …) and a total; exits 0 when clean, 1 when any error-level
finding, 2 when an input could not be read (or the reports folder is the books folder or above it).
Each book is checked in a child process within --memory-limit and --timeout. No colours or
progress bar unless run in a terminal. Crontab, every night at 02:30:

    30 2 * * *  cd /srv/orders && python3 /opt/orderbook/scripts/nightly_validate.py . >> nightly.log 2>&1
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_tools.config import load_config  # noqa: E402
from workbook_tools.errors import WorkbookToolsError  # noqa: E402
from workbook_tools.formats import FORMATS  # noqa: E402
from workbook_tools.nightly import DEFAULT_FORMATS, run_nightly  # noqa: E402
from workbook_tools.validate.isolated import DEFAULT_TIMEOUT, Bounds, default_memory_mb  # noqa: E402


def _progress():
    """A progress bar on stderr when it is a terminal; otherwise nothing (cron logs stay clean)."""
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("validate", total=None)

    def update(stage: str, done: int, total: int) -> None:
        bar.update(task, description=stage, completed=done, total=total)

    return bar, update


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--reports", "reports_root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the dated report folders go. Default: FOLDER/reports (never validated itself).")
@click.option("--keep-days", type=click.IntRange(min=1), default=30, show_default=True,
              help="Delete dated report folders this many days old or older.")
@click.option("--format", "formats", type=click.Choice(sorted(FORMATS)), multiple=True,
              help=f"Report formats (repeatable). Default: {', '.join(DEFAULT_FORMATS)}.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Report language. Default: the config's.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Company settings (TOML).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Pretend today is this date.")
@click.option("--memory-limit", "memory_mb", type=click.IntRange(min=256), default=None,
              help=f"Memory (MB of address space) one book may use; past it the book is one line. "
                   f"Default here: {default_memory_mb():,}.")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds one book may take.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Books checked at the same time (each may use --memory-limit).")
def main(folder: Path, reports_root: Path | None, keep_days: int, formats: tuple[str, ...], lang: str | None,
         config_path: Path | None, today: datetime | None, memory_mb: int | None, timeout: float, jobs: int) -> None:
    """Validate every order book (*.xlsx) in FOLDER and write REPORTS/YYYY-MM-DD/."""
    try:
        config = load_config(config_path)
        bar, progress = _progress()
        if bar is not None:
            bar.start()
        try:
            result = run_nightly(folder, reports_root=reports_root or folder / "reports", keep_days=keep_days,
                                 formats=formats or DEFAULT_FORMATS, config=config,
                                 today=today.date() if today else None, lang=lang or config.language,
                                 progress=progress, bounds=Bounds(memory_mb=memory_mb, timeout=timeout), jobs=jobs)
        finally:
            if bar is not None:
                bar.stop()
    except WorkbookToolsError as exc:
        click.echo(f"nightly_validate: {exc}", err=True)
        sys.exit(2)
    for line in result.lines:
        click.echo(line)
    click.echo(f"reports: {result.report_dir}")
    sys.exit(result.exit_code)


if __name__ == "__main__":
    main()
