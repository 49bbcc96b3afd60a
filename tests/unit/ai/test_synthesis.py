"""The simulators' deterministic stand-ins: values built from JSON schemas, token counts by the documented rule,
unit-length embeddings."""

from __future__ import annotations

import base64
import math
import struct

import jsonschema
import pytest

from sentia_testkit.simulators.openai.synthesis import (
    SIMULATED,
    count_tokens,
    digest,
    embedding,
    embedding_base64,
    prompt_tokens,
    simulated_reply,
    synthesize,
)

SCHEMAS = [
    {"type": "object", "properties": {"n": {"type": "integer", "exclusiveMinimum": 4, "maximum": 9}}},
    {"type": "object", "properties": {"n": {"type": "number", "exclusiveMaximum": -2}}},
    {"type": "object", "properties": {"n": {"type": "integer", "minimum": 2.5}}},
    {"type": "array", "items": {"type": "boolean"}, "minItems": 3, "maxItems": 4},
    {"type": "array", "items": {"type": "boolean"}, "maxItems": 0},
    {"type": "array"},
    {"type": ["null", "string"], "minLength": 60},
    {"type": "string", "maxLength": 5},
    {"type": "string", "format": "date"},
    {"type": "string", "format": "date-time"},
    {"const": "fixed"},
    {"oneOf": [{"type": "null"}, {"type": "integer"}]},
    {"anyOf": [{"type": "null"}]},
    {"type": "null"},
    {
        "allOf": [{"$ref": "#/$defs/base"}, {"properties": {"extra": {"type": "boolean"}}}],
        "$defs": {"base": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}},
    },
    {"properties": {"a~b/c": {"type": "integer"}}, "$defs": {}},
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_the_value_satisfies_its_schema(schema):
    value = synthesize(schema, seed="abc123")
    jsonschema.validate(value, schema)
    assert synthesize(schema, seed="abc123") == value


def test_strings_say_they_are_simulated_and_name_the_field():
    value = synthesize({"type": "object", "properties": {"title": {"type": "string"}}}, seed="f00d")
    assert value == {"title": f"{SIMULATED} answer.title (f00d)"}
    described = synthesize({"type": "string", "description": "The headline."}, seed="f00d")
    assert described == f"{SIMULATED} The headline (f00d)"


def test_references_are_followed_and_recursion_ends():
    schema = {
        "$ref": "#/$defs/node",
        "$defs": {
            "node": {"type": "object", "properties": {"child": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}}}
        },
    }
    value = synthesize(schema, seed="s")
    depth = 0
    while isinstance(value, dict):
        value, depth = value["child"], depth + 1
    assert value is None and depth > 3


def test_the_token_rule():
    assert (count_tokens(""), count_tokens("abcd"), count_tokens("abcde")) == (0, 1, 2)
    assert prompt_tokens(["abcd", "ab"]) == (1 + 3) + (1 + 3) + 3
    assert prompt_tokens(["abcd"], {"k": 1}) == 1 + 3 + 3 + count_tokens('{"k": 1}')


def test_replies_and_digests_are_stable():
    assert digest({"b": 1, "a": 2}) == digest({"a": 2, "b": 1})
    assert simulated_reply("  Sell   more gin  ", "x1") == f"{SIMULATED} Reply x1 to: Sell more gin"


def test_embeddings_are_unit_vectors_and_survive_base64():
    vector = embedding("Sentia Gold", 40)
    assert len(vector) == 40 and math.isclose(sum(v * v for v in vector), 1.0, rel_tol=1e-12)
    assert embedding("Sentia Gold", 40) == vector != embedding("Sentia Red", 40)
    raw = base64.b64decode(embedding_base64(vector))
    assert list(struct.unpack("<40f", raw)) == pytest.approx(vector, rel=1e-6)
