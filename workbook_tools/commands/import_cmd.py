"""``orderbook import``: CSV / Excel exports into an order book (see workbook_tools/importer)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import click
from rich.cells import cell_len

from ..lang import label, norm
from ..schema import SHEET_BY_KEY
from .common import Command, config_option, force_option, handle_errors, lang_option, load_settings, today_option

if TYPE_CHECKING:
    from ..findings import Finding
    from ..importer import ImportResult


class _Words(TypedDict):
    new: str
    read: str
    ignored: str
    head: tuple[str, ...]
    rejected: str
    report: str
    warnings: str
    new_errors: str
    wrote: str
    backup: str
    dry: str
    nothing: str


_W: dict[str, _Words] = {
    "zh": {
        "new": "{book} 不存在：从空白模板新建",
        "read": "读取 {file}（{how}）：{n} 行",
        "ignored": "；未导入的列：{cols}",
        "head": ("工作表", "新增", "更新", "相同", "冲突", "拒绝", "重复", "源内冲突"),
        "rejected": "{n} 个源行未导入（拒绝、跳过或重复），{c} 处冲突",
        "report": "拒绝清单：{paths}",
        "warnings": "导入行上的警告：{codes}",
        "new_errors": "导入使订单簿原有行新增 {n} 个错误：{codes}",
        "wrote": "已写入 {book}",
        "backup": "备份：{path}",
        "dry": "试运行：未修改任何文件",
        "nothing": "没有需要写入的新行：{book} 未修改",
    },
    "en": {
        "new": "{book} does not exist: starting from the empty template",
        "read": "read {file} ({how}): {n} rows",
        "ignored": "; columns not imported: {cols}",
        "head": ("sheet", "add", "update", "identical", "conflict", "rejected", "duplicate", "source-conflict"),
        "rejected": "{n} source rows not imported (rejected, skipped or repeated), {c} conflicts",
        "report": "rejects report: {paths}",
        "warnings": "warnings on imported rows: {codes}",
        "new_errors": "the import gives rows already in the book {n} new errors: {codes}",
        "wrote": "wrote {book}",
        "backup": "backup: {path}",
        "dry": "dry run: nothing was changed",
        "nothing": "nothing new to write: {book} left as it was",
    },
}


def _codes(findings: Iterable[Finding], lang: str) -> str:
    """``格式错误 3, 客户不存在 1``: the rules by name (the codes are in the rejects report)."""
    from collections import Counter

    return ", ".join(f"{title} {n:,}" for title, n in Counter(f.title(lang) for f in findings).most_common())


def render(result: ImportResult, lang: str) -> list[str]:
    """The summary lines of an import (also used by tests)."""
    w = _W[norm(lang)]
    lines = []
    if result.created:
        lines.append(w["new"].format(book=result.book))
    if result.settings:
        lines.append(result.settings.line(lang))
    for s in result.sources:
        how = ", ".join(x for x in (s.encoding, repr(s.delimiter) if s.delimiter else "", s.sheet) if x)
        line = w["read"].format(file=s.path.name, how=how, n=f"{s.records:,}")
        if s.ignored:
            line += w["ignored"].format(cols=", ".join(s.ignored))
        lines.append(line)
    head = w["head"]
    rows: list[tuple[str, ...]] = [head]
    for key, c in result.counts.items():
        if any(c.values()):
            rows.append(
                (
                    SHEET_BY_KEY[key].name(lang),
                    *(
                        f"{c[k]:,}"
                        for k in ("add", "update", "identical", "conflict", "rejected", "duplicate", "source-conflict")
                    ),
                )
            )
    widths = [max(cell_len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        pads = [" " * (widths[i] - cell_len(v)) for i, v in enumerate(r)]
        lines.append("  ".join(v + pads[i] if i == 0 else pads[i] + v for i, v in enumerate(r)).rstrip())
    conflicts = sum(1 for r in result.rejects if r.code == "conflict")
    if result.rejects:
        lines.append(w["rejected"].format(n=f"{result.rejected_rows:,}", c=f"{conflicts:,}"))
        counts = result.reject_counts()
        lines.append("  " + ", ".join(f"{code} {n:,}" for code, n in counts.items()))
    if result.rejects_paths:
        lines.append(w["report"].format(paths=", ".join(str(p) for p in result.rejects_paths)))
    if result.warnings:
        lines.append(w["warnings"].format(codes=_codes(result.warnings, lang)))
    if result.new_errors:
        lines.append(w["new_errors"].format(n=f"{len(result.new_errors):,}", codes=_codes(result.new_errors, lang)))
    if result.dry_run:
        lines.append(w["dry"])
    elif result.written:
        lines.append(w["wrote"].format(book=result.book))
        if result.backup:
            lines.append(w["backup"].format(path=result.backup))
        lines.extend(label(note, lang) for note in result.notes)
    else:
        lines.append(w["nothing"].format(book=result.book))
    return lines


@click.command(
    "import",
    cls=Command,
    help_zh="把 CSV 或 Excel 文件（或其文件夹）中的行导入订单簿。\n\n"
    "每个导入的行都按 orderbook validate 的规则检查；有错误的行进入拒绝清单，其余写入订单簿（先备份）。"
    "同一文件再导入一次不会重复添加。退出码 0：全部导入（或已存在）；1：有行被拒绝或有冲突；"
    "2：文件、映射或设置无法使用。",
    options_zh={
        "--into": "导入到哪本订单簿（不存在时从空白模板新建）。",
        "--sheet": "只导入到这个工作表。没有映射时：按表头判断列属于哪个表（默认按表头猜）。",
        "--mapping": "TOML 映射：源列对应字段、值的对照、常量、跳过规则、一行拆到几个表。默认：按表头对应。",
        "--dry-run": "只显示会新增、更新、拒绝和冲突的行，不改任何文件。",
        "--update": "覆盖编号相同但内容不同的行（默认：作为冲突报告，不改动）。",
        "--rejects": "拒绝清单（BOOK.rejects.csv 和 .xlsx）写到哪个文件夹。默认：订单簿所在文件夹；试运行时只在指定时写。",
        "--today": "按这一天（YYYY-MM-DD）检查日期，而不是今天。",
    },
    examples=[
        (
            "orderbook import 网店订单.csv --into 订单簿.xlsx --dry-run",
            "先试运行，看会导入什么：",
            "A dry run first: what would be imported:",
        ),
        ("orderbook import 网店订单.csv --into 订单簿.xlsx", "导入：", "Import:"),
    ],
)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--into",
    "book",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The order book to import into (created from the empty template if it does not exist).",
)
@click.option(
    "--sheet",
    type=click.Choice(list(SHEET_BY_KEY)),
    default=None,
    help="Import into this sheet only. Without a mapping: the sheet the columns belong to "
    "(default: guessed from the headers).",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML mapping: source columns to fields, value maps, constants, skip rules, one row "
    "into several sheets. Default: match columns by their headers.",
)
@click.option(
    "--dry-run", is_flag=True, help="Show what would be added, updated, rejected and in conflict; change nothing."
)
@click.option(
    "--update",
    is_flag=True,
    help="Overwrite book rows whose key matches but whose values differ "
    "(default: report them as conflicts and leave them alone).",
)
@click.option(
    "--rejects",
    "rejects_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the rejects report (BOOK.rejects.csv and .xlsx). Default: the book's folder; "
    "on a dry run, only when given.",
)
@today_option("Check dates against this day (YYYY-MM-DD) instead of today.")
@lang_option
@config_option
@force_option
@handle_errors
def command(
    sources: tuple[Path, ...],
    book: Path,
    sheet: str | None,
    mapping_path: Path | None,
    dry_run: bool,
    update: bool,
    rejects_dir: Path | None,
    today: date | None,
    lang: str | None,
    config_path: Path | None,
    force: bool,
) -> None:
    """Import rows from CSV or Excel files (or folders of them) into an order book.

    Every incoming row is checked by the same rules as `orderbook validate`; rows with errors go
    to the rejects report, the rest are written by regenerating the book (after a backup).
    Importing the same file again adds nothing. Exit code 0: all imported (or already there);
    1: rows rejected or in conflict; 2: a file, mapping or setting could not be used.
    """
    from ..importer import import_rows, load_mapping

    mapping = load_mapping(mapping_path) if mapping_path else None
    settings = load_settings(book, config_path, mapping_config=mapping.config_path() if mapping else None)
    if rejects_dir is None and not dry_run:
        rejects_dir = book.parent
    # the library locks the book from its read to its write, and refuses while Excel has it open
    result = import_rows(
        list(sources),
        book,
        sheet=sheet,
        mapping=mapping,
        dry_run=dry_run,
        update=update,
        config=settings,
        lang=lang,
        today=today,
        rejects_dir=rejects_dir,
        force=force,
    )
    for line in render(result, result.lang):
        click.echo(line)
    sys.exit(result.exit_code)
