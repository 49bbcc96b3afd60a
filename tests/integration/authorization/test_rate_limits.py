"""Rate limits per caller and per tool, through the MCP client, in memory and in Redis (shared by replicas)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from mcp import Client, MCPError
from pydantic import Field

from sentia_server.auth.permissions import Permission
from sentia_server.auth.principal import Principal, Role
from sentia_server.config import Settings
from sentia_server.mcp import build_mcp_server
from sentia_server.runtime import Runtime, open_runtime
from sentia_server.security.rate_limits import ToolRateLimiter
from sentia_server.tools import system
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput, ToolRegistry

pytestmark = pytest.mark.anyio

LIMITS = {
    "rate_limit_per_principal": "6/minute",
    "rate_limit_ai_tools": "2/minute",
    "rate_limit_write_tools": "3/minute",
    "rate_limit_tool_overrides": {"system-status": "1/minute"},
}


@pytest.fixture(params=["memory", "redis"])
def backend_settings(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Settings:
    if request.param == "memory":
        return make_settings(**LIMITS)
    return make_settings(
        redis_url=request.getfixturevalue("redis_url"),
        cache_key_prefix=request.getfixturevalue("redis_key_prefix"),
        **LIMITS,
    )


class Ping(ToolInput):
    note: str = Field(default="", max_length=10)


class Pong(ToolOutput):
    ok: bool


def limited_registry() -> ToolRegistry:
    """A read tool, an AI tool and a write tool, for counting calls."""
    reads = ToolGroup(
        ToolCategory.SYSTEM, permissions={"test-read": Permission.TOOLS_LIST, "test-write": Permission.QUALITY_WRITE}
    )
    ai = ToolGroup(ToolCategory.AI, permissions={"test-ai": Permission.AI_USE})

    @reads.tool("test-read", title="Read", read_only=True)
    async def read(params: Ping, ctx: ToolContext) -> Pong:
        """Reads nothing (test tool)."""
        return Pong(ok=True)

    @reads.tool("test-write", title="Write", read_only=False)
    async def write(params: Ping, ctx: ToolContext) -> Pong:
        """Writes nothing (test tool)."""
        return Pong(ok=True)

    @ai.tool("test-ai", title="AI", read_only=True, open_world=True)
    async def think(params: Ping, ctx: ToolContext) -> Pong:
        """Thinks nothing (test tool)."""
        return Pong(ok=True)

    return ToolRegistry([system.group, reads, ai])


async def calls(client: Client, tool: str, count: int) -> list[bool]:
    """Whether each of `count` calls succeeded."""
    return [not (await client.call_tool(tool, {})).is_error for _ in range(count)]


async def test_a_caller_over_its_own_limit_is_told_the_limit_and_when_to_retry(principal, connect, runtime):
    async with connect(principal(Role.OPERATOR), registry=limited_registry()) as client:
        assert await calls(client, "test-read", 6) == [True] * 6
        limited = await client.call_tool("test-read", {})
    assert limited.is_error
    text = limited.content[0].text
    assert "rate limit exceeded for tool 'test-read': at most 6 per 1 minute calls per caller " in text
    assert "(SENTIA_RATE_LIMIT_PER_PRINCIPAL); retry in " in text
    retry = int(text.rsplit("retry in ", 1)[1].removesuffix(" s"))
    assert 1 <= retry <= 60
    rows = await runtime.tool_log.recent()
    assert rows[0].status == "rate_limited" and rows[0].error_class == "RateLimited"


async def test_each_caller_and_tenant_has_its_own_count(principal, connect):
    registry = limited_registry()
    async with connect(principal(Role.OPERATOR, subject="alice"), registry=registry) as alice:
        assert await calls(alice, "test-read", 7) == [True] * 6 + [False]
    async with connect(principal(Role.OPERATOR, subject="bob"), registry=registry) as bob:
        assert await calls(bob, "test-read", 1) == [True]
    async with connect(principal(Role.OPERATOR, subject="alice", tenant="globex"), registry=registry) as other:
        assert await calls(other, "test-read", 1) == [True]


async def test_ai_tools_have_their_own_lower_limit(principal, connect):
    async with connect(principal(Role.OPERATOR), registry=limited_registry()) as client:
        assert await calls(client, "test-ai", 3) == [True, True, False]
        text = (await client.call_tool("test-ai", {})).content[0].text
        assert "at most 2 per 1 minute calls of tool 'test-ai' per caller (SENTIA_RATE_LIMIT_AI_TOOLS)" in text
        assert await calls(client, "test-read", 1) == [True]  # other tools still answer


async def test_write_tools_have_their_own_limit(principal, connect):
    async with connect(principal(Role.OPERATOR), registry=limited_registry()) as client:
        assert await calls(client, "test-write", 4) == [True, True, True, False]
        text = (await client.call_tool("test-write", {})).content[0].text
    assert "(SENTIA_RATE_LIMIT_WRITE_TOOLS)" in text


async def test_a_per_tool_override_applies_to_a_server_tool(principal, connect):
    async with connect(principal(Role.OPERATOR)) as client:
        assert await calls(client, "system-status", 2) == [True, False]
        text = (await client.call_tool("system-status", {})).content[0].text
    assert "at most 1 per 1 minute calls of tool 'system-status' per caller (SENTIA_RATE_LIMIT_TOOL_OVERRIDES)" in text


async def test_denied_calls_count_too(principal, connect):
    """Probing tools one may not call is not free: the caller's limit applies before the permission check."""
    async with connect(principal(Role.VIEWER), registry=limited_registry()) as client:
        for _ in range(3):
            with pytest.raises(MCPError, match="permission denied"):
                await client.call_tool("test-write", {})
        over_tool_limit = await client.call_tool("test-write", {})
        # Four calls so far count against the caller's 6/minute, the refused ones included.
        assert await calls(client, "test-read", 2) == [True] * 2
        over_caller_limit = await client.call_tool("list-tools", {})
    assert "(SENTIA_RATE_LIMIT_WRITE_TOOLS)" in over_tool_limit.content[0].text
    assert "(SENTIA_RATE_LIMIT_PER_PRINCIPAL)" in over_caller_limit.content[0].text


@asynccontextmanager
async def replica(settings: Settings, caller: Principal, registry: ToolRegistry) -> AsyncIterator[Client]:
    """An MCP client of a second server process sharing the same settings (and so the same Redis)."""
    async with open_runtime(settings) as other_runtime:

        async def resolve() -> Principal | None:
            return caller

        server = build_mcp_server(other_runtime, transport="memory", resolve_principal=resolve, registry=registry)
        async with Client(server) as client:
            yield client


async def test_replicas_share_the_counts_in_redis_and_not_in_memory(principal, connect, backend_settings, runtime):
    registry, caller = limited_registry(), principal(Role.OPERATOR)
    async with connect(caller, registry=registry) as first:
        assert await calls(first, "test-ai", 2) == [True, True]
    async with replica(backend_settings, caller, registry) as second:
        outcome = await calls(second, "test-ai", 1)
    shared = backend_settings.redis_url is not None
    assert outcome == ([False] if shared else [True])


async def test_the_runtime_keeps_counts_in_redis_only_when_configured(runtime: Runtime, backend_settings):
    assert isinstance(runtime.tool_limits, ToolRateLimiter)
    assert (runtime.tool_limits._shared is not None) is (backend_settings.redis_url is not None)


async def test_limits_hold_in_process_when_redis_does_not_answer(make_settings, principal):
    settings = make_settings(redis_url="redis://127.0.0.1:9/0", **LIMITS)
    async with replica(settings, principal(Role.OPERATOR), limited_registry()) as client:
        assert await calls(client, "test-ai", 3) == [True, True, False]
