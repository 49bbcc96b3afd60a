"""`/health` and `/health/ready` with a real app: which dependency failures make readiness fail (503) and which
only degrade it (200), and vendors' last known states as the real tool calls left them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from integration.vendors.ai.conftest import FAST, openai_settings
from mcp import Client
from sqlalchemy import text
from support.processes import free_port

from sentia_server.ai.providers import openai_factory
from sentia_server.app import create_app
from sentia_server.config import Settings
from sentia_server.mcp import build_mcp_server
from sentia_server.runtime import Runtime
from sentia_server.storage.schema_state import known_revisions, shipped_head
from sentia_server.tools import openai as openai_tools
from sentia_server.tools import system
from sentia_server.tools.registry import ToolRegistry
from sentia_testkit.simulators.openai import OpenAISimulator

pytestmark = pytest.mark.anyio
LINE = {"optimization_type": "capacity_planning", "processes": [{"name": "Bottling", "cycle_time_minutes": 0.5}]}


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client,
    ):
        yield client, app.state.runtime


async def set_revision(runtime: Runtime, revision: str) -> None:
    async with runtime.database.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision})


async def test_readiness_reports_latency_and_migrations_and_the_vendors_as_not_yet_called(make_settings):
    async with serving(make_settings(openai=openai_settings())) as (client, _runtime):
        ready = await client.get("/health/ready")
        live = await client.get("/health")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok"
    database = body["checks"]["database"]
    assert (database["status"], database["backend"], database["detail"]) == ("ok", "sqlite", None)
    assert database["latency_ms"] >= 0
    assert database["migrations"] == {"current": shipped_head(), "head": shipped_head()}
    assert body["vendors"]["openai"]["status"] == "unknown"
    assert {name: vendor["status"] for name, vendor in body["vendors"].items() if name != "openai"} == {
        "xero": "not_configured",
        "shopify": "not_configured",
        "amazon": "not_configured",
        "amazon_ads": "not_configured",
        "unleashed": "not_configured",
        "anthropic": "not_configured",
    }
    assert live.status_code == 200
    assert live.json()["vendors"] == body["vendors"]
    assert live.json()["uptime_seconds"] >= 0


async def test_a_database_behind_on_migrations_fails_readiness_and_one_ahead_is_degraded(make_settings):
    older = sorted(known_revisions() - {shipped_head()})[0]
    async with serving(make_settings()) as (client, runtime):
        await set_revision(runtime, older)
        behind = await client.get("/health/ready")
        await set_revision(runtime, "ffffffffffff")
        ahead = await client.get("/health/ready")
        await set_revision(runtime, shipped_head())
        current = await client.get("/health/ready")
    assert behind.status_code == 503
    assert behind.json()["failed"] == ["database"]
    assert behind.json()["checks"]["database"]["detail"] == "migrations behind: run `sentia-server migrate`"
    assert behind.json()["checks"]["database"]["migrations"] == {"current": older, "head": shipped_head()}
    assert ahead.status_code == 200
    assert ahead.json()["status"] == "degraded"
    assert ahead.json()["checks"]["database"]["detail"] == "migrated by a newer version of the server"
    assert current.json()["status"] == "ok"


async def test_a_postgresql_that_refuses_connections_fails_readiness_naming_only_the_database(
    make_settings, postgres_url, sentia_postgres_server
):
    name = postgres_url.rsplit("/", 1)[1]
    async with serving(make_settings(database_url=postgres_url, auto_migrate=True)) as (client, _runtime):
        up = await client.get("/health/ready")
        admin = await asyncpg.connect(sentia_postgres_server.url)
        try:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
            down = await client.get("/health/ready")
            live = await client.get("/health")
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()
    assert up.json()["checks"]["database"]["migrations"]["current"] == shipped_head()
    assert down.status_code == 503
    assert down.json()["status"] == "failed"
    assert down.json()["failed"] == ["database"]
    assert down.json()["checks"]["database"]["detail"] == "not reachable"
    assert "migrations" not in down.json()["checks"]["database"]
    assert name not in down.text
    assert "127.0.0.1" not in down.text
    assert live.status_code == 200


async def test_an_unreachable_redis_is_degraded_not_failing(make_settings):
    settings = make_settings(redis_url=f"redis://127.0.0.1:{free_port()}/0", cache_redis_retry_seconds=0.2)
    async with serving(settings) as (client, _runtime):
        ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["cache"]["status"] == "degraded"
    assert ready.json()["checks"]["database"]["status"] == "ok"
    assert "failed" not in ready.json()


async def test_a_vendor_failing_through_a_simulator_fault_shows_in_its_last_known_state(make_settings, principal):
    simulator = OpenAISimulator()
    async with serving(make_settings(openai=openai_settings())) as (client, runtime):
        runtime.vendors.transports["openai"] = simulator.transport()
        runtime.vendors.get("openai", openai_factory(retry=FAST))

        async def caller() -> Any:
            return principal()

        registry = ToolRegistry([system.group, openai_tools.group])
        server = build_mcp_server(runtime, transport="memory", resolve_principal=caller, registry=registry)
        async with Client(server) as mcp:
            assert not (await mcp.call_tool("openai-operational-optimization", LINE)).is_error
            after_success = (await client.get("/health/ready")).json()["vendors"]["openai"]
            calls_so_far = len(simulator.requests)
            simulator.server_error("chat.completions", status=500, times=3)
            assert (await mcp.call_tool("openai-operational-optimization", LINE)).is_error
        ready = await client.get("/health/ready")
    assert len(simulator.requests) == calls_so_far + 3  # the probes above called nobody
    assert after_success["status"] == "ok"
    assert after_success["last_error"] is None
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    openai = ready.json()["vendors"]["openai"]
    assert openai["status"] == "degraded"
    assert openai["circuit"] == "closed"
    assert openai["last_error"] == {"type": "VendorError", "status": 500}
    assert openai["last_success_at"] == after_success["last_success_at"]
    assert openai["last_failure_at"] >= openai["last_success_at"]
    assert "api.openai.test" not in ready.text
    assert "sk-" not in ready.text
