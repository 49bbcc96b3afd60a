"""OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint.

Served at `/.well-known/oauth-protected-resource` and at the path-suffixed form the MCP authorization specification
asks clients to try first (`/.well-known/oauth-protected-resource/mcp`). `authorization_servers` lists
`SENTIA_AUTHORIZATION_SERVERS`; RFC 9728 makes the member optional, so it is left out when none is configured
(the server then accepts only its API keys and the JWTs of its own keys, and OAuth clients cannot discover an
authorization server). The document is public and cacheable, and browser-based MCP clients may read it from any
origin.
"""

from __future__ import annotations

from typing import Any

from mcp.server.auth.routes import cors_middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sentia_server.auth.challenge import SCOPES_SUPPORTED, WELL_KNOWN_PATH, metadata_path
from sentia_server.config import Settings

RESOURCE_NAME = "Sentia Manufacturing MCP server"


def protected_resource_metadata(settings: Settings) -> dict[str, Any]:
    """The metadata document: which resource this is, who issues tokens for it, how tokens are sent, which scopes."""
    document: dict[str, Any] = {"resource": settings.mcp_url}
    if settings.authorization_servers:
        document["authorization_servers"] = list(settings.authorization_servers)
    document.update(
        {
            "bearer_methods_supported": ["header"],
            "scopes_supported": list(SCOPES_SUPPORTED),
            "resource_name": RESOURCE_NAME,
        }
    )
    return document


def well_known_routes(settings: Settings) -> list[Route]:
    document = protected_resource_metadata(settings)

    async def metadata(_request: Request) -> Response:
        return JSONResponse(document, headers={"cache-control": "public, max-age=3600"})

    endpoint = cors_middleware(metadata, ["GET", "OPTIONS"])
    paths = dict.fromkeys([metadata_path(settings), WELL_KNOWN_PATH])
    return [Route(path, endpoint=endpoint, methods=["GET", "OPTIONS"]) for path in paths]
