"""What a scan found: one result per tool and check, and the report of a whole run."""

from __future__ import annotations

from dataclasses import dataclass, field

from sentia_testkit.security.findings import Finding, Severity

DEFINITION = "definition"
VALID_INPUT = "valid-input"
INVALID_INPUT = "invalid-input"
SECURITY = "security"
CHECKS = (DEFINITION, VALID_INPUT, INVALID_INPUT, SECURITY)
SEVERITY_ORDER = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
DEFAULT_FAIL_ON = Severity.MEDIUM


def failing(findings: list[Finding], fail_on: Severity) -> list[Finding]:
    """The findings at or above `fail_on`: low ones (lenient input handling) are shown but fail only on request."""
    floor = SEVERITY_ORDER.index(fail_on)
    return [finding for finding in findings if SEVERITY_ORDER.index(finding.severity) >= floor]


class ScanFailed(AssertionError):
    """A check found problems (or could not reach its target); the message lists them."""


@dataclass
class CheckResult:
    """One check of one tool: its findings, how many calls it made, and why it did not run when it did not."""

    tool: str
    check: str
    findings: list[Finding] = field(default_factory=list)
    calls: int = 0
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings

    def render(self) -> str:
        if self.skipped:
            return f"{self.tool} {self.check}: skipped ({self.skipped})"
        head = f"{self.tool} {self.check}: " + ("ok" if self.ok else f"{len(self.findings)} finding(s)")
        return "\n".join([f"{head} in {self.calls} call(s)", *(finding.render() for finding in self.findings)])

    def raise_for_findings(self, fail_on: Severity = DEFAULT_FAIL_ON) -> None:
        """Fail (an AssertionError, so pytest shows the list) on any finding at or above `fail_on`."""
        if failing(self.findings, fail_on):
            raise ScanFailed(self.render())


@dataclass
class ScanReport:
    """The results of one scan; `error` says why the target could not be scanned (or the scan not finished)."""

    target: str
    results: list[CheckResult] = field(default_factory=list)
    error: str = ""

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.results for finding in result.findings]

    @property
    def tools(self) -> list[str]:
        return list(dict.fromkeys(result.tool for result in self.results))

    def exit_code(self, fail_on: Severity = DEFAULT_FAIL_ON) -> int:
        """0 when clean, 1 on findings at or above `fail_on`, 2 when the target could not be scanned."""
        if self.error:
            return 2
        return 1 if failing(self.findings, fail_on) else 0
