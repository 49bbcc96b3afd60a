"""Tool calls through the official MCP client, in memory: RBAC, argument errors, caching and the audit trail."""

from __future__ import annotations

import json

import pytest
from mcp import MCPError
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from sentia_server.auth.permissions import Permission
from sentia_server.auth.principal import Role
from sentia_server.cache import CacheTier
from sentia_server.cache.keys import tool_result_key
from sentia_server.mcp import default_registry
from sentia_server.tools import system
from sentia_server.tools.context import ToolContext
from sentia_server.tools.errors import PERMISSION_DENIED
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput, ToolRegistry

pytestmark = pytest.mark.anyio


class CountInput(ToolInput):
    sku: str = Field(min_length=1, max_length=20)
    quantity: int = Field(ge=0, le=1000)


class CountOutput(ToolOutput):
    sku: str
    quantity: int
    computed: int


# The test tools' own permission table: every test tool is a system tool anyone may list; the write tool needs a write
# permission, as every tool that changes data does.
TEST_PERMISSIONS = {
    "test-count-stock": Permission.TOOLS_LIST,
    "test-crash": Permission.TOOLS_LIST,
    "test-vendor-down": Permission.TOOLS_LIST,
    "test-read-stock": Permission.TOOLS_LIST,
    "test-set-stock": Permission.QUALITY_WRITE,
    "test-loose-result": Permission.TOOLS_LIST,
    "test-broken-result": Permission.TOOLS_LIST,
}


def counting_registry() -> tuple[ToolRegistry, list[str]]:
    """A registry with a cached read tool that records each time its body runs, and a tool that crashes."""
    calls: list[str] = []
    group = ToolGroup(ToolCategory.SYSTEM, permissions=TEST_PERMISSIONS)

    @group.tool("test-count-stock", title="Count", cache_tier=CacheTier.SHORT, read_only=True)
    async def count(params: CountInput, ctx: ToolContext) -> CountOutput:
        """Counts a SKU (test tool)."""
        calls.append(ctx.principal.tenant)
        return CountOutput(sku=params.sku, quantity=params.quantity, computed=len(calls))

    @group.tool("test-crash", title="Crash", read_only=True)
    async def crash(params: CountInput, ctx: ToolContext) -> CountOutput:
        """Always fails (test tool)."""
        raise RuntimeError("database password is hunter2")

    return ToolRegistry([system.group, group]), calls


async def test_tools_list_has_schemas_and_annotations(principal, connect):
    async with connect(principal()) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert {"system-status", "list-tools"} <= set(tools)
    status = tools["system-status"]
    assert status.input_schema["additionalProperties"] is False
    assert status.annotations is not None and status.annotations.read_only_hint is True
    assert status.output_schema is not None and "uptime_seconds" in status.output_schema["properties"]
    assert tools["list-tools"].input_schema["properties"]["category"]["anyOf"][0]["enum"] == [
        c.value for c in ToolCategory
    ]
    assert all("$ref" not in str(tool.input_schema) + str(tool.output_schema) for tool in tools.values())


async def test_system_status_reports_dependencies_and_vendors(principal, connect, runtime):
    async with connect(principal(Role.OPERATOR)) as client:
        result = await client.call_tool("system-status", {})
    assert not result.is_error
    status = result.structured_content
    assert status["status"] == "healthy"
    assert status["version"] == runtime.version
    assert status["database"]["backend"] == runtime.database.dialect
    assert status["cache"]["status"] == "ok"
    assert {vendor["name"] for vendor in status["vendors"]} >= {"xero", "shopify", "amazon", "unleashed"}
    expected = {category: len(specs) for category, specs in default_registry().by_category().items()}
    assert status["tools_by_category"] == expected
    assert expected["system"] == 3


async def test_list_tools_says_which_tools_the_caller_may_call(principal, connect):
    async with connect(principal(Role.VIEWER)) as client:
        result = await client.call_tool("list-tools", {"category": "system"})
    callable_by_name = {tool["name"]: tool["callable"] for tool in result.structured_content["tools"]}
    assert callable_by_name == {"system-status": False, "list-tools": True, "database-query": False}


async def test_denied_call_is_a_protocol_error_naming_the_permission(principal, connect, runtime):
    async with connect(principal(Role.VIEWER)) as client:
        with pytest.raises(MCPError) as raised:
            await client.call_tool("system-status", {})
    assert raised.value.error.code == PERMISSION_DENIED
    assert raised.value.error.message == (
        "permission denied: tool 'system-status' requires permission 'system:read' "
        "(granted to role 'operator' and above); your role is 'viewer'"
    )
    [row] = await runtime.tool_log.recent()
    assert (row.tool, row.status, row.principal_role, row.error_class) == (
        "system-status",
        "denied",
        "viewer",
        "PermissionDenied",
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sku": "A-1"}, "quantity: Field required"),
        ({"sku": "A-1", "quantity": "many"}, "quantity: Input should be a valid integer"),
        ({"sku": "A-1", "quantity": 5, "colour": "red"}, "colour: unexpected argument (allowed: sku, quantity)"),
        ({"sku": "", "quantity": 5}, "sku: String should have at least 1 character"),
        ({"sku": "A-1", "quantity": 5000}, "quantity: Input should be less than or equal to 1000"),
    ],
)
async def test_bad_arguments_get_a_tool_error_naming_the_problem(principal, connect, runtime, arguments, message):
    registry, calls = counting_registry()
    async with connect(principal(), registry=registry) as client:
        result = await client.call_tool("test-count-stock", arguments)
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("Error executing tool test-count-stock: invalid arguments for tool 'test-count-stock': ")
    assert message in text
    assert "many" not in text.replace("Input should be", "")  # the rejected value is not echoed
    assert calls == []
    [row] = await runtime.tool_log.recent()
    assert (row.status, row.error_class) == ("invalid_arguments", "InvalidArguments")


async def test_unknown_tool_is_named(principal, connect):
    async with connect(principal()) as client:
        result = await client.call_tool("xero-get-everything", {})
    assert result.is_error and result.content[0].text == "Unknown tool: xero-get-everything"


async def test_internal_errors_are_hidden_behind_a_reference(principal, connect, runtime):
    registry, _ = counting_registry()
    async with connect(principal(), registry=registry) as client:
        result = await client.call_tool("test-crash", {"sku": "A", "quantity": 1})
    text = result.content[0].text
    assert result.is_error and "failed with an internal error (reference " in text
    assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    [row] = await runtime.tool_log.recent()
    assert (row.status, row.error_class) == ("error", "RuntimeError")


async def test_read_tools_are_cached_per_tenant_and_arguments(principal, connect, runtime):
    registry, calls = counting_registry()
    async with connect(principal(tenant="acme"), registry=registry) as client:
        first = await client.call_tool("test-count-stock", {"sku": "A-1", "quantity": 5})
        again = await client.call_tool("test-count-stock", {"quantity": 5, "sku": "A-1"})
        other_arguments = await client.call_tool("test-count-stock", {"sku": "A-2", "quantity": 5})
    async with connect(principal(tenant="globex"), registry=registry) as client:
        other_tenant = await client.call_tool("test-count-stock", {"sku": "A-1", "quantity": 5})
    assert first.structured_content == again.structured_content == {"sku": "A-1", "quantity": 5, "computed": 1}
    assert other_arguments.structured_content["computed"] == 2
    assert other_tenant.structured_content["computed"] == 3
    assert calls == ["acme", "acme", "globex"]
    assert [row.status for row in await runtime.tool_log.recent()] == ["success"] * 4


async def test_call_without_a_principal_is_refused(principal, connect):
    async with connect(None) as client:
        with pytest.raises(MCPError, match="authentication required"):
            await client.call_tool("list-tools", {})


def failing_registry() -> ToolRegistry:
    group = ToolGroup(ToolCategory.SYSTEM, permissions=TEST_PERMISSIONS)

    @group.tool("test-vendor-down", title="Vendor down", read_only=True)
    async def vendor_down(params: CountInput, ctx: ToolContext) -> CountOutput:
        """Fails the way a vendor tool does when its vendor is not configured (test tool)."""
        raise ToolError("xero is not configured: set SENTIA_XERO__CLIENT_ID")

    return ToolRegistry([system.group, group])


async def test_deliberate_tool_errors_reach_the_caller_and_are_audited(principal, connect, runtime):
    async with connect(principal(), registry=failing_registry()) as client:
        result = await client.call_tool("test-vendor-down", {"sku": "A", "quantity": 1})
    assert result.is_error
    assert result.content[0].text.endswith("xero is not configured: set SENTIA_XERO__CLIENT_ID")
    [row] = await runtime.tool_log.recent()
    assert (row.status, row.error_class) == ("error", "ToolError")


async def test_an_entry_stored_by_another_version_of_the_output_model_is_not_served(principal, connect, runtime):
    registry, calls = counting_registry()
    spec = registry.get("test-count-stock")
    assert spec is not None
    arguments = {"sku": "A-1", "quantity": 5}
    older = tool_result_key("test-count-stock", "acme", arguments, generation="", output="0123456789abcdef")
    await runtime.cache.set(older, b'{"written": "by an older version"}', 60)
    async with connect(principal(), registry=registry) as client:
        result = await client.call_tool("test-count-stock", arguments)
    assert result.structured_content == {"sku": "A-1", "quantity": 5, "computed": 1}
    assert calls == ["acme"]
    current = tool_result_key("test-count-stock", "acme", arguments, generation="", output=spec.output_fingerprint)
    assert json.loads(await runtime.cache.get(current) or b"null") == result.structured_content


async def test_a_hit_and_a_miss_answer_with_the_same_content(principal, connect, runtime):
    registry, calls = counting_registry()
    async with connect(principal(), registry=registry) as client:
        miss = await client.call_tool("test-count-stock", {"sku": "A-1", "quantity": 5})
        hit = await client.call_tool("test-count-stock", {"sku": "A-1", "quantity": 5})
    assert calls == ["acme"]
    assert (hit.structured_content, hit.content) == (miss.structured_content, miss.content)
    assert json.loads(hit.content[0].text) == hit.structured_content


async def test_an_audit_outage_does_not_fail_the_call(principal, connect, runtime, monkeypatch):
    async def broken_record(*args, **kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(runtime.tool_log, "record", broken_record)
    async with connect(principal()) as client:
        result = await client.call_tool("list-tools", {})
    assert not result.is_error


def write_and_read_registry() -> tuple[ToolRegistry, dict[str, int]]:
    stock = {"A-1": 5}
    group = ToolGroup(ToolCategory.SYSTEM, permissions=TEST_PERMISSIONS)

    @group.tool("test-read-stock", title="Read", cache_tier=CacheTier.LONG, read_only=True)
    async def read_stock(params: CountInput, ctx: ToolContext) -> CountOutput:
        """Reads the stock of a SKU (test tool)."""
        return CountOutput(sku=params.sku, quantity=stock[params.sku], computed=0)

    @group.tool("test-set-stock", title="Set", read_only=False)
    async def set_stock(params: CountInput, ctx: ToolContext) -> CountOutput:
        """Sets the stock of a SKU (test tool)."""
        stock[params.sku] = params.quantity
        return CountOutput(sku=params.sku, quantity=params.quantity, computed=0)

    return ToolRegistry([system.group, group]), stock


async def test_a_write_tool_makes_cached_reads_of_its_tenant_stale(principal, connect):
    registry, _ = write_and_read_registry()
    read = {"sku": "A-1", "quantity": 0}
    async with connect(principal(tenant="acme"), registry=registry) as acme:
        assert (await acme.call_tool("test-read-stock", read)).structured_content["quantity"] == 5
        await acme.call_tool("test-set-stock", {"sku": "A-1", "quantity": 9})
        assert (await acme.call_tool("test-read-stock", read)).structured_content["quantity"] == 9
    async with connect(principal(tenant="globex"), registry=registry) as globex:
        assert (await globex.call_tool("test-read-stock", read)).structured_content["quantity"] == 9


async def test_a_result_of_another_type_than_the_output_model_goes_through_the_sdk_checks(principal, connect):
    group = ToolGroup(ToolCategory.SYSTEM, permissions=TEST_PERMISSIONS)

    @group.tool("test-loose-result", title="Loose", read_only=True)
    async def loose(params: CountInput, ctx: ToolContext) -> CountOutput:
        """Returns a plain mapping instead of its output model (test tool)."""
        return {"sku": params.sku, "quantity": params.quantity, "computed": 0}

    @group.tool("test-broken-result", title="Broken", read_only=True)
    async def broken(params: CountInput, ctx: ToolContext) -> CountOutput:
        """Returns a mapping its output model refuses (test tool)."""
        return {"sku": params.sku}

    async with connect(principal(), registry=ToolRegistry([system.group, group])) as client:
        loose_result = await client.call_tool("test-loose-result", {"sku": "A-1", "quantity": 5})
        broken_result = await client.call_tool("test-broken-result", {"sku": "A-1", "quantity": 5})
    assert loose_result.structured_content == {"sku": "A-1", "quantity": 5, "computed": 0}
    assert broken_result.is_error
