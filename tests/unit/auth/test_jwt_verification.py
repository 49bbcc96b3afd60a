"""JWT verification: required claims, audience, time checks, key sources, and RS256 keys from a JWKS by `kid`."""

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

from .conftest import JwksServer, public_jwk

SECRET = "k3Jq9-Zp2Lw8Xv5Rt1Yb7Nc4Hm6Gd0Fs"


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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_signed(header: dict[str, object], payload: dict[str, object], key: bytes) -> str:
    """An HS256 token built by hand, so that any header (even one PyJWT would refuse to write) can be sent."""
    body = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in payload.items()}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(body).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def rejection(verifier: JwtVerifier, token: str) -> TokenRejected:
    with pytest.raises(TokenRejected) as raised:
        verifier.verify(token)
    return raised.value


@pytest.fixture
def hs_verifier(make_settings) -> JwtVerifier:
    return JwtVerifier(make_settings(jwt_secret=SECRET))


class TestRequiredClaimsAndTimes:
    @pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub"])
    def test_each_required_claim_is_required(self, hs_verifier: JwtVerifier, missing: str):
        refused = rejection(hs_verifier, jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256"))
        assert refused.reason == "missing_claim"
        assert f'"{missing}"' in str(refused)

    def test_nbf_in_the_future_is_refused(self, hs_verifier: JwtVerifier):
        later = datetime.now(UTC) + timedelta(minutes=10)
        refused = rejection(hs_verifier, jwt.encode(claims(nbf=later), SECRET, algorithm="HS256"))
        assert refused.reason == "not_yet_valid"

    def test_iat_in_the_future_is_refused(self, hs_verifier: JwtVerifier):
        later = datetime.now(UTC) + timedelta(minutes=10)
        refused = rejection(hs_verifier, jwt.encode(claims(iat=later), SECRET, algorithm="HS256"))
        assert refused.reason == "not_yet_valid"

    def test_expiry_within_the_leeway_is_tolerated_and_beyond_it_refused(self, make_settings):
        verifier = JwtVerifier(make_settings(jwt_secret=SECRET, jwt_leeway_seconds=60))
        just_expired = datetime.now(UTC) - timedelta(seconds=20)
        assert verifier.verify(jwt.encode(claims(exp=just_expired), SECRET, algorithm="HS256")).subject == "alice"
        long_expired = datetime.now(UTC) - timedelta(seconds=120)
        refused = rejection(verifier, jwt.encode(claims(exp=long_expired), SECRET, algorithm="HS256"))
        assert refused.reason == "expired"

    def test_wrong_issuer_is_refused(self, hs_verifier: JwtVerifier):
        refused = rejection(hs_verifier, jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256"))
        assert refused.reason == "wrong_issuer"

    def test_invalid_claim_values_are_refused(self, hs_verifier: JwtVerifier):
        assert rejection(hs_verifier, jwt.encode(claims(role="root"), SECRET, algorithm="HS256")).reason == (
            "invalid_claims"
        )
        assert rejection(hs_verifier, jwt.encode(claims(tenant=""), SECRET, algorithm="HS256")).reason == (
            "invalid_claims"
        )
        assert rejection(hs_verifier, jwt.encode(claims(sub=""), SECRET, algorithm="HS256")).reason == (
            "invalid_claims"
        )


class TestAudience:
    def test_the_configured_audience_and_the_mcp_url_are_this_server(self, make_settings):
        settings = make_settings(jwt_secret=SECRET, public_url="https://mcp.example.com")
        verifier = JwtVerifier(settings)
        for audience in ("sentia-mcp", "https://mcp.example.com/mcp", ["other-api", "sentia-mcp"]):
            token = jwt.encode(claims(aud=audience), SECRET, algorithm="HS256")
            assert verifier.verify(token).subject == "alice"

    @pytest.mark.parametrize("audience", ["another-service", "https://mcp.example.com/other", ["a", "b"]])
    def test_a_token_for_another_audience_is_not_passed_through(self, make_settings, audience: object):
        verifier = JwtVerifier(make_settings(jwt_secret=SECRET, public_url="https://mcp.example.com"))
        refused = rejection(verifier, jwt.encode(claims(aud=audience), SECRET, algorithm="HS256"))
        assert refused.reason == "wrong_audience"


class TestKeySources:
    @pytest.mark.parametrize("header", ["jku", "x5u", "jwk", "x5c"])
    def test_a_header_naming_a_key_source_is_refused_without_fetching(self, hs_verifier: JwtVerifier, header: str):
        value: object = "http://127.0.0.1:1/keys.json"
        if header == "jwk":
            value = {"kty": "oct", "k": _b64(SECRET.encode())}
        elif header == "x5c":
            value = ["MIIB"]
        token = hand_signed({"alg": "HS256", "typ": "JWT", header: value}, claims(), SECRET.encode())
        refused = rejection(hs_verifier, token)
        assert refused.reason == "key_source_header"
        assert header in str(refused)

    @pytest.mark.parametrize("kid", ["../../../../dev/null", "' OR '1'='1", "key; DROP TABLE api_keys; --", "\x00"])
    def test_a_kid_is_not_used_to_find_an_hs256_key(self, hs_verifier: JwtVerifier, kid: str):
        # Signed with an empty key, as if the kid had named an empty file: it must not verify.
        forged = hand_signed({"alg": "HS256", "kid": kid}, claims(), b"")
        assert rejection(hs_verifier, forged).reason == "bad_signature"
        genuine = hand_signed({"alg": "HS256", "kid": kid}, claims(), SECRET.encode())
        assert hs_verifier.verify(genuine).subject == "alice"

    def test_alg_none_is_refused(self, hs_verifier: JwtVerifier):
        header = _b64(json.dumps({"alg": "none"}).encode())
        payload = _b64(json.dumps({"sub": "x"}).encode())
        refused = rejection(hs_verifier, f"{header}.{payload}.")
        assert refused.reason == "algorithm_not_accepted"

    def test_a_long_algorithm_name_is_shortened_in_the_message(self, hs_verifier: JwtVerifier):
        token = hand_signed({"alg": "X" * 500}, claims(), SECRET.encode())
        assert len(str(rejection(hs_verifier, token))) < 120

    def test_malformed_token(self, hs_verifier: JwtVerifier):
        assert rejection(hs_verifier, "not-a-jwt").reason == "malformed"
        header = _b64(json.dumps({"alg": "HS256"}).encode())
        assert rejection(hs_verifier, f"{header}.!!!.???").reason == "malformed"


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class TestJwks:
    @pytest.fixture
    def served(self, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey) -> JwksServer:
        jwks_server.keys = [public_jwk(rsa_key, "key-2026")]
        return jwks_server

    @pytest.fixture
    def verifier(self, make_settings, served: JwksServer) -> JwtVerifier:
        return JwtVerifier(make_settings(jwt_jwks_url=served.url))

    def test_a_token_signed_with_a_published_key_is_accepted_and_the_set_is_cached(
        self, verifier: JwtVerifier, served: JwksServer, rsa_key: rsa.RSAPrivateKey
    ):
        assert verifier.enabled and verifier.fetches_keys and verifier.algorithms == ["RS256"]
        token = jwt.encode(claims(role="viewer"), rsa_key, algorithm="RS256", headers={"kid": "key-2026"})
        assert verifier.verify(token) == Principal("alice", Role.VIEWER, "acme", AuthMethod.JWT)
        assert verifier.verify(token).role is Role.VIEWER
        assert served.requests == 1

    @pytest.mark.parametrize(
        "kid",
        ["key-2027", "../../../etc/passwd", "' UNION SELECT key_hash FROM api_keys --", "http://evil.example/k"],
    )
    def test_an_unknown_or_injected_kid_is_just_an_unknown_key(
        self, verifier: JwtVerifier, rsa_key: rsa.RSAPrivateKey, kid: str
    ):
        token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": kid})
        refused = rejection(verifier, token)
        assert refused.reason == "unknown_key"
        assert kid not in str(refused)

    def test_a_token_without_kid_is_refused(self, verifier: JwtVerifier, rsa_key: rsa.RSAPrivateKey):
        token = jwt.encode(claims(), rsa_key, algorithm="RS256")
        assert rejection(verifier, token).reason == "unknown_key"

    def test_a_published_kid_with_another_private_key_fails_its_signature(
        self, verifier: JwtVerifier, other_rsa_key: rsa.RSAPrivateKey
    ):
        token = jwt.encode(claims(), other_rsa_key, algorithm="RS256", headers={"kid": "key-2026"})
        assert rejection(verifier, token).reason == "bad_signature"

    def test_hs256_signed_with_the_public_key_is_refused(self, verifier: JwtVerifier, rsa_key: rsa.RSAPrivateKey):
        token = hand_signed({"alg": "HS256", "kid": "key-2026"}, claims(), pem(rsa_key))
        refused = rejection(verifier, token)
        assert refused.reason == "algorithm_not_accepted"
        assert "accepted: RS256" in str(refused)

    def test_a_key_is_used_only_with_its_own_algorithm(
        self, make_settings, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey
    ):
        jwks_server.keys = [public_jwk(rsa_key, "ps-key", alg="PS256")]
        verifier = JwtVerifier(make_settings(jwt_jwks_url=jwks_server.url))
        token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "ps-key"})
        refused = rejection(verifier, token)
        assert refused.reason == "algorithm_not_accepted"
        assert "PS256" in str(refused)

    def test_an_unreachable_jwks_refuses_the_token(
        self, make_settings, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey
    ):
        jwks_server.status = 503
        verifier = JwtVerifier(make_settings(jwt_jwks_url=jwks_server.url))
        token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "key-2026"})
        refused = rejection(verifier, token)
        assert refused.reason == "keys_unavailable"
        assert jwks_server.requests == 1

    def test_an_empty_jwks_refuses_the_token(self, make_settings, jwks_server: JwksServer, rsa_key):
        verifier = JwtVerifier(make_settings(jwt_jwks_url=jwks_server.url))
        token = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "key-2026"})
        assert rejection(verifier, token).reason == "keys_unavailable"

    def test_hs256_and_jwks_together_each_use_their_own_key(
        self, make_settings, served: JwksServer, rsa_key: rsa.RSAPrivateKey
    ):
        verifier = JwtVerifier(make_settings(jwt_secret=SECRET, jwt_jwks_url=served.url))
        assert verifier.algorithms == ["HS256", "RS256"]
        assert verifier.verify(jwt.encode(claims(), SECRET, algorithm="HS256")).subject == "alice"
        rs = jwt.encode(claims(sub="bob"), rsa_key, algorithm="RS256", headers={"kid": "key-2026"})
        assert verifier.verify(rs).subject == "bob"


class TestConfiguration:
    def test_public_key_file_and_jwks_url_are_exclusive(self, make_settings, tmp_path: Path, rsa_key):
        path = tmp_path / "key.pem"
        path.write_bytes(pem(rsa_key))
        with pytest.raises(ValueError, match="not both"):
            make_settings(jwt_public_key_file=path, jwt_jwks_url="https://idp.example.com/jwks.json")

    @pytest.mark.parametrize(
        "url", ["http://idp.example.com/jwks.json", "file:///etc/passwd", "https://user:pw@idp.example.com/k", "x"]
    )
    def test_a_jwks_url_must_be_https_or_loopback(self, make_settings, url: str):
        with pytest.raises(ValueError, match="SENTIA_JWT_JWKS_URL must be an https:// URL"):
            make_settings(jwt_jwks_url=url)

    def test_loopback_http_jwks_is_allowed(self, make_settings):
        assert make_settings(jwt_jwks_url="http://localhost:8080/jwks").jwt_jwks_url == "http://localhost:8080/jwks"

    def test_production_may_verify_with_a_jwks_alone(self, make_settings):
        settings = make_settings(
            environment="production",
            jwt_jwks_url="https://idp.example.com/.well-known/jwks.json",
            api_key_hash_key="Hq7-Wn3zLx8Kp2Rv5Tb9Mc1Jd6Fg4Ys0Ae",
        )
        assert JwtVerifier(settings).algorithms == ["RS256"]

    def test_minted_tokens_carry_every_required_claim(self, make_settings):
        settings = make_settings(jwt_secret=SECRET)
        token = mint_token(settings, subject="dev", role=Role.OPERATOR, tenant="acme", ttl=timedelta(minutes=5))
        decoded = jwt.decode(token, SECRET, algorithms=["HS256"], audience="sentia-mcp")
        assert {"exp", "iat", "iss", "aud", "sub", "nbf"} <= set(decoded)
        assert JwtVerifier(settings).verify(token).subject == "dev"
