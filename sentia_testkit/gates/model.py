"""What a gate reports: a status, the limits it checked against the values it measured, and what it found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class GateStatus(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    """The report exists but cannot be trusted or read (e.g. a file the tool could not parse, no branch data)."""
    UNAVAILABLE = "UNAVAILABLE"
    """There is nothing to evaluate (no report, no baseline, the tool could not run)."""


@dataclass(frozen=True)
class Check:
    """One limit and the value measured against it, e.g. `global lines` 91.4% against >= 90%."""

    name: str
    measured: str
    limit: str
    passed: bool


@dataclass(frozen=True)
class Finding:
    """Something a tool reported: where, what, how bad, and (when the tool gives one) how to see it again."""

    location: str
    message: str
    severity: str = "error"
    rule: str | None = None


@dataclass
class GateResult:
    gate: str
    status: GateStatus
    summary: str
    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Everything that loosens or qualifies the verdict (overrides with reasons, tolerances, data dates)."""
    details: dict[str, Any] = field(default_factory=dict)
    tolerated: str | None = None
    """The configured reason when an UNAVAILABLE result is tolerated."""

    @property
    def blocking(self) -> bool:
        if self.status is GateStatus.PASS:
            return False
        return not (self.status is GateStatus.UNAVAILABLE and self.tolerated)

    @classmethod
    def from_checks(cls, gate: str, checks: list[Check], **extra: Any) -> GateResult:
        """PASS when every check passed, else FAIL with the failed checks as the summary."""
        failed = [check for check in checks if not check.passed]
        if failed:
            summary = "; ".join(f"{c.name} {c.measured} (limit {c.limit})" for c in failed[:5])
            if len(failed) > 5:
                summary += f"; and {len(failed) - 5} more"
            return cls(gate, GateStatus.FAIL, summary, checks=checks, **extra)
        summary = "; ".join(f"{c.name} {c.measured} (limit {c.limit})" for c in checks[:4]) or "nothing to check"
        return cls(gate, GateStatus.PASS, summary, checks=checks, **extra)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["blocking"] = self.blocking
        return data


@dataclass
class EscapeHatches:
    """Every way the checks were told to look away, counted and located."""

    counts: dict[str, int] = field(default_factory=dict)
    locations: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, location: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.locations.setdefault(kind, []).append(location)

    def merge_count(self, kind: str, count: int, locations: list[str] | None = None) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + count
        if locations:
            self.locations.setdefault(kind, []).extend(locations)


# Exit codes (docs/gates.md).
EXIT_PASS = 0
EXIT_TESTS_FAILED = 1
EXIT_GATE_FAILED = 3
EXIT_NOT_EVALUATED = 4


@dataclass
class GateRun:
    results: list[GateResult]
    escape_hatches: EscapeHatches
    started_at: str
    finished_at: str
    mode: str
    reports_dir: str

    @property
    def exit_code(self) -> int:
        blocking = [result for result in self.results if result.blocking]
        failed = [result for result in blocking if result.status is GateStatus.FAIL]
        if any(result.gate == "tests" for result in failed):
            return EXIT_TESTS_FAILED
        if failed:
            return EXIT_GATE_FAILED
        if blocking:
            return EXIT_NOT_EVALUATED
        return EXIT_PASS

    @property
    def verdict(self) -> str:
        return {
            EXIT_PASS: "all gates pass",
            EXIT_TESTS_FAILED: "tests failed",
            EXIT_GATE_FAILED: "a gate failed",
            EXIT_NOT_EVALUATED: "a gate could not be evaluated",
        }[self.exit_code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "mode": self.mode,
            "reports_dir": self.reports_dir,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "gates": [result.to_dict() for result in self.results],
            "escape_hatches": asdict(self.escape_hatches),
        }
