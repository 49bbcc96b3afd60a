"""The MCP server, scanned by the testkit (schema, generated valid and invalid calls, hostile input) and called."""

from __future__ import annotations

import pytest
from sentia_testkit.matchers import IsManufacturingOrder, IsMoney
from sentia_testkit.scan import ScanOptions, scan_cases

from acme_plant.server import server


@pytest.mark.parametrize("result", scan_cases(server, ScanOptions(max_examples=5)))
def test_every_tool_passes_the_scan(result):
    result.raise_for_findings()


@pytest.mark.anyio
async def test_a_quote_is_a_valid_order(mcp_client_factory):
    async with mcp_client_factory(server) as client:
        quote = await client.call_tool("quote_order", {"customer": "Acme Retail", "sku": "ACME-GEAR-40", "quantity": 4})
        stock = await client.call_tool("stock_level", {"sku": "ACME-GEAR-40"})
        unknown = await client.call_tool("quote_order", {"customer": "Acme Retail", "sku": "ACME-X", "quantity": 1})
    assert quote.structured_content == IsManufacturingOrder(total=IsMoney("58", currency="GBP"))
    assert stock.structured_content == {"result": 36}
    assert unknown.is_error
    assert "ACME-X is not a stocked SKU" in unknown.content[0].text


@pytest.mark.anyio
async def test_a_quote_the_intake_refuses_is_a_tool_error(mcp_client_factory):
    async with mcp_client_factory(server) as client:
        refused = await client.call_tool("quote_order", {"customer": " ", "sku": "ACME-GEAR-40", "quantity": 1})
    assert refused.is_error
    assert "an order needs a customer" in refused.content[0].text
