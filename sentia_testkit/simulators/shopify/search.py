"""The subset of Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax) that the server sends:
space-separated terms joined by AND, each `field:value` with an optional comparator (`:>`, `:>=`, `:<`, `:<=`),
an optional leading `-` to negate it, values quoted with "..." or '...' (backslash escapes), and bare words that
search each resource's default fields. A field the simulator does not know is refused loudly, never ignored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sentia_testkit.simulators.shopify.records import Record, parse_timestamp

COMPARATORS = (">=", "<=", ">", "<")


class SearchSyntaxError(ValueError):
    """A query the simulator cannot evaluate; the message says which term and why."""


@dataclass(frozen=True)
class Term:
    field: str | None
    comparator: str
    value: str
    negated: bool = False


def parse(query: str | None) -> list[Term]:
    if not query:
        return []
    terms: list[Term] = []
    for token in _tokens(query):
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        if body.upper() in ("AND", "OR", "NOT"):
            if body.upper() == "AND":
                continue
            raise SearchSyntaxError(f"the {body.upper()} connective is not implemented by the simulator")
        field, value = _split_field(body)
        comparator = ":"
        if field is not None:
            for candidate in COMPARATORS:
                if value.startswith(candidate):
                    comparator, value = candidate, value[len(candidate) :]
                    break
        terms.append(Term(field, comparator, _unquote(value), negated))
    return terms


def _tokens(query: str) -> list[str]:
    tokens: list[str] = []
    current: list[str] = []
    quote: str | None = None
    escaped = False
    for char in query:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote:
            current.append(char)
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
            current.append(char)
        elif char.isspace():
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if quote:
        raise SearchSyntaxError(f"unterminated quoted value in query {query!r}")
    if current:
        tokens.append("".join(current))
    return tokens


def _split_field(token: str) -> tuple[str | None, str]:
    """`field:value` → (field, value); a bare word (or a quoted phrase) → (None, word)."""
    if token[:1] in "\"'":
        return None, token
    head, separator, rest = token.partition(":")
    if separator and head and all(ch.isalnum() or ch == "_" for ch in head):
        return head, rest
    return None, token


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        out.append(next(chars, "") if char == "\\" else char)
    return "".join(out)


# Evaluation

Extractor = Callable[[Record], Any]


@dataclass(frozen=True)
class FieldSpec:
    extract: Extractor
    kind: str  # text | exact | list | time | number


def matches(
    record: Record, terms: list[Term], fields: dict[str, FieldSpec], defaults: list[Extractor], tz: Any
) -> bool:
    return all(_matches_term(record, term, fields, defaults, tz) != term.negated for term in terms)


def _matches_term(record: Record, term: Term, fields: dict[str, FieldSpec], defaults: list[Extractor], tz: Any) -> bool:
    if term.field is None:
        needle = term.value.lower()
        return any(needle in str(extract(record) or "").lower() for extract in defaults)
    spec = fields.get(term.field)
    if spec is None:
        raise SearchSyntaxError(
            f"search field {term.field!r} is not implemented by the simulator (known: {', '.join(sorted(fields))})"
        )
    value = spec.extract(record)
    if spec.kind == "time":
        return _compare_time(value, term, tz)
    if spec.kind == "number":
        return _compare_number(value, term)
    if term.comparator != ":":
        raise SearchSyntaxError(f"comparator {term.comparator!r} is not supported on {term.field!r}")
    if spec.kind == "list":
        return any(str(item).lower() == term.value.lower() for item in value or [])
    if spec.kind == "text":
        return term.value.lower() in str(value or "").lower()
    wanted = {part.strip().lower() for part in term.value.split(",")}
    return str(value or "").lower() in wanted


def _compare_number(value: Any, term: Term) -> bool:
    try:
        wanted = Decimal(term.value)
    except InvalidOperation:
        raise SearchSyntaxError(f"{term.field}: {term.value!r} is not a number") from None
    actual = Decimal(str(value or 0))
    return _apply(term.comparator, actual, wanted, wanted)


def _compare_time(value: Any, term: Term, tz: Any) -> bool:
    if value is None:
        return False
    actual = parse_timestamp(str(value))
    start, end = _instant_range(term.value, tz, term.field or "")
    return _apply(term.comparator, actual, start, end)


def _apply(comparator: str, actual: Any, start: Any, end: Any) -> bool:
    """`start`..`end` is the searched value as a half-open range (a date is a whole day in the shop's time zone)."""
    if comparator == ">":
        return bool(actual >= end) if start != end else bool(actual > start)
    if comparator == ">=":
        return bool(actual >= start)
    if comparator == "<":
        return bool(actual < start)
    if comparator == "<=":
        return bool(actual < end) if start != end else bool(actual <= start)
    return bool(start <= actual < end) if start != end else bool(actual == start)


def _instant_range(value: str, tz: Any, field: str) -> tuple[datetime, datetime]:
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime.combine(day, time(), tzinfo=tz)
            return start, start + timedelta(days=1)
        moment = parse_timestamp(value)
    except ValueError:
        raise SearchSyntaxError(f"{field}: {value!r} is not a date or an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment, moment
