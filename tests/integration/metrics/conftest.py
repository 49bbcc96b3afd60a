"""The HTTP app in process on both backends, with keys of three roles, and a scraper that parses the exposition."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from support.http import MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.runtime import Runtime

SCRAPE_TOKEN = "scrape-0123456789abcdef0123456789abcdef"
PROMETHEUS = "/api/metrics/prometheus"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@dataclass
class MetricsApp:
    client: httpx.AsyncClient
    runtime: Runtime
    keys: dict[Role, str]

    def auth(self, role: Role) -> dict[str, str]:
        return {"authorization": f"Bearer {self.keys[role]}"}

    async def call_tool(self, role: Role, name: str, arguments: dict[str, object]) -> dict[str, object]:
        """One `tools/call` over the MCP endpoint; the JSON-RPC answer (a result or an error)."""
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
        headers = {**MCP_HEADERS, **self.auth(role), "mcp-protocol-version": "2025-06-18"}
        response = await self.client.post("/mcp", json=body, headers=headers)
        assert response.status_code == 200, response.text
        answer: dict[str, object] = response.json()
        return answer

    async def scrape(self) -> Samples:
        response = await self.client.get(PROMETHEUS, headers={"authorization": f"Bearer {SCRAPE_TOKEN}"})
        assert response.status_code == 200, response.text
        return parse(response.text)


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def metrics_app(backend_settings: Settings) -> AsyncIterator[MetricsApp]:
    settings = backend_settings.model_copy(update={"metrics_scrape_token": SecretStr(SCRAPE_TOKEN)})
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    async with app.router.lifespan_context(app):
        keys = {role: (await runtime.api_keys.create(role=role, tenant="acme")).token for role in Role}
        transport = httpx.ASGITransport(app=app, client=("192.0.2.20", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3001") as client:
            yield MetricsApp(client, runtime, keys)
