"""Every way into /mcp without a valid credential ends in 401 with a WWW-Authenticate challenge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.http import INITIALIZE

from sentia_server.auth.principal import Role

pytestmark = pytest.mark.anyio


METADATA_URL = "http://127.0.0.1:3001/.well-known/oauth-protected-resource/mcp"


def assert_challenged(response, *, presented: bool = True) -> None:
    """401 with the MCP challenge; an error code only when a credential was presented (RFC 6750 §3.1)."""
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{METADATA_URL}"' in challenge
    assert ('error="invalid_token"' in challenge) is presented
    assert response.json() == {"error": "invalid_token", "error_description": "Authentication required"}


async def test_no_credential_is_challenged(server):
    assert_challenged(await server.rpc(INITIALIZE), presented=False)


@pytest.mark.parametrize(
    "credential",
    [
        "sentia_0123456789abcdef_" + "A" * 43,
        "not-a-token",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "",
    ],
)
async def test_unknown_credentials_are_challenged(server, credential: str):
    assert_challenged(await server.rpc(INITIALIZE, token=credential))


async def test_revoked_key_stops_working_at_once(server):
    assert (await server.rpc(INITIALIZE, token=server.viewer_key)).status_code == 200
    await server.runtime.api_keys.revoke(server.viewer_key.split("_")[1])
    assert_challenged(await server.rpc(INITIALIZE, token=server.viewer_key))


async def test_expired_jwt_is_challenged(server):
    assert_challenged(await server.rpc(INITIALIZE, token=server.jwt(ttl=timedelta(seconds=-120))))


async def test_jwt_for_another_audience_is_challenged(server):
    other = server.settings.model_copy(update={"jwt_audience": "another-service"})
    from sentia_server.auth.jwt_tokens import mint_token

    token = mint_token(other, subject="x", role=Role.ADMIN, tenant="acme", ttl=timedelta(minutes=5))
    assert_challenged(await server.rpc(INITIALIZE, token=token))


@pytest.mark.parametrize("how", ["bearer-key", "x-api-key", "bearer-jwt"])
async def test_valid_credentials_are_accepted(server, how: str):
    if how == "bearer-key":
        response = await server.rpc(INITIALIZE, token=server.admin_key)
    elif how == "x-api-key":
        response = await server.rpc(INITIALIZE, **{"x-api-key": server.admin_key})
    else:
        response = await server.rpc(INITIALIZE, token=server.jwt())
    assert response.status_code == 200
    assert response.json()["result"]["serverInfo"]["name"] == "sentia-mcp-server"


async def test_health_routes_need_no_credential_and_reveal_no_internals(server):
    live = await server.client.get("/health")
    ready = await server.client.get("/health/ready")
    assert live.status_code == ready.status_code == 200
    assert ready.json()["checks"]["database"]["backend"] == "sqlite"
    assert str(server.settings.data_dir) not in ready.text
