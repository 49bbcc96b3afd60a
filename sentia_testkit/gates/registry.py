"""The gates in the order they run: tests first, so coverage reads what the test run wrote."""

from __future__ import annotations

from sentia_testkit.gates.base import Gate
from sentia_testkit.gates.benchmarks import BenchmarksGate
from sentia_testkit.gates.container import ContainerGate
from sentia_testkit.gates.coverage import CoverageGate
from sentia_testkit.gates.dependencies import DependenciesGate
from sentia_testkit.gates.lint import LintGate
from sentia_testkit.gates.load import LoadGate
from sentia_testkit.gates.security import SecurityGate
from sentia_testkit.gates.tests import TestsGate


def all_gates() -> list[Gate]:
    gates: list[Gate] = [
        TestsGate(),
        CoverageGate(),
        SecurityGate(),
        DependenciesGate(),
        LintGate(),
        ContainerGate(),
        BenchmarksGate(),
        LoadGate(),
    ]
    return gates
