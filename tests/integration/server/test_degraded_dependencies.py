"""What operators see when a dependency goes away, and that tool calls survive a Redis outage."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import redis
from mcp import Client
from support.processes import free_port

from sentia_server.app import create_app
from sentia_server.auth.permissions import Permission
from sentia_server.cache import CacheTier
from sentia_server.mcp import build_mcp_server
from sentia_server.tools import system
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput, ToolRegistry

pytestmark = pytest.mark.anyio


class LookupInput(ToolInput):
    sku: str


class LookupOutput(ToolOutput):
    sku: str
    computed: int


class RedisProcess:
    """A redis-server of this test's own, which the test can stop and start again on the same port."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary, self.workdir, self.port = binary, workdir, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed; this test stops and restarts a Redis of its own"
        if os.environ.get("SENTIA_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = RedisProcess(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def lookup_registry() -> tuple[ToolRegistry, list[str]]:
    calls: list[str] = []
    group = ToolGroup(ToolCategory.SYSTEM, permissions={"test-lookup": Permission.TOOLS_LIST})

    @group.tool("test-lookup", title="Lookup", cache_tier=CacheTier.LONG, read_only=True)
    async def lookup(params: LookupInput, ctx: ToolContext) -> LookupOutput:
        """Looks a SKU up (test tool)."""
        calls.append(params.sku)
        return LookupOutput(sku=params.sku, computed=len(calls))

    return ToolRegistry([system.group, group]), calls


@pytest.fixture
async def http(make_settings, own_redis) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    app = create_app(make_settings(redis_url=own_redis.url, cache_redis_retry_seconds=0.2))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client,
    ):
        yield client, app.state.runtime


async def test_redis_outage_degrades_the_cache_and_tool_calls_keep_working(http, own_redis, principal):
    client, runtime = http
    registry, calls = lookup_registry()

    async def caller():
        return principal()

    server = build_mcp_server(runtime, transport="memory", resolve_principal=caller, registry=registry)
    async with Client(server) as mcp:
        assert (await mcp.call_tool("test-lookup", {"sku": "A"})).structured_content["computed"] == 1
        assert (await mcp.call_tool("test-lookup", {"sku": "A"})).structured_content["computed"] == 1
        ready = (await client.get("/health/ready")).json()
        assert (ready["status"], ready["checks"]["cache"]["backend"]) == ("ok", "redis")

        own_redis.stop()
        during = await mcp.call_tool("test-lookup", {"sku": "B"})
        assert not during.is_error
        assert during.structured_content == {"sku": "B", "computed": 2}
        response = await client.get("/health/ready")
        assert response.status_code == 200
        assert response.json()["status"] == "degraded"
        assert response.json()["checks"]["cache"] == {
            "status": "degraded",
            "backend": "memory",
            "latency_ms": response.json()["checks"]["cache"]["latency_ms"],
            "detail": "redis unreachable; serving from memory",
        }
        status = await mcp.call_tool("system-status", {"include_vendors": False})
        assert status.structured_content["status"] == "degraded"

        own_redis.start()
        recovered = (await client.get("/health/ready")).json()
        assert (recovered["status"], recovered["checks"]["cache"]["backend"]) == ("ok", "redis")
        await mcp.call_tool("test-lookup", {"sku": "C"})
    assert calls == ["A", "B", "C"]


async def test_database_outage_makes_readiness_fail_naming_the_database(
    make_settings, postgres_url, sentia_postgres_server
):
    app = create_app(make_settings(database_url=postgres_url, auto_migrate=True))
    name = postgres_url.rsplit("/", 1)[1]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client,
    ):
        assert (await client.get("/health/ready")).status_code == 200
        admin = await asyncpg.connect(sentia_postgres_server.url)
        try:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
            down = await client.get("/health/ready")
            live = await client.get("/health")
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        finally:
            await admin.close()
        back = await client.get("/health/ready")
    assert down.status_code == 503
    assert down.json()["failed"] == ["database"]
    assert down.json()["checks"]["database"] == {
        "status": "failed",
        "backend": "postgresql",
        "latency_ms": None,
        "detail": "not reachable",
    }
    assert live.status_code == 200
    assert back.status_code == 200
