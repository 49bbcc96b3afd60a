"""The benchmarks gate on a throwaway project, with its default runs (five pytest-benchmark processes each, and up to
three confirmation runs of whatever looks slower): a baseline, then five unchanged reruns that must all pass, and a
planted 3x slowdown that must fail after its confirmation runs, naming the limit and the measured slowdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sentia_testkit.gates.base import GateContext
from sentia_testkit.gates.benchmarks import BenchmarksGate, percent
from sentia_testkit.gates.config import GatesConfig
from sentia_testkit.gates.model import GateResult, GateStatus

# The gate's verdicts rest on timings: no other test may share the cores meanwhile.
pytestmark = pytest.mark.exclusive

PYPROJECT = """\
[tool.pytest.ini_options]
addopts = ["--import-mode=importlib", "--strict-markers"]
pythonpath = ["."]
filterwarnings = ["error"]
"""

# The code under test; `{repeat}` is 1 normally and 3 for the planted regression of `totals_by_sku`.
WORKLOAD = """\
ORDERS = "\\n".join(f"SKU-{{n % 37:03d}},{{n % 11 + 1}}" for n in range(600))


def parse_orders(text):
    return [(sku, int(quantity)) for sku, quantity in (line.split(",") for line in text.splitlines())]


def totals_by_sku(orders):
    totals = {{}}
    for _ in range({repeat}):
        totals = {{}}
        for sku, quantity in orders:
            totals[sku] = totals.get(sku, 0) + quantity
    return totals


def render_invoice(totals):
    return "\\n".join(f"{{sku:<10}}{{quantity:>6}}" for sku, quantity in sorted(totals.items()))
"""

BENCHMARKS = """\
import hashlib

import workload

VALUES = [(n * 7_919) % 1_000_003 for n in range(1, 2_001)]
ORDERS = workload.parse_orders(workload.ORDERS)


def reference_workload(values):
    ordered = sorted(values, key=lambda value: (value % 97, value))
    return hashlib.sha256(",".join(map(str, ordered)).encode()).hexdigest()


def test_reference(benchmark):
    benchmark(reference_workload, VALUES)


def test_parse_orders(benchmark):
    assert len(benchmark(workload.parse_orders, workload.ORDERS)) == 600


def test_totals_by_sku(benchmark):
    assert len(benchmark(workload.totals_by_sku, ORDERS)) == 37


def test_render_invoice(benchmark):
    totals = workload.totals_by_sku(ORDERS)
    assert benchmark(workload.render_invoice, totals).startswith("SKU-000")
"""

COMPARED = ("test_parse_orders", "test_totals_by_sku", "test_render_invoice")


def write_project(root: Path, *, repeat: int) -> None:
    (root / "benchmarks").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "workload.py").write_text(WORKLOAD.format(repeat=repeat))
    (root / "benchmarks" / "test_workload.py").write_text(BENCHMARKS)


def context(root: Path) -> GateContext:
    config = GatesConfig.model_validate({"benchmarks": {"reference": "test_reference"}})
    return GateContext(root=root, reports_dir=root / "reports", config=config)


def run_gate(root: Path) -> GateResult:
    gate, ctx = BenchmarksGate(), context(root)
    gate.produce(ctx)
    return gate.evaluate(ctx)


def changes(result: GateResult) -> dict[str, float]:
    """Each benchmark's change of its normalised median against the baseline (0.25 is +25%)."""
    rows = result.details.get("benchmarks", [])
    return {row["benchmark"].split("::")[-1]: row.get("change", float("nan")) for row in rows}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The throwaway project, with a baseline made by the gate's own runs of its benchmarks."""
    root = tmp_path_factory.mktemp("benchmarked")
    write_project(root, repeat=1)
    ctx = context(root)
    BenchmarksGate().produce(ctx)
    shutil.copy(ctx.report("benchmarks.json"), root / "benchmarks" / "baseline.json")
    return root


@pytest.mark.timeout(600)  # six gate runs of five benchmark processes each: over the default 120 s on a slow machine
def test_five_unchanged_reruns_all_pass(project: Path):
    for rerun in range(1, 6):
        result = run_gate(project)
        assert result.status is GateStatus.PASS, f"rerun {rerun}: {result.summary}; changes {changes(result)}"
        assert set(changes(result)) == set(COMPARED)
        assert [check.passed for check in result.checks] == [True] * len(COMPARED)


def test_a_planted_3x_slowdown_fails_naming_the_limit_and_the_slowdown(project: Path, tmp_path: Path):
    slower = tmp_path / "slower"
    shutil.copytree(project, slower, ignore=shutil.ignore_patterns("reports", "__pycache__"))
    write_project(slower, repeat=3)

    result = run_gate(slower)

    assert result.status is GateStatus.FAIL, result.summary
    failed = [check for check in result.checks if not check.passed]
    assert [check.name for check in failed] == ["test_totals_by_sku median (normalised)"]
    assert failed[0].limit == "<= +50%"
    assert result.summary.startswith("test_totals_by_sku median (normalised) ")
    assert result.summary.endswith("(limit <= +50%)")
    slowdown = changes(result)["test_totals_by_sku"]
    assert 1.0 <= slowdown <= 4.0, f"a 3x slower loop measured {slowdown:+.0%}"
    assert f", {percent(slowdown)}; median " in failed[0].measured
    combined = json.loads((slower / "reports" / "benchmarks.json").read_text())
    suspects = ["benchmarks/test_workload.py::test_totals_by_sku", "benchmarks/test_workload.py::test_reference"]
    assert combined["confirmations"] == [{"run": run, "benchmarks": suspects} for run in (6, 7, 8)]
    assert {entry["name"] for entry in combined["benchmarks"] if entry["run"] > 5} == {
        "test_totals_by_sku",
        "test_reference",
    }
