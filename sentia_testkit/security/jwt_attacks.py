"""Tokens a JWT verifier must refuse, and a check that an endpoint refuses each of them.

Given the target's issuer and audience and a legitimate signing setup (an HS256 secret and/or an RS256 key pair),
`attack_tokens` forges: alg none (in three spellings), HS256 signed with the RS256 public key (key confusion),
expired, not yet valid (`nbf`), without `exp`, from another issuer, for another audience, with a bad signature,
signed by a key embedded in the header (`jwk`), and `kid` injection (a path to /dev/null, whose key is empty, and
SQL that selects a known key). `check_jwt_attacks` sends each one and expects a refusal; it first sends a legitimate
token and expects it accepted, so an endpoint that refuses everything cannot pass.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sentia_testkit.security.findings import Finding, Report, Severity

CHECK = "jwt-attack"
WEAK_KEY_CHECK = "weak-signing-key"
WEAK_SECRETS = ("short", "secret", "changeme", "password123", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
KID_SQL_KEY = "sentia-probe-key"

SendToken = Callable[[str], Awaitable[int]]


@dataclass(frozen=True)
class JwtTarget:
    """What a legitimate token of the target looks like and how it is signed. `claims` are the extra claims a
    token needs to be accepted (subject, role, tenant ...)."""

    issuer: str
    audience: str
    claims: Mapping[str, Any] = field(default_factory=lambda: {"sub": "security-probe"})
    secret: str | None = None
    private_key_pem: bytes | None = None
    public_key_pem: bytes | None = None
    lifetime: int = 300

    def __post_init__(self) -> None:
        if self.secret is None and self.private_key_pem is None:
            raise ValueError("a JwtTarget needs a way to sign legitimate tokens: an HS256 secret or an RS256 key")

    def legitimate_claims(self, now: int | None = None) -> dict[str, Any]:
        now = int(time.time()) if now is None else now
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime,
            **self.claims,
        }

    def sign(self, claims: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> str:
        """A token signed the legitimate way (HS256 when a secret is set, else RS256)."""
        if self.secret is not None:
            return jwt.encode(dict(claims), self.secret, algorithm="HS256", headers=dict(headers or {}))
        assert self.private_key_pem is not None  # guaranteed by __post_init__
        return jwt.encode(dict(claims), self.private_key_pem, algorithm="RS256", headers=dict(headers or {}))


@dataclass(frozen=True)
class AttackToken:
    name: str
    token: str
    description: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: Mapping[str, Any]) -> str:
    return _b64(json.dumps(dict(value), separators=(",", ":")).encode())


def hand_signed(header: Mapping[str, Any], claims: Mapping[str, Any], key: bytes) -> str:
    """An HS256 token signed with any bytes as the key: PyJWT rightly refuses PEM keys as HMAC secrets, so the
    key-confusion and kid attacks are signed by hand."""
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def unsigned(claims: Mapping[str, Any], alg: str = "none") -> str:
    return f"{_segment({'alg': alg, 'typ': 'JWT'})}.{_segment(claims)}."


def with_bad_signature(token: str) -> str:
    """The token with one bit of its signature flipped (a decoded byte, so base64 padding cannot hide it)."""
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0x01
    return f"{head}.{body}.{_b64(bytes(raw))}"


def attack_tokens(target: JwtTarget, *, now: int | None = None) -> list[AttackToken]:
    """Every forged token for `target`."""
    now = int(time.time()) if now is None else now
    claims = target.legitimate_claims(now)
    attacks = [
        AttackToken(f"alg {alg}", unsigned(claims, alg), f"an unsigned token declaring alg {alg!r}")
        for alg in ("none", "None", "NONE")
    ]
    if target.public_key_pem is not None:
        confused = hand_signed({"alg": "HS256", "typ": "JWT"}, claims, target.public_key_pem)
        attacks.append(AttackToken("key confusion", confused, "HS256 signed with the RS256 public key as secret"))
    without_exp = {name: value for name, value in claims.items() if name != "exp"}
    attacks += [
        AttackToken(
            "expired",
            target.sign({**claims, "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600}),
            "exp an hour ago",
        ),
        AttackToken(
            "nbf in the future",
            target.sign({**claims, "nbf": now + 3600, "exp": now + 7200}),
            "not valid before an hour from now",
        ),
        AttackToken("missing exp", target.sign(without_exp), "no exp claim: a token that never expires"),
        AttackToken("wrong iss", target.sign({**claims, "iss": "https://attacker.example"}), "another issuer"),
        AttackToken("wrong aud", target.sign({**claims, "aud": "another-service"}), "minted for another audience"),
        AttackToken("bad signature", with_bad_signature(target.sign(claims)), "one bit of the signature flipped"),
        AttackToken(
            "kid path traversal",
            hand_signed({"alg": "HS256", "typ": "JWT", "kid": "../../../../../../dev/null"}, claims, b""),
            "kid naming /dev/null, signed with the empty key read from it",
        ),
        AttackToken(
            "kid SQL injection",
            hand_signed(
                {"alg": "HS256", "typ": "JWT", "kid": f"x' UNION SELECT '{KID_SQL_KEY}' --"},
                claims,
                KID_SQL_KEY.encode(),
            ),
            "kid with SQL selecting a key the attacker chose",
        ),
        _embedded_jwk(claims),
    ]
    return attacks


def _embedded_jwk(claims: Mapping[str, Any]) -> AttackToken:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    token = jwt.encode(dict(claims), pem, algorithm="RS256", headers={"jwk": public, "kid": "attacker"})
    return AttackToken("embedded jwk", token, "RS256 signed by the attacker's key, embedded in the header as jwk")


def bearer_sender(client: httpx.AsyncClient, method: str, url: str, **request: Any) -> SendToken:
    """A `send` for `check_jwt_attacks`: the request (json=, headers= ... as for httpx) with the token as
    `Authorization: Bearer`, answering the response's status."""

    async def send(token: str) -> int:
        headers = {**request.get("headers", {}), "authorization": f"Bearer {token}"}
        response = await client.request(method, url, **{**request, "headers": headers})
        return response.status_code

    return send


async def check_jwt_attacks(
    send: SendToken, target: JwtTarget, *, refused: Collection[int] = (401,), skip: Collection[str] = ()
) -> Report:
    """Send a legitimate token (must not be refused) and then every attack token (each must be refused: its
    status in `refused`). `send(token)` presents the token to the endpoint and returns the HTTP status."""
    report = Report("JWT attack suite")
    control = await send(target.sign(target.legitimate_claims()))
    report.probes += 1
    if control in refused:
        report.add(
            Finding(
                CHECK,
                "a legitimate token is refused, so refusals prove nothing",
                Severity.HIGH,
                "control token",
                f"answered {control}; fix the JwtTarget (issuer, audience, claims, key) to match the server",
            )
        )
        return report
    for attack in attack_tokens(target):
        if attack.name in skip:
            continue
        status = await send(attack.token)
        report.probes += 1
        if status not in refused:
            report.add(
                Finding(
                    CHECK,
                    f"{attack.name} token accepted",
                    Severity.CRITICAL,
                    attack.name,
                    f"{attack.description}: answered {status}, expected {' or '.join(map(str, refused))}",
                    f"curl -H 'Authorization: Bearer {attack.token}' <endpoint>",
                )
            )
    return report


def check_weak_secrets_refused(configure: Callable[[str], object], secrets: Collection[str] = WEAK_SECRETS) -> Report:
    """`configure(secret)` starts or configures the target with an HMAC secret; each weak secret must make it fail
    (raise), never be accepted."""
    report = Report("weak HMAC secret at start-up")
    for secret in secrets:
        report.probes += 1
        if _accepts(configure, secret):
            report.add(
                Finding(
                    WEAK_KEY_CHECK,
                    "weak HMAC secret accepted at start-up",
                    Severity.HIGH,
                    repr(secret),
                    f"the target started with the secret {secret!r} ({len(secret)} characters)",
                )
            )
    return report


def _accepts(configure: Callable[[str], object], secret: str) -> bool:
    try:
        configure(secret)
    except Exception:  # any refusal counts: the target decides how it reports a bad setting
        return False
    return True
