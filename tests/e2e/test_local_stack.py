"""`make run` is `sentia-testkit simulate -- sentia-server dev`: the server reaches every vendor through the local
simulators, offline."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from support.processes import SENTIA_SERVER, free_port, http_server

SENTIA_TESTKIT = str(Path(sys.executable).with_name("sentia-testkit"))

pytestmark = pytest.mark.anyio


async def test_the_local_stack_answers_vendor_tools_from_the_simulators(embedded_env, tmp_path: Path):
    simulators = free_port()
    command = [SENTIA_TESTKIT, "simulate", "--port", str(simulators), "--", SENTIA_SERVER, "dev"]
    with http_server(embedded_env, tmp_path, command=command) as server:
        log = server.log()
        key = re.search(r"Development API key \(admin\):\s+(\S+)", log)
        assert key, log
        async with (
            # The AI tools' answers take seconds under coverage on a busy machine: more than httpx's default 5 s.
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {key.group(1)}"}, timeout=60) as http,
            Client(streamable_http_client(server.mcp_url, http_client=http)) as client,
        ):
            status = await client.call_tool("system-status", {})
            inventory = await client.call_tool("amazon-get-inventory", {"marketplace": "uk"})
            orders = await client.call_tool("shopify-get-orders", {"shop": "all"})
            stock = await client.call_tool("unleashed-get-inventory", {})
            contacts = await client.call_tool("xero-get-contacts", {"tenant_id": await first_tenant(client), "page": 1})
            sales = await client.call_tool(
                "claude-analyze-sales-performance", {"shop": "uk", "date_from": "2026-03-01", "date_to": "2026-03-20"}
            )
            forecast = await client.call_tool(
                "openai-forecasting",
                {
                    "forecast_type": "demand_forecasting",
                    "series": [
                        {"date": f"{2025 + month // 12}-{month % 12 + 1:02d}-01", "value": str(100 + 5 * month)}
                        for month in range(12)
                    ],
                },
            )
    assert f"simulators at http://127.0.0.1:{simulators}/<vendor>" in log
    vendors = {vendor["name"]: vendor["configured"] for vendor in status.structured_content["vendors"]}
    assert vendors["amazon"] is True
    assert vendors["amazon_ads"] is True
    assert not inventory.is_error, inventory.content[0].text
    assert inventory.structured_content["items"]
    assert not orders.is_error, orders.content[0].text
    assert {order["shop"] for order in orders.structured_content["orders"]} == {"uk", "usa"}
    assert vendors["shopify"] is True
    assert not contacts.is_error, contacts.content[0].text
    assert not stock.is_error, stock.content[0].text
    assert vendors["unleashed"] is True
    assert contacts.structured_content["contacts"]
    assert not sales.is_error, sales.content[0].text
    assert sales.structured_content["figures"]["currencies"][0]["orders"] > 0
    assert sales.structured_content["analysis"]["summary"]
    assert not forecast.is_error, forecast.content[0].text
    assert len(forecast.structured_content["figures"]["forecast"]) > 0


async def first_tenant(client: Client) -> str:
    """The simulator has two Xero organisations, so Xero tools need a tenant id: the error lists them."""
    answer = await client.call_tool("xero-get-contacts", {})
    match = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", answer.content[0].text)
    assert answer.is_error and match, answer.content[0].text
    return match.group(0)


def test_print_env_lists_the_settings_for_each_simulator():
    import subprocess

    result = subprocess.run(
        [SENTIA_TESTKIT, "simulate", "--port", "8999", "--print-env"], capture_output=True, text=True, check=True
    )
    assert "SENTIA_AMAZON__ENDPOINT_URL=http://127.0.0.1:8999/amazon" in result.stdout.splitlines()
