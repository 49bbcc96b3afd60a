"""Calling the manufacturing tools through an in-memory MCP client, and reading their results."""

from __future__ import annotations

from typing import Any

from mcp.types import CallToolResult

from sentia_server.tools import manufacturing, system, xero
from sentia_server.tools.registry import ToolRegistry


def registry() -> ToolRegistry:
    return ToolRegistry([system.group, xero.group, manufacturing.group])


def text(result: CallToolResult) -> str:
    return "".join(getattr(item, "text", "") for item in result.content)


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text(result)
    content = result.structured_content
    assert isinstance(content, dict)
    return content


def inspection(
    *,
    work_order: str = "WO-2026-0117",
    lot_number: str = "LOT-20261120-001",
    product_sku: str = "SEN-GIN-70",
    inspected_at: str = "2026-11-20T09:30:00Z",
    abv: list[float] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Arguments of quality-record-create for a gin lot: ABV 41.5 ± 0.2 % and fill 700 ± 5 ml."""
    return {
        "work_order": work_order,
        "lot_number": lot_number,
        "product_sku": product_sku,
        "inspector": "Amira Khan",
        "inspected_at": inspected_at,
        "measurements": [
            {
                "characteristic": "alcohol by volume",
                "nominal": 41.5,
                "tolerance": 0.2,
                "unit": "% ABV",
                "values": abv or [41.4, 41.6],
            },
            {"characteristic": "fill volume", "nominal": "700", "tolerance": "5", "unit": "ml", "values": [698, 703]},
        ],
        **extra,
    }
