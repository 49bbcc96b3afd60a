"""JWT bearer tokens: HS256 with a shared secret and RS256 with a public key; exp, iss, aud and sub required."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt

from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.config import Settings

REQUIRED_CLAIMS = ("exp", "iss", "aud", "sub")


class TokenRejected(Exception):
    """A token that must not be accepted; the message says why, without repeating the token."""


class JwtVerifier:
    """Verifies tokens with exactly the keys configured; an algorithm without a key is refused, never guessed."""

    def __init__(self, settings: Settings) -> None:
        self._keys: dict[str, Any] = {}
        if settings.jwt_secret is not None:
            self._keys["HS256"] = settings.jwt_secret.get_secret_value()
        if settings.jwt_public_key_file is not None:
            self._keys["RS256"] = Path(settings.jwt_public_key_file).read_text()
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_seconds
        self._default_tenant = settings.default_tenant

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    @property
    def algorithms(self) -> list[str]:
        return sorted(self._keys)

    def verify(self, token: str) -> Principal:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as error:
            raise TokenRejected(f"malformed token: {error}") from None
        if not isinstance(algorithm, str) or algorithm not in self._keys:
            accepted = ", ".join(self.algorithms) or "none"
            raise TokenRejected(f"algorithm {algorithm!r} is not accepted; accepted: {accepted}")
        try:
            claims = jwt.decode(
                token,
                self._keys[algorithm],
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as error:
            raise TokenRejected(str(error)) from None
        return self._principal(claims)

    def _principal(self, claims: dict[str, Any]) -> Principal:
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise TokenRejected("the sub claim must be a non-empty string")
        try:
            role = Role(str(claims.get("role")))
        except ValueError:
            raise TokenRejected(f"the role claim must be one of: {', '.join(r.value for r in Role)}") from None
        tenant = claims.get("tenant", self._default_tenant)
        if not isinstance(tenant, str) or not tenant:
            raise TokenRejected("the tenant claim must be a non-empty string")
        return Principal(subject=subject, role=role, tenant=tenant, auth_method=AuthMethod.JWT)


def mint_token(settings: Settings, *, subject: str, role: Role, tenant: str, ttl: timedelta) -> str:
    """An HS256 token for development and tests, signed with SENTIA_JWT_SECRET."""
    if settings.jwt_secret is None:
        raise TokenRejected("SENTIA_JWT_SECRET is not set, so no HS256 token can be minted")
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "role": role.value,
        "tenant": tenant,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")
