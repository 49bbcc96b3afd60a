from __future__ import annotations

import jwt
import pytest

from sentia_server.auth.api_keys import ApiKeyHasher, ApiKeyStore
from sentia_server.auth.jwt_tokens import JwtVerifier
from sentia_server.auth.verifier import CredentialVerifier, principal_from_request_context
from sentia_server.storage.database import Database

pytestmark = pytest.mark.anyio


async def test_a_jwt_is_refused_when_no_jwt_key_is_configured(make_settings):
    database = Database("sqlite+aiosqlite:///:memory:")
    try:
        settings = make_settings()
        api_keys = ApiKeyStore(database, ApiKeyHasher.from_settings(settings))
        verifier = CredentialVerifier(api_keys, JwtVerifier(settings))
        token = jwt.encode({"sub": "x"}, "k3Jq9-Zp2Lw8Xv5Rt1Yb7Nc4Hm6Gd0Fs", algorithm="HS256")
        assert await verifier.authenticate(token) is None
        assert await verifier.verify_token(token) is None
    finally:
        await database.aclose()


def test_no_principal_outside_an_authenticated_request():
    assert principal_from_request_context() is None
