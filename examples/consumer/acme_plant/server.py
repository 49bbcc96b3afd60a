"""The plant's MCP server: stock on hand and a quote for an order, for an assistant to call."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from acme_plant.orders import OrderRejected, take_order

STOCK = {"ACME-BOLT-M8": 1200, "ACME-NUT-M8": 950, "ACME-GEAR-40": 36}
PRICES = {"ACME-BOLT-M8": "0.18", "ACME-NUT-M8": "0.07", "ACME-GEAR-40": "14.50"}

server = MCPServer("acme-plant")

Sku = Annotated[
    str, Field(description="A SKU such as ACME-BOLT-M8.", pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=40)
]


@server.tool(
    description="Units on hand for a SKU (0 for a SKU the plant does not stock).",
    annotations=ToolAnnotations(read_only_hint=True, destructive_hint=False),
)
def stock_level(sku: Sku) -> int:
    return STOCK.get(sku, 0)


@server.tool(
    description="Price an order of one stocked SKU without placing it.",
    annotations=ToolAnnotations(read_only_hint=True, destructive_hint=False),
)
def quote_order(
    customer: Annotated[str, Field(description="The customer's name.", min_length=1, max_length=200)],
    sku: Sku,
    quantity: Annotated[int, Field(description="Units wanted; 1 to 100,000.", ge=1, le=100_000)],
) -> dict[str, Any]:
    if sku not in PRICES:
        raise ToolError(f"{sku} is not a stocked SKU; stocked: {', '.join(sorted(PRICES))}")
    try:
        return take_order(
            customer,
            [{"sku": sku, "quantity": quantity, "unit_price": {"amount": PRICES[sku], "currency": "GBP"}}],
            placed=date.today(),
        )
    except OrderRejected as error:
        raise ToolError(str(error)) from None
