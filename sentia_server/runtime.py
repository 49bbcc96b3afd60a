"""The long-lived services of one server process, opened at start and closed at shutdown."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

import structlog

from sentia_server import __version__
from sentia_server.auth.api_keys import ApiKeyHasher, ApiKeyStore
from sentia_server.auth.jwt_tokens import JwtVerifier
from sentia_server.auth.verifier import CredentialVerifier
from sentia_server.cache import Cache, build_cache
from sentia_server.config import Settings
from sentia_server.integrations.health import VendorState, VendorStateBook, forget, observe
from sentia_server.integrations.http import RateLimiter
from sentia_server.observability.metrics import ServerMetrics
from sentia_server.security.lockout import AuthLockout
from sentia_server.security.rate_limits import ToolRateLimiter
from sentia_server.security.redaction import register_secrets
from sentia_server.security.threats.monitor import SecurityMonitor
from sentia_server.storage.audit import ToolExecutionLog
from sentia_server.storage.audit_events import AuditTrail
from sentia_server.storage.database import Database
from sentia_server.storage.migrate import current_revision, head_revision, upgrade_to_head
from sentia_server.storage.schema_state import schema_state
from sentia_server.vendors import VendorClients

log = structlog.get_logger(__name__)

DependencyState = Literal["ok", "degraded", "failed"]


class StartupError(Exception):
    """The server cannot start; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class DependencyHealth:
    name: str
    status: DependencyState
    backend: str
    latency_ms: float | None = None
    detail: str | None = None
    revision: str | None = None
    head_revision: str | None = None


_SCHEMA_HEALTH: dict[str, tuple[DependencyState, str | None]] = {
    "current": ("ok", None),
    "behind": ("failed", "migrations behind: run `sentia-server migrate`"),
    "ahead": ("degraded", "migrated by a newer version of the server"),
}


@dataclass(frozen=True, slots=True)
class HealthReport:
    """`failed` when a required dependency is down, `degraded` when one works in a reduced mode or a vendor is
    in trouble (vendors never fail readiness: the server still serves every other vendor and tool)."""

    dependencies: tuple[DependencyHealth, ...]
    vendors: tuple[VendorState, ...] = ()

    @property
    def status(self) -> DependencyState:
        states = {dependency.status for dependency in self.dependencies}
        if "failed" in states:
            return "failed"
        if "degraded" in states or any(vendor.status == "degraded" for vendor in self.vendors):
            return "degraded"
        return "ok"


@dataclass
class Runtime:
    settings: Settings
    database: Database
    cache: Cache
    api_keys: ApiKeyStore
    credentials: CredentialVerifier
    tool_log: ToolExecutionLog
    vendors: VendorClients
    audit: AuditTrail
    lockout: AuthLockout
    security: SecurityMonitor
    metrics: ServerMetrics = field(default_factory=ServerMetrics)
    tool_limits: ToolRateLimiter = field(default_factory=ToolRateLimiter)
    vendor_states: VendorStateBook = field(default_factory=VendorStateBook)
    version: str = __version__
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _started_monotonic: float = field(default_factory=time.monotonic)

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self._started_monotonic

    async def start(self) -> None:
        """Make the database usable (migrating it where allowed); raises StartupError with what to do."""
        try:
            await prepare_database(self.database, self.settings)
        except StartupError:
            raise
        except Exception as error:
            raise StartupError(
                f"cannot use the database {self.database.display_url}: {type(error).__name__}: {error}"
            ) from error

    async def check_health(self) -> HealthReport:
        """The database and cache, probed now, and each vendor's last known state (never called by a probe)."""
        return HealthReport(
            dependencies=(await self._database_health(), await self._cache_health()),
            vendors=self.vendor_health(),
        )

    def vendor_health(self) -> tuple[VendorState, ...]:
        configured = {name: vendor.configured for name, vendor in self.settings.vendor_settings().items()}
        return self.vendor_states.states(configured)

    async def _database_health(self) -> DependencyHealth:
        try:
            latency = await self.database.ping()
            schema = await schema_state(self.database)
        except Exception as error:  # any driver error means "not reachable"; the type is enough to act on
            log.warning("database health check failed", error_type=type(error).__name__)
            return DependencyHealth("database", "failed", self.database.dialect, detail="not reachable")
        state, detail = _SCHEMA_HEALTH[schema.status]
        return DependencyHealth(
            "database",
            state,
            self.database.dialect,
            latency_ms=round(latency, 2),
            detail=detail,
            revision=schema.current,
            head_revision=schema.head,
        )

    async def _cache_health(self) -> DependencyHealth:
        started = time.perf_counter()
        try:
            health = await self.cache.health()
        except Exception as error:  # a backend without a fallback that cannot answer
            log.warning("cache health check failed", error_type=type(error).__name__)
            return DependencyHealth("cache", "failed", "unknown", detail="not reachable")
        latency = round((time.perf_counter() - started) * 1000, 2)
        return DependencyHealth("cache", health.status, health.backend, latency_ms=latency, detail=health.detail)

    async def aclose(self) -> None:
        forget(self.vendor_states)
        try:
            await self.tool_log.aclose()  # queued audit records are written before the database closes
        except Exception as error:
            log.error("tool executions not written at shutdown", error_type=type(error).__name__)
        await self.vendors.aclose()
        await self.tool_limits.aclose()
        await self.lockout.aclose()
        await self.cache.aclose()
        await self.database.aclose()


async def prepare_database(database: Database, settings: Settings) -> None:
    """Apply migrations where settings allow it; otherwise refuse to run on a schema the code does not expect."""
    if settings.should_auto_migrate:
        before, after = await upgrade_to_head(database)
        if before != after:
            log.info("database migrated", from_revision=before, to_revision=after)
        return
    current, head = await current_revision(database), head_revision()
    if current != head:
        raise StartupError(
            f"the database ({database.display_url}) is at migration {current or 'none'} but this version needs "
            f"{head}: run `sentia-server migrate` first"
        )


def build_runtime(settings: Settings) -> Runtime:
    """Create the services without connecting anything yet; `Runtime.start` connects and checks them."""
    register_secrets(settings)
    database = Database(settings.resolved_database_url)
    metrics = ServerMetrics(window_seconds=settings.metrics.performance_window_seconds)
    api_keys = ApiKeyStore(
        database,
        ApiKeyHasher.from_settings(settings),
        default_ttl=timedelta(days=settings.api_key_default_ttl_days),
        verified_cache_seconds=settings.api_key_cache_seconds,
    )
    return Runtime(
        settings=settings,
        database=database,
        cache=build_cache(settings),
        api_keys=api_keys,
        credentials=CredentialVerifier(api_keys, JwtVerifier(settings)),
        tool_log=ToolExecutionLog(database, flush_seconds=settings.audit_flush_seconds),
        audit=AuditTrail(database),
        lockout=AuthLockout.from_settings(settings),
        security=SecurityMonitor.build(database, settings.threats, metrics.security),
        metrics=metrics,
        tool_limits=ToolRateLimiter.shared(settings.redis_url, settings.cache_key_prefix),
        vendor_states=observe(VendorStateBook()),
        vendors=VendorClients(
            settings,
            rate_limiter=RateLimiter.shared(settings.redis_url, settings.cache_key_prefix),
        ),
    )


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Build and start a runtime, and close it on exit."""
    runtime = build_runtime(settings)
    try:
        await runtime.start()
        yield runtime
    finally:
        await runtime.aclose()
