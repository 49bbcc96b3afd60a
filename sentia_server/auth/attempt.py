"""Why a credential was refused, as a short reason class the audit trail and the lockout can record.

The HTTP middleware opens an `AuthAttempt` for each request that carries a credential; the verifier, deeper in the
same request, notes there which kind of credential it saw and why it refused it. The credential itself is never kept.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


class CredentialRefused(Exception):
    """A credential that must not be accepted. `reason` is a short class (e.g. `expired`, `wrong_audience`); the
    message says why in words, without repeating the credential."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(slots=True)
class AuthAttempt:
    """What the verifier learned about the credential of the current request."""

    kind: str | None = None
    reason: str | None = None


_current: ContextVar[AuthAttempt | None] = ContextVar("sentia_auth_attempt", default=None)


def open_attempt() -> tuple[AuthAttempt, Token[AuthAttempt | None]]:
    """Start recording for the current request; pass the second value to `close_attempt`."""
    attempt = AuthAttempt()
    return attempt, _current.set(attempt)


def close_attempt(token: Token[AuthAttempt | None]) -> None:
    _current.reset(token)


def note_refusal(kind: str, reason: str) -> None:
    """Record a refusal on the current request's attempt, if one is open (HTTP); other transports only log."""
    attempt = _current.get()
    if attempt is not None:
        attempt.kind, attempt.reason = kind, reason
