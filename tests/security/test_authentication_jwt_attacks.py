"""The known JWT attacks, sent over HTTP to a server that verifies RS256 with a public key and HS256 with a secret:
each ends in 401, and the audit trail records why (never the token)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from support.http import INITIALIZE, JWT_SECRET, MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.config import Settings
from sentia_server.runtime import Runtime
from sentia_server.storage.audit_events import Action

pytestmark = pytest.mark.anyio

PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = PRIVATE_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    base = {"sub": "mallory", "role": "admin", "tenant": "acme", "iss": "sentia-mcp-server", "aud": "sentia-mcp"}
    base |= {"iat": now, "exp": now + 300}
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def signed_hs256(header: dict[str, Any], payload: dict[str, Any], key: bytes) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def unsigned(header: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims()).encode())}."


def rs256(**overrides: Any) -> str:
    return jwt.encode(claims(**overrides), PRIVATE_KEY, algorithm="RS256")


ATTACKS: dict[str, tuple[Callable[[], str], str]] = {
    "alg none": (lambda: unsigned({"alg": "none"}), "algorithm_not_accepted"),
    "alg None spelled differently": (lambda: unsigned({"alg": "None"}), "algorithm_not_accepted"),
    "HS256 signed with the RS256 public key": (
        lambda: signed_hs256({"alg": "HS256", "typ": "JWT"}, claims(), PUBLIC_PEM),
        "bad_signature",
    ),
    "expired": (lambda: rs256(exp=int(datetime.now(UTC).timestamp()) - 3600), "expired"),
    "nbf in the future": (lambda: rs256(nbf=int(datetime.now(UTC).timestamp()) + 3600), "not_yet_valid"),
    "missing exp": (lambda: rs256(exp=None), "missing_claim"),
    "missing iat": (lambda: rs256(iat=None), "missing_claim"),
    "wrong issuer": (lambda: rs256(iss="https://evil.example"), "wrong_issuer"),
    "wrong audience (token passthrough)": (lambda: rs256(aud="https://graph.example.com"), "wrong_audience"),
    "bad signature": (lambda: rs256()[:-6] + "AAAAAA", "bad_signature"),
    "kid path traversal": (
        lambda: signed_hs256({"alg": "HS256", "kid": "../../../../dev/null"}, claims(), b""),
        "bad_signature",
    ),
    "kid SQL injection": (
        lambda: signed_hs256({"alg": "HS256", "kid": "x' UNION SELECT 'k"}, claims(), b"k"),
        "bad_signature",
    ),
    "jku header": (
        lambda: jwt.encode(claims(), PRIVATE_KEY, algorithm="RS256", headers={"jku": "https://evil.example/k"}),
        "key_source_header",
    ),
    "x5u header": (
        lambda: jwt.encode(claims(), PRIVATE_KEY, algorithm="RS256", headers={"x5u": "https://evil.example/c"}),
        "key_source_header",
    ),
    "RS256 signed by another key": (
        lambda: jwt.encode(claims(), rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256"),
        "bad_signature",
    ),
}


@pytest.fixture
async def served(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    key_file = tmp_path / "jwt.pub.pem"
    key_file.write_bytes(PUBLIC_PEM)
    settings = make_settings(jwt_secret=JWT_SECRET, jwt_public_key_file=key_file)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:3001") as client,
    ):
        yield client, app.state.runtime


@pytest.mark.parametrize("attack", list(ATTACKS))
async def test_the_attack_is_refused_and_audited(served, attack: str):
    client, runtime = served
    make_token, reason = ATTACKS[attack]
    token = make_token()
    answer = await client.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    (event,) = await runtime.audit.recent(action=Action.AUTH_FAILURE)
    assert event.detail == {"kind": "jwt", "reason": reason, "path": "/mcp"}
    assert token[-20:] not in repr(event.detail)


async def test_the_genuine_rs256_token_is_accepted(served):
    client, _ = served
    answer = await client.post("/mcp", json=INITIALIZE, headers={**MCP_HEADERS, "authorization": f"Bearer {rs256()}"})
    assert answer.status_code == 200
