"""Lockout after repeated authentication failures, and the audit and challenges of failed authentications.

A client is its remote address and, for an API key, the key's id. After `SENTIA_AUTH_LOCKOUT_ATTEMPTS` failures
(default 5) within `SENTIA_AUTH_LOCKOUT_WINDOW_SECONDS` (default 900) every request of that client that carries a
credential is answered 429 with `Retry-After`, a correct credential included, until the oldest failure leaves the
window. A success does not clear the count. Failures are counted with the `limits` library in Redis when
`SENTIA_REDIS_URL` is set, so every replica sees them, and in process memory otherwise (or while Redis is down).
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import structlog
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentia_server.auth.api_keys import looks_like_api_key, split_key
from sentia_server.auth.attempt import close_attempt, open_attempt
from sentia_server.auth.challenge import REFUSED_CREDENTIAL_TEXT, bearer_challenge
from sentia_server.config import Settings
from sentia_server.http_headers import request_header_text, set_response_header
from sentia_server.limit_storage import SweptMemoryStorage
from sentia_server.observability.context import request_id_var
from sentia_server.storage.audit_events import ANONYMOUS, Action, AuditRecord, AuditTrail, Outcome

log = structlog.get_logger(__name__)

T = TypeVar("T")


class AuthLockout:
    """Failed authentications per client in a moving window; a client at the limit is locked out."""

    def __init__(
        self,
        attempts: int,
        window_seconds: int,
        storage: Storage | None = None,
        *,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.attempts = attempts
        self.window_seconds = window_seconds
        self._item: RateLimitItem = RateLimitItemPerSecond(attempts, window_seconds)
        self._shared = MovingWindowRateLimiter(storage) if storage is not None else None
        self._local = MovingWindowRateLimiter(SweptMemoryStorage())
        self._last_local_failure = -math.inf
        """When (time.time(), the clock of the limits library) a failure was last counted in process memory."""
        self._on_close = on_close

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthLockout:
        """Counts kept in Redis when SENTIA_REDIS_URL is set (shared by every replica), else in process memory."""
        attempts, window = settings.auth_lockout_attempts, settings.auth_lockout_window_seconds
        if settings.redis_url is None:
            return cls(attempts, window)
        from limits.aio.storage import RedisStorage
        from redis.asyncio import ConnectionPool

        pool = ConnectionPool.from_url(settings.redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        options: dict[str, Any] = {"connection_pool": pool}  # the pool is ours to close
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=f"{settings.cache_key_prefix}:auth-lockout",
            **options,
        )
        return cls(attempts, window, storage, on_close=pool.aclose)

    async def aclose(self) -> None:
        if self._on_close is not None:
            await self._on_close()

    async def locked_for(self, clients: Sequence[str]) -> float | None:
        """Seconds until every one of `clients` may try again, or None when none of them is locked out."""
        if self._shared is None and time.time() - self._last_local_failure >= self.window_seconds:
            return None  # every failure counted here has left the window: no client can be locked out
        return await self._use(lambda limiter: self._locked_for(limiter, clients))

    async def record_failure(self, clients: Sequence[str]) -> bool:
        """Count a failure against each client; True when this failure locks one of them out."""
        return await self._use(lambda limiter: self._record(limiter, clients))

    async def _locked_for(self, limiter: MovingWindowRateLimiter, clients: Sequence[str]) -> float | None:
        waits = [
            (await limiter.get_window_stats(self._item, client)).reset_time - time.time()
            for client in clients
            if not await limiter.test(self._item, client)
        ]
        return max(max(waits), 1.0) if waits else None

    async def _record(self, limiter: MovingWindowRateLimiter, clients: Sequence[str]) -> bool:
        locked = False
        for client in clients:
            await limiter.hit(self._item, client)
            locked = locked or not await limiter.test(self._item, client)
        if limiter is self._local:  # after the hits, so no hit is newer than the time noted
            self._last_local_failure = time.time()
        return locked

    async def _use(self, action: Callable[[MovingWindowRateLimiter], Awaitable[T]]) -> T:
        if self._shared is not None:
            try:
                return await action(self._shared)
            except Exception as error:  # the shared store (Redis) is down: the lockout still holds, per process
                log.warning("lockout storage unreachable; counting in process", error_type=type(error).__name__)
        return await action(self._local)


def bearer_credential(scope: Scope) -> str | None:
    """The credential of an `Authorization: Bearer` header (possibly empty), or None when there is none."""
    scheme, _, credential = (request_header_text(scope, b"authorization") or "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else None


class AuthLockoutMiddleware:
    """Refuses locked-out clients with 429, counts and audits every failed authentication (a 401 answered to a
    request that carried a credential), and gives every 401 the MCP challenge naming the resource metadata."""

    def __init__(self, app: ASGIApp, *, lockout: AuthLockout, audit: AuditTrail, settings: Settings) -> None:
        self.app = app
        self.lockout = lockout
        self.audit = audit
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        credential = bearer_credential(scope)
        address = scope["client"][0] if scope.get("client") else "unknown"
        if credential is None:
            await self.app(scope, receive, self._challenging(send, presented=False, status=[0]))
            return
        key = split_key(credential) if looks_like_api_key(credential) else None
        clients = [f"address:{address}"] + ([f"api-key:{key[0]}"] if key else [])
        retry_after = await self.lockout.locked_for(clients)
        if retry_after is not None:
            await self._refuse(scope, receive, send, address, math.ceil(retry_after))
            return
        attempt, token = open_attempt()
        status = [0]
        try:
            await self.app(scope, receive, self._challenging(send, presented=True, status=status))
        finally:
            close_attempt(token)
        if status[0] != 401:
            return
        kind = attempt.kind or ("api_key" if looks_like_api_key(credential) else "jwt")
        target = f"api-key:{key[0]}" if key else None
        detail: dict[str, Any] = {"kind": kind, "reason": attempt.reason or "rejected", "path": scope["path"][:200]}
        await self._record(Action.AUTH_FAILURE, Outcome.FAILURE, address, target, detail)
        if await self.lockout.record_failure(clients):
            log.warning("client locked out", client_address=address, target=target)
            detail = {"attempts": self.lockout.attempts, "window_seconds": self.lockout.window_seconds}
            await self._record(Action.AUTH_LOCKOUT, Outcome.DENIED, address, target, detail)

    def _challenging(self, send: Send, *, presented: bool, status: list[int]) -> Send:
        """`send`, with the status noted and a 401's challenge replaced by the one of the MCP specification."""

        async def send_challenge(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                if status[0] == 401:
                    if presented:
                        challenge = bearer_challenge(
                            self.settings, error="invalid_token", description=REFUSED_CREDENTIAL_TEXT
                        )
                    else:
                        challenge = bearer_challenge(self.settings)
                    set_response_header(message, b"www-authenticate", challenge.encode("latin-1"))
            await send(message)

        return send_challenge

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, address: str, retry_after: int) -> None:
        log.info("locked-out client refused", client_address=address, retry_after=retry_after)
        response = JSONResponse(
            {
                "error": "too_many_attempts",
                "error_description": (
                    f"too many failed authentications from this client ({self.lockout.attempts} in "
                    f"{self.lockout.window_seconds} seconds); try again in {retry_after} seconds"
                ),
            },
            status_code=429,
            headers={"retry-after": str(retry_after)},
        )
        await response(scope, receive, send)

    async def _record(
        self, action: Action, outcome: Outcome, address: str, target: str | None, detail: dict[str, Any]
    ) -> None:
        entry = AuditRecord(
            action=action,
            outcome=outcome,
            actor=ANONYMOUS,
            target=target,
            client_address=address[:64],
            request_id=request_id_var.get(),
            detail=detail,
        )
        try:
            await self.audit.record(entry)
        except Exception as error:  # the answer is already sent; a lost audit row must not turn into a 500
            log.warning("audit event not recorded", action=action.value, error_type=type(error).__name__)
