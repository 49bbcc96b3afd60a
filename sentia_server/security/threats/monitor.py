"""The security monitor: turns findings and behavioural signals into stored, counted and logged security events,
and answers the current threat level. It never blocks a request and never raises: a storage outage costs the stored
copy of an event (it is still logged and counted), not the request."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from sentia_server.auth.principal import Principal
from sentia_server.observability.context import request_id_var
from sentia_server.observability.metrics import SecurityMetrics
from sentia_server.security.client import client_address_var
from sentia_server.security.threats.behaviour import Clock, Cooldown, DistinctCounter, WindowCounter
from sentia_server.security.threats.correlation import ThreatLevel, threat_level
from sentia_server.security.threats.detector import Finding, inspect
from sentia_server.security.threats.patterns import Severity
from sentia_server.security.threats.settings import ThreatSettings
from sentia_server.storage.database import Database
from sentia_server.storage.security_events import SecurityEventRecord, SecurityEventStore

log = structlog.get_logger(__name__)

MAX_EVENTS_PER_INPUT = 20
"""Events raised for one set of tool arguments or one body; the rest are counted in the last event's detail."""

AUTH_FAILURE_BURST = "auth_failure_burst"
TOOL_SWEEP = "tool_sweep"
REQUEST_SPIKE = "request_spike"


class SecurityMonitor:
    def __init__(
        self,
        store: SecurityEventStore,
        settings: ThreatSettings,
        metrics: SecurityMetrics,
        *,
        clock: Clock = time.monotonic,
    ) -> None:
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self._auth_failures = WindowCounter(settings.auth_failure_window_seconds, clock=clock)
        self._auth_cooldown = Cooldown(settings.auth_failure_window_seconds, clock=clock)
        self._tools = DistinctCounter(settings.tool_sweep_window_seconds, clock=clock)
        self._sweep_cooldown = Cooldown(settings.tool_sweep_window_seconds, clock=clock)
        self._requests = WindowCounter(settings.request_spike_window_seconds, clock=clock)
        self._spike_cooldown = Cooldown(settings.request_spike_window_seconds, clock=clock)
        self._last_level = ThreatLevel.NONE

    @classmethod
    def build(cls, database: Database, settings: ThreatSettings, metrics: SecurityMetrics) -> SecurityMonitor:
        """A monitor storing events in `database` and counting them in `metrics`."""
        return cls(SecurityEventStore(database), settings, metrics)

    async def record(self, event: SecurityEventRecord) -> None:
        """Count, log and store one event."""
        self.metrics.events.labels(type=event.event_type, severity=event.severity).inc()
        log.warning(
            "security event",
            event_type=event.event_type,
            severity=event.severity,
            principal=event.principal_subject,
            tenant=event.tenant,
            tool=event.tool,
            location=event.location,
            client_address=event.client_address,
            detail=event.detail,
        )
        try:
            await self.store.record(event)
        except Exception as error:  # the event is logged and counted; the request goes on
            log.error("security event not stored", event_type=event.event_type, error_type=type(error).__name__)

    async def inspect_tool_call(
        self, tool: str, arguments: Mapping[str, Any], principal: Principal, request_id: str | None
    ) -> None:
        """Look for attack patterns in a tool's arguments (before validation: the schema blocks, this reports) and
        track how many distinct tools the principal calls."""
        try:
            await self._inspect_tool_call(tool, arguments, principal, request_id)
        except Exception as error:  # detection must never fail a call
            log.error("tool call not inspected", tool=tool, error_type=type(error).__name__)

    async def _inspect_tool_call(
        self, tool: str, arguments: Mapping[str, Any], principal: Principal, request_id: str | None
    ) -> None:
        context = {"principal_subject": principal.subject, "tenant": principal.tenant, "tool": tool}
        await self._record_findings(inspect(dict(arguments), "arguments"), request_id, context)
        key = f"{principal.tenant}/{principal.subject}"
        distinct = self._tools.add(key, tool)
        if distinct >= self.settings.tool_sweep_threshold and self._sweep_cooldown.ready(key):
            await self.record(
                SecurityEventRecord(
                    event_type=TOOL_SWEEP,
                    severity=Severity.MEDIUM.value,
                    client_address=client_address_var.get(),
                    request_id=request_id,
                    detail={
                        "distinct_tools": distinct,
                        "window_seconds": self.settings.tool_sweep_window_seconds,
                    },
                    **context,
                )
            )

    async def inspect_body(self, body: object, *, path: str) -> None:
        """Look for attack patterns in a REST request body."""
        try:
            await self._record_findings(inspect(body, "body"), request_id_var.get(), {"detail_path": path})
        except Exception as error:  # detection must never fail a request
            log.error("request body not inspected", path=path, error_type=type(error).__name__)

    async def observe_request(self, client: str | None) -> None:
        """Count a request from `client`; a spike over the threshold raises one event per window."""
        if client is None:
            return
        count = self._requests.add(client)
        if count >= self.settings.request_spike_threshold and self._spike_cooldown.ready(client):
            await self._behaviour_event(REQUEST_SPIKE, Severity.MEDIUM, client, count, self._requests.window)

    async def observe_auth_failure(self, client: str | None) -> None:
        """Count a failed authentication from `client`; a burst over the threshold raises one event per window."""
        key = client or "unknown"
        count = self._auth_failures.add(key)
        if count >= self.settings.auth_failure_threshold and self._auth_cooldown.ready(key):
            await self._behaviour_event(AUTH_FAILURE_BURST, Severity.HIGH, client, count, self._auth_failures.window)

    async def current_level(self) -> ThreatLevel:
        """The threat level from the events of all replicas within the level window; the gauge is updated. When
        the database does not answer, the last level computed is kept."""
        since = datetime.now(UTC) - timedelta(seconds=self.settings.level_window_seconds)
        try:
            counts = await self.store.severity_counts(since)
        except Exception as error:
            log.warning("threat level not computed", error_type=type(error).__name__)
            return self._last_level
        self._last_level = threat_level(counts, self.settings)
        self.metrics.threat_level.set(int(self._last_level))
        return self._last_level

    async def _behaviour_event(
        self, event_type: str, severity: Severity, client: str | None, count: int, window: float
    ) -> None:
        await self.record(
            SecurityEventRecord(
                event_type=event_type,
                severity=severity.value,
                client_address=client,
                request_id=request_id_var.get(),
                detail={"count": count, "window_seconds": window},
            )
        )

    async def _record_findings(
        self, findings: list[Finding], request_id: str | None, context: Mapping[str, str]
    ) -> None:
        if not findings:
            return
        # One event per location and kind, naming every pattern that matched there.
        grouped: dict[tuple[str, str], list[Finding]] = {}
        for finding in findings:
            grouped.setdefault((finding.location, finding.match.kind.value), []).append(finding)
        groups = list(grouped.items())
        kept, omitted = groups[:MAX_EVENTS_PER_INPUT], len(groups) - MAX_EVENTS_PER_INPUT
        path = context.get("detail_path")
        for index, ((location, kind), group) in enumerate(kept):
            severity = max((finding.match.severity for finding in group), key=_SEVERITY_ORDER.index)
            detail: dict[str, Any] = {
                "patterns": sorted({finding.match.pattern for finding in group}),
                "value_length": group[0].value_length,
            }
            if path is not None:
                detail["path"] = path
            if omitted > 0 and index == len(kept) - 1:
                detail["omitted_events"] = omitted
            await self.record(
                SecurityEventRecord(
                    event_type=kind,
                    severity=severity.value,
                    principal_subject=context.get("principal_subject"),
                    tenant=context.get("tenant"),
                    tool=context.get("tool"),
                    location=location,
                    client_address=client_address_var.get(),
                    request_id=request_id,
                    detail=detail,
                )
            )


_SEVERITY_ORDER = list(Severity)
