"""Sample values valid against JSON schemas, the free-text slots of a schema, and values placed at a slot."""

from __future__ import annotations

import jsonschema
import pytest

from sentia_testkit.security.schemas import SchemaError, sample_value, string_slots, with_value_at

FORMATS = {
    "type": "object",
    "required": ["day", "at", "mail", "site", "id", "host"],
    "properties": {
        "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "format": "date-time"},
        "mail": {"type": "string", "format": "email"},
        "site": {"type": "string", "format": "uri"},
        "id": {"type": "string", "format": "uuid"},
        "host": {"type": "string", "format": "hostname"},
    },
}


@pytest.mark.parametrize(
    "schema",
    [
        FORMATS,
        {"type": "string", "minLength": 20, "maxLength": 25},
        {"type": "string", "maxLength": 3},
        {"type": "string", "pattern": "^[A-Z0-9]+(?:-[A-Z0-9]+)*$"},
        {"type": "string", "pattern": "^WO-[0-9]{4}-[0-9]{3}$", "maxLength": 11},
        {"type": "string", "examples": ["LOT-7"], "pattern": "^LOT-[0-9]$"},
        {"type": "string", "pattern": "^(x|yy)z+?\\d\\s\\w\\S\\D\\W.[^a-z]$"},
        {"type": "string", "pattern": "^[\\d][\\s][\\w][\\S]q{2,}$"},
        {"type": "string", "pattern": "^[a-z][a-z0-9+.-]*://\\S+$"},
        {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3},
        {"type": "string", "pattern": "^[_a-z]{2}[^\\d\\s]$", "maxLength": 3},
        {},
        {"type": "array", "items": {"type": "integer"}, "minItems": 2, "uniqueItems": True, "maxItems": 2},
        {"type": "array", "items": {"type": "string"}, "minItems": 3, "uniqueItems": True},
        {"type": "array", "items": {"type": "boolean"}, "minItems": 1, "uniqueItems": True},
        {"type": "integer", "minimum": 14, "maximum": 365},
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "number", "maximum": -5},
        {"type": "integer", "exclusiveMaximum": 0},
        {"type": "boolean"},
        {"type": "null"},
        {"enum": [None, "b", "c"]},
        {"const": "fixed"},
        {"type": ["null", "integer"], "minimum": 3},
        {"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}]},
        {"type": "array", "items": {"enum": ["x", "y", "z"]}, "minItems": 2, "uniqueItems": True},
        {"type": "array", "items": {"type": "string"}, "minItems": 2},
        {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 2},
        {"items": {"type": "string"}, "minItems": 1},
        {"properties": {"a": {"type": "string"}}, "required": ["a"]},
        {
            "$defs": {"Sku": {"type": "string", "pattern": "^S[0-9]{3}$"}},
            "type": "object",
            "required": ["sku"],
            "properties": {"sku": {"$ref": "#/$defs/Sku"}},
        },
    ],
)
def test_samples_are_valid(schema):
    value = sample_value(schema)
    jsonschema.validate(value, schema, format_checker=jsonschema.FormatChecker())


def test_samples_are_readable_and_deterministic():
    assert sample_value(FORMATS) == {
        "day": "2026-01-15",
        "at": "2026-01-15T10:00:00Z",
        "mail": "probe@example.com",
        "site": "https://example.com/",
        "id": "6f1b9f5e-3c2d-4b8a-9e7f-5a4c3b2d1e0f",
        "host": "example.com",
    }
    assert sample_value({"type": "object", "properties": {"optional": {"type": "string"}}}) == {}


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "string", "pattern": "^[a-z]{10}$", "maxLength": 3}, "no string matching"),
        ({"type": "string", "minLength": 5, "maxLength": 2}, "no string of length 5..2 fits"),
        ({"$ref": "https://example.com/schema.json"}, "only local references are followed"),
        ({"type": "string", "pattern": "^[a-"}, "is not a regular expression: unterminated character set"),
        ({"type": "string", "pattern": "^(?=x)y+$"}, "no string matching"),
        ({"type": "string", "pattern": "^(a)\\1b$"}, "no string matching"),
        ({"type": "string", "pattern": "^[^aA1_-]{2}$"}, "no string matching"),
        ({"type": "string", "pattern": "^(?:(?=x)y|z)$"}, "no string matching"),
        ({"type": "string", "pattern": "^((?=x)y)$"}, "no string matching"),
        ({"type": "string", "pattern": "^((?=x)y)+$"}, "no string matching"),
        ({"type": "string", "pattern": "^[^\\w\\d\\s-]$"}, "no string matching"),
        ({"type": "string", "pattern": "^[\\W]{3}$", "maxLength": 2}, "no string matching"),
        ({"$ref": "#/$defs/Loop", "$defs": {"Loop": {"$ref": "#/$defs/Loop"}}}, "only local references"),
    ],
)
def test_unsatisfiable_schemas_are_named(schema, message):
    with pytest.raises(SchemaError, match=message):
        sample_value(schema)


def test_too_deep_a_schema_is_refused():
    schema: dict = {"type": "string"}
    for _ in range(8):
        schema = {"type": "object", "required": ["x"], "properties": {"x": schema}}
    with pytest.raises(SchemaError, match="nests deeper"):
        sample_value(schema)
    assert list(string_slots(schema)) == []


TOOL = {
    "type": "object",
    "required": ["action", "lines"],
    "properties": {
        "action": {"enum": ["create", "delete"]},
        "note": {"anyOf": [{"type": "string", "maxLength": 50}, {"type": "null"}]},
        "kind": {"const": "invoice"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "count": {"type": "integer"},
        "lines": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["sku"],
                "properties": {"sku": {"type": "string"}, "text": {"type": "string"}},
            },
        },
        "contact": {
            "anyOf": [
                {"type": "null"},
                {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            ]
        },
    },
}


def test_free_text_slots_skip_enums_consts_and_numbers():
    assert list(string_slots(TOOL)) == [
        ("note",),
        ("tags", 0),
        ("lines", 0, "sku"),
        ("lines", 0, "text"),
        ("contact", "name"),
    ]


def test_a_value_is_placed_at_a_slot_with_everything_else_valid():
    base = sample_value(TOOL)
    assert base == {"action": "create", "lines": [{"sku": "sample"}]}
    assert with_value_at(base, TOOL, ("lines", 0, "text"), "X") == {
        "action": "create",
        "lines": [{"sku": "sample", "text": "X"}],
    }
    assert with_value_at(base, TOOL, ("tags", 0), "X")["tags"] == ["X"]
    assert with_value_at(base, TOOL, ("contact", "name"), "X")["contact"] == {"name": "X"}
    assert with_value_at(base, TOOL, ("note",), "X")["note"] == "X"
    assert base == {"action": "create", "lines": [{"sku": "sample"}]}, "the base is not changed"
    assert with_value_at(None, TOOL, ("lines", 0, "sku"), "X") == {"action": "create", "lines": [{"sku": "X"}]}


def test_a_path_that_leaves_the_schema_is_refused():
    with pytest.raises(SchemaError, match="no array where the path continues with 0"):
        with_value_at({}, TOOL, ("count", 0), "X")
