"""The part of Xero's `where` filter language the simulator understands, evaluated against stored records.

Supported: comparisons `Field.Path <op> literal` with ==, !=, >=, <=, >, <; literals "strings" (with \\" and
\\\\ escapes), numbers, true/false, `DateTime(y, m, d)` and `Guid("...")`; AND, OR and parentheses. Anything
else (method calls such as `.Contains(...)`, `null`, fields an endpoint does not list) raises `NotSupported`, which
the routes answer with a loud 501: a filter the simulator silently ignored would make tests pass wrongly.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Record = dict[str, Any]
Predicate = Callable[[Record], bool]


class NotSupported(Exception):
    """A filter outside the subset the simulator implements."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\()|(?P<close>\))
      | (?P<op>==|!=|>=|<=|>|<)
      | (?P<datetime>DateTime\(\s*(?P<y>\d{4})\s*,\s*(?P<m>\d{1,2})\s*,\s*(?P<d>\d{1,2})\s*\))
      | (?P<guid>Guid\(\s*"(?P<guid_value>[^"]*)"\s*\))
      | (?P<string>"(?P<string_value>(?:[^"\\]|\\.)*)")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    value: Any


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise NotSupported(f"cannot read the where filter at {text[position:]!r}")
        position = found.end()
        kind = found.lastgroup
        if found["datetime"]:
            tokens.append(Token("literal", date(int(found["y"]), int(found["m"]), int(found["d"]))))
        elif found["guid"]:
            try:
                tokens.append(Token("literal", uuid.UUID(found["guid_value"])))
            except ValueError:
                raise NotSupported(f"not a GUID: {found['guid_value']!r}") from None
        elif found["string"] is not None:
            tokens.append(Token("literal", re.sub(r"\\(.)", r"\1", found["string_value"])))
        elif found["number"]:
            tokens.append(Token("literal", Decimal(found["number"])))
        elif found["word"]:
            word = found["word"]
            upper = word.upper()
            if upper in ("AND", "OR"):
                tokens.append(Token(upper, upper))
            elif upper in ("TRUE", "FALSE"):
                tokens.append(Token("literal", upper == "TRUE"))
            else:
                tokens.append(Token("field", word))
        elif kind in ("open", "close", "op"):
            tokens.append(Token(kind, found[kind]))
    return tokens


def resolve(record: Record, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _comparable(stored: Any, literal: Any) -> tuple[Any, Any] | None:
    """Both sides in one type, or None when they cannot be compared."""
    if stored is None:
        return None
    if isinstance(literal, bool):
        return (stored, literal) if isinstance(stored, bool) else None
    if isinstance(literal, date):
        if isinstance(stored, datetime):
            return stored.date(), literal
        return (stored, literal) if isinstance(stored, date) else None
    if isinstance(literal, uuid.UUID):
        return str(stored).lower(), str(literal)
    if isinstance(literal, Decimal):
        try:
            return Decimal(str(stored)), literal
        except InvalidOperation:
            return None
    return str(stored), literal


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


class _Parser:
    def __init__(self, tokens: list[Token], fields: Collection[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.fields = {field.lower(): field for field in fields}

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str) -> Token:
        token = self.peek()
        if token is None or token.kind != kind:
            found = "the end" if token is None else repr(token.value)
            raise NotSupported(f"expected {kind} in the where filter, found {found}")
        self.position += 1
        return token

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        if self.peek() is not None:
            raise NotSupported(f"unexpected {self.peek()!r} in the where filter")
        return predicate

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.position += 1
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda record: any(part(record) for part in parts))

    def conjunction(self) -> Predicate:
        parts = [self.atom()]
        while (token := self.peek()) is not None and token.kind == "AND":
            self.position += 1
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else (lambda record: all(part(record) for part in parts))

    def atom(self) -> Predicate:
        token = self.peek()
        if token is not None and token.kind == "open":
            self.position += 1
            inner = self.disjunction()
            self.take("close")
            return inner
        field = self.take("field").value
        path = self.fields.get(field.lower())
        if path is None:
            raise NotSupported(f"filtering on {field} is not implemented by the simulator")
        operator = self.take("op").value
        literal = self.take("literal").value
        compare = _COMPARE[operator]

        def predicate(record: Record) -> bool:
            pair = _comparable(resolve(record, path), literal)
            if pair is None:
                return bool(operator == "!=")
            return bool(compare(*pair))

        return predicate


def compile_where(text: str | None, fields: Collection[str]) -> Predicate:
    """A predicate for `text` over records, allowing only `fields` (dotted paths, case-insensitive)."""
    if text is None or not text.strip():
        return lambda record: True
    return _Parser(tokenize(text), fields).parse()


def compile_order(text: str | None, fields: Collection[str]) -> list[tuple[str, bool]]:
    """`order=Date DESC, InvoiceNumber` as (field path, descending) pairs, allowing only `fields`."""
    if text is None or not text.strip():
        return []
    known = {field.lower(): field for field in fields}
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
            raise NotSupported(f"cannot read the order {part.strip()!r}")
        path = known.get(words[0].lower())
        if path is None:
            raise NotSupported(f"ordering by {words[0]} is not implemented by the simulator")
        keys.append((path, len(words) == 2 and words[1].upper() == "DESC"))
    return keys


def sort_records(records: list[Record], keys: list[tuple[str, bool]]) -> list[Record]:
    """Stable sort by each key, last key first; missing values sort first."""
    ordered = list(records)
    for path, descending in reversed(keys):
        ordered.sort(key=lambda record: _sort_key(resolve(record, path)), reverse=descending)
    return ordered


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, datetime):
        return (1, value.timestamp())
    if isinstance(value, date):
        return (1, value.toordinal())
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float | Decimal):
        return (1, Decimal(str(value)))
    return (2, str(value).casefold())
