"""The ``orderbook`` command: parse arguments, call the library, render, set the exit code.

No work happens here. Library errors (``WorkbookToolsError``) become one clear line and exit 2;
users never see a traceback for bad input.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .commands.common import (
    Group,
    backed_up,
    book_output,
    config_option,
    force_option,
    given,
    handle_errors,
    lang_option,
    load_settings,
    progress_bar,
    today_option,
    wrote,
)
from .commands.speak import current_lang
from .config import DEFAULT_CONFIG_NAME, Config, write_default_config
from .formats import FILE_FORMATS, FORMATS, TERMINAL
from .lang import COLON, ENUM_COMMA, joined, norm, pick, said, say
from .perf import bulk

if TYPE_CHECKING:
    from .report import Report
    from .settings import Settings


@click.group(
    cls=Group,
    help_zh="客户订单管理簿及其工具：生成模板和示例簿，校验、导入、合并、对账、月报、客户档案。\n\n"
    "每个命令的用法和例子：orderbook 命令 -h。语言：--lang zh|en，或按系统区域设置。",
    examples=[
        (
            "orderbook demo -o 示例订单簿.xlsx",
            "生成一本示例订单簿和上月的月报：",
            "Write a demo order book and last month's report:",
        ),
        ("orderbook validate 订单簿.xlsx", "校验一本订单簿：", "Check an order book:"),
    ],
)
@click.version_option(package_name="workbook_tools")
def cli() -> None:
    """客户订单管理簿 — the customer order book and its tools: template and demo, validation, import,
    merge, reconciliation, the monthly report, customer history.

    Each command's use and examples: orderbook COMMAND -h. Language: --lang zh|en, or the locale.
    """


@cli.command(
    help_zh="写出空白的订单簿模板（数据验证、公式、填写说明）。",
    options_zh={
        "--output": "写到哪里。默认：order_book_template.xlsx（英文：order_book_template_en.xlsx）。"
        "那里已有订单簿时，不加 --force 不会替换。",
        "--company": "簿上的公司名称（标题、概览、页眉），随簿保存在设置中。默认：设置中的 company_name。",
    },
    examples=[
        ("orderbook template -o 订单簿.xlsx", "写出中文模板：", "Write the Chinese template:"),
        (
            "orderbook template --company 杭州明远贸易有限公司",
            "写出带本公司名称的模板：",
            "Write the template under your company's name:",
        ),
        ("orderbook template --lang en", "写出英文模板：", "Write the English template:"),
    ],
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write. Default: order_book_template.xlsx (en: order_book_template_en.xlsx). "
    "An existing order book there is not replaced without --force.",
)
@click.option(
    "--company",
    metavar="NAME",
    default=None,
    help="The company name on the book (title, dashboard, page headers), stored with its settings. "
    "Default: company_name of the settings.",
)
@lang_option
@config_option
@force_option
@handle_errors
def template(output: Path | None, company: str | None, lang: str | None, config_path: Path | None, force: bool) -> None:
    """Write the empty order-book template (validation, formulas, instructions)."""
    from .template import write_book

    settings = load_settings(output, config_path, stored=False)
    config = settings.config
    if company and company.strip():
        config = config.model_copy(update={"company_name": company.strip()})
    lang = lang or config.language
    output = output or Path(pick(lang, "order_book_template.xlsx", "order_book_template_en.xlsx"))
    with book_output(output, inputs=given(config_path), force=force) as saved:
        path = write_book(output, None, config=config, lang=lang)
    if saved:
        click.echo(backed_up(saved, lang))
    click.echo(settings.line(lang))
    click.echo(wrote(path, lang))


@cli.command(
    help_zh="生成一本填好数据的示例订单簿（数据真实、前后一致），校验它，并在旁边写出上一个完整月份的月报。",
    options_zh={
        "--orders": "生成多少张订单。",
        "--seed": "随机种子：同一种子生成同一本簿。",
        "--today": "假定今天是这一天（YYYY-MM-DD）。默认：今天。",
        "--output": "写到哪里。那里已有订单簿时，不加 --force 不会替换。",
    },
    examples=[
        ("orderbook demo --orders 500 -o 示例订单簿.xlsx", "500 张订单的示例簿：", "A demo book of 500 orders:"),
        (
            "orderbook demo --today 2026-11-27",
            "固定日期，每次生成的簿都一样：",
            "A fixed day: the same book every time:",
        ),
    ],
)
@click.option(
    "--orders", type=click.IntRange(1, 1_000_000), default=2000, show_default=True, help="Number of orders to generate."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed gives the same book.")
@today_option("Pretend today is this date (YYYY-MM-DD). Default: today.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("demo_order_book.xlsx"),
    show_default=True,
    help="Where to write. An existing order book there is not replaced without --force.",
)
@lang_option
@config_option
@force_option
@handle_errors
def demo(
    orders: int, seed: int, today: date | None, output: Path, lang: str | None, config_path: Path | None, force: bool
) -> None:
    """Write a filled demo order book with realistic, consistent data, validate it, and write the last
    full month's report (月报) beside it."""
    from .demo.pipeline import make_demo
    from .formats.labels import file_line
    from .overview import book_overview
    from .summary.text import figures_text

    settings = load_settings(output, config_path, stored=False)
    config = settings.config
    lang = lang or config.language
    bar, phase = progress_bar(lang)
    with bar:
        run = make_demo(
            output,
            orders=orders,
            seed=seed,
            today=today,
            config=config,
            lang=lang,
            inputs=[config_path] if config_path else [],
            force=force,
            phase=phase,
        )
    saved, path, data, checked, summary, report = run.backups, run.path, run.data, run.checked, run.summary, run.report
    for s in saved:
        if s:
            click.echo(backed_up(s, lang))
    click.echo(settings.line(lang))
    click.echo(wrote(path, lang))
    click.echo(book_overview(data, lang=lang, currency=config.currency_symbol, config=config))
    click.echo(pick(lang, "校验", "validation") + say(lang, COLON) + file_line(checked, lang))
    click.echo("\n".join(figures_text(summary, lang)))
    click.echo(wrote(report, lang))


@cli.command(
    help_zh="校验订单簿（文件或文件夹），按单元格标出每个问题：先列错误，再列提醒，每条说明该填什么。\n\n"
    "退出码 0：没有错误（可以有提醒）；1：有错误；2：有文件无法读取。",
    options_zh={
        "--format": f"报告格式（可重复）：{TERMINAL} 打印在终端；{joined('zh', FILE_FORMATS, ENUM_COMMA)} 写到 --out "
        f"文件夹。默认：{TERMINAL}。",
        "--out": f"{joined('zh', FILE_FORMATS, ENUM_COMMA)} 报告写到哪个文件夹。默认：当前文件夹。",
        "--today": "按这一天（YYYY-MM-DD）检查日期，而不是今天。",
    },
    examples=[
        ("orderbook validate 订单簿.xlsx", "校验一本簿：", "Check one book:"),
        (
            "orderbook validate 订单/ --format xlsx --out 报告/",
            "校验文件夹里的每本簿，写出 Excel 报告和标注副本：",
            "Check every book in a folder; write the Excel report and annotated copies:",
        ),
    ],
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "formats",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    help=f"Report format (repeat for several). {TERMINAL} prints to the terminal; the others are written "
    f"to --out. Default: {TERMINAL}.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Folder for the {' / '.join(FILE_FORMATS)} reports. Default: the current folder.",
)
@today_option("Check dates against this day (YYYY-MM-DD) instead of today.")
@lang_option
@config_option
@handle_errors
def validate(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path | None,
    today: date | None,
    lang: str | None,
    config_path: Path | None,
) -> None:
    """Check order books (files or folders) and flag every problem by cell.

    Exit code 0: no errors (warnings allowed); 1: errors found; 2: a file could not be read.
    """
    import os

    from .formats import render_text
    from .settings import settings_resolver, validate_books

    resolve = settings_resolver(config_path=config_path, environ=os.environ)
    bar, phase = progress_bar(lang or current_lang())
    with bar:
        report, used = validate_books(paths, resolve=resolve, today=today, progress=phase("校验", "checking"))
    lang = lang or next((s.config.language for s in used if s is not None), "zh")
    formats = formats or (TERMINAL,)
    if TERMINAL in formats:
        render_text(report, lang, settings=False)
    for line in settings_lines(report, used, lang):  # the last line, as every command's
        click.echo(line)
    for fmt in formats:
        if fmt != TERMINAL:
            for written in FORMATS[fmt](report, out_dir or Path("."), lang):
                click.echo(wrote(written, lang))
    sys.exit(report.exit_code)


def settings_lines(report: Report, used: Sequence[Settings | None], lang: str) -> list[str]:
    """Which settings were used: one line when every book used the same, else one line per book."""
    lines = {s.line(lang) for s in used if s is not None}
    if len(lines) <= 1:
        return sorted(lines)
    return [f"{r.path}: {s.line(lang)}" for r, s in zip(report.files, used) if s is not None]


@cli.command(
    help_zh="校验文件夹中的每本订单簿，报告写进按日期命名的文件夹（供定时任务 cron 使用）。",
    options_zh={
        "--reports": "按日期（YYYY-MM-DD）命名的报告文件夹放在哪里。",
        "--keep-days": "删除早于这么多天的报告文件夹。",
        "--extend": "先为校验会提醒的簿预置更多行（orderbook extend）：预置行快用完、行没有公式、数据验证丢失。",
        "--format": f"报告格式（可重复）。默认：{joined('zh', FILE_FORMATS, ENUM_COMMA)}。",
        "--today": "按这一天（YYYY-MM-DD）检查日期、命名报告文件夹，而不是今天。",
        "--memory-limit": "每本簿可用的内存（MB 地址空间），超出时该簿只报一行。默认：4 GB，或本机内存的四分之三（取小者）。",
        "--timeout": "每本簿可用的秒数。",
        "--jobs": "同时校验几本簿（每本都可用 --memory-limit 的内存）。",
    },
    examples=[
        (
            "orderbook nightly 订单/ --reports 报告/",
            "每晚校验 订单/ 中的每本簿：",
            "Check every book in 订单/ each night:",
        )
    ],
)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--reports",
    "reports_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Where the dated report folders (YYYY-MM-DD) go.",
)
@click.option(
    "--keep-days",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Delete dated report folders older than this.",
)
@click.option(
    "--extend",
    "extend",
    is_flag=True,
    help="First prepare more rows (orderbook extend) in every book that validate would warn about: "
    "prepared rows running low, rows without formulas, validation lost.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    help=f"Report formats (repeatable). Default: {joined('en', FILE_FORMATS)}.",
)
@today_option("Check dates against this day (YYYY-MM-DD) and name the report folder after it, instead of today.")
@click.option(
    "--memory-limit",
    "memory_mb",
    type=click.IntRange(min=256),
    default=None,
    help="Memory (MB of address space) one book may use; past it the book is one line. "
    "Default: 4 GB, or three quarters of this machine's memory when that is less.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=900.0, show_default=True, help="Seconds one book may take."
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Books checked at the same time (each may use --memory-limit).",
)
@lang_option
@config_option
@handle_errors
def nightly(
    folder: Path,
    reports_root: Path,
    keep_days: int,
    extend: bool,
    formats: tuple[str, ...],
    today: date | None,
    memory_mb: int | None,
    timeout: float,
    jobs: int,
    lang: str | None,
    config_path: Path | None,
) -> None:
    """Validate every order book in FOLDER into a dated report folder (for cron)."""
    import os

    from .nightly import run_nightly
    from .settings import fixed_settings
    from .validate.isolated import Bounds

    settings = fixed_settings(config_path, os.environ)  # None: each book's own (orderbook.toml nearby, its copy)
    if extend:
        from .commands.extend import extend_folder

        for line in extend_folder(folder, config_path):
            click.echo(line)
    result = run_nightly(
        folder,
        reports_root=reports_root,
        keep_days=keep_days,
        config=settings,
        lang=lang or (settings.config.language if settings else "zh"),
        formats=formats or FILE_FORMATS,
        today=today,
        bounds=Bounds(memory_mb=memory_mb, timeout=timeout),
        jobs=jobs,
    )
    for line in result.lines:
        click.echo(line)
    sys.exit(result.exit_code)


@cli.group(
    help_zh="公司设置（TOML）。",
    examples=[
        (
            "orderbook config init",
            "写出默认设置文件 orderbook.toml：",
            "Write the default settings file, orderbook.toml:",
        )
    ],
)
def config() -> None:
    """Company settings (TOML)."""


@config.command(
    "init",
    help_zh="写出默认的设置文件（orderbook.toml），供修改；先问公司名称（或用 --company 给出）。",
    options_zh={"--force": "覆盖已有的文件。", "--company": "公司名称；不给出时在终端里询问（回车用默认值）。"},
    examples=[
        ("orderbook config init", "在当前文件夹写出 orderbook.toml：", "Write orderbook.toml in the current folder:")
    ],
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_CONFIG_NAME)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--company",
    metavar="NAME",
    default=None,
    help="The company name; asked for at a terminal when not given (Enter keeps the default).",
)
@handle_errors
def config_init(path: Path, force: bool, company: str | None) -> None:
    """Write the default settings file (orderbook.toml) to edit, with the company's name (asked for)."""
    if company is None and interactive():
        company = click.prompt("公司名称 / Company name", default=Config().company_name)
    click.echo(wrote(write_default_config(path, overwrite=force, company=company), current_lang()))


def interactive() -> bool:
    """Whether a person answers at a terminal (cron and scripts are never asked)."""
    return sys.stdin.isatty()


@config.command(
    "show",
    help_zh="打印命令对 BOOK 使用的设置（TOML）及其来源：--config、$ORDERBOOK_CONFIG、"
    "簿所在文件夹（或上级，直到当前文件夹）中的 orderbook.toml、簿中保存的设置，或默认设置。",
    examples=[("orderbook config show 订单簿.xlsx", "看这本簿用的设置：", "See the settings this book uses:")],
)
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
@handle_errors
def config_show(book: Path, config_path: Path | None) -> None:
    """Print the settings commands use for BOOK (TOML), and where they come from: --config,
    $ORDERBOOK_CONFIG, orderbook.toml in the book's folder (or a parent up to the current folder),
    the settings stored in the book, or the defaults."""
    from .config import config_toml

    settings = load_settings(book, config_path)
    click.echo(f"# {settings.line(current_lang())}")
    click.echo(config_toml(settings.config).split("\n\n", 1)[1], nl=False)


@config.command(
    "set",
    help_zh="修改 BOOK 中保存的设置，例如 orderbook config set 订单簿.xlsx currency_symbol=$ "
    'thresholds.overdue_grace_days=5（键名同 orderbook.toml，用点连接；列表按 TOML 写：["a", "b"]）。'
    "只改簿的文档属性，工作表都不变。",
    examples=[
        (
            "orderbook config set 订单簿.xlsx thresholds.overdue_grace_days=5",
            "逾期宽限改为 5 天：",
            "Allow 5 days' grace before overdue:",
        )
    ],
)
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@force_option
@handle_errors
def config_set(book: Path, assignments: tuple[str, ...], force: bool) -> None:
    """Change the settings stored in BOOK, e.g. `orderbook config set 订单簿.xlsx currency_symbol=$
    thresholds.overdue_grace_days=5` (dotted keys as in orderbook.toml; lists as TOML: ["a", "b"]).
    Only the book's document properties change; every sheet stays as it is."""
    from .errors import ConfigError, about
    from .outputs import looks_like_book
    from .settings import assign, read_stored, setting_text, store_settings

    if not looks_like_book(book):
        raise ConfigError(
            about(
                book,
                (
                    "不是订单簿（没有订单簿的工作表），未改动它的设置",
                    "not an order book (no 订单簿 sheets found): its settings are not changed",
                ),
            )
        )
    old = read_stored(book)
    base = old if old is not None else load_settings(book, None, stored=False).config
    new = assign(base, assignments)
    store_settings(book, new, force=force)
    for item in assignments:
        key = item.partition("=")[0].strip()
        click.echo(f"{key}: {setting_text(base, key)} → {setting_text(new, key)}")
    lang = current_lang()
    click.echo(say(lang, ("已保存到 {book}", "stored in {book}"), book=book))
    used = load_settings(book, None)
    if used.source != "book":
        click.echo(
            say(
                lang,
                (
                    "注意：{where}优先于簿中保存的设置",
                    "note: {where} takes precedence over the settings stored in the book",
                ),
                where=used.describe(norm(lang)),
            )
        )


@cli.command(
    "changes",
    help_zh="BOOK 每晚的变化（新增的行、改动的单元格 旧值 → 新值、删除的行及其全部值），"
    "以及上次夜间任务以来（尚未记录）的变化。",
    options_zh={
        "--since": "从这一天（YYYY-MM-DD）起的各晚。默认：记录的每一晚。",
        "--reports": "夜间任务的报告文件夹（orderbook nightly --reports），快照在其中。",
        "--json": "以 JSON 打印。",
    },
    examples=[
        ("orderbook changes 订单簿.xlsx --since 2026-11-01", "11 月以来的变化：", "What changed since November 1st:")
    ],
)
@click.argument("book", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    callback=lambda ctx, param, value: value.date() if value else None,
    help="Show the nights from this day on. Default: every night recorded.",
)
@click.option(
    "--reports",
    "reports_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="The nightly job's reports folder (orderbook nightly --reports), where the snapshots are.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@lang_option
@config_option
@handle_errors
def changes(
    book: Path, since: date | None, reports_root: Path, as_json: bool, lang: str | None, config_path: Path | None
) -> None:
    """What changed in BOOK night by night (rows added, cells changed old → new, rows deleted with all
    their values), as the nightly job recorded it, and since its last run (not recorded yet)."""
    import json

    from .changes import change_history, pending_changes
    from .changes.report import change_lines, summary_line
    from .errors import WorkbookToolsError, about
    from .read import read_book

    settings = load_settings(book, config_path)
    lang = lang or settings.config.language
    history = change_history(book, reports_root=reports_root, since=since)
    if history is None:
        raise WorkbookToolsError(
            about(
                book,
                said(
                    (
                        "{where} 下没有它的快照：快照由每晚的检查保存（orderbook nightly FOLDER --reports {root}）",
                        "no snapshot under {where}: the nightly job keeps one (orderbook nightly FOLDER --reports {root})",
                    ),
                    where=reports_root / "snapshots",
                    root=reports_root,
                ),
            )
        )
    now = pending_changes(book, read_book(book, config=settings.config), reports_root=reports_root)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "book": str(book),
                    "settings": settings.label,
                    "nights": [h.to_dict(lang, settings.config) for h in history],
                    "now": now.to_dict(lang, settings.config) if now else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for h in history:
        click.echo(f"{h.night} {pick(lang, '夜间', 'night')}  {summary_line(h, lang)}")
        for line in change_lines(h, lang, settings.config):
            click.echo(line)
    if now is not None:
        click.echo(f"{pick(lang, '现在（尚未记录）', 'now (not recorded yet)')}  {summary_line(now, lang)}")
        for line in change_lines(now, lang, settings.config):
            click.echo(line)
        for f in now.findings:
            click.echo(f"  {f.title(lang)}{say(lang, COLON)}{f.message(lang)}")
    click.echo(settings.line(lang))


#: Commands that live in their own modules (workbook_tools/commands/<name>.py, each exposing ``command``).
COMMAND_MODULES: tuple[str, ...] = (
    "import_cmd",
    "reconcile",
    "bank_check",
    "summary",
    "customers",
    "regenerate",
    "merge",
    "export",
    "extend",
    "statement",
)
for _name in COMMAND_MODULES:
    cli.add_command(importlib.import_module(f"workbook_tools.commands.{_name}").command)


def main() -> None:
    with bulk():  # the command is a program of its own: its bulk paths may pause the GC (perf.py)
        cli(prog_name="orderbook")


if __name__ == "__main__":
    main()
