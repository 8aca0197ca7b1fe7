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
from functools import lru_cache

import re2

#: What RE2 says about a feature it lacks -> the feature's name in the message.
_FEATURES = (
    ("(?=", "lookahead (?=…)"),
    ("(?!", "negative lookahead (?!…)"),
    ("(?<=", "lookbehind (?<=…)"),
    ("(?<!", "negative lookbehind (?<!…)"),
    ("(?>", "atomic group (?>…)"),
    ("(?P=", "backreference (?P=name)"),
    ("(?(", "conditional group (?(…)…)"),
    ("++", "possessive quantifier ++"),
    ("*+", "possessive quantifier *+"),
    ("?+", "possessive quantifier ?+"),
    ("}+", "possessive quantifier {…}+"),
    ("\\Z", "\\Z (write $ for the end of the text)"),
)
_BACKREF = re.compile(r"invalid escape sequence: \\[1-9]")


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr
    options.never_capture = True  # only whether it matches is asked: faster
    return options


@lru_cache(maxsize=256)
def check_pattern(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (one line), or None when it can."""
    try:
        re.compile(pattern)
    except (re.error, TypeError, ValueError, OverflowError) as exc:
        return f"not a valid regular expression {pattern!r} ({exc})"
    try:
        re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        feature = "a backreference (\\1 …)" if _BACKREF.search(reason) else next(
            (name for token, name in _FEATURES if token in reason), None) or next(
            (name for token, name in _FEATURES if token in pattern), None)
        if feature is None:
            return f"{pattern!r}: the linear-time pattern engine (RE2) refuses it ({reason})"
        return f"{pattern!r} uses {feature}, which the linear-time pattern engine (RE2) does not support"
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
    def _set(kind, pattern: str):
        s = kind(_options())
        s.Add(pattern)
        s.Compile()
        return s.Match

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
