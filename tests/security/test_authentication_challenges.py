"""The MCP authorization flow as a client meets it: a 401 names the protected resource metadata, the metadata names
the resource and its authorization servers, and a 403 for a missing permission says which scope would do."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit

import httpx
import pytest
from support.http import INITIALIZE, MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.runtime import Runtime

pytestmark = pytest.mark.anyio

PUBLIC = "https://mcp.example.com"
METADATA = f"{PUBLIC}/.well-known/oauth-protected-resource/mcp"
ISSUER = "https://login.example.com/realms/sentia"


@pytest.fixture
async def served(make_settings: Callable[..., Settings]) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = make_settings(public_url=PUBLIC, authorization_servers=ISSUER, allowed_hosts="mcp.example.com")
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as client,
    ):
        yield client, app.state.runtime


def challenge_parameters(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "Bearer"
    pairs = (part.strip().split("=", 1) for part in rest.split('", '))
    return {name: value.strip('"') for name, value in pairs}


async def test_a_client_discovers_the_metadata_from_the_401(served):
    client, _ = served
    anonymous = await client.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
    assert anonymous.status_code == 401
    assert challenge_parameters(anonymous.headers["www-authenticate"]) == {"resource_metadata": METADATA}

    metadata = await client.get(urlsplit(METADATA).path)
    assert metadata.status_code == 200
    assert metadata.json() == {
        "resource": f"{PUBLIC}/mcp",
        "authorization_servers": [ISSUER],
        "bearer_methods_supported": ["header"],
        "scopes_supported": ["viewer", "operator", "manager", "admin"],
        "resource_name": "Sentia Manufacturing MCP server",
    }
    assert metadata.headers["cache-control"] == "public, max-age=3600"
    root = await client.get("/.well-known/oauth-protected-resource")
    assert root.json() == metadata.json()


async def test_a_presented_but_refused_credential_gets_invalid_token(served):
    client, _ = served
    refused = await client.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "authorization": "Bearer nope"})
    assert refused.status_code == 401
    parameters = challenge_parameters(refused.headers["www-authenticate"])
    assert parameters["error"] == "invalid_token"
    assert parameters["resource_metadata"] == METADATA
    assert "nope" not in refused.headers["www-authenticate"]


async def test_the_metadata_is_readable_from_a_browser_client(served):
    client, _ = served
    preflight = await client.options(
        "/.well-known/oauth-protected-resource/mcp",
        headers={"origin": "https://inspector.example", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 200
    answer = await client.get("/.well-known/oauth-protected-resource/mcp", headers={"origin": "https://x.example"})
    assert answer.headers["access-control-allow-origin"] == "*"


async def test_a_missing_permission_over_http_is_a_403_naming_the_scope(served):
    client, runtime = served
    viewer = await runtime.api_keys.create(role=Role.VIEWER, tenant="acme")
    answer = await client.get("/oauth/xero/authorize", headers={"authorization": f"Bearer {viewer.token}"})
    assert answer.status_code == 403
    parameters = challenge_parameters(answer.headers["www-authenticate"])
    assert parameters == {"error": "insufficient_scope", "scope": "admin", "resource_metadata": METADATA}
    assert answer.json()["error"] == "insufficient_scope"


async def test_without_authorization_servers_the_member_is_left_out(make_settings: Callable[..., Settings]):
    app = create_app(make_settings())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:3001") as client:
        document = (await client.get("/.well-known/oauth-protected-resource/mcp")).json()
    assert document["resource"] == "http://127.0.0.1:3001/mcp"
    assert "authorization_servers" not in document


@pytest.mark.parametrize("issuer", ["http://login.example.com", "ftp://login.example.com", "login.example.com"])
def test_an_authorization_server_must_be_an_https_issuer(make_settings: Callable[..., Settings], issuer: str):
    with pytest.raises(ValueError, match="SENTIA_AUTHORIZATION_SERVERS"):
        make_settings(authorization_servers=issuer)
