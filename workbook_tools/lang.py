"""The one place that chooses between Chinese and English.

Every user-facing text is a ``(zh, en)`` pair written side by side where it is used (a feature's
``texts.py`` / ``words.py`` table, a ``Code`` in the rule catalogue, a schema column); this module
is the only code that looks at the language.  Chinese is the default: anything that is not
``"en"`` reads as Chinese, so a typo in a locale never leaves a clerk with English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, TypeAlias

Lang: TypeAlias = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT: Lang = "zh"

Pair: TypeAlias = tuple[str, str]


def norm(lang: str | None) -> Lang:
    """``"en"`` for English (``en``, ``en_US.UTF-8``, ``EN``), else Chinese."""
    return "en" if (lang or "").lower().startswith("en") else "zh"


def is_zh(lang: str | None) -> bool:
    return norm(lang) == "zh"


def pick(lang: str | None, zh: str, en: str) -> str:
    """The text of ``lang`` from its two spellings."""
    return en if norm(lang) == "en" else zh


def say(lang: str | None, pair: Pair, /, **kw: object) -> str:
    """A ``(zh, en)`` pair in ``lang``, with ``{placeholders}`` filled from ``kw``."""
    text = pick(lang, *pair)
    return text.format(**kw) if kw else text


def lookup(table: Mapping[str, Pair], key: str, lang: str | None, /, **kw: object) -> str:
    """``table[key]`` (a ``(zh, en)`` pair) in ``lang``, formatted with ``kw``."""
    return say(lang, table[key], **kw)


class Bilingual(Protocol):
    """Anything with its words in both languages; read-only, so frozen dataclasses qualify."""

    @property
    def zh(self) -> str: ...

    @property
    def en(self) -> str: ...


def label(obj: Bilingual, lang: str | None) -> str:
    """An object's ``zh`` or ``en`` attribute (schema columns, choices, segments …)."""
    return pick(lang, obj.zh, obj.en)


@dataclass(frozen=True)
class Said:
    """A text already written in both languages (why a file cannot be read, a note, a loss), made
    where it is said and shown with ``label(said, lang)``. ``str()`` is the English: the stable
    text for logs and JSON."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en


def said(pair: Pair, /, **kw: object) -> Said:
    """Both spellings of ``pair``, each with ``{placeholders}`` filled from ``kw``."""
    zh, en = pair
    return Said(zh.format(**kw), en.format(**kw)) if kw else Said(zh, en)


# Punctuation differs too: a Chinese list reads “甲、乙”, a sentence “……；……”.
COMMA: Pair = ("，", ", ")
ENUM_COMMA: Pair = ("、", ", ")
SEMICOLON: Pair = ("；", "; ")
COLON: Pair = ("：", ": ")
FULL_STOP: Pair = ("。", ".")


def joined(lang: str | None, items: Iterable[object], sep: Pair = COMMA) -> str:
    """Items joined with the list separator of ``lang``."""
    return say(lang, sep).join(str(i) for i in items)
