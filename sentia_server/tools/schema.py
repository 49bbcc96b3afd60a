"""JSON Schemas as MCP clients read them best: every `$ref` replaced by its definition, no `$defs` left."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_DEFS_PREFIX = "#/$defs/"


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace each local `$ref` with the definition it points to. Recursive models cannot be inlined: refused."""
    definitions: dict[str, Any] = schema.get("$defs", {})

    def resolve(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith(_DEFS_PREFIX):
            name = reference.removeprefix(_DEFS_PREFIX)
            if name in seen:
                raise ValueError(f"schema definition {name!r} is recursive and cannot be inlined")
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            return {**resolve(definitions[name], (*seen, name)), **resolve(siblings, seen)}
        return {key: resolve(value, seen) for key, value in node.items() if key != "$defs"}

    resolved: dict[str, Any] = resolve(schema, ())
    return resolved


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    return inline_refs(model.model_json_schema())
