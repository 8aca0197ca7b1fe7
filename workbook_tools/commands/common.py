"""What every command shares: error handling, the --config, --lang and --force options, a progress bar,
the "wrote" line, consent and lock for writing a book. (Help in the user's language: speak.py.)"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

import click

from ..errors import WorkbookToolsError
from ..exits import Exit
from ..lang import LANGS, pick, say
from ..outputs import book_output as book_output  # the library's consent and lock, for the commands
from .speak import Command as Command  # the commands' class, for every module
from .speak import Group as Group
from .speak import current_lang

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from ..settings import Settings
    from ..template.write import Progress as OnProgress

P = ParamSpec("P")
R = TypeVar("R")
#: A click command function, or a command, that an option decorator returns as it was given.
F = TypeVar("F", bound=Callable[..., Any])

_NO_MEMORY = (
    "内存不足，未能完成：这本簿的行或单元格多到这台电脑一次读不下",
    "not enough memory to finish: the book holds more rows or cells than this machine can read at once",
)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except WorkbookToolsError as exc:  # in the command line's language (--lang, else the locale)
            click.echo(f"orderbook: {exc.text(current_lang())}", err=True)
            sys.exit(Exit.INPUT)
        except MemoryError:  # a book too big for this machine is not a damaged book, nor a bug
            click.echo("orderbook: " + say(current_lang(), _NO_MEMORY), err=True)
            sys.exit(Exit.INPUT)

    return wrapper


def config_option(fn: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Company settings (TOML). Default: $ORDERBOOK_CONFIG, else orderbook.toml in the book's folder "
        "(or a parent up to the current folder), else the settings stored in the book, else the defaults; "
        "see `orderbook config init`.",
    )(fn)


def load_settings(
    book: Path | None,
    config_path: Path | None,
    *,
    mapping_config: Path | None = None,
    root: Path | None = None,
    stored: bool = True,
) -> Settings:
    """The settings a command uses for ``book``: the one place every command resolves them
    (settings.py: --config, the mapping's, $ORDERBOOK_CONFIG, orderbook.toml nearby, the book's own,
    the defaults). ``stored=False`` for a command that writes a new book at ``book``."""
    import os

    from ..settings import resolve_settings

    return resolve_settings(
        book, config_path=config_path, mapping_config=mapping_config, environ=os.environ, root=root, stored=stored
    )


def today_option(help: str) -> Callable[[F], F]:
    """``--today YYYY-MM-DD``, given to the command as a ``date`` (None when not given)."""
    return click.option(
        "--today",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help=help,
        metavar="YYYY-MM-DD",
        callback=lambda ctx, param, value: value.date() if value else None,
    )


def lang_option(fn: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=None,
        help="Language: zh Chinese, en English (sheet names, headers, messages, this help). Default: the "
        "settings' language (zh).",
    )(fn)


class Phase(Protocol):
    """``phase(verb_zh, verb_en, sizes=None, cumulative=False)`` of ``progress_bar``."""

    def __call__(
        self, verb_zh: str, verb_en: str, *, sizes: dict[str, int] | None = None, cumulative: bool = False
    ) -> OnProgress: ...


def progress_bar(lang: str = "zh") -> tuple[Progress, Phase]:
    """A rich progress bar (on a terminal only) and ``phase(verb_zh, verb_en, sizes=None, cumulative=False)``,
    which gives a ``progress(stage, done, total)`` callback for one step of the work: one bar per
    stage (a sheet, a file), labelled in ``lang`` ("写入 订单"), each with its own total. A
    ``cumulative`` step counts on across its stages (write_book: rows written in all); ``sizes``
    (stage -> its own count) then gives each bar its own total, and a stage that ends is shown full."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
        console=None,
    )

    def phase(
        verb_zh: str, verb_en: str, *, sizes: dict[str, int] | None = None, cumulative: bool = False
    ) -> OnProgress:
        verb = pick(lang, verb_zh, verb_en)
        tasks: dict[str, TaskID] = {}
        #: The stage under way, where the count stood when it began, and the latest count.
        current: str | None = None
        start = last = 0

        def update(stage: str, done: int, total: int) -> None:
            nonlocal current, start, last
            if stage == "done":
                return
            if cumulative and stage != current:
                if current is not None and current in tasks:  # the stage before has ended: its bar is full
                    finished = tasks[current]
                    bar.update(finished, total=bar.tasks[finished].completed)
                current, start = stage, last
            last = done
            own_done = done - start if cumulative else done
            own_total = (sizes or {}).get(stage) if cumulative else total
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{verb} {stage_label(stage, lang)}".rstrip(), total=own_total)
            bar.update(tasks[stage], completed=own_done, total=own_total)

        return update

    return bar, phase


def stage_label(stage: str, lang: str) -> str:
    """A progress stage in ``lang``: a sheet key ("orders") as the sheet's name, "stock" as 库存变动;
    sheet names and file names as they are."""
    from ..schema import SHEET_BY_KEY

    key = {"stock": "stock_moves", "validate": ""}.get(stage, stage)
    if key == "":
        return ""
    sheet = SHEET_BY_KEY.get(key)
    return sheet.name(lang) if sheet is not None else stage


def given(*paths: Path | None) -> list[Path]:
    """The files a command reads (an option not given left out): the inputs its output must not replace."""
    return [p for p in paths if p is not None]


def wrote(path: object, lang: str = "zh") -> str:
    """The line saying a file was written: one word per language, in every command."""
    return say(lang, ("已写入 {path}", "wrote {path}"), path=path)


def force_option(fn: F) -> F:
    return click.option(
        "--force",
        is_flag=True,
        help="Write even over an order book, an input or a file orderbook did not write (backed up first), "
        "and while Excel, WPS or LibreOffice has the book open. Never over a folder, device or FIFO.",
    )(fn)


def backed_up(path: Path, lang: str = "zh") -> str:
    """The line saying where the old file went."""
    return say(lang, ("已备份原文件到 {path}", "backed up the old file to {path}"), path=path)
