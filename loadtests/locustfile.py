"""Load on the Sentia MCP server as the local stack serves it (`make load PROFILE=...`, against the simulators).

Most users are assistants calling read tools; their arguments repeat the way real dashboards and assistants repeat
questions, so the tool cache answers most calls and a few varied arguments (product groups, warehouses, shops)
keep a share of misses that reach the simulators. Every tool used is read-only and allowed to an operator key.
The profile comes from SENTIA_LOAD_PROFILE (smoke by default), resized by SENTIA_LOAD_USERS / _DURATION / ...
"""

from __future__ import annotations

import os
import random
from typing import Any

from locust import between, events

from sentia_testkit.data.loaders import load_seed
from sentia_testkit.load import Endpoint, McpUser, MetricsScraper, RestUser, ToolCall, install, select_shape

install(events)
LoadShape = select_shape()

# Pacing. An assistant's tool calls are separated by its model's turn, and a dashboard refreshes every few seconds
# at most. The stress profile holds its 1000 users at that pace (a call every 4-12 s, a refresh every 10-30 s,
# about 110 requests/s in all), so that it measures concurrency; the other profiles call faster, so that a few users
# load the server.
AT_HUMAN_PACE = LoadShape.name == "stress"

_UNLEASHED = load_seed("unleashed", "sentia-spirits")
PRODUCT_GROUPS = sorted({product["group"] for product in _UNLEASHED["products"]})
WAREHOUSES = [warehouse["code"] for warehouse in _UNLEASHED["warehouses"]]
XERO_TENANT_ID = os.environ.get("SENTIA_LOAD_XERO_TENANT_ID") or str(
    load_seed("xero", "sentia-spirits-uk")["Connection"]["tenantId"]
)
SHOPS = ("uk", "usa")


def _products_of_a_group() -> dict[str, Any]:
    return {"product_group": random.choice(PRODUCT_GROUPS), "page_size": 50}  # noqa: S311


def _stock_of_a_warehouse() -> dict[str, Any]:
    return {"warehouse_code": random.choice(WAREHOUSES)}  # noqa: S311


def _shop() -> dict[str, Any]:
    return {"shop": random.choice(SHOPS)}  # noqa: S311


class ManufacturingAssistant(McpUser):
    """An AI assistant answering operations questions: stock, production, orders, invoices."""

    weight = 8
    wait_time = between(4.0, 12.0) if AT_HUMAN_PACE else between(0.5, 2.0)
    tool_calls = (
        ToolCall("unleashed-get-products", {"page_size": 50}, weight=4),
        ToolCall("unleashed-get-products", _products_of_a_group, weight=2),
        ToolCall("unleashed-get-inventory", {}, weight=3),
        ToolCall("unleashed-get-inventory", _stock_of_a_warehouse, weight=1),
        ToolCall("unleashed-get-sales-orders", {}, weight=2),
        ToolCall("unleashed-get-production-orders", {}, weight=2),
        ToolCall("shopify-get-products", _shop, weight=2),
        ToolCall("shopify-get-orders", _shop, weight=2),
        ToolCall("shopify-get-inventory", {"shop": "uk"}, weight=1),
        ToolCall("amazon-get-inventory", {}, weight=2),
        ToolCall("xero-get-invoices", {"tenant_id": XERO_TENANT_ID}, weight=2),
        ToolCall("xero-get-contacts", {"tenant_id": XERO_TENANT_ID}, weight=1),
        ToolCall("manufacturing-production-status", {}, weight=2),
        ToolCall("manufacturing-inventory-health", {}, weight=1),
        ToolCall("quality-records-list", {}, weight=1),
        ToolCall("system-status", {}, weight=1),
    )


class OperationsDashboard(RestUser):
    """The dashboard and the load balancer: health checks and the JSON metrics endpoints."""

    weight = 2
    wait_time = between(10.0, 30.0) if AT_HUMAN_PACE else between(1.0, 3.0)
    endpoints = (
        Endpoint("/health", weight=3),
        Endpoint("/health/ready", weight=2),
        Endpoint("/api/metrics/performance", weight=1, authenticated=True),
        Endpoint("/api/metrics/business", weight=1, authenticated=True),
        Endpoint("/api/metrics/security", weight=1, authenticated=True),
    )


class PrometheusScraper(MetricsScraper):
    metrics_path = "/api/metrics/prometheus"
