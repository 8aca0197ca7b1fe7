"""The exit codes of every ``orderbook`` command: one enum, so cron jobs and scripts can rely on them.

The README's table of exit codes lists these members (tests/test_exits.py keeps the two equal).
"""

from __future__ import annotations

from enum import IntEnum

from .lang import Lang, Pair, say


class Exit(IntEnum):
    #: Done, and nothing needs anyone's attention (warnings may have been reported).
    CLEAN = 0
    #: Done, but something needs attention: findings at error level, rows rejected or in conflict,
    #: books refused, a month outside the book's data.
    FINDINGS = 1
    #: An input, a setting or the command line could not be used: one line says which and why.
    INPUT = 2
    #: The user stopped the command (Ctrl-C or end of input at a question): the shell's 128 + SIGINT.
    ABORTED = 130

    def meaning(self, lang: Lang | str | None = "zh") -> str:
        return say(lang, MEANINGS[self])


#: What each code means, in both languages (the README's table says the same in English).
MEANINGS: dict[Exit, Pair] = {
    Exit.CLEAN: ("完成，没有需要处理的问题（可以有提醒）", "done; nothing needs attention (warnings allowed)"),
    Exit.FINDINGS: (
        "完成，但有需要处理的问题：错误、被拒绝或冲突的行、被拒绝的簿、数据之外的月份",
        "done, but something needs attention: errors, rejected or conflicting rows, refused books, "
        "a month outside the book's data",
    ),
    Exit.INPUT: (
        "有输入、设置或命令行无法使用（一行说明是哪个、为什么）",
        "an input, a setting or the command line could not be used (one line says which and why)",
    ),
    Exit.ABORTED: ("已中止（Ctrl-C，或提问时输入结束）", "stopped by the user (Ctrl-C, or end of input at a question)"),
}


def findings_exit(needs_attention: bool) -> Exit:
    """``FINDINGS`` when something needs attention, else ``CLEAN``."""
    return Exit.FINDINGS if needs_attention else Exit.CLEAN
