"""The command line in the user's language: help, examples and click's own messages in Chinese or English.

The language is ``--lang`` when given (anywhere on the line), else the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``, then the system's): Chinese for a ``zh`` locale, English for any other
named one, Chinese when none is set (the project's first language).

Each command carries its Chinese help beside the English docstring (``help_zh``), the Chinese of
its options (``options_zh``, by option name) and its examples; ``orderbook --help`` lists every
command with its first sentence, whole. click's own words (Usage, Options, "Missing argument" …)
go through gettext in click; while our command runs they are looked up in ``CLICK_ZH``. click's
errors come out in our form, one line: ``orderbook validate: 缺少参数 PATHS…（帮助：orderbook validate -h）``.
"""

from __future__ import annotations

import contextvars
import inspect
import locale
import os
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from .. import lang as langs
from ..exits import Exit

_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("orderbook_cli_lang", default=None)


def detect_lang(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """``zh`` or ``en`` for a command line: ``--lang`` on it, else the locale (see the module)."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        elif arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        else:
            continue
        if value in langs.LANGS:
            return value
    environ = os.environ if environ is None else environ
    name = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), None)
    if name is None:
        try:
            name = locale.getlocale()[0]
        except ValueError:
            name = None
    if not name:
        return "zh"
    return "zh" if name.lower().startswith(("zh", "chinese")) else "en"


#: A first sentence: up to a full stop (。, or . before a space or the end).
_SENTENCE = re.compile(r"(.+?(?:。|\.(?=\s|$)))")


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


#: Punctuation a line may not start with.
_NO_BREAK_BEFORE = frozenset("。，、：；）」！？")


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns: Chinese may break between any two
    characters (not before 。，、：；）」), other words are kept whole."""
    lines, line, used = [], "", 0
    for token in re.findall(r"[\u2e80-\U0010ffff]|[^\s\u2e80-\U0010ffff]+|\s+", text):
        w = sum(_width(c) for c in token)
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        if used + w > width and line.strip():
            carry = ""
            if token in _NO_BREAK_BEFORE and len(line.rstrip()) > 1:  # a full stop never starts a line:
                carry, line = line[-1], line[:-1]  # the character before it comes along
            lines.append(line.rstrip())
            line, used = carry, sum(_width(c) for c in carry)
        line, used = line + token, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def current_lang() -> str:
    """The language of the command line running now (English outside our commands)."""
    return _LANG.get() or "en"


def pick(zh: str, en: str) -> str:
    """The text of the command line's language (``langs.pick`` with ``current_lang()``)."""
    return langs.pick(current_lang(), zh, en)


# --------------------------------------------------------------------------- click's own words

#: click's messages (its gettext message ids) in Chinese.
CLICK_ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option: {name}": "没有选项 {name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Did you mean {possibility}?": "您是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是不是要用其中之一：{possibilities}？）",
    "(Possible options: {possibilities})": "（可用的选项：{possibilities}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面要跟一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面要跟 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "帮助：{command} {option}",
    "Aborted!": "已中止。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 之内。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，不是文件。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "File": "文件",
    "Directory": "文件夹",
    "Path": "路径",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
}


def _gettext(message: str) -> str:
    return pick(CLICK_ZH.get(message, message), message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def _install() -> None:
    """click looks its words up with gettext (module-level ``_`` and ``ngettext``): ours answer in
    the command line's language while an orderbook command runs, and as before otherwise."""
    import importlib

    for name in ("core", "exceptions", "parser", "types", "decorators", "formatting", "termui", "utils"):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module.__dict__["_"] = _gettext
        if hasattr(module, "ngettext"):
            module.__dict__["ngettext"] = _ngettext


_install()


# --------------------------------------------------------------------------- commands that speak both

#: The Chinese of the options every command shares.
SHARED_OPTIONS_ZH = {
    "--config": "公司设置（TOML 文件）。默认：$ORDERBOOK_CONFIG，否则订单簿所在文件夹（或其上级，直到当前文件夹）"
    "中的 orderbook.toml，否则订单簿中保存的设置，否则默认设置；见 orderbook config init。",
    "--lang": "语言：zh 中文、en 英文（工作表名、表头、说明和本帮助）。默认：设置中的语言（zh）。",
    "--force": "即使目标是订单簿、输入文件或不是 orderbook 写的文件也写入（先备份），Excel、WPS 或 LibreOffice "
    "打开着也写入。文件夹、设备和管道永远不写。",
    "--help": "显示本帮助并退出。",
    "--version": "显示版本并退出。",
}


if TYPE_CHECKING:  # the mixin's super() is click.Command's (Command and Group put it before theirs)
    _SpeakingBase = click.Command
else:
    _SpeakingBase = object


class Speaking(_SpeakingBase):
    """What a command and a group share: their help and examples in the command line's language,
    and click's errors in our form."""

    help_zh: str = ""
    options_zh: dict[str, str] = {}
    examples: tuple[tuple[str, str, str], ...] = ()

    def _setup(
        self, help_zh: str | None, options_zh: Mapping[str, str] | None, examples: Sequence[tuple[str, str, str]] | None
    ) -> None:
        self.help_zh = help_zh or ""
        self.options_zh = dict(options_zh or {})
        self.examples = tuple(examples or ())

    # -- help
    def _paragraphs(self, lang: str) -> list[str]:
        text = langs.pick(lang, self.help_zh, "") or inspect.cleandoc(self.help or "")
        return [" ".join(line.strip() for line in p.splitlines()).strip() for p in text.strip().split("\n\n")]

    def summary(self, lang: str) -> str:
        """The first sentence of the help in ``lang``, whole: what ``orderbook --help`` lists."""
        first = self._paragraphs(lang)[0]
        m = _SENTENCE.match(first)
        said = m.group(1) if m else first
        return said.rstrip(":：") + ("" if said.endswith(("。", ".")) else langs.say(lang, langs.FULL_STOP))

    def get_short_help_str(self, limit: int = 45) -> str:  # never cut ("…"): the whole first sentence
        return self.summary(current_lang())

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [
            pick("[选项]", p) if p == "[OPTIONS]" else pick("命令 [参数]...", p) if p == "COMMAND [ARGS]..." else p
            for p in pieces
        ]

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if langs.is_zh(current_lang()) and self.help_zh:
            width = max(20, formatter.width - formatter.current_indent - 2)
            for paragraph in self._paragraphs("zh"):
                formatter.write_paragraph()
                for line in wrap_cells(paragraph, width):
                    formatter.write(" " * (formatter.current_indent + 2) + line + "\n")
        else:
            super().format_help_text(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not langs.is_zh(current_lang()):
            super().format_options(ctx, formatter)
            return
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            words = next(
                (
                    self.options_zh.get(o) or SHARED_OPTIONS_ZH.get(o)
                    for o in getattr(param, "opts", ())
                    if self.options_zh.get(o) or SHARED_OPTIONS_ZH.get(o)
                ),
                None,
            )
            if words is not None and isinstance(param, click.Option):
                saved, param.help = param.help, words
                try:  # with help, an option has a record (the English one, when not)
                    record = param.get_help_record(ctx) or record
                finally:
                    param.help = saved
            rows.append(record)
        if rows:
            with formatter.section(_gettext("Options")):
                write_rows(formatter, rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        if self.examples:
            with formatter.section(pick("例子", "Examples")):
                for line, said_zh, said_en in self.examples:
                    formatter.write_text(pick(said_zh, said_en))
                    with formatter.indentation():
                        formatter.write_text(f"$ {line}")

    # -- running: the language, and click's errors in our form
    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        args = list(sys.argv[1:] if args is None else args)
        token = _LANG.set(detect_lang(args))
        try:
            try:
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except click.ClickException as exc:
                click.echo(error_line(exc), err=True)
                if not standalone_mode:
                    raise
                sys.exit(Exit.INPUT)  # click's own mistakes on the line, and a file it could not open
            except click.Abort:
                if not standalone_mode:
                    raise
                click.echo(pick("orderbook: 已中止。", "orderbook: aborted."), err=True)
                sys.exit(Exit.ABORTED)
            if not standalone_mode:
                return rv
            sys.exit(rv if isinstance(rv, int) else Exit.CLEAN)
        finally:
            _LANG.reset(token)


def error_line(exc: click.ClickException) -> str:
    """click's error as our own: ``orderbook validate: 缺少参数 'PATHS...'。（帮助：orderbook validate -h）``."""
    message = exc.format_message().replace("\n", " ")
    if langs.is_zh(current_lang()):  # what click puts around its words: full stops, the kind of path
        message = re.sub(r"\b(File|Directory|Path) (?=')", lambda m: CLICK_ZH[m[1]] + " ", message)
        message = re.sub(r"\.(?=\s|$)", "。", message).replace("。 ", "。")
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "orderbook"
    if not where.startswith("orderbook"):
        where = "orderbook " + where if where else "orderbook"
    if isinstance(exc, click.UsageError) and ctx is not None:
        helps = ctx.help_option_names[0] if ctx.help_option_names else "--help"
        message += pick(f"（帮助：{where} {helps}）", f" (help: {where} {helps})")
    return f"{where}: {message}"


#: ``-h`` as well as ``--help`` on every command and group: set on each, not only on the top group
#: (click keeps a command's help option from the first context it is built in: a command invoked on
#: its own first would otherwise refuse ``-h`` ever after in that process).
HELP_OPTIONS = ("-h", "--help")


def _with_help_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    settings = dict(kwargs.get("context_settings") or {})
    settings.setdefault("help_option_names", list(HELP_OPTIONS))
    return {**kwargs, "context_settings": settings}


class Command(Speaking, click.Command):
    def __init__(
        self,
        *args: Any,
        help_zh: str | None = None,
        options_zh: Mapping[str, str] | None = None,
        examples: Sequence[tuple[str, str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **_with_help_options(kwargs))
        self._setup(help_zh, options_zh, examples)


class Group(Speaking, click.Group):
    command_class = Command

    def __init__(
        self,
        *args: Any,
        help_zh: str | None = None,
        options_zh: Mapping[str, str] | None = None,
        examples: Sequence[tuple[str, str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **_with_help_options(kwargs))
        self._setup(help_zh, options_zh, examples)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Every command with its first sentence in the command line's language, wrapped, never cut."""
        lang = current_lang()
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            said = cmd.summary(lang) if isinstance(cmd, Speaking) else cmd.get_short_help_str(10_000)
            rows.append((name, said))
        if rows:
            with formatter.section(_gettext("Commands")):
                write_rows(formatter, rows)


def write_rows(formatter: click.HelpFormatter, rows: list[tuple[str, str]]) -> None:
    """Two columns, the second wrapped by terminal columns (Chinese takes two) and never cut."""
    first = min(max(len(name) for name, _ in rows) + 2, 30)
    indent = formatter.current_indent
    room = max(20, formatter.width - indent - first)
    for name, said in rows:
        lines = wrap_cells(said or "", room)
        if len(name) + 2 > first:  # a long option on its own line, its words under it
            formatter.write(" " * indent + name + "\n")
            lead = [" " * first] * len(lines)
        else:
            lead = [name.ljust(first)] + [" " * first] * (len(lines) - 1)
        for pad, line in zip(lead, lines):
            formatter.write((" " * indent + pad + line).rstrip() + "\n")


Group.group_class = Group
