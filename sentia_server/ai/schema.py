"""The JSON schema a model answers in, and what to tell it when its answer does not follow it.

OpenAI's strict Structured Outputs accept a subset of JSON Schema: every object lists all its properties as
required and forbids others, and some keywords are not supported
(https://platform.openai.com/docs/guides/structured-outputs#supported-schemas). The schema sent is therefore the
pydantic model's schema in that subset; the model itself, with every constraint (lengths included), validates the
answer, so a constraint the vendor does not enforce still cannot slip through.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from sentia_server.tools.schema import inline_refs

DROPPED = frozenset({"title", "default", "examples", "minLength", "maxLength", "format", "pattern"})
NAMED_CHILDREN = frozenset({"properties"})
MAX_PROBLEMS = 5


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema, definitions inlined (every vendor reads those), in the subset strict structured
    outputs accept."""
    converted: dict[str, Any] = _strict(inline_refs(model.model_json_schema()))
    return converted


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED:
            continue
        if key in NAMED_CHILDREN and isinstance(value, dict):
            converted[key] = {name: _strict(child) for name, child in value.items()}
        else:
            converted[key] = _strict(value)
    if converted.get("type") == "object":
        converted["additionalProperties"] = False
        converted["required"] = list(converted.get("properties", {}))
    return converted


def describe_violation(error: ValidationError) -> str:
    """What was wrong with an answer, field by field, short enough to send back to the model and to a caller."""
    details = error.errors(include_url=False, include_input=False)
    problems = []
    for detail in details[:MAX_PROBLEMS]:
        location = ".".join(str(part) for part in detail["loc"]) or "(the whole answer)"
        problems.append(f"{location}: {detail['msg']}")
    more = len(details) - MAX_PROBLEMS
    if more > 0:
        problems.append(f"and {more} more")
    return "; ".join(problems)
