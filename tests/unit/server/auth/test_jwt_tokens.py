from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sentia_server.auth.jwt_tokens import JwtVerifier, TokenRejected, mint_token
from sentia_server.auth.principal import AuthMethod, Principal, Role

SECRET = "k3Jq9-Zp2Lw8Xv5Rt1Yb7Nc4Hm6Gd0Fs"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def public_key_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    path = tmp_path / "jwt.pub.pem"
    path.write_bytes(
        rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return path


def claims(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    base: dict[str, object] = {
        "sub": "alice",
        "role": "manager",
        "tenant": "acme",
        "iss": "sentia-mcp-server",
        "aud": "sentia-mcp",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def test_hs256_token_yields_principal(make_settings):
    verifier = JwtVerifier(make_settings(jwt_secret=SECRET))
    token = jwt.encode(claims(), SECRET, algorithm="HS256")
    assert verifier.verify(token) == Principal("alice", Role.MANAGER, "acme", AuthMethod.JWT)


def test_rs256_token_yields_principal(make_settings, public_key_file: Path, rsa_key: rsa.RSAPrivateKey):
    verifier = JwtVerifier(make_settings(jwt_public_key_file=public_key_file))
    token = jwt.encode(claims(role="viewer"), rsa_key, algorithm="RS256")
    assert verifier.verify(token).role is Role.VIEWER


def test_missing_tenant_claim_uses_default_tenant(make_settings):
    verifier = JwtVerifier(make_settings(jwt_secret=SECRET, default_tenant="main"))
    assert verifier.verify(jwt.encode(claims(tenant=None), SECRET, algorithm="HS256")).tenant == "main"


@pytest.mark.parametrize("missing", ["exp", "iss", "aud", "sub"])
def test_each_required_claim_is_required(make_settings, missing: str):
    verifier = JwtVerifier(make_settings(jwt_secret=SECRET))
    token = jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256")
    with pytest.raises(TokenRejected, match=f'Token is missing the "{missing}" claim'):
        verifier.verify(token)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"aud": "another-service"}, "Audience doesn't match"),
        ({"iss": "someone-else"}, "Invalid issuer"),
        ({"exp": timedelta(minutes=-5)}, "Signature has expired"),
        ({"nbf": timedelta(minutes=5)}, "The token is not yet valid"),
        ({"role": "superuser"}, "the role claim must be one of"),
        ({"tenant": ""}, "the tenant claim must be a non-empty string"),
    ],
)
def test_invalid_claims_are_refused(make_settings, overrides: dict[str, object], message: str):
    """Times are given as offsets from the moment the test runs (parameters are built at collection)."""
    now = datetime.now(UTC)
    overrides = {key: now + value if isinstance(value, timedelta) else value for key, value in overrides.items()}
    verifier = JwtVerifier(make_settings(jwt_secret=SECRET))
    with pytest.raises(TokenRejected, match=message):
        verifier.verify(jwt.encode(claims(**overrides), SECRET, algorithm="HS256"))


def test_bad_signature_is_refused(make_settings):
    verifier = JwtVerifier(make_settings(jwt_secret=SECRET))
    token = jwt.encode(claims(), SECRET[::-1], algorithm="HS256")
    with pytest.raises(TokenRejected, match="Signature verification failed"):
        verifier.verify(token)


def test_alg_none_is_refused(make_settings):
    verifier = JwtVerifier(make_settings(jwt_secret=SECRET))
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(claims(iat=None, exp=9999999999)).encode()).rstrip(b"=")
    with pytest.raises(TokenRejected, match="algorithm 'none' is not accepted; accepted: HS256"):
        verifier.verify(f"{header.decode()}.{payload.decode()}.")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_public_key_cannot_be_used_as_hmac_secret(make_settings, public_key_file: Path):
    """HS/RS confusion: a token HMAC-signed with the public key must not pass when only RS256 is configured."""
    verifier = JwtVerifier(make_settings(jwt_public_key_file=public_key_file))
    body = claims(iat=None, exp=int((datetime.now(UTC) + timedelta(minutes=5)).timestamp()))
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{header}.{_b64(json.dumps(body).encode())}"
    signature = hmac.new(public_key_file.read_bytes(), signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(TokenRejected, match="algorithm 'HS256' is not accepted; accepted: RS256"):
        verifier.verify(f"{signing_input}.{_b64(signature)}")


def test_no_keys_configured_refuses_everything(make_settings):
    verifier = JwtVerifier(make_settings())
    assert not verifier.enabled
    with pytest.raises(TokenRejected, match="accepted: none"):
        verifier.verify(jwt.encode(claims(), SECRET, algorithm="HS256"))


def test_malformed_token_is_refused(make_settings):
    with pytest.raises(TokenRejected, match="malformed token"):
        JwtVerifier(make_settings(jwt_secret=SECRET)).verify("not-a-jwt")


def test_minted_token_verifies(make_settings):
    settings = make_settings(jwt_secret=SECRET)
    token = mint_token(settings, subject="dev", role=Role.OPERATOR, tenant="acme", ttl=timedelta(minutes=1))
    assert JwtVerifier(settings).verify(token) == Principal("dev", Role.OPERATOR, "acme", AuthMethod.JWT)


def test_minting_needs_a_secret(make_settings):
    with pytest.raises(TokenRejected, match="SENTIA_JWT_SECRET is not set"):
        mint_token(make_settings(), subject="dev", role=Role.ADMIN, tenant="x", ttl=timedelta(minutes=1))


def test_empty_subject_is_refused(make_settings):
    verifier = JwtVerifier(make_settings(jwt_secret=SECRET))
    with pytest.raises(TokenRejected):
        verifier.verify(jwt.encode(claims(sub=""), SECRET, algorithm="HS256"))
