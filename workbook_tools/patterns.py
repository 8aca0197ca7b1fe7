"""Patterns from the company settings, matched in linear time.

Order numbers, customer ids, SKUs and each carrier's tracking numbers are checked against regular
expressions the company writes in its settings. Python's ``re`` backtracks: ``^(\\d+)+$`` against a
28-digit number that ends in a letter takes minutes, doubling with every digit. These patterns run on
RE2 (``google-re2``), whose time is linear in the text for every pattern. RE2 has no lookarounds,
backreferences, atomic groups or possessive quantifiers; a pattern that uses one is refused when the
settings are loaded, with one line naming the feature.

``check_pattern`` says what is wrong with a pattern (the settings' validators call it);
``compile_pattern`` gives a ``Pattern`` with ``search`` and ``fullmatch``, each True or False.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

from .lang import Pair, Said

#: What RE2 says about a feature it lacks -> the feature's name in the message, in both languages.
_FEATURES: tuple[tuple[str, Pair], ...] = (
    ("(?=", ("向前查找 (?=…)", "lookahead (?=…)")),
    ("(?!", ("否定向前查找 (?!…)", "negative lookahead (?!…)")),
    ("(?<=", ("向后查找 (?<=…)", "lookbehind (?<=…)")),
    ("(?<!", ("否定向后查找 (?<!…)", "negative lookbehind (?<!…)")),
    ("(?>", ("原子组 (?>…)", "atomic group (?>…)")),
    ("(?P=", ("反向引用 (?P=name)", "backreference (?P=name)")),
    ("(?(", ("条件组 (?(…)…)", "conditional group (?(…)…)")),
    ("++", ("占有量词 ++", "possessive quantifier ++")),
    ("*+", ("占有量词 *+", "possessive quantifier *+")),
    ("?+", ("占有量词 ?+", "possessive quantifier ?+")),
    ("}+", ("占有量词 {…}+", "possessive quantifier {…}+")),
    ("\\Z", ("\\Z（文本结尾请写 $）", "\\Z (write $ for the end of the text)")),
)
_BACKREFERENCE: Pair = ("反向引用 (\\1 …)", "a backreference (\\1 …)")
_BACKREF = re.compile(r"invalid escape sequence: \\[1-9]")


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr
    options.never_capture = True  # only whether it matches is asked: faster
    return options


@lru_cache(maxsize=256)
def check_pattern(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (one line, English), or None when it can."""
    why = pattern_problem(pattern)
    return None if why is None else why.en


def pattern_problem(pattern: str) -> Said | None:
    """Why ``pattern`` cannot be used, in both languages, or None when it can."""
    try:
        re.compile(pattern)
    except (re.error, TypeError, ValueError, OverflowError) as exc:
        return Said(f"{pattern!r} 不是有效的正则表达式（{exc}）", f"not a valid regular expression {pattern!r} ({exc})")
    try:
        re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        feature = (
            _BACKREFERENCE
            if _BACKREF.search(reason)
            else next((name for token, name in _FEATURES if token in reason), None)
            or next((name for token, name in _FEATURES if token in pattern), None)
        )
        if feature is None:
            return Said(
                f"{pattern!r}：线性时间的匹配引擎（RE2）不接受这个写法（{reason}）",
                f"{pattern!r}: the linear-time pattern engine (RE2) refuses it ({reason})",
            )
        zh, en = feature
        return Said(
            f"{pattern!r} 用了{zh}，线性时间的匹配引擎（RE2）不支持",
            f"{pattern!r} uses {en}, which the linear-time pattern engine (RE2) does not support",
        )
    return None


class Pattern:
    """A pattern compiled for RE2: ``search(text)`` and ``fullmatch(text)`` say whether it matches."""

    __slots__ = ("pattern", "_search", "_full")

    def __init__(self, pattern: str):
        why = check_pattern(pattern)
        if why is not None:
            raise ValueError(why)
        self.pattern = pattern
        # RE2::Set is RE2's public fast path for "does it match" (no match object, no offsets):
        # a fifth of the time of re2.compile(...).search per value
        self._search = self._set(re2.Set.SearchSet, pattern)
        self._full = self._set(re2.Set.FullMatchSet, pattern)

    @staticmethod
    def _set(kind: Callable[[re2.Options], Any], pattern: str) -> Callable[[str], object]:
        s = kind(_options())
        s.Add(pattern)
        s.Compile()
        match: Callable[[str], object] = s.Match
        return match

    def search(self, text: str) -> bool:
        """Whether the pattern matches somewhere in ``text`` (as ``re.search``)."""
        return self._search(text) is not None

    def fullmatch(self, text: str) -> bool:
        """Whether the pattern matches the whole of ``text`` (as ``re.fullmatch``)."""
        return self._full(text) is not None

    def __repr__(self) -> str:
        return f"Pattern({self.pattern!r})"


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Pattern:
    """The compiled ``pattern`` (cached); ValueError with one line when it cannot be used."""
    return Pattern(pattern)


# --- examples: what a clerk is shown instead of a pattern -------------------------------------------

#: Characters an example is built from, by class: digits count up from 1, letters run from A.
_DIGITS, _UPPER, _LOWER = "1234567890", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghjkmnpqrstuvwxyz"
#: Repeats without an upper bound ({2,}, +, *) take this many in an example.
_OPEN_REPEAT = 4


def example(pattern: str, like: str = "") -> str | None:
    """A value that matches ``pattern``, to show clerks instead of the pattern itself: ``like``
    (the schema's example for the column) when it matches, else one built from the pattern
    (``^SO\\d{10}$`` -> ``SO1234567890``, ``^JD[XK]\\d{12}$`` -> ``JDX123456789012``). None when no
    example can be built (then a message names the setting, never the pattern)."""
    if not pattern:
        return None
    try:
        rx = compile_pattern(pattern)
    except ValueError:
        return None
    if like and rx.search(like):
        return like
    built = _built(pattern)
    return built if built and rx.search(built) else None


@lru_cache(maxsize=256)
def _built(pattern: str) -> str | None:
    # the stdlib's own parse tree of a pattern (typeshed has a stub only for the deprecated sre_parse)
    import re._parser as sre  # type: ignore[import-not-found]

    counters = {"digit": 0, "upper": 0, "lower": 0}

    def pick(kind: str) -> str:
        chars = {"digit": _DIGITS, "upper": _UPPER, "lower": _LOWER}[kind]
        ch = chars[counters[kind] % len(chars)]
        counters[kind] += 1
        return ch

    def one_of(items: Sequence[tuple[Any, Any]]) -> str | None:
        """A character of a class ``[…]``: a digit, an upper-case letter, a lower-case letter, or its first literal."""
        if items and items[0][0] is sre.NEGATE:
            return None
        allowed: list[str] = []
        for op, arg in items:
            if op is sre.LITERAL:
                allowed.append(chr(arg))
            elif op is sre.RANGE:
                allowed.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 200) + 1))
            elif op is sre.CATEGORY:
                allowed.extend({sre.CATEGORY_DIGIT: _DIGITS, sre.CATEGORY_WORD: _UPPER}.get(arg, ""))
        for kind, chars in (("digit", _DIGITS), ("upper", _UPPER), ("lower", _LOWER)):
            if any(c in chars for c in allowed):
                ch = pick(kind)
                if ch in allowed:
                    return ch
                return next(c for c in chars if c in allowed)
        return allowed[0] if allowed else None

    def walk(items: Iterable[tuple[Any, Any]]) -> str | None:
        out: list[str] = []
        for op, arg in items:
            if op is sre.LITERAL:
                out.append(chr(arg))
            elif op is sre.AT:
                continue
            elif op is sre.ANY:
                out.append(pick("lower"))
            elif op is sre.IN:
                ch = one_of(arg)
                if ch is None:
                    return None
                out.append(ch)
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
                low, high, body = arg
                n = max(low, _OPEN_REPEAT) if high is sre.MAXREPEAT else max(low, min(high, 1))
                for _ in range(n):
                    part = walk(body)
                    if part is None:
                        return None
                    out.append(part)
            elif op is sre.SUBPATTERN:
                part = walk(arg[-1])
                if part is None:
                    return None
                out.append(part)
            elif op is sre.BRANCH:
                part = walk(arg[1][0])
                if part is None:
                    return None
                out.append(part)
            else:  # a feature an example cannot be made of (a negated class, a backreference …)
                return None
        return "".join(out)

    try:
        return walk(sre.parse(pattern))
    except (re.error, TypeError, ValueError, RecursionError):
        return None
