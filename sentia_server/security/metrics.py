"""The security metrics: events by type and severity, and the current threat level."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class SecurityMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.events = Counter(
            "sentia_security_events",
            "Security events raised by this process, by type and severity.",
            ["type", "severity"],
            registry=registry,
        )
        self.threat_level = Gauge(
            "sentia_threat_level",
            "Threat level from recent security events: 0 none, 1 low, 2 elevated, 3 high, 4 critical.",
            registry=registry,
        )
