from __future__ import annotations

import itertools

import pytest

from sentia_server.auth.permissions import Permission, is_allowed, lowest_role_with, permissions_of
from sentia_server.auth.principal import Role


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.VIEWER, Permission.TOOLS_LIST, True),
        (Role.VIEWER, Permission.SYSTEM_READ, False),
        (Role.OPERATOR, Permission.SYSTEM_READ, True),
        (Role.OPERATOR, Permission.TOOLS_LIST, True),
        (Role.MANAGER, Permission.SYSTEM_READ, True),
        (Role.ADMIN, Permission.SYSTEM_READ, True),
    ],
)
def test_roles_inherit_the_permissions_below_them(role: Role, permission: Permission, allowed: bool):
    assert is_allowed(role, permission) is allowed


def test_admin_holds_every_permission():
    assert permissions_of(Role.ADMIN) == frozenset(Permission)


def test_each_role_holds_at_least_what_the_role_below_holds():
    order = [Role.VIEWER, Role.OPERATOR, Role.MANAGER, Role.ADMIN]
    for lower, higher in itertools.pairwise(order):
        assert permissions_of(lower) <= permissions_of(higher)


def test_lowest_role_with_names_who_may_call():
    assert lowest_role_with(Permission.SYSTEM_READ) is Role.OPERATOR
    assert lowest_role_with(Permission.TOOLS_LIST) is Role.VIEWER
