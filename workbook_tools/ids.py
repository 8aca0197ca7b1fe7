"""Identifier formats: 统一社会信用代码, phone numbers, email addresses, tracking numbers.

Shared by the demo generator (which must only produce valid values) and the validator (which
flags invalid ones). The checks are pragmatic: they accept what staff really type (separators,
country prefixes) and reject what cannot be a real value (wrong length, wrong check character).
"""

from __future__ import annotations

import re

from .config import Carrier
from .patterns import compile_pattern

# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------------------

#: The 31 characters a code may use (no I, O, S, V, Z), in the order of their values 0–30.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
USCC_RE = re.compile(f"^[{USCC_CHARS}]{{18}}$")


def uscc_check_char(first17: str) -> str:
    """The check character (18th) for the first 17 characters of a 统一社会信用代码.

    Raises ValueError when ``first17`` is not 17 characters from the code's alphabet.
    """
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not allowed in a 统一社会信用代码") from None
    check = 31 - total % 31
    return USCC_CHARS[0 if check == 31 else check]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character code from the allowed alphabet whose check character is right.

    Strict: no spaces, upper case only (callers normalise what staff typed first).
    """
    if not isinstance(code, str) or not USCC_RE.match(code):
        return False
    return uscc_check_char(code[:17]) == code[17]


# --- phone numbers ---------------------------------------------------------------------------

_SEP = r"[-\s]?"
_CN_PREFIX = r"(?:(?:\+|00)86[-\s]?)"

#: Mainland mobile: 1[3-9] + 9 digits, optionally +86 / 0086, optionally grouped 3-4-4.
MOBILE_RE = re.compile(rf"^{_CN_PREFIX}?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}$")

#: Landline: area code (010, 02x, or 0 + 3 digits from 03xx to 09xx; parentheses allowed; the 0
#: is dropped after +86), optional separator, a 7–8 digit local number not starting with 0 or 1,
#: optional extension.
LANDLINE_RE = re.compile(
    rf"^(?:{_CN_PREFIX}\(?0?|\(?0)(?:10|2\d|[3-9]\d\d)\)?{_SEP}[2-9]\d{{6,7}}"
    r"(?:(?:-|转|\s*(?:ext\.?|x|分机)\s*)\d{1,6})?$",
    re.IGNORECASE,
)

#: Nationwide service numbers: 400 / 800 + 7 digits (400-888-8888).
SERVICE_RE = re.compile(rf"^[48]00{_SEP}\d{{3}}{_SEP}\d{{4}}$")

#: International: "+", a country code, 7–15 digits in all, single spaces or hyphens allowed.
INTL_RE = re.compile(r"^\+[1-9](?:[-\s]?\d){6,14}$")


def is_valid_phone(s: str) -> bool:
    """A mainland mobile, a landline with area code, a 400/800 number, or +international.

    A number written with +86 / 0086 must still be a valid mainland mobile or landline.
    """
    if not isinstance(s, str):
        return False
    s = s.strip()
    if MOBILE_RE.match(s) or LANDLINE_RE.match(s) or SERVICE_RE.match(s):
        return True
    return bool(INTL_RE.match(s)) and not s.startswith("+86")


# --- email -----------------------------------------------------------------------------------

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: Pragmatic address check: a dot-separated local part, a domain with a 2+ letter top level.
EMAIL_RE = re.compile(rf"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:{_LABEL}\.)+[A-Za-z]{{2,24}}$")


def is_valid_email(s: str) -> bool:
    if not isinstance(s, str):
        return False
    s = s.strip()
    return len(s) <= 254 and bool(EMAIL_RE.match(s)) and len(s.split("@", 1)[0]) <= 64


# --- tracking numbers ------------------------------------------------------------------------


def tracking_matches(carrier: Carrier, no: str) -> bool:
    """Whether ``no`` has the carrier's tracking-number shape (config ``tracking`` regex).

    A carrier without a pattern has an unknown format: everything matches.
    """
    if not carrier.tracking:
        return True
    if not isinstance(no, str):
        return False
    return compile_pattern(carrier.tracking).fullmatch(no.strip())
