"""Arguments drawn from a tool's input schema: valid ones validate, violating ones do not, and every case is an
object."""

from __future__ import annotations

import pytest
from hypothesis.errors import FlakyReplay
from jsonschema import Draft202012Validator

from sentia_testkit.scan import generate
from sentia_testkit.scan.generate import GENERATION_ATTEMPTS, GenerationError, generate_arguments

COUNT = {
    "type": "object",
    "properties": {
        "sku": {"type": "string", "minLength": 1, "maxLength": 20},
        "quantity": {"type": "integer", "minimum": 0, "maximum": 1000},
        "item": {"$ref": "#/$defs/Item"},
    },
    "required": ["sku", "quantity"],
    "additionalProperties": False,
    "$defs": {"Item": {"type": "object", "properties": {"kind": {"enum": ["x", "y"]}}, "required": ["kind"]}},
}


@pytest.mark.parametrize("valid", [True, False])
def test_cases_match_the_mode_and_are_distinct_objects(valid):
    cases = generate_arguments(COUNT, valid=valid, max_examples=6)
    validator = Draft202012Validator(COUNT)
    assert 3 <= len(cases) <= 6
    assert all(isinstance(case, dict) and validator.is_valid(case) == valid for case in cases)
    assert len({repr(sorted(case.items())) for case in cases}) == len(cases)


def test_local_references_are_followed():
    cases = generate_arguments(COUNT, valid=True, max_examples=10)
    assert any(case.get("item", {}).get("kind") in ("x", "y") for case in cases)


def test_the_same_schema_gives_the_same_cases():
    assert generate_arguments(COUNT, valid=False, max_examples=4) == generate_arguments(
        COUNT, valid=False, max_examples=4
    )


def test_no_examples_asked_none_drawn():
    assert generate_arguments(COUNT, valid=True, max_examples=0) == []


def test_a_schema_accepting_every_object_has_no_violating_case():
    assert generate_arguments({"type": "object"}, valid=False, max_examples=5) == []


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        ({"type": "object", "properties": {"n": {"type": "whole"}}}, "Invalid `type` definition"),
        (
            {
                "type": "object",
                "properties": {"s": {"type": "string", "minLength": 5, "maxLength": 2}},
                "required": ["s"],
            },
            "Cannot generate test data",
        ),
    ],
)
def test_unusable_schemas_raise_a_generation_error_naming_why(schema, reason):
    with pytest.raises(GenerationError, match="cannot generate arguments from the schema: ") as raised:
        generate_arguments(schema, valid=True, max_examples=3)
    assert reason in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_reference_outside_the_schema_is_a_generation_error():
    schema = {"type": "object", "properties": {"x": {"$ref": "other.json#/x"}}, "required": ["x"]}
    with pytest.raises(GenerationError, match="Unresolvable reference in the schema"):
        generate_arguments(schema, valid=True, max_examples=3)


def _flaky_for(monkeypatch, runs):
    """Make the first `runs` hypothesis runs stop as hypothesis does when a replay ends differently."""
    draw_cases = generate._draw_cases
    calls = []

    def flaky_then_real(*args, **kwargs):
        calls.append(1)
        if len(calls) <= runs:
            raise FlakyReplay("Inconsistent results from replaying a test case!\n  last: VALID\n  this: INVALID")
        return draw_cases(*args, **kwargs)

    monkeypatch.setattr(generate, "_draw_cases", flaky_then_real)
    return calls


def test_an_inconsistent_replay_is_drawn_again(monkeypatch):
    expected = generate_arguments(COUNT, valid=False, max_examples=4)
    calls = _flaky_for(monkeypatch, GENERATION_ATTEMPTS - 1)
    assert generate_arguments(COUNT, valid=False, max_examples=4) == expected
    assert len(calls) == GENERATION_ATTEMPTS


def test_replays_inconsistent_every_time_are_a_generation_error(monkeypatch):
    calls = _flaky_for(monkeypatch, GENERATION_ATTEMPTS)
    with pytest.raises(GenerationError, match="cannot generate arguments from the schema: Inconsistent results"):
        generate_arguments(COUNT, valid=True, max_examples=3)
    assert len(calls) == GENERATION_ATTEMPTS
