"""`quality-gates`: measure a repository from its tools' own reports, fail closed, and say exactly why.

Each gate lives in its own module and has two steps: `produce` runs the tool and writes its report into the
reports directory; `evaluate` reads that report and returns a `GateResult`. `quality-gates --from-reports DIR`
runs only the second step, so one CI job can gate what another produced.
"""

from sentia_testkit.gates.model import Check, Finding, GateResult, GateRun, GateStatus

__all__ = ["Check", "Finding", "GateResult", "GateRun", "GateStatus"]
