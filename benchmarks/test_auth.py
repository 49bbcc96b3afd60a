"""Credential checks that run on every authenticated request: API-key parsing and hashing, JWT verification."""

from __future__ import annotations

from datetime import timedelta

from sentia_server.auth.api_keys import hash_key, split_key
from sentia_server.auth.jwt_tokens import JwtVerifier, mint_token
from sentia_server.auth.principal import Role

API_KEY = "sentia_0123456789abcdef_" + "s" * 43


def test_api_key_split_and_hash(benchmark):
    def check(token: str) -> str:
        parts = split_key(token)
        assert parts is not None
        return hash_key(token)

    assert len(benchmark(check, API_KEY)) == 64


def test_jwt_verify(benchmark, settings):
    verifier = JwtVerifier(settings)
    token = mint_token(settings, subject="benchmark", role=Role.OPERATOR, tenant="acme", ttl=timedelta(hours=1))
    assert benchmark(verifier.verify, token).tenant == "acme"
