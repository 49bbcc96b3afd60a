"""One verifier for every credential: what it notes about a refusal, and JWKS verification off the event loop."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sentia_server.auth.api_keys import ApiKeyHasher, ApiKeyStore
from sentia_server.auth.attempt import close_attempt, note_refusal, open_attempt
from sentia_server.auth.jwt_tokens import JwtVerifier
from sentia_server.auth.principal import Role
from sentia_server.auth.verifier import CredentialVerifier
from sentia_server.config import Settings
from sentia_server.storage.database import Database

from .conftest import JwksServer, public_jwk
from .test_jwt_verification import claims

pytestmark = pytest.mark.anyio


@pytest.fixture
async def database() -> AsyncIterator[Database]:
    opened = Database("sqlite+aiosqlite:///:memory:")
    try:
        yield opened
    finally:
        await opened.aclose()


def verifier_for(settings: Settings, database: Database) -> CredentialVerifier:
    return CredentialVerifier(ApiKeyStore(database, ApiKeyHasher.from_settings(settings)), JwtVerifier(settings))


async def test_a_refusal_is_noted_on_the_open_attempt(make_settings: Callable[..., Settings], database: Database):
    verifier = verifier_for(make_settings(), database)
    attempt, token = open_attempt()
    try:
        assert await verifier.authenticate("eyJhbGciOiJIUzI1NiJ9.e30.x") is None
    finally:
        close_attempt(token)
    assert (attempt.kind, attempt.reason) == ("jwt", "jwt_not_configured")


async def test_a_malformed_api_key_is_noted_as_such(make_settings: Callable[..., Settings], database: Database):
    verifier = verifier_for(make_settings(), database)
    attempt, token = open_attempt()
    try:
        assert await verifier.verify_token("sentia_nope") is None
    finally:
        close_attempt(token)
    assert (attempt.kind, attempt.reason) == ("api_key", "malformed")


def test_without_an_open_attempt_a_refusal_is_only_logged():
    note_refusal("jwt", "expired")  # nothing to record on, and nothing raised
    attempt, token = open_attempt()
    close_attempt(token)
    note_refusal("jwt", "expired")
    assert attempt.reason is None


async def test_jwks_tokens_are_verified_off_the_event_loop(
    make_settings: Callable[..., Settings],
    database: Database,
    jwks_server: JwksServer,
    rsa_key: rsa.RSAPrivateKey,
    monkeypatch: pytest.MonkeyPatch,
):
    jwks_server.keys = [public_jwk(rsa_key, "k")]
    verifier = verifier_for(make_settings(jwt_jwks_url=jwks_server.url), database)
    threads: list[str] = []
    original = JwtVerifier.verify

    def recording(self: JwtVerifier, token: str):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return original(self, token)

    monkeypatch.setattr(JwtVerifier, "verify", recording)
    token = jwt.encode(claims(role="operator"), rsa_key, algorithm="RS256", headers={"kid": "k"})
    access = await verifier.verify_token(token)
    assert access is not None and access.scopes == [Role.OPERATOR.value]
    assert threads and threads[0] != threading.main_thread().name
