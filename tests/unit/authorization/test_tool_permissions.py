"""The tool → permission table: complete, the only source of each tool's permission, and strict about write tools."""

from __future__ import annotations

import pytest

from sentia_server.auth.permissions import (
    ROLE_ORDER,
    TOOL_PERMISSIONS,
    Permission,
    is_allowed,
    is_write_permission,
    lowest_role_with,
    permissions_of,
    rbac_matrix,
)
from sentia_server.auth.principal import Role
from sentia_server.mcp import default_registry
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput


class Nothing(ToolInput):
    pass


class Done(ToolOutput):
    ok: bool


def test_the_table_lists_exactly_the_registered_tools():
    registered = {spec.name for spec in default_registry()}
    assert set(TOOL_PERMISSIONS) == registered
    assert len(registered) >= 45


def test_each_registered_tool_carries_its_table_permission():
    for spec in default_registry():
        assert spec.permission is TOOL_PERMISSIONS[spec.name], spec.name


def test_every_tool_that_changes_data_needs_a_write_permission():
    writers = {spec.name: spec.permission for spec in default_registry() if not spec.annotations.read_only_hint}
    assert {"xero-create-invoice", "shopify-manage-products", "amazon-manage-listings", "quality-record-create"} <= set(
        writers
    )
    for name, permission in writers.items():
        assert permission.value.endswith(":write") or lowest_role_with(permission) is Role.ADMIN, name


@pytest.mark.parametrize(
    ("tool", "permission", "least_role"),
    [
        ("xero-create-invoice", Permission.FINANCIAL_WRITE, Role.MANAGER),
        ("shopify-manage-products", Permission.COMMERCE_WRITE, Role.MANAGER),
        ("amazon-manage-listings", Permission.MARKETPLACE_WRITE, Role.MANAGER),
        ("quality-record-create", Permission.QUALITY_WRITE, Role.OPERATOR),
        ("database-query", Permission.DATABASE_QUERY, Role.ADMIN),
        ("list-tools", Permission.TOOLS_LIST, Role.VIEWER),
    ],
)
def test_named_tools_need_the_expected_permission(tool: str, permission: Permission, least_role: Role):
    assert TOOL_PERMISSIONS[tool] is permission
    assert lowest_role_with(permission) is least_role


def test_database_query_is_for_admins_only():
    assert [role for role in ROLE_ORDER if is_allowed(role, Permission.DATABASE_QUERY)] == [Role.ADMIN]
    assert Permission.DATABASE_QUERY not in permissions_of(Role.MANAGER)


@pytest.mark.parametrize(
    ("permission", "write"),
    [
        (Permission.FINANCIAL_WRITE, True),
        (Permission.QUALITY_WRITE, True),
        (Permission.DATABASE_QUERY, True),  # admin only
        (Permission.FINANCIAL_READ, False),
        (Permission.AI_USE, False),
        (Permission.TOOLS_LIST, False),
    ],
)
def test_write_permissions_are_area_write_or_admin_only(permission: Permission, write: bool):
    assert is_write_permission(permission) is write


def test_a_tool_without_a_table_entry_cannot_be_declared():
    group = ToolGroup(ToolCategory.SYSTEM, permissions={})
    with pytest.raises(ValueError, match="has no entry in the tool permission table") as raised:

        @group.tool("test-unlisted", title="Unlisted", read_only=True)
        async def unlisted(params: Nothing, ctx: ToolContext) -> Done:
            """Not in the table."""
            return Done(ok=True)

    assert str(raised.value) == (
        "tool 'test-unlisted' has no entry in the tool permission table (TOOL_PERMISSIONS in "
        "sentia_server/auth/permissions.py); add one before declaring the tool"
    )
    assert group.specs == []


def test_the_server_table_is_the_default_and_read_only():
    assert ToolGroup(ToolCategory.SYSTEM).permissions is TOOL_PERMISSIONS
    with pytest.raises(TypeError):
        TOOL_PERMISSIONS["test-sneaky"] = Permission.TOOLS_LIST  # type: ignore[index]


def test_a_write_tool_with_a_read_permission_is_refused():
    group = ToolGroup(ToolCategory.SYSTEM, permissions={"test-write": Permission.COMMERCE_READ})
    with pytest.raises(ValueError, match=r"changes data, so it needs a write permission .* not 'commerce:read'"):

        @group.tool("test-write", title="Write", read_only=False)
        async def write(params: Nothing, ctx: ToolContext) -> Done:
            """Changes something."""
            return Done(ok=True)


def test_the_rbac_matrix_covers_every_tool_and_role():
    matrix = rbac_matrix()
    assert set(matrix) == {spec.name for spec in default_registry()}
    for tool, by_role in matrix.items():
        assert set(by_role) == {"viewer", "operator", "manager", "admin"}
        for role in ROLE_ORDER:
            assert by_role[role.value] is is_allowed(role, TOOL_PERMISSIONS[tool])
    assert matrix["list-tools"] == {"viewer": True, "operator": True, "manager": True, "admin": True}
    assert matrix["xero-create-invoice"] == {"viewer": False, "operator": False, "manager": True, "admin": True}
    assert matrix["database-query"] == {"viewer": False, "operator": False, "manager": False, "admin": True}
    assert matrix["quality-record-create"]["operator"] is True


def test_the_rbac_matrix_grows_with_the_roles():
    """What a role may call, a higher role may call too."""
    for by_role in rbac_matrix().values():
        allowed = [by_role[role.value] for role in ROLE_ORDER]
        assert allowed == sorted(allowed)


def test_the_rbac_matrix_of_another_table():
    assert rbac_matrix({"test-b": Permission.AI_USE, "test-a": Permission.TOOLS_LIST}) == {
        "test-a": {"viewer": True, "operator": True, "manager": True, "admin": True},
        "test-b": {"viewer": False, "operator": True, "manager": True, "admin": True},
    }
