"""The authenticated caller of a request, whatever credential it presented."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Roles from least to most privileged; each inherits the permissions of the one below it."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    MANAGER = "manager"
    ADMIN = "admin"


class AuthMethod(StrEnum):
    API_KEY = "api_key"
    JWT = "jwt"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling (`subject`), with which role, on behalf of which tenant's data."""

    subject: str
    role: Role
    tenant: str
    auth_method: AuthMethod
