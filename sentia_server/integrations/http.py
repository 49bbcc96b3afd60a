"""The HTTP layer every vendor client uses: timeouts, retries that honour Retry-After, client-side rate limits per
vendor and tenant, a circuit breaker, one credential refresh on 401, and errors that say what to do.

Requests are logged by method, host, path, status and duration only: query strings and headers can carry
credentials (Unleashed signs its query string; Amazon and Shopify send tokens in headers).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from sentia_server.integrations.health import record_outcome
from sentia_server.limit_storage import SweptMemoryStorage

log = structlog.get_logger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class VendorError(Exception):
    """A vendor call that did not succeed. The message names the vendor, what happened and what to do."""

    def __init__(
        self, vendor: str, message: str, *, status: int | None = None, hint: str | None = None, retryable: bool = False
    ) -> None:
        self.vendor = vendor
        self.status = status
        self.hint = hint
        self.retryable = retryable
        text = f"{vendor}: {message}" + (f" (HTTP {status})" if status is not None else "")
        super().__init__(f"{text}; {hint}" if hint else text)


class VendorNotConfigured(VendorError):
    def __init__(self, vendor: str, missing: list[str]) -> None:
        super().__init__(vendor, "not configured", hint=f"set {', '.join(missing)}")


class ClientRateLimited(VendorError):
    """The client-side limit for a vendor and tenant stays exhausted longer than a call may wait."""


class CircuitOpen(VendorError):
    """The vendor is not called for now: its circuit breaker is open after consecutive failures."""


class VendorCallObserver(Protocol):
    """Told of every vendor request once it is over (retries included): the server's metrics implement it."""

    def observe_vendor_call(self, vendor: str, operation: str, outcome: str, seconds: float) -> None: ...


vendor_call_observer: ContextVar[VendorCallObserver | None] = ContextVar("sentia_vendor_call_observer", default=None)
"""Set by whoever runs the calls (the tool executor), so this layer reports without knowing who listens."""


def call_outcome(error: VendorError) -> str:
    """The outcome label of a failed vendor request: bounded, and enough to tell "vendor down" from "refused"."""
    if isinstance(error, ClientRateLimited):
        return "client_rate_limited"
    if error.status is None:
        return "unreachable"
    if error.status == 429:
        return "rate_limited"
    return "server_error" if error.status >= 500 else "client_error"


class Auth(Protocol):
    """Supplies a vendor's credential headers; `refresh=True` after a 401 asks for a new credential."""

    async def headers(self, request: httpx.Request, *, refresh: bool) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 20.0
    statuses: frozenset[int] = RETRYABLE_STATUSES

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Retry-After when the vendor gives one (capped), else exponential backoff."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return float(min(self.base_delay * 2 ** (attempt - 1), self.max_delay))


@dataclass
class CircuitBreaker:
    """Opens after `threshold` consecutive failures; while open, calls fail at once until `reset_after` has passed,
    then one call is let through to probe the vendor (half-open)."""

    threshold: int = 5
    reset_after: float = 30.0
    failures: int = 0
    opened_at: float | None = None

    def allow(self, now: float) -> bool:
        return self.opened_at is None or now - self.opened_at >= self.reset_after

    def record_success(self) -> None:
        self.failures, self.opened_at = 0, None

    def record_failure(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = now


class RateLimiter:
    """Client-side limits (e.g. "60/minute", "5000/day"), kept per vendor and tenant in `storage`: memory by
    default, Redis so that every replica shares them. When the shared storage fails, limits are kept in process
    memory until it answers again. `acquire` waits for a free slot, up to `max_wait` seconds."""

    def __init__(
        self,
        storage: Storage | None = None,
        *,
        max_wait: float = 60.0,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._shared = MovingWindowRateLimiter(storage) if storage is not None else None
        self._local = MovingWindowRateLimiter(SweptMemoryStorage())
        self._max_wait = max_wait
        self._on_close = on_close

    @classmethod
    def shared(cls, redis_url: str | None, key_prefix: str, *, max_wait: float = 60.0) -> RateLimiter:
        """Limits kept in Redis when a URL is configured (every replica shares them), else in process memory."""
        if redis_url is None:
            return cls(max_wait=max_wait)
        from limits.aio.storage import RedisStorage
        from redis.asyncio import ConnectionPool

        pool = ConnectionPool.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        options: dict[str, Any] = {"connection_pool": pool}  # the pool is ours to close
        storage = RedisStorage(
            "async+redis://", implementation="redispy", key_prefix=f"{key_prefix}:ratelimit", **options
        )
        return cls(storage, max_wait=max_wait, on_close=pool.aclose)

    async def aclose(self) -> None:
        if self._on_close is not None:
            await self._on_close()

    async def acquire(self, vendor: str, tenant: str, limits: tuple[RateLimitItem, ...]) -> None:
        deadline = time.monotonic() + self._max_wait
        while True:
            wait = await self._try(vendor, tenant, limits)
            if wait is None:
                return
            if time.monotonic() + wait > deadline:
                described = ", ".join(str(item) for item in limits)
                raise ClientRateLimited(
                    vendor,
                    f"client-side rate limit ({described}) for tenant {tenant} is exhausted",
                    hint=f"try again in {wait:.0f} s",
                    retryable=True,
                )
            await asyncio.sleep(min(wait, 1.0))

    async def _try(self, vendor: str, tenant: str, limits: tuple[RateLimitItem, ...]) -> float | None:
        """Take a slot of every limit and return None, or return the seconds until one frees up."""
        if self._shared is not None:
            try:
                return await _take(self._shared, vendor, tenant, limits)
            except Exception as error:  # the shared store (Redis) is down: the limits still hold, per process
                log.warning("rate-limit storage unreachable; limiting in process", error_type=type(error).__name__)
        return await _take(self._local, vendor, tenant, limits)


async def _take(
    limiter: MovingWindowRateLimiter, vendor: str, tenant: str, limits: tuple[RateLimitItem, ...]
) -> float | None:
    if all([await limiter.test(item, vendor, tenant) for item in limits]):
        for item in limits:
            await limiter.hit(item, vendor, tenant)
        return None
    reset = max([(await limiter.get_window_stats(item, vendor, tenant)).reset_time for item in limits])
    return max(reset - time.time(), 0.05)


def rate_limits(*specs: str) -> tuple[RateLimitItem, ...]:
    """`rate_limits("60/minute", "5000/day")` in the `limits` library's notation."""
    return tuple(parse(spec) for spec in specs)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return None if parsed is None else max(parsed.timestamp() - time.time(), 0.0)


@dataclass
class VendorHttpClient:
    """One vendor's connection pool and the policies around every call."""

    vendor: str
    base_url: str
    auth: Auth | None = None
    transport: httpx.AsyncBaseTransport | None = None
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(30.0, connect=5.0))
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: tuple[RateLimitItem, ...] = ()
    rate_limiter: RateLimiter | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    _breakers: dict[str, CircuitBreaker] = field(default_factory=dict, init=False)
    _client: httpx.AsyncClient | None = field(default=None, init=False)

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                transport=self.transport,
                timeout=self.timeout,
                headers={"user-agent": "sentia-mcp-server", "accept": "application/json", **self.headers},
                limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        tenant: str = "default",
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        expected: frozenset[int] = frozenset({200, 201, 202, 204}),
    ) -> httpx.Response:
        """Send a request with every policy applied; returns a response whose status is in `expected`."""
        started = time.perf_counter()
        breaker = self._breakers.setdefault(tenant, CircuitBreaker())
        outcome = "error"
        try:
            response = await self._request(breaker, method, path, tenant, params, json_body, content, headers, expected)
            outcome = "success"
            return response
        except VendorError as error:
            outcome = "circuit_open" if isinstance(error, CircuitOpen) else call_outcome(error)
            raise
        finally:
            observer = vendor_call_observer.get()
            if observer is not None:
                observer.observe_vendor_call(self.vendor, method.upper(), outcome, time.perf_counter() - started)

    async def _request(
        self,
        breaker: CircuitBreaker,
        method: str,
        path: str,
        tenant: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        expected: frozenset[int],
    ) -> httpx.Response:
        if not breaker.allow(time.monotonic()):
            raise CircuitOpen(
                self.vendor,
                f"temporarily not called after {breaker.failures} consecutive failures",
                hint=f"the circuit closes again after {breaker.reset_after:.0f} s; check system-status",
                retryable=True,
            )
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            if self.rate_limiter is not None and self.limits:
                await self.rate_limiter.acquire(self.vendor, tenant, self.limits)
            request = self.client.build_request(
                method, path, params=params, json=json_body, content=content, headers=headers
            )
            if self.auth is not None:
                request.headers.update(await self.auth.headers(request, refresh=refreshed))
            try:
                response = await self._send(request)
            except VendorError as error:
                if attempt < self.retry.attempts:
                    await asyncio.sleep(self.retry.delay(attempt, None))
                    continue
                breaker.record_failure(time.monotonic())
                record_outcome(self.vendor, breaker, error)
                raise error from None
            if response.status_code == 401 and self.auth is not None and not refreshed:
                refreshed = True  # one refresh of the credential, then the 401 stands
                attempt -= 1
                continue
            if response.status_code in self.retry.statuses and attempt < self.retry.attempts:
                await asyncio.sleep(self.retry.delay(attempt, retry_after_seconds(response)))
                continue
            if response.status_code in expected:
                breaker.record_success()
                record_outcome(self.vendor, breaker)
                return response
            if response.status_code >= 500 or response.status_code == 429:
                breaker.record_failure(time.monotonic())
            status_error = self._status_error(response)
            record_outcome(self.vendor, breaker, status_error)
            raise status_error

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request`, then the body as JSON; a body that is not JSON is a clear error, not a crash."""
        response = await self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise VendorError(
                self.vendor,
                "returned a body that is not valid JSON",
                status=response.status_code,
                hint="the vendor may be having an incident; try again later",
                retryable=True,
            ) from None

    async def _send(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self.client.send(request)
        except httpx.TimeoutException:
            raise VendorError(
                self.vendor,
                f"did not answer within {self.timeout.read or 0:.0f} s",
                hint="the vendor is slow or unreachable; try again later",
                retryable=True,
            ) from None
        except httpx.TransportError as error:
            raise VendorError(
                self.vendor,
                f"could not be reached ({type(error).__name__})",
                hint=f"check the network and the base URL {self.base_url}",
                retryable=True,
            ) from None
        await response.aread()
        log.info(
            "vendor call",
            vendor=self.vendor,
            method=request.method,
            host=request.url.host,
            path=request.url.path,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return response

    def _status_error(self, response: httpx.Response) -> VendorError:
        status = response.status_code
        if status == 401:
            return VendorError(self.vendor, "rejected the credentials", status=status, hint="check the configured keys")
        if status == 403:
            return VendorError(
                self.vendor, "refused access", status=status, hint="the credentials lack a scope or permission"
            )
        if status == 404:
            return VendorError(self.vendor, "has no such resource", status=status, hint="check the identifiers")
        if status == 429:
            after = retry_after_seconds(response)
            wait = f"try again in {after:.0f} s" if after is not None else "try again later"
            return VendorError(self.vendor, "rate limit exceeded", status=status, hint=wait, retryable=True)
        if status >= 500:
            return VendorError(self.vendor, "had a server error", status=status, hint="try again later", retryable=True)
        return VendorError(self.vendor, f"refused the request: {_short_body(response)}", status=status)


def _short_body(response: httpx.Response) -> str:
    """The start of an error body, for messages: vendors explain 4xx errors there."""
    text = response.text.strip().replace("\n", " ")
    return text[:300] or "(empty body)"
