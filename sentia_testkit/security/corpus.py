"""Payload corpora: plain wordlists shipped in `payloads/`, one payload a line.

A line starting with `#` followed by a space (or nothing) is a comment; blank lines are skipped; every other line is
a payload, taken literally. A file whose first line is `# format: escaped` has its lines decoded like Python strings
(`\\r`, `\\n`, `\\t`, `\\0`, `\\xNN`, `\\uNNNN`, `\\UNNNNNNNN`, `\\\\`), so that line breaks, NUL bytes and invisible
characters can be written down.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

_PACKAGE = "sentia_testkit.security"
ESCAPED_FORMAT = "# format: escaped"
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[rnt0\\]|.|$)")
_SIMPLE_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "0": "\0", "\\": "\\"}


@dataclass(frozen=True, slots=True)
class Payload:
    """One hostile string and the corpus it comes from (`sqli`, `xss`, ...)."""

    category: str
    text: str

    def __str__(self) -> str:
        return self.text


class CorpusError(ValueError):
    """A payload file that cannot be read: the message names the file and the line."""


def categories() -> list[str]:
    """The names of the shipped corpora, sorted: the file names without `.txt`."""
    folder = resources.files(_PACKAGE) / "payloads"
    return sorted(entry.name.removesuffix(".txt") for entry in folder.iterdir() if entry.name.endswith(".txt"))


def load_payloads(category: str) -> list[Payload]:
    """Every payload of one shipped corpus, in file order."""
    known = categories()
    if category not in known:
        raise CorpusError(f"no payload corpus named {category!r}; the corpora are: {', '.join(known)}")
    return [Payload(category, text) for text in _read(category)]


@functools.cache
def _read(category: str) -> tuple[str, ...]:
    """A shipped corpus, read once per process: the probe asks for the corpora once per attacked string."""
    source = resources.files(_PACKAGE) / "payloads" / f"{category}.txt"
    return tuple(parse_wordlist(source.read_text(encoding="utf-8"), name=category))


def all_payloads() -> list[Payload]:
    """Every payload of every shipped corpus, corpus by corpus."""
    return [payload for category in categories() for payload in load_payloads(category)]


def parse_wordlist(text: str, *, name: str = "<wordlist>") -> list[str]:
    """The payloads of a wordlist's text (see the module docstring for the format)."""
    lines = text.splitlines()
    escaped = bool(lines) and lines[0].strip() == ESCAPED_FORMAT
    payloads: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line or line == "#" or line.startswith("# "):
            continue
        payloads.append(_unescape(line, name=name, line_number=number) if escaped else line)
    return payloads


def _unescape(line: str, *, name: str, line_number: int) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[escape]
        if len(escape) > 1 and escape[0] in "xuU":
            return chr(int(escape[1:], 16))
        shown = f"\\{escape}" if escape else "a lone backslash at the end of the line"
        raise CorpusError(f"{name}, line {line_number}: unknown escape {shown}; write a backslash as \\\\")

    return _ESCAPE.sub(replace, line)


def stratified_sample(payloads: Iterable[Payload], per_category: int, *, seed: int = 0) -> list[Payload]:
    """Up to `per_category` payloads of each corpus, chosen reproducibly by `seed`; 0 or less keeps them all."""
    chosen: list[Payload] = []
    by_category: dict[str, list[Payload]] = {}
    for payload in payloads:
        by_category.setdefault(payload.category, []).append(payload)
    generator = random.Random(seed)  # noqa: S311 - a reproducible choice of test inputs, not a secret
    for category in sorted(by_category):
        members: Sequence[Payload] = by_category[category]
        if 0 < per_category < len(members):
            members = generator.sample(members, per_category)
        chosen.extend(members)
    return chosen
