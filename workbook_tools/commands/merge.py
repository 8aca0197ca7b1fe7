"""``orderbook merge A.xlsx B.xlsx … -o MASTER.xlsx [--prefer FILE]``: combine staff copies of a book."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..exits import findings_exit
from ..lang import label
from ..schema import SHEETS
from .common import (
    Command,
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
    from ..merge import Conflict, MergeResult, Version


@click.command(
    "merge",
    cls=Command,
    help_zh="把几位员工各自保存的订单簿副本合并成一本。\n\n"
    "按每个表的编号（客户编号、产品编号、订单编号、订单编号 + 产品编号 …）对应行。相同的行合并；"
    "编号相同而内容不同的是冲突，两边的单元格都列出；没有 --prefer 时保留第一本簿的行，冲突仍未解决。"
    "退出码 0：合并且没有未解决的冲突；1：有未解决的冲突（总簿照样写出，用第一本簿的行）；2：有簿无法读取。",
    options_zh={
        "--output": "合并后的总簿（MASTER.xlsx）。那里已有订单簿（包括 BOOKS 之一）时只在加 --force 并备份后替换。",
        "--prefer": "行的副本不同时，保留这本簿（BOOKS 之一）的。",
    },
    examples=[("orderbook merge 张三.xlsx 李四.xlsx -o 总簿.xlsx", "合并两份副本：", "Merge two copies:")],
)
@click.argument("books", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The merged book (MASTER.xlsx). An existing book there (one of BOOKS too) is replaced only "
    "with --force, after a backup.",
)
@click.option(
    "--prefer",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="When copies of a row differ, keep this book's copy (one of BOOKS).",
)
@lang_option
@config_option
@force_option
@handle_errors
def command(
    books: tuple[Path, ...], output: Path, prefer: Path | None, lang: str | None, config_path: Path | None, force: bool
) -> None:
    """Merge the copies of the order book several staff keep into one.

    Rows are matched by each sheet's key (customer ID, SKU, order number, order number + SKU …).
    Identical rows are merged. The same key with different values is a conflict, listed with both
    cells; without --prefer the first book's row is kept and the conflict stays unresolved.

    Exit code 0: merged without unresolved conflicts; 1: unresolved conflicts (the master is still
    written, holding the first book's rows); 2: a book could not be read.
    """
    from ..merge import merge_books, write_master

    settings = load_settings(prefer or books[0], config_path)  # the preferred (else the first) book's
    config = settings.config
    said = lang or config.language  # the language of the lines printed (lang=None: the first book's for the master)
    # over one of the books, write_master makes the backup itself
    among = any(_same_file(output, b) for b in books)
    bar, phase = progress_bar(said)
    progress = phase("写入", "writing", cumulative=True)
    with book_output(output, inputs=given(*books, prefer, config_path), force=force, backup_first=not among) as ours:
        result = merge_books(list(books), prefer=prefer, config=config)
        with bar:
            path, saved = write_master(result, output, config=config, lang=lang, progress=progress)
    saved = saved or ours
    click.echo(
        wrote(path, said)
        + say("from_books", said, n=len(books))
        + (say("old_saved_as", said, name=path.name, path=saved) if saved else "")
    )
    click.echo(summary_table(result, said))
    if result.conflicts:
        click.echo(say("conflicts", said, n=len(result.conflicts), unresolved=len(result.unresolved)))
        for c in result.conflicts:
            click.echo("  " + describe(c, said))
    for note in result.notes:
        click.echo(say("note", said, note=label(note, said)))
    click.echo(settings.line(said))
    sys.exit(findings_exit(bool(result.unresolved)))  # conflicts left unresolved


def summary_table(result: MergeResult, lang: str = "zh") -> str:
    """Rows per sheet taken from each book (and of those, found in that book only), merged copies,
    rows in conflict."""
    names = [Path(f).name for f in result.files]
    head = [
        say("col_sheet", lang),
        *[say("col_from", lang, name=n) for n in names],
        say("col_merged", lang),
        say("col_conflicting", lang),
    ]
    lines = [head]
    for s in SHEETS:
        p = result.provenance[s.key]
        lines.append(
            [
                s.name(lang),
                *[f"{p.taken[f]:,} ({p.only_in[f]:,})" for f in result.files],
                f"{p.merged:,}",
                f"{p.conflicting:,}",
            ]
        )
    widths = [max(_width(row[i]) for row in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)).rstrip() for row in lines
    )


def describe(conflict: Conflict, lang: str = "zh") -> str:
    """One conflict: the sheet, the row's key, the column, the copy kept and the other copy."""
    from ..merge import shown
    from ..schema import SHEET_BY_KEY

    def value(v: object) -> str:
        return say("blank", lang) if v is None else shown(v)

    def version(v: Version) -> str:
        return f"{Path(v.file).name} {v.cell} = {value(v.value)}"

    sheet = SHEET_BY_KEY[conflict.sheet]
    column = sheet.column(conflict.field)
    text = say(
        "conflict",
        lang,
        sheet=sheet.name(lang),
        key=" / ".join(value(v) for v in conflict.key),
        column=column.header(lang),
        kept=version(conflict.kept),
        other=version(conflict.other),
        state=say("kept_preferred" if conflict.resolved else "kept_unresolved", lang),
    )
    if conflict.correction:
        text += say("correction", lang, column=column.header(lang))
    return text


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and a.samefile(b)
    except OSError:
        return False


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
