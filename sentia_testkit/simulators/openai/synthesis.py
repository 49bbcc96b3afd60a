"""Deterministic stand-ins for what a model writes, shared by the OpenAI and Anthropic simulators.

- Token counts: `count_tokens(text)` is ceil(characters / 4), the vendors' own rule of thumb for English. A prompt
  counts each message's text plus 3 tokens per message and 3 for the reply, plus the JSON of any schema or tools.
- Answers: derived from the request alone, so the same request always gets the same answer. A JSON-schema answer
  is built from the schema itself: the first enum value, the minimum of a number, `minItems` items (at least one),
  and for strings a text that says it is simulated and names the field and a digest of the request.
- Embeddings: unit vectors expanded from the SHA-256 of the input.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import struct
from typing import Any

SIMULATED = "[simulated]"
MAX_DEPTH = 12
"""Deeper (recursive) schemas end in null: a stand-in never loops."""


def digest(value: Any) -> str:
    """A short, stable fingerprint of a JSON value."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def count_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def prompt_tokens(texts: list[str], extra: Any = None) -> int:
    """Tokens of a prompt made of `texts` (one per message), plus `extra` (a schema or tools) as JSON."""
    tokens = sum(count_tokens(text) + 3 for text in texts) + 3
    if extra is not None:
        tokens += count_tokens(json.dumps(extra, sort_keys=True))
    return tokens


def simulated_reply(last_user_text: str, seed: str) -> str:
    """A plain-text answer: clearly simulated, quoting the start of the question."""
    quoted = " ".join(last_user_text.split())[:80]
    return f"{SIMULATED} Reply {seed} to: {quoted}"


def synthesize(schema: dict[str, Any], *, seed: str) -> Any:
    """A value that satisfies `schema` (types, enums, const, required properties, array and number bounds,
    string lengths; not patterns), the same for the same schema and seed."""
    return _value(schema, schema, "answer", seed, 0)


def _resolve(root: dict[str, Any], reference: str) -> dict[str, Any]:
    node: Any = root
    for part in reference.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    resolved: dict[str, Any] = node
    return resolved


def _value(node: dict[str, Any], root: dict[str, Any], path: str, seed: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return None
    if "$ref" in node:
        return _value(_resolve(root, node["$ref"]), root, path, seed, depth + 1)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [option for option in node[key] if option.get("type") != "null"] or node[key]
            return _value(options[0], root, path, seed, depth + 1)
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            for key, value in (_resolve(root, part["$ref"]) if "$ref" in part else part).items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged[key] = value
        return _value(merged, root, path, seed, depth + 1)
    kind = node.get("type", "object" if "properties" in node else "string")
    if isinstance(kind, list):
        kind = next((option for option in kind if option != "null"), "null")
    if kind == "object":
        properties: dict[str, Any] = node.get("properties", {})
        return {name: _value(child, root, f"{path}.{name}", seed, depth + 1) for name, child in properties.items()}
    if kind == "array":
        count = max(int(node.get("minItems", 1)), 1)
        if "maxItems" in node:
            count = min(count, int(node["maxItems"]))
        item = node.get("items", {"type": "string"})
        return [_value(item, root, f"{path}[{index}]", seed, depth + 1) for index in range(count)]
    if kind in ("integer", "number"):
        return _number(node, kind == "integer")
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return _string(node, path, seed)


def _number(node: dict[str, Any], integer: bool) -> int | float:
    value: float = 0
    if "minimum" in node:
        value = node["minimum"]
    elif "exclusiveMinimum" in node:
        value = node["exclusiveMinimum"] + 1
    if "maximum" in node:
        value = min(value, node["maximum"])
    elif "exclusiveMaximum" in node:
        value = min(value, node["exclusiveMaximum"] - 1)
    return math.ceil(value) if integer else float(value)


def _string(node: dict[str, Any], path: str, seed: str) -> str:
    if node.get("format") == "date":
        return "2026-01-01"
    if node.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    about = str(node.get("description") or path).strip().rstrip(".")
    text = f"{SIMULATED} {about} ({seed})"
    minimum, maximum = int(node.get("minLength", 0)), node.get("maxLength")
    if len(text) < minimum:
        text = text + "." * (minimum - len(text))
    if maximum is not None:
        text = text[: int(maximum)]
    return text


def embedding(text: str, dimensions: int) -> list[float]:
    """A unit vector of `dimensions` numbers derived from `text` alone."""
    raw: list[float] = []
    counter = 0
    while len(raw) < dimensions:
        block = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        raw.extend((byte - 127.5) / 127.5 for byte in block)
        counter += 1
    vector = raw[:dimensions]
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


def embedding_base64(vector: list[float]) -> str:
    """The vector as OpenAI's `encoding_format: base64` sends it: little-endian float32, base64."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
