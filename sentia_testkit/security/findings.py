"""What every security check returns: findings (title, severity, where, a reproducer) gathered in a report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Finding:
    """One weakness: which check saw it, where (`target`), what happened, and how to see it again."""

    check: str
    title: str
    severity: Severity
    target: str
    detail: str = ""
    reproducer: str = ""

    def render(self) -> str:
        lines = [f"[{self.severity.value}] {self.check}: {self.title} ({self.target})"]
        if self.detail:
            lines.append(f"    {self.detail}")
        if self.reproducer:
            lines.append(f"    reproduce: {self.reproducer}")
        return "\n".join(lines)


class SecurityFindings(AssertionError):
    """Raised by `Report.raise_for_findings()`; its message lists every finding."""


@dataclass
class Report:
    """The findings of one run and how many probes it sent, so that a run that tested nothing is visible."""

    name: str
    findings: list[Finding] = field(default_factory=list)
    probes: int = 0
    _seen: set[tuple[str, str, str]] = field(default_factory=set, repr=False)

    def add(self, finding: Finding) -> None:
        """Record a finding once per (check, title, target): one flaw hit by many payloads is one line."""
        key = (finding.check, finding.title, finding.target)
        if key not in self._seen:
            self._seen.add(key)
            self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def merge(self, other: Report) -> None:
        self.extend(other.findings)
        self.probes += other.probes

    @property
    def ok(self) -> bool:
        return not self.findings

    def by_check(self, check: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.check == check]

    def render(self) -> str:
        if self.ok:
            return f"{self.name}: no findings in {self.probes} probes"
        head = f"{self.name}: {len(self.findings)} finding(s) in {self.probes} probes"
        return "\n".join([head, *(finding.render() for finding in self.findings)])

    def raise_for_findings(self, *, min_probes: int = 1) -> None:
        """Fail (an AssertionError, so pytest shows the list) on any finding, or when fewer than `min_probes` probes
        ran: a check that tested nothing must not pass."""
        if self.findings:
            raise SecurityFindings(self.render())
        if self.probes < min_probes:
            raise SecurityFindings(
                f"{self.name}: only {self.probes} probes ran, fewer than the {min_probes} required; "
                "the target offered nothing to test (check the client, its credentials and the route list)"
            )
