"""Credential checks that run on every authenticated request: API-key parsing and hashing, JWT verification."""

from __future__ import annotations

from datetime import timedelta

from sentia_server.auth.api_keys import HASH_SCHEME, ApiKeyHasher, split_key
from sentia_server.auth.jwt_tokens import JwtVerifier, mint_token
from sentia_server.auth.principal import Role

API_KEY = "sentia_0123456789abcdef_" + "s" * 43


def test_api_key_split_and_hash(benchmark):
    """Parse the key, then compare its keyed hash with the stored one in constant time, as each request does."""
    hasher = ApiKeyHasher(b"benchmark-hash-key-" * 3)
    stored = hasher.digest(API_KEY)

    def check(token: str) -> bool:
        parts = split_key(token)
        assert parts is not None
        return hasher.matches(stored, HASH_SCHEME, token)

    assert benchmark(check, API_KEY) is True


def test_jwt_verify(benchmark, settings):
    verifier = JwtVerifier(settings)
    token = mint_token(settings, subject="benchmark", role=Role.OPERATOR, tenant="acme", ttl=timedelta(hours=1))
    assert benchmark(verifier.verify, token).tenant == "acme"
