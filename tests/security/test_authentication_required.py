"""No setting turns authentication off: an unauthenticated call to the MCP endpoint is a 401 in every environment
and with every way of verifying credentials, and the switches other servers had are simply ignored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from support.http import INITIALIZE, JWT_SECRET, MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.config import Environment, Settings

pytestmark = pytest.mark.anyio

HASH_KEY = "Hq7-Wn3zLx8Kp2Rv5Tb9Mc1Jd6Fg4Ys0Ae"
TOOLS_CALL = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "system-status", "arguments": {}}}


def public_key_file(tmp_path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "jwt.pub.pem"
    path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return path


VERIFICATION = {
    "api keys only": lambda _tmp: {},
    "HS256": lambda _tmp: {"jwt_secret": JWT_SECRET},
    "RS256 key file": lambda tmp: {"jwt_public_key_file": public_key_file(tmp)},
    "RS256 JWKS": lambda _tmp: {"jwt_jwks_url": "https://idp.example.com/.well-known/jwks.json"},
}


async def unauthenticated_calls(settings: Settings) -> list[httpx.Response]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:3001") as client,
    ):
        return [
            await client.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS),
            await client.post("/mcp", json=TOOLS_CALL, headers=MCP_HEADERS),
        ]


# Production with API keys only is absent: it refuses to start without a JWT key (see the configuration tests).
COMBINATIONS = [
    (environment, verification)
    for environment in Environment
    for verification in VERIFICATION
    if not (environment is Environment.PRODUCTION and verification == "api keys only")
]


@pytest.mark.parametrize(("environment", "verification"), COMBINATIONS)
async def test_every_environment_and_verification_challenges_an_anonymous_call(
    make_settings: Callable[..., Settings], tmp_path: Path, environment: Environment, verification: str
):
    options = VERIFICATION[verification](tmp_path)
    settings = make_settings(environment=environment, api_key_hash_key=HASH_KEY, auto_migrate=True, **options)
    for response in await unauthenticated_calls(settings):
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Bearer ")


@pytest.mark.parametrize(
    "switch",
    ["SENTIA_AUTH_ENABLED=false", "SENTIA_DISABLE_AUTH=true", "SENTIA_AUTH_DISABLED=1", "SENTIA_NO_AUTH=true"],
)
async def test_switches_of_other_servers_do_not_turn_authentication_off(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch, switch: str
):
    settings = make_settings()  # clears the developer's SENTIA_* variables first
    name, _, value = switch.partition("=")
    monkeypatch.setenv(name, value)
    for response in await unauthenticated_calls(Settings(_env_file=None, data_dir=settings.data_dir)):
        assert response.status_code == 401


def test_no_setting_can_switch_authentication_off():
    suspicious = [
        name
        for name, field in Settings.model_fields.items()
        if field.annotation in (bool, bool | None) and any(word in name for word in ("auth", "security", "jwt", "key"))
    ]
    assert suspicious == []
