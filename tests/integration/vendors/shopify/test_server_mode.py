"""The simulator as a server (`SimulatorApp`), several shops under one host: the settings that `make run` uses
(`SENTIA_SHOPIFY__BASE_URL=http://127.0.0.1:8900/shopify/{shop_domain}`) reach each shop by its path prefix."""

from __future__ import annotations

import httpx
import pytest

from sentia_server.config import Settings
from sentia_testkit.simulators.server import SimulatorApp

from .conftest import fast_client, text_of

pytestmark = pytest.mark.anyio


@pytest.fixture
def served(runtime, simulator, clock, monkeypatch):
    """The simulator mounted at /shopify, and the server configured from `simulator.server_settings` (the
    environment variables the local stack sets)."""
    app = SimulatorApp({"shopify": simulator})
    for name, value in simulator.server_settings("http://127.0.0.1:8900/shopify").items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None).shopify
    runtime.vendors._settings = runtime.settings.model_copy(update={"shopify": settings})
    runtime.vendors.transports["shopify"] = httpx.ASGITransport(app=app)
    runtime.vendors.get("shopify", fast_client(clock))
    return app


async def test_every_shop_is_reached_through_the_simulator_server(served, simulator, call):
    result = await call("shopify-get-customers", {"first": 5})
    assert not result.is_error, text_of(result)
    assert {customer["shop"] for customer in result.structured_content["customers"]} == {"uk", "usa"}
    paths = {request.url.path for request in simulator.requests}
    assert paths == {
        "/sentia-uk.myshopify.com/admin/api/2026-10/graphql.json",
        "/sentia-usa.myshopify.com/admin/oauth/access_token",
        "/sentia-usa.myshopify.com/admin/api/2026-10/graphql.json",
    }


async def test_the_server_answers_an_unsimulated_endpoint_loudly(served):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=served), base_url="http://127.0.0.1:8900") as client:
        response = await client.get("/shopify/sentia-uk.myshopify.com/admin/api/2026-10/orders.json")
    assert response.status_code == 501
    assert response.json()["error"] == "not implemented by the simulator"


async def test_a_server_side_timeout_answers_late(served, simulator):
    simulator.faults.timeout("graphql", delay=0.01)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=served), base_url="http://127.0.0.1:8900") as client:
        response = await client.post(
            "/shopify/sentia-uk.myshopify.com/admin/api/2026-10/graphql.json", json={"query": "{ shop { name } }"}
        )
    assert response.status_code == 504


def test_the_server_settings_name_every_shop_and_both_ways_to_authenticate(simulator):
    settings = simulator.server_settings("http://127.0.0.1:8900/shopify/")
    assert settings == {
        "SENTIA_SHOPIFY__BASE_URL": "http://127.0.0.1:8900/shopify/{shop_domain}",
        "SENTIA_SHOPIFY__SHOPS__UK__SHOP_DOMAIN": "sentia-uk.myshopify.com",
        "SENTIA_SHOPIFY__SHOPS__UK__ACCESS_TOKEN": "shpat_simulated-uk-admin-token",
        "SENTIA_SHOPIFY__SHOPS__USA__SHOP_DOMAIN": "sentia-usa.myshopify.com",
        "SENTIA_SHOPIFY__SHOPS__USA__CLIENT_ID": "sentia-usa-app-client",
        "SENTIA_SHOPIFY__SHOPS__USA__CLIENT_SECRET": "simulated-usa-client-secret",
    }
