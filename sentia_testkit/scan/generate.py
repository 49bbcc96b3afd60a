"""Arguments for a tool from its input schema: valid ones, and ones that break the schema in one way or another.

Generation is schemathesis's (4.x): each tool's input schema becomes the JSON request body of one OpenAPI
operation, and its positive and negative modes draw bodies from it (hypothesis-jsonschema no longer works with
current hypothesis). Every drawn value is checked again with `jsonschema`, so a "valid" case is valid and a
"violating" case violates; non-object bodies are dropped, since MCP arguments are always an object. Runs are
derandomized: the same schema gives the same cases.

Now and then, in a long-running process, replaying a choice sequence ends differently from its first run (some of
schemathesis's strategies keep caches between draws, a likely cause), and hypothesis stops with `Flaky`
("Inconsistent results from replaying a test case"). That says nothing about the schema: generation is tried
again, a bounded number of times.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Flaky
from jsonschema import Draft202012Validator

_PATH = "/tool"
GENERATION_ATTEMPTS = 3
"""How many times generation runs when hypothesis finds schemathesis's draws inconsistent between replays."""


class GenerationError(Exception):
    """The schema could not be turned into cases; the message says why."""


def _openapi_document(schema: Mapping[str, Any]) -> dict[str, Any]:
    """One POST operation whose body is `schema`; local `$defs`/`definitions` move to `components/schemas`."""
    schema = dict(schema)
    components: dict[str, Any] = {}
    for key in ("$defs", "definitions"):
        components.update(schema.pop(key, None) or {})
    body = _rewrite_refs(schema)
    return {
        "openapi": "3.1.0",
        "info": {"title": "tool", "version": "1"},
        "paths": {
            _PATH: {
                "post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {name: _rewrite_refs(value) for name, value in components.items()}},
    }


def _rewrite_refs(value: Any) -> Any:
    if isinstance(value, Mapping):
        rewritten = {key: _rewrite_refs(item) for key, item in value.items()}
        reference = rewritten.get("$ref")
        if isinstance(reference, str):
            for prefix in ("#/$defs/", "#/definitions/"):
                if reference.startswith(prefix):
                    rewritten["$ref"] = "#/components/schemas/" + reference.removeprefix(prefix)
        return rewritten
    if isinstance(value, list):
        return [_rewrite_refs(item) for item in value]
    return value


def generate_arguments(schema: Mapping[str, Any], *, valid: bool, max_examples: int) -> list[dict[str, Any]]:
    """Up to `max_examples` distinct argument objects that are valid (or, with `valid=False`, invalid) against the
    tool's input schema."""
    if max_examples <= 0:
        return []
    import schemathesis  # imported here: it is slow to load and only a scan needs it
    from schemathesis import GenerationMode

    validator = Draft202012Validator(dict(schema))
    mode = GenerationMode.POSITIVE if valid else GenerationMode.NEGATIVE
    try:
        operation = schemathesis.openapi.from_dict(_openapi_document(schema))[_PATH]["POST"]
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception as error:  # schemathesis raises its own errors for schemas it cannot read
        raise GenerationError(_reason(error)) from None
    try:
        for _ in range(GENERATION_ATTEMPTS - 1):
            with contextlib.suppress(Flaky):
                return _draw_cases(strategy, validator, valid=valid, max_examples=max_examples)
        return _draw_cases(strategy, validator, valid=valid, max_examples=max_examples)
    except Exception as error:  # hypothesis and schemathesis raise their own errors for unsatisfiable schemas
        raise GenerationError(_reason(error)) from None


def _draw_cases(
    strategy: Any, validator: Draft202012Validator, *, valid: bool, max_examples: int
) -> list[dict[str, Any]]:
    """One derandomized hypothesis run over `strategy`, keeping distinct bodies on the wanted side of the schema."""
    found: dict[str, dict[str, Any]] = {}

    @settings(
        max_examples=max_examples * 3,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(case: Any) -> None:
        body = case.body
        if len(found) >= max_examples or not isinstance(body, dict) or validator.is_valid(body) != valid:
            return
        found.setdefault(json.dumps(body, sort_keys=True), body)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        draw()
    return list(found.values())


def _reason(error: Exception) -> str:
    first = next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)
    return f"cannot generate arguments from the schema: {first}"
