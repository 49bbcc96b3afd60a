"""IsSecureToken and IsSanitizedInput: values that must match and values that must not."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from sentia_testkit.matchers import IsSanitizedInput, IsSecureToken

TOKEN_MATCHING: list[tuple[Any, Any]] = [
    ("9f86d081884c7d659a2feaa0c55ad015", IsSecureToken()),
    ("Zq3vP8xLr2Wk9Tn4Hb7Jc1Md6Fs0Gy5Q", IsSecureToken(charset="alphanumeric")),
    ("xK2_-pQ9zR4mW7vN1bT8cL3jH6gF0dS5aE2yU", IsSecureToken(charset="base64url")),
    ("kR7+vX2/pQ9zM4wN1bT8cL3jH6gF0dS5aE2y==", IsSecureToken(charset="base64")),
    ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", IsSecureToken(charset="hex")),
    ("x7$kQ!2m#Pz9@wL4&vR8*bN3", IsSecureToken(min_length=20, min_entropy_bits=100)),
    ("10203", IsSecureToken(min_length=5, min_entropy_bits=10, charset="0123")),
]
TOKEN_NOT_MATCHING: list[tuple[Any, Any, list[str]]] = [
    (None, IsSecureToken(), ["a token is text, not NoneType"]),
    (b"9f86d081884c7d659a2feaa0c55ad015", IsSecureToken(), ["a token is text; decode bytes first"]),
    ("", IsSecureToken(), ["is 0 characters long, at least 32 required"]),
    ("changeme", IsSecureToken(min_length=8, min_entropy_bits=8), ["contains the placeholder 'changeme'"]),
    (
        "my-SECRET-key-for-production-use-2026",
        IsSecureToken(),
        ["contains the placeholder 'secret': generate a random token instead"],
    ),
    (
        "a" * 40,
        IsSecureToken(),
        ["holds about 160 bits of entropy", "repeats the 1-character unit 'a'"][1:],
    ),
    ("9f86d081" * 4, IsSecureToken(), ["repeats the 8-character unit '9f86d081'"]),
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1b", IsSecureToken(charset="hex"), ["is mostly the character 'a'"]),
    ("Zq3vP8xLr2Wk9Tn4-Hb7Jc1Md6Fs0Gy5Q", IsSecureToken(charset="alphanumeric"), ["has characters outside the"]),
    ("Zq3vP8xLr2Wk9Tn4Hb7Jc1Md6Fs0Gy5Q", IsSecureToken(charset="hex"), ["has characters outside the hex charset"]),
    ("0123", IsSecureToken(min_length=4, min_entropy_bits=64), ["holds about 16 bits of entropy, 64 needed"]),
    ("zyxwvuTq3P8Lr2Wk9Tn4Hb7Jc1Md6Fs0Gy5Q", IsSecureToken(), ["holds a run of 6 consecutive characters"]),
    ("short", IsSecureToken(), ["is 5 characters long, at least 32 required", "holds about 24 bits of entropy"]),
]

SAFE = [
    "Harvey Nichols",
    "O'Brien's gin, 70cl",
    "2 < 3 and 5 > 4",
    "line one\nline two\r\n\tindented",
    "Café Ödön — 41.5% ABV",
    "select a bottle; then pay",
    "price-list 2026",
    "Bob's orders and Ann's",
    "the 'original' recipe",
    'a "dry" gin; or a sweet one',
    "",
]
UNSAFE: list[tuple[str, list[str]]] = [
    ("nul\x00byte", ["has the control character U+0000 at 3"]),
    ("bell\x07 and esc\x1b", ["has the control character U+0007 at 4", "has the control character U+001B at 13"]),
    ("del\x7f c1\x85", ["has the control character U+007F at 3", "has the control character U+0085 at 7"]),
    ("evil\u202eexe.txt", ["has the control character U+202E at 4"]),
    ("<script>alert(1)</script>", ["has HTML markup at 0: '<s'"]),
    ("hi <img src=x onerror=alert(1)>", ["has HTML markup at 3: '<i'"]),
    ("a <!-- comment -->", ["has HTML markup at 2: '<!'", "has an SQL comment marker at 4: '--'"]),
    ("javascript:alert(1)", ["has a script URL at 0: 'javascript:'"]),
    ("data: text/html,hi", ["has a script URL at 0: 'data: text/html'"]),
    ("admin'--", ["has an SQL comment marker at 6: '--'"]),
    ("x /* y */", ["has an SQL comment marker at 2: '/*'"]),
    ("1; DROP TABLE orders", ["has a stacked SQL statement at 1: '; DROP'"]),
    ("' OR '1'='1", ['has a quote that breaks out of an SQL string at 0: "\' OR"']),
    (
        "x'; shutdown",
        [
            "has a stacked SQL statement at 2: '; shutdown'",
            'has a quote that breaks out of an SQL string at 1: "\';"',
        ],
    ),
    ('name" or 1=1', ["has a quote that breaks out of an SQL string at 4: '\" or'"]),
    ("1 UNION ALL SELECT password", ["has UNION SELECT at 2: 'UNION ALL SELECT'"]),
]


@pytest.mark.parametrize(("value", "matcher"), TOKEN_MATCHING)
def test_tokens_that_match(value: Any, matcher: Any):
    assert value == matcher


@pytest.mark.parametrize(("value", "matcher", "problems"), TOKEN_NOT_MATCHING)
def test_tokens_that_do_not_match(value: Any, matcher: Any, problems: list[str]):
    assert value != matcher
    explained = matcher.explain()
    assert len(explained) == len(problems), explained
    for line, expected in zip(explained, problems, strict=True):
        assert line.startswith(expected), (line, expected)


def test_tokens_from_the_secrets_module_match():
    for _ in range(200):
        assert secrets.token_urlsafe(32) == IsSecureToken(charset="base64url")
        assert secrets.token_hex(16) == IsSecureToken(charset="hex")


def test_a_one_character_charset_is_refused():
    with pytest.raises(TypeError, match="charset must be one of hex, base64url"):
        IsSecureToken(charset="a")


@pytest.mark.parametrize("value", SAFE)
def test_safe_text_matches(value: str):
    assert value == IsSanitizedInput()


@pytest.mark.parametrize(("value", "problems"), UNSAFE)
def test_unsafe_text_does_not_match(value: str, problems: list[str]):
    matcher = IsSanitizedInput()
    assert value != matcher
    assert matcher.explain() == problems


@pytest.mark.parametrize(
    ("value", "matcher", "problems"),
    [
        (42, IsSanitizedInput(), ["expected text, not int"]),
        ("two\nlines", IsSanitizedInput(allow_newlines=False), ["has the control character U+000A at 3"]),
        ("tab\tok", IsSanitizedInput(allow_newlines=False), []),
        ("abcdef", IsSanitizedInput(max_length=5), ["is 6 characters long, at most 5 allowed"]),
    ],
)
def test_options(value: Any, matcher: Any, problems: list[str]):
    assert (value == matcher) is not problems
    assert matcher.explain() == [line for line in matcher.explain() if any(line.startswith(p) for p in problems)]
    assert len(matcher.explain()) == len(problems)
