"""JWT bearer tokens: HS256 with a shared secret, RS256 with a public key file or an identity provider's JWKS.

Required claims: exp, iat, iss, aud and sub. The audience must be this server (`SENTIA_JWT_AUDIENCE` or the MCP URL,
the resource indicator OAuth clients ask for), so a token minted for another service is refused, never passed on.
The algorithm is the one of the configured key, never the token's choice: a header naming an algorithm without a
key is refused, and a JWKS key is used only with its own algorithm. Keys come only from this server's settings, so a
header naming a key source (`jku`, `x5u`, `jwk`, `x5c`) is refused; a `kid` is only ever compared with JWKS key ids.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from jwt import PyJWKClient

from sentia_server.auth.attempt import CredentialRefused
from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.config import Settings

REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
JWKS_ALGORITHMS = frozenset({"RS256"})
KEY_SOURCE_HEADERS = ("jku", "x5u", "jwk", "x5c")
JWKS_TIMEOUT_SECONDS = 5.0
JWKS_REFRESH_COOLDOWN_SECONDS = 30.0

# The reason class of each PyJWT error, most specific first (several derive from others).
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.ImmatureSignatureError, "not_yet_valid"),
    (jwt.InvalidAudienceError, "wrong_audience"),
    (jwt.InvalidIssuerError, "wrong_issuer"),
    (jwt.MissingRequiredClaimError, "missing_claim"),
    (jwt.InvalidSignatureError, "bad_signature"),
    (jwt.InvalidAlgorithmError, "algorithm_not_accepted"),
    (jwt.DecodeError, "malformed"),
)


class TokenRejected(CredentialRefused):
    """A token that must not be accepted; the message says why, without repeating the token."""

    def __init__(self, message: str, *, reason: str = "invalid_token") -> None:
        super().__init__(message, reason=reason)


def _shown(value: object) -> str:
    """A header value as it may appear in a message: quoted and short (it comes from the caller)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class JwtVerifier:
    """Verifies tokens with exactly the keys configured; an algorithm without a key is refused, never guessed."""

    def __init__(self, settings: Settings, *, jwks_client: PyJWKClient | None = None) -> None:
        self._keys: dict[str, Any] = {}
        if settings.jwt_secret is not None:
            self._keys["HS256"] = settings.jwt_secret.get_secret_value()
        if settings.jwt_public_key_file is not None:
            self._keys["RS256"] = Path(settings.jwt_public_key_file).read_text()
        self._jwks = jwks_client
        if self._jwks is None and settings.jwt_jwks_url is not None:
            self._jwks = PyJWKClient(
                settings.jwt_jwks_url,
                cache_jwk_set=True,
                lifespan=settings.jwt_jwks_cache_seconds,
                timeout=JWKS_TIMEOUT_SECONDS,
                cooldown_duration=JWKS_REFRESH_COOLDOWN_SECONDS,
            )
        self._issuer = settings.jwt_issuer
        self._audiences = [settings.jwt_audience, settings.mcp_url]
        self._leeway = settings.jwt_leeway_seconds
        self._default_tenant = settings.default_tenant

    @property
    def enabled(self) -> bool:
        return bool(self._keys) or self._jwks is not None

    @property
    def fetches_keys(self) -> bool:
        """True when verifying may wait on the network (a JWKS), so callers run it off the event loop."""
        return self._jwks is not None

    @property
    def algorithms(self) -> list[str]:
        return sorted(set(self._keys) | (JWKS_ALGORITHMS if self._jwks is not None else set()))

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise TokenRejected(f"malformed token: {error}", reason="malformed") from None
        named_sources = [name for name in KEY_SOURCE_HEADERS if name in header]
        if named_sources:
            raise TokenRejected(
                f"the token header names a key source ({', '.join(named_sources)}); keys come only from this "
                "server's configuration",
                reason="key_source_header",
            )
        algorithm = header.get("alg")
        key = self._key_for(algorithm, header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                audience=self._audiences,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as error:
            reason = next((name for kind, name in _REASONS if isinstance(error, kind)), "invalid_token")
            raise TokenRejected(str(error), reason=reason) from None
        return self._principal(claims)

    def _key_for(self, algorithm: object, kid: object) -> Any:
        if isinstance(algorithm, str) and algorithm in self._keys:
            return self._keys[algorithm]
        if self._jwks is not None and algorithm in JWKS_ALGORITHMS:
            return self._jwks_key(self._jwks, str(algorithm), kid)
        accepted = ", ".join(self.algorithms) or "none"
        raise TokenRejected(
            f"algorithm {_shown(algorithm)} is not accepted; accepted: {accepted}", reason="algorithm_not_accepted"
        )

    @staticmethod
    def _jwks_key(client: PyJWKClient, algorithm: str, kid: object) -> Any:
        """The JWKS key whose id is `kid`, used only if it is a key for `algorithm`."""
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("the token names no key id (kid); the JWKS has several keys", reason="unknown_key")
        try:
            client.get_signing_keys()
        except jwt.PyJWTError as error:
            raise TokenRejected(
                f"the identity provider's keys cannot be read ({type(error).__name__})", reason="keys_unavailable"
            ) from None
        try:
            signing_key = client.get_signing_key(kid)
        except jwt.PyJWTError:
            raise TokenRejected(
                "the token's key id is not among the identity provider's keys", reason="unknown_key"
            ) from None
        if signing_key.algorithm_name != algorithm:
            raise TokenRejected(
                f"the token's key is an {signing_key.algorithm_name} key; the token claims {algorithm}",
                reason="algorithm_not_accepted",
            )
        return signing_key.key

    def _principal(self, claims: dict[str, Any]) -> Principal:
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise TokenRejected("the sub claim must be a non-empty string", reason="invalid_claims")
        try:
            role = Role(str(claims.get("role")))
        except ValueError:
            raise TokenRejected(
                f"the role claim must be one of: {', '.join(r.value for r in Role)}", reason="invalid_claims"
            ) from None
        tenant = claims.get("tenant", self._default_tenant)
        if not isinstance(tenant, str) or not tenant:
            raise TokenRejected("the tenant claim must be a non-empty string", reason="invalid_claims")
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
