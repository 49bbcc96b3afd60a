"""Rate limits of tool calls: one limit per caller across all tools, and one per caller and tool for the tools that
cost money (AI) or change data (write tools), or that an operator names in SENTIA_RATE_LIMIT_TOOL_OVERRIDES.

Counts live in Redis when SENTIA_REDIS_URL is set, so every replica shares them; otherwise, and while Redis does not
answer, in process memory (the limits still hold, per process). The same choice as the vendor limits of
`integrations.http`.

A limited call is a tool error that says when to retry; over HTTP the response also carries `Retry-After`
(`RetryAfterMiddleware`), for clients and proxies that read headers rather than tool results.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import AfterValidator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentia_server.auth.permissions import TOOL_PERMISSIONS
from sentia_server.auth.principal import Principal
from sentia_server.http_headers import set_response_header
from sentia_server.limit_storage import SweptMemoryStorage

log = structlog.get_logger(__name__)

AI_CATEGORY = "ai"
# The seconds to wait of every call refused during the current HTTP request (set up by RetryAfterMiddleware).
_retry_after: ContextVar[list[int] | None] = ContextVar("sentia_retry_after", default=None)


def check_rate_limit(value: str) -> str:
    """A limit in the `limits` notation ("120/minute", "10 per minute", "1000/day"); anything else is an error."""
    try:
        parse(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a rate limit; write it like '120/minute' or '1000/day'") from None
    return value


def check_tool_overrides(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - set(TOOL_PERMISSIONS))
    if unknown:
        raise ValueError(f"rate limits name tools this server does not have: {', '.join(unknown)}")
    return value


RateLimitText = Annotated[str, AfterValidator(check_rate_limit)]
ToolRateLimits = Annotated[dict[str, RateLimitText], AfterValidator(check_tool_overrides)]


class LimitSettings(Protocol):
    """The settings the limits are read from (structurally `config.Settings`, which imports this module)."""

    @property
    def rate_limit_per_principal(self) -> str: ...
    @property
    def rate_limit_ai_tools(self) -> str: ...
    @property
    def rate_limit_write_tools(self) -> str: ...
    @property
    def rate_limit_tool_overrides(self) -> Mapping[str, str]: ...


@dataclass(frozen=True, slots=True)
class AppliedLimit:
    """One limit a call counts against: what it limits (for messages), the setting it comes from, its counter key."""

    item: RateLimitItem
    scope: str
    setting: str
    key: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> RateLimitItem:
    """A limit's text parsed once: the settings name a handful of limits, and every call checks one or two."""
    return parse(text)


def limits_for_call(
    tool: str, *, category: str, read_only: bool, principal: Principal, settings: LimitSettings
) -> list[AppliedLimit]:
    """The limits a call of `tool` by `principal` counts against, the caller's own limit first."""
    caller = (principal.tenant, principal.subject)
    applied = [
        AppliedLimit(
            _parsed(settings.rate_limit_per_principal),
            "calls per caller",
            "SENTIA_RATE_LIMIT_PER_PRINCIPAL",
            ("caller", *caller),
        )
    ]
    tool_limit: tuple[str, str] | None = None
    if tool in settings.rate_limit_tool_overrides:
        tool_limit = (settings.rate_limit_tool_overrides[tool], "SENTIA_RATE_LIMIT_TOOL_OVERRIDES")
    elif category == AI_CATEGORY:
        tool_limit = (settings.rate_limit_ai_tools, "SENTIA_RATE_LIMIT_AI_TOOLS")
    elif not read_only:
        tool_limit = (settings.rate_limit_write_tools, "SENTIA_RATE_LIMIT_WRITE_TOOLS")
    if tool_limit is not None:
        text, setting = tool_limit
        applied.append(
            AppliedLimit(_parsed(text), f"calls of tool '{tool}' per caller", setting, ("tool", tool, *caller))
        )
    return applied


class RateLimited(ToolError):
    """A call over one of its limits. Returned as a tool error, so the assistant reads when to try again."""

    def __init__(self, tool: str, limit: AppliedLimit, retry_after: float) -> None:
        self.retry_after = max(math.ceil(retry_after), 1)
        self.limit = limit
        super().__init__(
            f"rate limit exceeded for tool '{tool}': at most {limit.item} {limit.scope} ({limit.setting}); "
            f"retry in {self.retry_after} s"
        )


class ToolRateLimiter:
    """Counts calls against their limits in `storage`, falling back to process memory.

    Sliding-window counters: two counts per limit and caller (this window's and the last one's, weighted by how much
    of it still falls within the period), so a check costs the same at 120 calls a minute as at a million. A moving
    window is exact but keeps one timestamp per call of the period; the counter may refuse a call slightly early
    or late when calls were bunched in the previous window."""

    def __init__(
        self, storage: Storage | None = None, *, on_close: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._shared = SlidingWindowCounterRateLimiter(storage) if storage is not None else None
        self._local = SlidingWindowCounterRateLimiter(SweptMemoryStorage())
        self._on_close = on_close

    @classmethod
    def shared(cls, redis_url: str | None, key_prefix: str) -> ToolRateLimiter:
        """Counts in Redis when a URL is configured (every replica shares them), else in process memory."""
        if redis_url is None:
            return cls()
        from limits.aio.storage import RedisStorage
        from redis.asyncio import ConnectionPool

        pool = ConnectionPool.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        options: dict[str, Any] = {"connection_pool": pool}  # the pool is ours to close
        storage = RedisStorage(
            "async+redis://", implementation="redispy", key_prefix=f"{key_prefix}:toollimit", **options
        )
        return cls(storage, on_close=pool.aclose)

    async def aclose(self) -> None:
        if self._on_close is not None:
            await self._on_close()

    async def check(self, tool: str, limits: Sequence[AppliedLimit]) -> None:
        """Count one call against every limit, or raise RateLimited naming the first limit it exceeds."""
        if self._shared is not None:
            try:
                await _hit(self._shared, tool, limits)
                return
            except RateLimited:
                raise
            except Exception as error:  # the shared store (Redis) is down: the limits still hold, per process
                log.warning("rate-limit storage unreachable; limiting in process", error_type=type(error).__name__)
        await _hit(self._local, tool, limits)


async def _hit(limiter: SlidingWindowCounterRateLimiter, tool: str, limits: Sequence[AppliedLimit]) -> None:
    for limit in limits:
        if not await limiter.hit(limit.item, *limit.key):
            stats = await limiter.get_window_stats(limit.item, *limit.key)
            error = RateLimited(tool, limit, stats.reset_time - time.time())
            waits = _retry_after.get()
            if waits is not None:
                waits.append(error.retry_after)
            raise error


class RetryAfterMiddleware:
    """Adds `Retry-After` to the HTTP response of a request in which a tool call was rate limited. The JSON-RPC answer
    stays a tool result (status 200), so MCP clients hand the assistant the message with its retry time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        waits: list[int] = []
        token = _retry_after.set(waits)

        async def send_with_retry_after(message: Message) -> None:
            if message["type"] == "http.response.start" and waits:
                set_response_header(message, b"retry-after", str(max(waits)).encode())
            await send(message)

        try:
            await self.app(scope, receive, send_with_retry_after)
        finally:
            _retry_after.reset(token)
