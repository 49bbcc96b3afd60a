"""tools/list shows each role only the tools it may call; a call it may not make names the permission it lacks."""

from __future__ import annotations

import pytest
from mcp import MCPError
from mcp.server.context import ServerRequestContext

from sentia_server.auth.permissions import ROLE_ORDER, TOOL_PERMISSIONS, lowest_role_with, rbac_matrix
from sentia_server.auth.principal import Role
from sentia_server.mcp import default_registry
from sentia_server.tools.errors import PERMISSION_DENIED, UNAUTHENTICATED
from sentia_server.tools.visibility import CallableToolsOnly

pytestmark = pytest.mark.anyio


@pytest.fixture
def backend_settings(make_settings):
    """Visibility does not depend on the storage backends: the embedded defaults are enough."""
    return make_settings()


@pytest.mark.parametrize("role", ROLE_ORDER)
async def test_each_role_is_offered_exactly_the_tools_it_may_call(principal, connect, role):
    async with connect(principal(role)) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
    expected = {tool for tool, by_role in rbac_matrix().items() if by_role[role.value]}
    assert listed == expected


def test_the_roles_see_strictly_growing_tool_sets():
    offered = [{tool for tool, by_role in rbac_matrix().items() if by_role[role.value]} for role in ROLE_ORDER]
    assert offered[0] == {"list-tools"}
    assert offered[0] < offered[1] < offered[2] < offered[3]
    assert offered[3] == set(TOOL_PERMISSIONS)


async def test_listed_tools_keep_their_schemas_and_annotations(principal, connect):
    async with connect(principal(Role.OPERATOR)) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    record = tools["quality-record-create"]
    assert record.annotations is not None and record.annotations.read_only_hint is False
    assert record.input_schema["additionalProperties"] is False
    assert record.output_schema is not None


@pytest.mark.parametrize(
    ("role", "tool", "arguments"),
    [
        (Role.VIEWER, "system-status", {}),
        (Role.OPERATOR, "xero-create-invoice", {}),
        (Role.OPERATOR, "shopify-manage-products", {}),
        (Role.OPERATOR, "amazon-manage-listings", {}),
        (Role.VIEWER, "quality-record-create", {}),
        (Role.MANAGER, "database-query", {"sql": "SELECT 1"}),
    ],
)
async def test_a_hidden_tool_called_anyway_is_denied_naming_permission_and_least_role(
    principal, connect, runtime, role, tool, arguments
):
    async with connect(principal(role)) as client:
        assert tool not in {listed.name for listed in (await client.list_tools()).tools}
        with pytest.raises(MCPError) as raised:
            await client.call_tool(tool, arguments)
    permission = TOOL_PERMISSIONS[tool]
    least = lowest_role_with(permission)
    assert least is not None
    error = raised.value.error
    assert error.code == PERMISSION_DENIED
    assert error.message == (
        f"permission denied: tool '{tool}' requires permission '{permission.value}' "
        f"(granted to role '{least.value}' and above); your role is '{role.value}'"
    )
    assert "unknown tool" not in error.message.lower()
    assert error.data == {"tool": tool, "required_permission": permission.value, "role": role.value}
    [row] = await runtime.tool_log.recent()
    assert (row.tool, row.status) == (tool, "denied")


async def test_listing_tools_without_a_principal_is_refused(connect):
    async with connect(None) as client:
        with pytest.raises(MCPError) as raised:
            await client.list_tools()
    assert raised.value.error.code == UNAUTHENTICATED


async def test_other_requests_pass_the_filter_untouched(principal, connect):
    async with connect(principal(Role.VIEWER)) as client:
        prompts = await client.list_prompts()
    assert prompts.prompts


async def test_an_answer_that_is_not_a_tool_list_passes_unchanged(principal):
    filter_ = CallableToolsOnly(default_registry(), _resolver(principal(Role.VIEWER)))
    answer = {"unexpected": True}

    async def call_next(_ctx: ServerRequestContext) -> dict[str, bool]:
        return answer

    ctx = ServerRequestContext(session=None, lifespan_context={}, protocol_version="2025-11-25", method="tools/list")  # type: ignore[arg-type]
    assert await filter_(ctx, call_next) is answer


def _resolver(caller):
    async def resolve():
        return caller

    return resolve
