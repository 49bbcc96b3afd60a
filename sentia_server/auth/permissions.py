"""The two authorization tables: what each role may do, and which permission each tool needs.

Both live here so that one module answers "may this role call this tool?". The tool table is keyed by tool name and is
the only place a tool's permission is stated: `tools.registry.ToolGroup.tool` reads it, and a tool without an entry
cannot be declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from sentia_server.auth.principal import Role


class Permission(StrEnum):
    """Every permission a tool can require, as `area:action`."""

    TOOLS_LIST = "tools:list"
    SYSTEM_READ = "system:read"
    FINANCIAL_READ = "financial:read"
    FINANCIAL_WRITE = "financial:write"
    COMMERCE_READ = "commerce:read"
    COMMERCE_WRITE = "commerce:write"
    MARKETPLACE_READ = "marketplace:read"
    MARKETPLACE_WRITE = "marketplace:write"
    INVENTORY_READ = "inventory:read"
    PRODUCTION_READ = "production:read"
    QUALITY_READ = "quality:read"
    QUALITY_WRITE = "quality:write"
    AI_USE = "ai:use"
    DATABASE_QUERY = "database:query"


# What each role adds to the role below it (see ROLE_ORDER). Reading business data, recording inspections and using
# the (cost-bearing) AI tools start at operator; changing vendor data (invoices, products, listings) at manager;
# reading the server's own database directly only at admin.
_ROLE_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.TOOLS_LIST}),
    Role.OPERATOR: frozenset(
        {
            Permission.SYSTEM_READ,
            Permission.FINANCIAL_READ,
            Permission.COMMERCE_READ,
            Permission.MARKETPLACE_READ,
            Permission.INVENTORY_READ,
            Permission.PRODUCTION_READ,
            Permission.QUALITY_READ,
            Permission.QUALITY_WRITE,
            Permission.AI_USE,
        }
    ),
    Role.MANAGER: frozenset({Permission.FINANCIAL_WRITE, Permission.COMMERCE_WRITE, Permission.MARKETPLACE_WRITE}),
    Role.ADMIN: frozenset({Permission.DATABASE_QUERY}),
}
ROLE_ORDER: tuple[Role, ...] = (Role.VIEWER, Role.OPERATOR, Role.MANAGER, Role.ADMIN)


def permissions_of(role: Role) -> frozenset[Permission]:
    """Everything `role` may do: its own grants plus those of every role below it."""
    granted: set[Permission] = set()
    for candidate in ROLE_ORDER[: ROLE_ORDER.index(role) + 1]:
        granted |= _ROLE_GRANTS[candidate]
    return frozenset(granted)


def is_allowed(role: Role, permission: Permission) -> bool:
    return permission in permissions_of(role)


def lowest_role_with(permission: Permission) -> Role | None:
    """The least privileged role that holds `permission`, for error messages that say who may call."""
    return next((role for role in ROLE_ORDER if permission in permissions_of(role)), None)


def is_write_permission(permission: Permission) -> bool:
    """Whether `permission` may guard a tool that changes data: an `area:write` permission, or one only admins hold."""
    return permission.value.endswith(":write") or lowest_role_with(permission) is Role.ADMIN


# Every tool of the server and the permission it needs. Tools that change data need a write permission (checked when a
# tool is declared); tests check that this table and the registered tools are the same set.
TOOL_PERMISSIONS: Mapping[str, Permission] = MappingProxyType(
    {
        # system
        "system-status": Permission.SYSTEM_READ,
        "list-tools": Permission.TOOLS_LIST,
        "database-query": Permission.DATABASE_QUERY,
        # xero
        "xero-analytics": Permission.FINANCIAL_READ,
        "xero-get-bank-transactions": Permission.FINANCIAL_READ,
        "xero-get-contacts": Permission.FINANCIAL_READ,
        "xero-get-invoices": Permission.FINANCIAL_READ,
        "xero-get-financial-reports": Permission.FINANCIAL_READ,
        "xero-create-invoice": Permission.FINANCIAL_WRITE,
        # shopify
        "shopify-get-analytics": Permission.COMMERCE_READ,
        "shopify-get-customers": Permission.COMMERCE_READ,
        "shopify-get-inventory": Permission.COMMERCE_READ,
        "shopify-get-products": Permission.COMMERCE_READ,
        "shopify-get-orders": Permission.COMMERCE_READ,
        "shopify-manage-products": Permission.COMMERCE_WRITE,
        # amazon
        "amazon-advertising-data": Permission.MARKETPLACE_READ,
        "amazon-get-products": Permission.MARKETPLACE_READ,
        "amazon-get-inventory": Permission.MARKETPLACE_READ,
        "amazon-get-orders": Permission.MARKETPLACE_READ,
        "amazon-get-reports": Permission.MARKETPLACE_READ,
        "amazon-manage-listings": Permission.MARKETPLACE_WRITE,
        # unleashed
        "unleashed-get-customers": Permission.INVENTORY_READ,
        "unleashed-get-inventory": Permission.INVENTORY_READ,
        "unleashed-get-products": Permission.INVENTORY_READ,
        "unleashed-get-purchase-orders": Permission.INVENTORY_READ,
        "unleashed-get-sales-orders": Permission.INVENTORY_READ,
        "unleashed-get-suppliers": Permission.INVENTORY_READ,
        "unleashed-get-production-orders": Permission.PRODUCTION_READ,
        # manufacturing
        "manufacturing-production-status": Permission.PRODUCTION_READ,
        "manufacturing-inventory-health": Permission.INVENTORY_READ,
        "manufacturing-working-capital": Permission.FINANCIAL_READ,
        "quality-records-list": Permission.QUALITY_READ,
        "quality-record-create": Permission.QUALITY_WRITE,
        # ai
        "openai-content-generation": Permission.AI_USE,
        "openai-customer-insights": Permission.AI_USE,
        "openai-data-analysis": Permission.AI_USE,
        "openai-forecasting": Permission.AI_USE,
        "openai-operational-optimization": Permission.AI_USE,
        "openai-automated-reporting": Permission.AI_USE,
        "claude-competitive-analysis": Permission.AI_USE,
        "claude-analyze-financial-data": Permission.AI_USE,
        "claude-inventory-optimization": Permission.AI_USE,
        "claude-strategic-planning": Permission.AI_USE,
        "claude-generate-business-reports": Permission.AI_USE,
        "claude-analyze-sales-performance": Permission.AI_USE,
    }
)


def rbac_matrix(table: Mapping[str, Permission] = TOOL_PERMISSIONS) -> dict[str, dict[str, bool]]:
    """For every tool of `table` and every role, whether that role may call the tool: `{tool: {role: allowed}}`.

    Plain strings and booleans, so a security suite can compare live calls with it without importing server types.
    """
    return {
        tool: {role.value: is_allowed(role, permission) for role in ROLE_ORDER}
        for tool, permission in sorted(table.items())
    }
