"""``orderbook regenerate BOOK [-o FILE]``: rebuild a book on the current template, losing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..lang import label
from ..schema import SHEETS
from .common import (
    Command,
    backed_up,
    book_output,
    config_option,
    force_option,
    given,
    handle_errors,
    lang_option,
    load_settings,
    progress_bar,
    wrote,
)
from .words import say

if TYPE_CHECKING:
    from ..regenerate import RegenerateResult
    from ..settings import Settings


@click.command(
    "regenerate",
    cls=Command,
    help_zh="按当前模板用 BOOK 的数据重建它（修改设置或升级模板之后，或修复被弄坏的数据验证和格式）。\n\n"
    "每个值都保留：行的顺序、读不出类型的值（按原样写回）、员工加的列和工作表、批注、链接、颜色、公式、"
    "合并单元格，以及 .xlsm 的宏。带不过去的东西（图表、数据透视表 …）会列出，并拒绝重建，除非加 --accept-loss。"
    "公式、数据验证、下拉列表、格式、填写说明和概览重新写。--lang 默认用簿自己的语言。",
    options_zh={
        "--output": "新簿写到这里，BOOK 不动（那里已有订单簿时只在加 --force 并备份后替换）。"
        "默认：替换 BOOK，先复制到旁边的 BOOK.YYYYmmdd-HHMMSS.bak.xlsx。",
        "--accept-loss": "即使有员工放进簿里的东西带不过去（图表、数据透视表、.xlsx 里的宏 …）也重建；会列出。"
        "不加时这样的簿被拒绝，列出清单，不写任何文件。",
    },
    examples=[("orderbook regenerate 订单簿.xlsx", "就地重建（先备份）：", "Rebuild in place (backed up first):")],
)
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the new book here and leave BOOK untouched (an existing book there is replaced only "
    "with --force, after a backup). Default: replace BOOK, after copying it to "
    "BOOK.YYYYmmdd-HHMMSS.bak.xlsx beside it.",
)
@click.option(
    "--accept-loss",
    is_flag=True,
    help="Rebuild even when something staff put in the book cannot be carried over (a chart, a "
    "pivot table, macros in an .xlsx …); it is listed. Without it such a book is refused, "
    "with the list, and nothing is written.",
)
@lang_option
@config_option
@force_option
@handle_errors
def command(
    book: Path, output: Path | None, accept_loss: bool, lang: str | None, config_path: Path | None, force: bool
) -> None:
    """Rebuild BOOK from its data on the current template (after a config change or a template
    upgrade, or to repair validation and formatting someone broke).

    Every value is kept: rows in their order, values the reader could not type (written as found),
    columns and sheets staff added, their comments, links, colours, formulas and merged cells, and
    the macros of an .xlsm. What cannot be carried (charts, pivot tables …) is listed and the book is
    refused, unless --accept-loss. Formulas, validation, dropdowns, formats, instructions and
    dashboard are written new. --lang defaults to the book's own.
    """
    from ..regenerate import regenerate
    from ..safe_io import locked

    settings = load_settings(book, config_path)
    config = settings.config
    said = lang or config.language  # the language of the lines printed (lang=None: the book keeps its own)
    bar, phase = progress_bar(said)
    progress = phase("写入", "writing", cumulative=True)
    saved = None
    if output is None or _same_file(output, book):
        # in place: the act this command is for (regenerate makes the backup), one writer at a time
        with locked(book, force=force), bar:
            result = regenerate(
                book, output=output, config=config, lang=lang, progress=progress, accept_loss=accept_loss
            )
    else:
        with book_output(output, inputs=given(book, config_path), force=force) as saved, bar:
            result = regenerate(
                book, output=output, config=config, lang=lang, progress=progress, accept_loss=accept_loss
            )
    for line in result_lines(result, saved, settings, said):
        click.echo(line)


def result_lines(result: RegenerateResult, saved: Path | None, settings: Settings, lang: str) -> list[str]:
    """What was written and what was carried over, in ``lang``."""
    sep = say("list_sep", lang)
    lines = [backed_up(saved, lang)] if saved else []
    lines.append(
        wrote(result.path, lang) + (say("saved_as", lang, path=result.backup_path) if result.backup_path else "")
    )
    lines.append(settings.line(lang))
    lines.append(say("rows", lang, counts=sep.join(f"{s.name(lang)} {result.rows[s.key]:,}" for s in SHEETS)))
    for s in SHEETS:
        if result.extra_columns.get(s.key):
            lines.append(say("staff_columns", lang, sheet=s.name(lang), columns=sep.join(result.extra_columns[s.key])))
    if result.extra_sheets:
        lines.append(say("staff_sheets", lang, sheets=sep.join(result.extra_sheets)))
    if result.kept:
        lines.append(
            say(
                "also_kept",
                lang,
                things=sep.join(f"{say('kept.' + what, lang)} {n:,}" for what, n in result.kept.items()),
            )
        )
    if result.raw_values:
        lines.append(say("raw_values", lang, n=result.raw_values))
    lines += [say("note", lang, note=label(note, lang)) for note in result.notes]
    lines += [say("lost", lang, loss=loss.text(lang)) for loss in result.lost]
    return lines


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and a.samefile(b)
    except OSError:
        return False
