"""Matchers for secrets and for text that reaches HTML or SQL: `IsSecureToken` and `IsSanitizedInput`."""

from __future__ import annotations

import itertools
import math
import re
import string
import unicodedata
from typing import Any

from sentia_testkit.matchers._explained import ExplainedMatcher, Problem

PLACEHOLDERS = (
    "changeme",
    "change_me",
    "change-me",
    "secret",
    "password",
    "passwd",
    "placeholder",
    "example",
    "dummy",
    "default",
    "insecure",
    "replaceme",
    "letmein",
    "qwerty",
    "123456",
    "abcdef",
    "xxxxxx",
)
"""Words that give a token away as typed in by hand; matched case-insensitively anywhere in the token."""

CHARSETS = {
    "hex": frozenset(string.hexdigits),
    "base64url": frozenset(string.ascii_letters + string.digits + "-_="),
    "base64": frozenset(string.ascii_letters + string.digits + "+/="),
    "alphanumeric": frozenset(string.ascii_letters + string.digits),
}
SEQUENCE_RUN = 6


def _alphabet_size(token: str) -> int:
    """How many symbols a generator of `token` plausibly drew from, judged by the classes of its characters."""
    if all(char in CHARSETS["hex"] for char in token) and not (
        any(char in "abcdef" for char in token) and any(char in "ABCDEF" for char in token)
    ):
        return 16
    size = 0
    for members, count in (
        (string.digits, 10),
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        ("-_", 2),
        ("+/=", 3),
    ):
        if any(char in members for char in token):
            size += count
    others = {char for char in token if char not in CHARSETS["base64"] and char not in "-_"}
    return size + (32 if others else 0)


def _longest_sequence(token: str) -> int:
    """The longest run of characters that step up or down by one code point ("abcdef", "987654")."""
    best = run = 1
    step = 0
    for before, after in itertools.pairwise(token):
        difference = ord(after) - ord(before)
        if difference in (1, -1) and difference == step:
            run += 1
        else:
            run, step = (2, difference) if difference in (1, -1) else (1, 0)
        best = max(best, run)
    return best if token else 0


def _smallest_period(token: str) -> int:
    """The length of the shortest unit `token` repeats ("abab" -> 2); len(token) when it repeats nothing."""
    for length in range(1, len(token) // 2 + 1):
        if len(token) % length == 0 and token[:length] * (len(token) // length) == token:
            return length
    return len(token)


class IsSecureToken(ExplainedMatcher[str]):
    """A secret fit for production: at least `min_length` characters and `min_entropy_bits` bits (length x
    log2 of the alphabet its characters come from), only characters of `charset` when given ("hex",
    "base64url", "base64", "alphanumeric" or a string of allowed characters), no placeholder word
    (`PLACEHOLDERS`), not one character or short unit repeated, no character making up over half of it, and no
    run of 6 or more consecutive characters ("abcdef", "123456")."""

    def __init__(self, *, min_length: int = 32, min_entropy_bits: int = 128, charset: str | None = None) -> None:
        if charset is not None and charset not in CHARSETS and len(set(charset)) < 2:
            raise TypeError(f"IsSecureToken: charset must be one of {', '.join(CHARSETS)} or the allowed characters")
        self.min_length = min_length
        self.min_entropy_bits = min_entropy_bits
        self.charset = charset
        self.allowed = CHARSETS.get(charset, frozenset(charset)) if charset is not None else None
        super().__init__(min_length=min_length, min_entropy_bits=min_entropy_bits, charset=charset)

    def check(self, other: Any) -> list[Problem]:
        if isinstance(other, bytes):
            return [Problem("", "a token is text; decode bytes first")]
        if not isinstance(other, str):
            return [Problem("", f"a token is text, not {type(other).__name__}")]
        problems = []
        if len(other) < self.min_length:
            problems.append(Problem("", f"is {len(other)} characters long, at least {self.min_length} required"))
        if self.allowed is not None:
            outside = sorted({char for char in other if char not in self.allowed})
            if outside:
                shown = "".join(outside[:10])
                problems.append(Problem("", f"has characters outside the {self.charset} charset: {shown!r}"))
        lowered = other.lower()
        found = [word for word in PLACEHOLDERS if word in lowered]
        if found:
            problems.append(Problem("", f"contains the placeholder {found[0]!r}: generate a random token instead"))
        if other:
            bits = len(other) * math.log2(_alphabet_size(other))
            if bits < self.min_entropy_bits:
                problems.append(Problem("", f"holds about {bits:.0f} bits of entropy, {self.min_entropy_bits} needed"))
            period = _smallest_period(other)
            if period < len(other):
                problems.append(Problem("", f"repeats the {period}-character unit {other[:period]!r}"))
            commonest = max(set(other), key=other.count)
            if period == len(other) and other.count(commonest) * 2 > len(other):
                problems.append(Problem("", f"is mostly the character {commonest!r}"))
            if _longest_sequence(other) >= SEQUENCE_RUN:
                problems.append(Problem("", f"holds a run of {_longest_sequence(other)} consecutive characters"))
        return problems


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_HTML_TAG = re.compile(r"<\s*[a-zA-Z!/?]")
_SCRIPT_URL = re.compile(r"\b(?:javascript|vbscript)\s*:|\bdata\s*:\s*text/html", re.IGNORECASE)
_SQL_COMMENT = re.compile(r"--|/\*|\*/")
_SQL_STACKED = re.compile(
    r";\s*(?:select|insert|update|delete|drop|alter|create|truncate|exec|execute|grant|shutdown|union)\b",
    re.IGNORECASE,
)
_SQL_QUOTE_BREAK = re.compile(r"['\"`]\s*(?:(?:or|and|union)\b|;)", re.IGNORECASE)
_SQL_UNION = re.compile(r"\bunion\s+(?:all\s+)?select\b", re.IGNORECASE)


class IsSanitizedInput(ExplainedMatcher[str]):
    """Text that is safe to store and show as it is. It matches when none of these is in it:

    - control characters: NUL and every other C0/C1 control and DEL (tab, line feed and carriage return are
      allowed, line breaks only when `allow_newlines`), and the Unicode bidirectional overrides (U+202A-U+202E,
      U+2066-U+2069) that make text read differently from how it runs;
    - HTML markup: `<` followed by a letter, `/`, `!` or `?` (a tag, comment, doctype or processing
      instruction), and `javascript:`, `vbscript:` or `data:text/html` URLs;
    - SQL tricks: comment markers `--`, `/*`, `*/`; a statement stacked after `;` (`; DROP ...`); a quote
      that closes a string to continue the query (`' OR`, `" AND`, `';`); `UNION [ALL] SELECT`.

    Plain prose with apostrophes ("O'Brien's gin") and maths ("2 < 3") matches. It is a check of output, not a
    sanitiser: a value that fails should be rejected or escaped by the code under test."""

    def __init__(self, *, allow_newlines: bool = True, max_length: int | None = None) -> None:
        self.allow_newlines = allow_newlines
        self.max_length = max_length
        super().__init__(allow_newlines=allow_newlines, max_length=max_length)

    def check(self, other: Any) -> list[Problem]:
        if not isinstance(other, str):
            return [Problem("", f"expected text, not {type(other).__name__}")]
        problems = []
        if self.max_length is not None and len(other) > self.max_length:
            problems.append(Problem("", f"is {len(other)} characters long, at most {self.max_length} allowed"))
        allowed = _ALLOWED_CONTROLS if self.allow_newlines else frozenset("\t")
        for index, char in enumerate(other):
            if char in allowed:
                continue
            if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
                problems.append(Problem("", f"has the control character U+{ord(char):04X} at {index}"))
        for pattern, what in (
            (_HTML_TAG, "HTML markup"),
            (_SCRIPT_URL, "a script URL"),
            (_SQL_COMMENT, "an SQL comment marker"),
            (_SQL_STACKED, "a stacked SQL statement"),
            (_SQL_QUOTE_BREAK, "a quote that breaks out of an SQL string"),
            (_SQL_UNION, "UNION SELECT"),
        ):
            found = pattern.search(other)
            if found:
                problems.append(Problem("", f"has {what} at {found.start()}: {found.group()!r}"))
        return problems
