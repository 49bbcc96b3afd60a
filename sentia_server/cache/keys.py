"""Cache keys: the tool, the tenant and the canonical form of the arguments, so equal calls share an entry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

KEY_VERSION = "v1"


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no whitespace, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def tool_cache_key(tool: str, tenant: str, arguments: Mapping[str, Any]) -> str:
    """`tool:v1:<tenant>:<tool>:<sha256 of the canonical arguments>`; tenants never share an entry."""
    digest = hashlib.sha256(canonical_json(dict(arguments)).encode()).hexdigest()
    return f"tool:{KEY_VERSION}:{tenant}:{tool}:{digest}"


def tool_result_key(tool: str, tenant: str, arguments: Mapping[str, Any], generation: str, output: str) -> str:
    """The key of a read tool's cached result: its validated arguments under the tenant's write generation of the
    tool's vendor, so that a write through that vendor makes every earlier entry unreachable, and the fingerprint
    of its output schema (`output`), so that an entry stored by another version of the tool is never read."""
    return tool_cache_key(tool, tenant, {"arguments": dict(arguments), "generation": generation, "output": output})
