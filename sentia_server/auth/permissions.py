"""The role → permission table: the one place that says what each role may do."""

from __future__ import annotations

from enum import StrEnum

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


# What each role adds to the role below it (see ROLE_ORDER). Reading business data, recording inspections and using
# the (cost-bearing) AI tools start at operator; changing vendor data (invoices, products, listings) at manager.
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
    Role.ADMIN: frozenset(),
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
