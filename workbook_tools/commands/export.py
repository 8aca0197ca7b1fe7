"""``orderbook export BOOK|FOLDER --to URL``: order books as normalised database tables (SQLite by default)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..exits import Exit
from ..lang import label
from .common import (
    Command,
    config_option,
    handle_errors,
    lang_option,
    load_settings,
)
from .words import say

if TYPE_CHECKING:
    import sqlalchemy as sa

    from ..export import ExportResult
    from ..export.folder import BookExport


@click.command(
    "export",
    cls=Command,
    help_zh="把订单簿（或文件夹中的每本订单簿）导出到一个数据库：每个工作表一张表，有主键和外键，每行标明所属的簿"
    "（编号在每本簿内唯一）。\n\n"
    "再次导出时让该簿的行与簿一致：改动的行更新、新行添加、簿里已没有的行删除——每本簿一个事务；"
    "其他簿的行不动。有编号无法容纳的行（客户不存在、订单编号重复、读不出的值 …）的簿被拒绝，"
    "逐个单元格列出，不写入任何内容。文件夹中我们自己的输出（月报、报告、备份 …）跳过并列出。"
    "退出码 0：已导出；1：有簿被拒绝；2：簿或数据库无法使用。",
    options_zh={
        "--to": "数据库 URL（SQLAlchemy）。默认：簿旁的 sqlite:///<book>.sqlite（文件夹为 <文件夹>/<文件夹名>.sqlite）。"
        'PostgreSQL：postgresql+psycopg://用户:密码@主机/库，驱动用 pip install "workbook_tools[export]" 安装。',
        "--book": "簿的行标记的名字（book 列）。默认：不带后缀的文件名；文件夹中为相对路径（华东/上海）。",
    },
    examples=[("orderbook export 订单簿.xlsx", "导出到旁边的 SQLite 文件：", "Export to an SQLite file beside it:")],
)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--to",
    "url",
    metavar="URL",
    default=None,
    help="Database URL (SQLAlchemy). Default: sqlite:///<book>.sqlite beside the book (for a folder: "
    "<folder>/<folder name>.sqlite). PostgreSQL: postgresql+psycopg://user:pass@host/db, with the "
    'driver from `pip install "workbook_tools[export]"`.',
)
@click.option(
    "--book",
    "name",
    metavar="NAME",
    default=None,
    help="The name the book's rows are tagged with (the `book` column). Default: the file name without "
    "its suffix; in a folder, the path in the folder (华东/上海).",
)
@lang_option
@config_option
@handle_errors
def command(path: Path, url: str | None, name: str | None, lang: str | None, config_path: Path | None) -> None:
    """Export an order book, or every order book in a folder, to one database: one table per sheet,
    with primary and foreign keys, every row tagged with its book (keys are unique per book).

    Exporting again updates the book's rows to match it: changed rows are updated, new rows added,
    rows no longer in the book deleted — in one transaction per book; other books' rows are not
    touched. A book with rows the keys cannot hold (unknown customer, duplicate order number,
    unreadable value …) is refused, with each cell named, and nothing of it is written. In a folder,
    our own outputs (summaries, reports, backups …) are skipped and listed. Exit code 0: exported;
    1: a book refused; 2: a book or the database could not be used.
    """
    from ..export import default_url

    if path.is_dir():
        # the folder's settings (orderbook.toml there or above, $ORDERBOOK_CONFIG, --config) speak for it
        lang = lang or load_settings(path / "_", config_path, stored=False).config.language
        if name is not None:
            raise click.UsageError(say("one_book_only", lang))
        _folder(path, url or default_url(path), config_path, lang)
    else:
        _book(path, url or default_url(path), name, config_path, lang)


def _book(book: Path, url: str | sa.URL, name: str | None, config_path: Path | None, lang: str | None) -> None:
    from ..export import ExportRefused, export_book, refusal_lines
    from ..read import read_book

    settings = load_settings(book, config_path)
    lang = lang or settings.config.language
    opened = read_book(book, config=settings.config)
    try:
        result = export_book(opened, url, name=name, config=settings.config)
    except ExportRefused as refused:
        click.echo(f"orderbook: {book}: " + "\n".join(refusal_lines(refused.problems, lang)), err=True)
        sys.exit(Exit.FINDINGS)  # a book refused, its cells listed
    click.echo(say("exported", lang, book=book, url=result.url, name=result.book))
    if result.added_columns:
        click.echo(say("added_columns", lang, columns=say("list_sep", lang).join(result.added_columns)))
    click.echo(settings.line(lang))
    for line in _table(result, lang):
        click.echo(line)
    if not result.changed:
        click.echo(say("unchanged", lang))


def _folder(folder: Path, url: str | sa.URL, config_path: Path | None, lang: str) -> None:
    from ..export import export_folder

    done = export_folder(
        folder,
        url,
        config_for=lambda p: load_settings(p, config_path).config,
        on_book=lambda b: click.echo(_book_line(b, lang)),
    )  # a line as each book is done
    click.echo(
        say("folder_done", lang, folder=folder, url=done.url, exported=len(done.exported), books=len(done.books))
    )
    for s in done.skipped:
        click.echo(say("book_line", lang, head=f"  {s.path}", text=s.text(lang)))
    added = [c for b in done.books if b.result is not None for c in b.result.added_columns]  # the exported
    if added:
        click.echo(say("added_columns_folder", lang, columns=say("list_sep", lang).join(added)))
    if done.elsewhere:
        click.echo(say("elsewhere", lang, books=say("list_sep", lang).join(done.elsewhere)))
    if done.unreadable:
        sys.exit(Exit.INPUT)
    if done.refused:
        sys.exit(Exit.FINDINGS)  # a book refused, its cells listed


def _book_line(b: BookExport, lang: str) -> str:
    from ..export import refusal_lines

    head = f"  {b.name} ({b.path})"
    if b.result is not None:
        c = b.result.tables.values()
        text = say(
            "book_counts",
            lang,
            rows=sum(t.rows for t in c),
            added=sum(t.inserted for t in c),
            updated=sum(t.updated for t in c),
            deleted=sum(t.deleted for t in c),
        )
    elif b.refused is not None:
        text = "\n    ".join(refusal_lines(b.refused.problems, lang))
    else:
        text = say("unreadable_book", lang, error=label(b.error, lang) if b.error else "")
    return say("book_line", lang, head=head, text=text)


def _table(result: ExportResult, lang: str) -> list[str]:
    head = [say(k, lang) for k in ("col_table", "col_rows", "col_added", "col_updated", "col_deleted")]
    width = max(_width(name) for name in [*result.tables, head[0]])
    lines = [[head[0], *head[1:]]]
    lines += [
        [name, f"{c.rows:,}", f"{c.inserted:,}", f"{c.updated:,}", f"{c.deleted:,}"]
        for name, c in result.tables.items()
    ]
    return [
        "  " + row[0] + " " * (width - _width(row[0])) + "".join(" " * (11 - _width(cell)) + cell for cell in row[1:])
        for row in lines
    ]


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
