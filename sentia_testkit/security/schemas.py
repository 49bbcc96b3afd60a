"""Valid sample values from a JSON schema, and the places in it where a string goes.

The probe needs arguments that pass validation everywhere except in the one string it is attacking, so that the
payload reaches the code behind the schema. Values are deterministic and readable (dates, e-mail addresses, URLs,
the first enum member, the smallest allowed number); a `pattern` is matched by a known sample when one fits and
otherwise by the shortest string the regular expression itself describes.
"""

from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Schema = Mapping[str, Any]
Path = tuple[str | int, ...]

_FORMAT_SAMPLES = {
    "date": "2026-01-15",
    "date-time": "2026-01-15T10:00:00Z",
    "time": "10:00:00",
    "email": "probe@example.com",
    "idn-email": "probe@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.10",
    "ipv6": "2001:db8::10",
    "uuid": "6f1b9f5e-3c2d-4b8a-9e7f-5a4c3b2d1e0f",
    "duration": "P1D",
}
_PATTERN_CANDIDATES = (
    "sample",
    "SAMPLE-1",
    "A1",
    "1",
    "6f1b9f5e-3c2d-4b8a-9e7f-5a4c3b2d1e0f",
    "2026-01-15",
    "probe@example.com",
    "https://example.com/",
)
MAX_DEPTH = 6
# The standard library's own regular-expression parser (public as `sre_parse` until Python 3.11).
_regex_parser: Any = importlib.import_module("re._parser")


class SchemaError(ValueError):
    """A schema the generator cannot satisfy; the message names the part."""


def resolve(schema: Schema, root: Schema) -> Schema:
    """`schema` with a local `$ref` (`#/$defs/...`, `#/definitions/...`) followed."""
    seen = 0
    while "$ref" in schema:
        reference = str(schema["$ref"])
        if not reference.startswith("#/") or seen > 20:
            raise SchemaError(f"only local references are followed, not {reference!r}")
        target: Any = root
        for part in reference[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema, seen = target, seen + 1
    return schema


def branches(schema: Schema, root: Schema) -> list[Schema]:
    """The alternatives of an `anyOf`/`oneOf` (null last), or the schema itself."""
    schema = resolve(schema, root)
    options = schema.get("anyOf") or schema.get("oneOf")
    if not options:
        return [schema]
    resolved = [resolve(option, root) for option in options]
    return sorted(resolved, key=lambda option: option.get("type") == "null")


def sample_value(schema: Schema, root: Schema | None = None, *, depth: int = 0) -> Any:
    """A value valid against `schema`: objects get their required properties only."""
    root = schema if root is None else root
    schema = branches(schema, root)[0]
    if depth > MAX_DEPTH:
        raise SchemaError("the schema nests deeper than the generator follows")
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        members = [member for member in schema["enum"] if member is not None] or schema["enum"]
        return members[0]
    kind = _type_of(schema)
    if kind == "string":
        return sample_string(schema)
    if kind in ("integer", "number"):
        return _sample_number(schema, integer=kind == "integer")
    if kind == "boolean":
        return bool(schema.get("default", False))
    if kind == "null":
        return None
    if kind == "array":
        return _sample_array(schema, root, depth)
    return _sample_object(schema, root, depth)


def _type_of(schema: Schema) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((option for option in kind if option != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def sample_string(schema: Schema) -> str:
    min_length = int(schema.get("minLength", 1))
    max_length = int(schema.get("maxLength", max(min_length, 64)))
    pattern = schema.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise SchemaError(f"the pattern {pattern!r} is not a regular expression: {error}") from None
    candidates = [_FORMAT_SAMPLES[schema["format"]]] if schema.get("format") in _FORMAT_SAMPLES else []
    candidates += [example for example in schema.get("examples", []) if isinstance(example, str)]
    candidates += [_fit("sample", min_length, max_length), *_PATTERN_CANDIDATES]

    def fits(value: str) -> bool:
        length_ok = min_length <= len(value) <= max_length
        return length_ok and (pattern is None or re.search(pattern, value) is not None)

    for candidate in candidates:
        if fits(candidate):
            return candidate
    if pattern is None:
        raise SchemaError(f"no string of length {min_length}..{max_length} fits")
    return _string_for_pattern(str(pattern), fits)


def _fit(text: str, min_length: int, max_length: int) -> str:
    text = text * (min_length // len(text) + 1) if len(text) < min_length else text
    return text[: max(max_length, min_length)]


def _string_for_pattern(pattern: str, fits: Callable[[str], bool]) -> str:
    """The shortest readable string of the pattern, else one with every repeat taken once more."""
    parsed = _regex_parser.parse(pattern)
    for extra in (0, 1, 8, 64):
        candidate = _render(parsed, extra)
        if candidate is not None and fits(candidate):
            return candidate
    raise SchemaError(f"no string matching {pattern!r} fits the schema's length limits")


_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "1",
    "CATEGORY_WORD": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_NOT_WORD": "-",
}


def _render(parsed: Any, extra: int) -> str | None:
    """One string the parsed pattern matches: first alternatives, smallest characters, repeats at their minimum
    plus `extra` (within their maximum); None for constructs this does not handle (lookarounds, back-references)."""
    out: list[str] = []
    for opcode, argument in parsed:
        name = str(opcode)
        if name == "LITERAL":
            out.append(chr(argument))
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            char = _class_member(argument)
            if char is None:
                return None
            out.append(char)
        elif name == "BRANCH":
            rendered = _render(argument[1][0], extra)
            if rendered is None:
                return None
            out.append(rendered)
        elif name == "SUBPATTERN":
            rendered = _render(argument[-1], extra)
            if rendered is None:
                return None
            out.append(rendered)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, item = argument
            count = min(low + extra, high) if high != _regex_parser.MAXREPEAT else low + extra
            rendered = _render(item, extra)
            if rendered is None:
                return None
            out.append(rendered * count)
        elif name != "AT":
            return None
    return "".join(out)


def _class_member(items: Any) -> str | None:
    negated = any(str(opcode) == "NEGATE" for opcode, _ in items)
    if negated:
        return next((char for char in "aA1-_" if re.fullmatch(_class_source(items), char)), None)
    for opcode, argument in items:
        name = str(opcode)
        if name == "LITERAL":
            return chr(argument)
        if name == "RANGE":
            return chr(argument[0])
        if name == "CATEGORY":
            return _CATEGORY_SAMPLES.get(str(argument))
    return None


def _class_source(items: Any) -> str:
    parts = []
    for opcode, argument in items:
        name = str(opcode)
        if name == "LITERAL":
            parts.append(re.escape(chr(argument)))
        elif name == "RANGE":
            parts.append(f"{re.escape(chr(argument[0]))}-{re.escape(chr(argument[1]))}")
        elif name == "CATEGORY":
            parts.append(
                {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}.get(str(argument), "")
            )
    return f"[^{''.join(parts)}]"


def _sample_number(schema: Schema, *, integer: bool) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    value: float = 1 if low is None else low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    if high is not None and value > high:
        value = high - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
    return int(value) if integer else float(value)


def _sample_array(schema: Schema, root: Schema, depth: int) -> list[Any]:
    count = int(schema.get("minItems", 0))
    items = schema.get("items", {})
    if count and schema.get("uniqueItems"):
        members = resolve(items, root).get("enum")
        if members:
            return list(members[:count])
    values = [sample_value(items, root, depth=depth + 1) for _ in range(count)]
    if schema.get("uniqueItems") and count > 1:
        values = [_distinct(value, index) for index, value in enumerate(values)]
    return values


def _distinct(value: Any, index: int) -> Any:
    """The index-th of several sample values made different from the others (numbers counted up, strings suffixed)."""
    if isinstance(value, bool) or not index:
        return value
    if isinstance(value, int | float):
        return value + index
    return f"{value}{index}" if isinstance(value, str) else value


def _sample_object(schema: Schema, root: Schema, depth: int) -> dict[str, Any]:
    properties: Mapping[str, Schema] = schema.get("properties", {})
    value = {name: sample_value(properties[name], root, depth=depth + 1) for name in schema.get("required", [])}
    extra = schema.get("additionalProperties")
    missing = int(schema.get("minProperties", 0)) - len(value)
    if missing > 0 and isinstance(extra, Mapping):
        for index in range(missing):
            value[f"key{index}"] = sample_value(extra, root, depth=depth + 1)
    return value


def string_slots(schema: Schema, root: Schema | None = None, *, prefix: Path = (), depth: int = 0) -> Iterator[Path]:
    """Every place in an object schema where free text can go (a string not limited to an `enum` or a `const`):
    properties, array items (index 0) and nested objects, each once, as a path of keys and indexes."""
    root = schema if root is None else root
    if depth > MAX_DEPTH:
        return
    for option in branches(schema, root):
        if "enum" in option or "const" in option:
            continue
        kind = _type_of(option)
        if kind == "string" and prefix:
            yield prefix
            return
        if kind == "array":
            yield from string_slots(option.get("items", {}), root, prefix=(*prefix, 0), depth=depth + 1)
            return
        if kind == "object" and "properties" in option:
            for name, child in option["properties"].items():
                yield from string_slots(child, root, prefix=(*prefix, name), depth=depth + 1)
            return


def with_value_at(base: Any, schema: Schema, path: Path, value: Any, root: Schema | None = None) -> Any:
    """A copy of `base` with `value` at `path`, building any container on the way from the schema's samples."""
    root = schema if root is None else root
    if not path:
        return value
    head, rest = path[0], path[1:]
    option = _container_branch(schema, root, head)
    if isinstance(head, int):
        items: list[Any] = copy.deepcopy(base) if isinstance(base, list) else []
        child = option.get("items", {})
        if not items:
            items.append(sample_value(child, root))
        items[head] = with_value_at(items[head], child, rest, value, root)
        return items
    mapping: dict[str, Any] = copy.deepcopy(base) if isinstance(base, dict) else sample_value(option, root)
    child = option.get("properties", {}).get(head, {})
    current = mapping[head] if head in mapping else (sample_value(child, root) if rest else None)
    mapping[head] = with_value_at(current, child, rest, value, root)
    return mapping


def _container_branch(schema: Schema, root: Schema, head: str | int) -> Schema:
    wanted = "array" if isinstance(head, int) else "object"
    for option in branches(schema, root):
        if _type_of(option) == wanted:
            return option
    raise SchemaError(f"the schema has no {wanted} where the path continues with {head!r}")
