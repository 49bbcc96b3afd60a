"""Walks a JSON value (tool arguments, a REST body) and reports each string that matches an attack pattern, with
where it was found. The value itself is never reported, and an object key is named only when it is a plain name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sentia_server.security.threats.patterns import Match, scan

MAX_STRINGS = 5_000
"""Strings inspected per value; a larger value is inspected up to this many strings."""
MAX_STRING_LENGTH = 65_536
"""Characters inspected per string (the limits keep inspection cheap; it only ever reports, never blocks)."""
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_LOCATION = 200


@dataclass(frozen=True, slots=True)
class Finding:
    match: Match
    location: str
    """Where the string was, e.g. `arguments.notes` or `body.lines[2].description`."""
    value_length: int


def inspect(value: object, root: str) -> list[Finding]:
    """One finding per (location, pattern) among the strings and object keys of `value`."""
    findings: list[Finding] = []
    budget = [MAX_STRINGS]

    def check(text: str, location: str) -> None:
        budget[0] -= 1
        for match in scan(text[:MAX_STRING_LENGTH]):
            findings.append(Finding(match, location[:_MAX_LOCATION], len(text)))

    def walk(node: object, location: str) -> None:
        if budget[0] <= 0:
            return
        if isinstance(node, str):
            check(node, location)
        elif isinstance(node, dict):
            for key, item in node.items():
                name = str(key)
                plain = bool(_PLAIN_KEY.match(name))
                child = f"{location}.{name}" if plain else f"{location}[?]"
                if not plain:
                    check(name, f"{location}[key]")
                walk(item, child)
        elif isinstance(node, list | tuple):
            for index, item in enumerate(node):
                walk(item, f"{location}[{index}]")

    walk(value, root)
    return findings
