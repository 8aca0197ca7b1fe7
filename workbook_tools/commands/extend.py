"""``orderbook extend BOOK``: prepare more rows below the data, in place."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    Command,
    config_option,
    handle_errors,
    lang_option,
    load_settings,
    today_option,
    wrote,
)
from .words import say

if TYPE_CHECKING:
    from ..xlsxpkg.extend import ExtendResult


@click.command(
    "extend",
    cls=Command,
    help_zh="在 BOOK 的数据下方重新预置行（就地修改），使每个表至少预置 5,000 行（行多时为其五分之一）：新行和旧末尾以下"
    "已填的行上的公式、条件格式、筛选、打印区域和公式计算的范围；被其他程序截断的数据验证恢复。簿的其他部分不变。\n\n"
    "orderbook validate 报告 prepared-rows-low、formula-missing 或 validation-missing 时运行"
    "（orderbook nightly --extend 每晚自动做）。打开簿让它重新计算（或保存一次）即可看到新行的结果。",
    options_zh={
        "--today": "概览中刷新的数字按哪一天（YYYY-MM-DD）。默认：今天。",
        "--force": "即使 Excel、WPS 或 LibreOffice 打开着簿也写入（它们之后保存的内容会覆盖这次的）。",
    },
    examples=[("orderbook extend 订单簿.xlsx", "预置更多行：", "Prepare more rows:")],
)
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@today_option("The day the dashboard's refreshed figures are for (YYYY-MM-DD). Default: today.")
@lang_option
@config_option
@click.option(
    "--force",
    is_flag=True,
    help="Write even while Excel, WPS or LibreOffice has the book open (what they save afterwards replaces this).",
)
@handle_errors
def command(book: Path, today: date | None, lang: str | None, config_path: Path | None, force: bool) -> None:
    """Prepare rows again below the data of BOOK, in place, so that every sheet is at least 5,000
    rows (a fifth of its rows, when more) ahead: formulas on the new rows and on rows typed below
    the old end, conditional formats, filter, print area and the ranges the formulas compute over;
    data validation put back where another program cut it short. Nothing else in the book changes.

    Run it when `orderbook validate` reports prepared-rows-low, formula-missing or
    validation-missing (`orderbook nightly --extend` does it every night). Open the book and let it
    recalculate (or save it once) to see the new rows computed.
    """
    from ..xlsxpkg.extend import extend_book

    settings = load_settings(book, config_path)
    result = extend_book(book, config=settings.config, today=today, force=force)
    lang = lang or settings.config.language
    lines = extend_lines(result, lang)
    for line in [*lines[:-1], settings.line(lang), lines[-1]]:  # the settings just above the "wrote" line
        click.echo(line)


def extend_lines(result: ExtendResult, lang: str = "zh") -> list[str]:
    """What ``extend_book`` did, a line per sheet that changed, then "wrote" (or "nothing to do")."""
    lines = []
    for ext in result.sheets.values():
        parts: list[str] = []
        if ext.new_end is not None and ext.old_end is not None and ext.new_end > ext.old_end:
            parts.append(say("prepared", lang, new=ext.new_end, old=ext.old_end))
        if ext.formulas:
            parts.append(say("formulas_written", lang, n=ext.formulas))
        if ext.validation:
            parts.append(say("validation_restored", lang, columns=say("list_sep", lang).join(ext.validation)))
        if parts:
            lines.append(say("sheet_line", lang, sheet=ext.name, parts=say("part_sep", lang).join(parts)))
    refreshed = sum(result.cached.values())
    if refreshed:
        lines.append(say("cached", lang, n=refreshed))
    if not result.changed:
        lines.append(say("nothing_to_do", lang, path=result.path))
    else:
        lines.append(wrote(result.path, lang))
    return lines


def extend_folder(folder: Path, config_path: Path | None) -> list[str]:
    """``orderbook nightly --extend``: extend every book in ``folder`` that needs it; one line per book
    extended or refused (a book open in Excel, or on an older template, is left for the morning)."""
    from ..errors import WorkbookToolsError
    from ..validate import find_books
    from ..xlsxpkg.extend import extend_book

    lines = []
    for book in find_books([folder]):
        try:
            result = extend_book(book, config=load_settings(book, config_path).config, only_if_low=True)
        except WorkbookToolsError as exc:
            lines.append(f"extend: {exc}")
            continue
        if result.changed:
            grown = [
                f"{e.name} → {e.new_end:,}"
                for e in result.sheets.values()
                if e.new_end is not None and e.old_end is not None and e.new_end > e.old_end
            ]
            lines.append(f"extend: {book}: " + (", ".join(grown) if grown else "formulas / validation restored"))
    return lines
