"""The `WWW-Authenticate: Bearer` challenges of the MCP authorization specification (RFC 6750, RFC 9728 §5.1).

A 401 names where the protected resource metadata lives; it carries `error="invalid_token"` only when a credential
was presented (a request without one gets no error code, as RFC 6750 §3.1 asks). A 403 for a missing permission
carries `error="insufficient_scope"` and the scope that would be enough.
"""

from __future__ import annotations

from mcp.server.auth.routes import build_resource_metadata_url
from pydantic import AnyHttpUrl

from sentia_server.auth.principal import Role
from sentia_server.config import Settings

WELL_KNOWN_PATH = "/.well-known/oauth-protected-resource"
REFUSED_CREDENTIAL_TEXT = "The credential is unknown, expired, revoked or invalid"
SCOPES_SUPPORTED: tuple[str, ...] = tuple(role.value for role in Role)
"""A credential's scope is its role (the role claim of a JWT, the role of an API key)."""


def metadata_path(settings: Settings) -> str:
    """The path of the metadata document for the MCP endpoint: the well-known prefix, then the MCP path."""
    return WELL_KNOWN_PATH + (settings.mcp_path if settings.mcp_path != "/" else "")


def resource_metadata_url(settings: Settings) -> str:
    """The absolute URL of the metadata document: the well-known prefix inserted before the path of the MCP URL."""
    return str(build_resource_metadata_url(AnyHttpUrl(settings.mcp_url)))


def bearer_challenge(
    settings: Settings, *, error: str | None = None, description: str | None = None, scope: str | None = None
) -> str:
    """A `Bearer` challenge naming the metadata URL, with an error code, description and scope when given."""
    parts = []
    if error is not None:
        parts.append(f'error="{error}"')
    if description is not None:
        parts.append(f'error_description="{description}"')
    if scope is not None:
        parts.append(f'scope="{scope}"')
    parts.append(f'resource_metadata="{resource_metadata_url(settings)}"')
    return "Bearer " + ", ".join(parts)
