"""Check every tool of any MCP server: its definition, calls with valid and schema-violating arguments, and the
security payload probe (docs/testkit.md, "Scan your MCP server"). From the command line: `sentia-testkit scan`;
in pytest: `@pytest.mark.parametrize("result", scan_cases(target))` and `result.raise_for_findings()`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sentia_testkit.scan.results import CHECKS, DEFAULT_FAIL_ON, CheckResult, ScanFailed, ScanReport
from sentia_testkit.security.findings import Severity

if TYPE_CHECKING:
    from sentia_testkit.scan.runner import ScanOptions, run_scan, scan

# The runner needs the testkit's extras (schemathesis, hypothesis); it is loaded on first use, so the `sentia-testkit`
# command (which also serves the simulators from the server image, where those are absent) starts without them.
_RUNNER_NAMES = ("ScanOptions", "run_scan", "scan")


def __getattr__(name: str) -> Any:
    if name in _RUNNER_NAMES:
        from sentia_testkit.scan import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def scan_cases(target: Any, options: ScanOptions | None = None) -> list[Any]:
    """Scan `target` now (at collection) and return one `pytest.param` per tool and check, with the id
    `tool-check`; an unreachable target is one case that fails with the reason."""
    import pytest

    from sentia_testkit.scan.runner import run_scan

    report = run_scan(target, options)
    if report.error:
        return [pytest.param(_Unreachable(report.error), id="target-connect")]
    return [pytest.param(result, id=f"{result.tool}-{result.check}") for result in report.results]


class _Unreachable(CheckResult):
    """The case standing for a target that could not be scanned: it always fails, naming the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__("target", "connect")
        self.reason = reason

    @property
    def ok(self) -> bool:
        return False

    def raise_for_findings(self, fail_on: Severity = DEFAULT_FAIL_ON) -> None:
        raise ScanFailed(f"the target could not be scanned: {self.reason}")


__all__ = ["CHECKS", "CheckResult", "ScanFailed", "ScanOptions", "ScanReport", "run_scan", "scan", "scan_cases"]
