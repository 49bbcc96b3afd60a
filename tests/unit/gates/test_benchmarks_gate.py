"""The benchmarks gate on crafted pytest-benchmark reports: medians normalised by a reference, against a baseline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from sentia_testkit.gates.base import GateContext, ToolUnavailable
from sentia_testkit.gates.benchmarks import BenchmarksGate, default_command
from sentia_testkit.gates.config import GatesConfig
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus

MS = 1e-3
US = 1e-6
FILE = "benchmarks/test_server.py"
BASELINE = {"test_reference": 500 * US, "test_tool_call": 1 * MS, "test_hash_key": 2 * US}


def entry(name: str, median: float, *, run: int | None = None, file: str = FILE) -> dict[str, Any]:
    """A benchmark as pytest-benchmark's --benchmark-json writes it (the fields the gate reads, and a few more)."""
    data: dict[str, Any] = {
        "group": None,
        "name": name,
        "fullname": f"{file}::{name}",
        "params": None,
        "param": None,
        "extra_info": {},
        "stats": {
            "min": median * 0.9,
            "max": median * 3,
            "mean": median * 1.1,
            "median": median,
            "rounds": 100,
            "iterations": 1,
            "data": [median] * 3,
        },
    }
    if run is not None:
        data["run"] = run
    return data


def report(*runs: dict[str, float], cpu: str = "AMD EPYC") -> dict[str, Any]:
    """One run is a plain pytest-benchmark report; several are the gate's combined report, tagged by run."""
    tagged = len(runs) > 1
    return {
        "machine_info": {"python_version": "3.11.7", "cpu": {"brand_raw": cpu}},
        "commit_info": {},
        "benchmarks": [
            entry(name, median, run=number if tagged else None)
            for number, medians in enumerate(runs, start=1)
            for name, median in medians.items()
        ],
        "datetime": "2026-11-27T01:00:00+00:00",
        "version": "5.3.1",
    }


def scaled(medians: dict[str, float], factor: float, **overrides: float) -> dict[str, float]:
    return {name: median * factor for name, median in medians.items()} | overrides


def make_context(root: Path, **benchmarks: Any) -> GateContext:
    config = GatesConfig.model_validate({"benchmarks": {"reference": "test_reference", **benchmarks}})
    return GateContext(root=root, reports_dir=root / "reports", config=config)


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def judge(tmp_path: Path, current: Any, baseline: Any = None, **config: Any) -> GateResult:
    write(tmp_path / "reports" / "benchmarks.json", current)
    write(tmp_path / "benchmarks" / "baseline.json", report(BASELINE) if baseline is None else baseline)
    return BenchmarksGate().evaluate(make_context(tmp_path, **config))


def test_the_same_normalised_medians_on_a_machine_twice_as_slow_pass(tmp_path: Path):
    result = judge(tmp_path, report(scaled(BASELINE, 2)))

    assert result.status is GateStatus.PASS
    assert result.checks == [
        Check(
            "test_hash_key median (normalised)",
            "0.004x reference (baseline 0.004x, +0%; median 4 µs, baseline 2 µs)",
            "<= +50%",
            True,
        ),
        Check(
            "test_tool_call median (normalised)",
            "2x reference (baseline 2x, +0%; median 2 ms, baseline 1 ms)",
            "<= +50%",
            True,
        ),
    ]
    assert result.summary == (
        "2 benchmarks within +50% of the baseline, normalised by test_reference; largest change test_hash_key +0%"
    )
    assert result.notes[0] == (
        "each benchmark's median (the median) is divided by the reference test_reference's (1 ms now, 500 µs in the "
        "baseline); a benchmark fails when that ratio grew by more than 50%"
    )


def test_a_slowdown_beyond_the_tolerance_fails_naming_the_limit_and_the_measured_slowdown(tmp_path: Path):
    result = judge(tmp_path, report(scaled(BASELINE, 1, test_tool_call=1.8 * MS)))

    assert result.status is GateStatus.FAIL
    assert result.summary == (
        "test_tool_call median (normalised) 3.6x reference (baseline 2x, +80%; median 1.8 ms, baseline 1 ms) "
        "(limit <= +50%)"
    )
    assert [check.passed for check in result.checks] == [True, False]
    row = next(row for row in result.details["benchmarks"] if row["benchmark"].endswith("::test_tool_call"))
    assert row["change"] == pytest.approx(0.8)


def test_a_faster_machine_does_not_hide_a_regression(tmp_path: Path):
    """The reference runs twice as fast, the tool call does not: relative to the machine it got twice as slow."""
    result = judge(tmp_path, report(scaled(BASELINE, 0.5, test_tool_call=1 * MS)))

    assert result.status is GateStatus.FAIL
    assert "test_tool_call median (normalised) 4x reference (baseline 2x, +100%;" in result.summary


def test_the_tolerance_is_configurable(tmp_path: Path):
    result = judge(tmp_path, report(scaled(BASELINE, 1, test_tool_call=1.8 * MS)), tolerance=1.0)

    assert result.status is GateStatus.PASS
    assert {check.limit for check in result.checks} == {"<= +100%"}


def test_a_benchmark_in_the_baseline_but_not_in_this_run_fails_as_disappeared(tmp_path: Path):
    current = {name: median for name, median in BASELINE.items() if name != "test_hash_key"}

    result = judge(tmp_path, report(current))

    assert result.status is GateStatus.FAIL
    assert result.summary == (
        "test_hash_key disappeared: in the baseline but not in this run (limit present (or regenerate the baseline))"
    )


def test_a_new_benchmark_is_noted_not_judged(tmp_path: Path):
    result = judge(tmp_path, report(BASELINE | {"test_jwt_verify": 50 * US}))

    assert result.status is GateStatus.PASS
    assert len(result.checks) == 2
    assert (
        "test_jwt_verify: no baseline yet (median 50 µs, 0.1x reference); regenerate the baseline to track it"
        in result.notes
    )


@pytest.mark.parametrize("side", ["current", "baseline"])
def test_a_missing_reference_is_an_error(tmp_path: Path, side: str):
    without = report({name: median for name, median in BASELINE.items() if name != "test_reference"})

    result = judge(tmp_path, without, None) if side == "current" else judge(tmp_path, report(BASELINE), without)

    assert result.status is GateStatus.ERROR
    path = "reports/benchmarks.json" if side == "current" else "benchmarks/baseline.json"
    assert result.summary == (
        f"{tmp_path / path}: the reference benchmark 'test_reference' is missing (benchmarks: test_hash_key, "
        "test_tool_call); every median is divided by it, so nothing can be compared"
    )


def test_no_configured_reference_is_an_error_that_says_what_to_set(tmp_path: Path):
    result = judge(tmp_path, report(BASELINE), reference=None)

    assert result.status is GateStatus.ERROR
    assert "set [tool.sentia.gates.benchmarks] reference" in result.summary


def test_a_reference_name_shared_by_two_files_must_be_a_fullname(tmp_path: Path):
    data = report(BASELINE)
    data["benchmarks"].append(entry("test_reference", 400 * US, file="benchmarks/test_other.py"))

    ambiguous = judge(tmp_path, data, data)
    by_fullname = judge(tmp_path, data, data, reference=f"{FILE}::test_reference")

    assert ambiguous.status is GateStatus.ERROR
    assert "names several benchmarks" in ambiguous.summary
    assert by_fullname.status is GateStatus.PASS
    assert "benchmarks/test_other.py::test_reference median (normalised)" in [c.name for c in by_fullname.checks]


def test_a_missing_baseline_is_unavailable_and_says_how_to_create_one(tmp_path: Path):
    current = write(tmp_path / "reports" / "benchmarks.json", report(BASELINE))

    result = BenchmarksGate().evaluate(make_context(tmp_path))

    assert result.status is GateStatus.UNAVAILABLE
    baseline = tmp_path / "benchmarks" / "baseline.json"
    assert result.summary == (
        f"no baseline at {baseline}: create one from this run with `cp {current} {baseline}` (on a quiet machine) "
        "and commit it"
    )


def test_a_missing_report_is_unavailable(tmp_path: Path):
    write(tmp_path / "benchmarks" / "baseline.json", report(BASELINE))

    result = BenchmarksGate().evaluate(make_context(tmp_path))

    assert result.status is GateStatus.UNAVAILABLE
    assert result.summary.startswith(f"no report at {tmp_path / 'reports' / 'benchmarks.json'}; run `pytest benchmarks")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("{not json", "JSONDecodeError"),
        ({"benchmarks": {}}, "TypeError: 'benchmarks' is not a list"),
        ({"machine_info": {}}, "KeyError: 'benchmarks'"),
        (report({"test_reference": 0.0, "test_tool_call": MS}), "has a median of 0.0 s"),
        ({"benchmarks": [entry("test_reference", US), entry("test_reference", US)]}, "appears twice in run 1"),
    ],
)
def test_an_unreadable_report_is_an_error(tmp_path: Path, content: Any, error: str):
    result = judge(tmp_path, content)

    assert result.status is GateStatus.ERROR
    assert result.summary.startswith(f"cannot read {tmp_path / 'reports' / 'benchmarks.json'}: ")
    assert error in result.summary


def test_a_baseline_of_only_the_reference_is_an_error(tmp_path: Path):
    result = judge(tmp_path, report(BASELINE), report({"test_reference": 500 * US}))

    assert result.status is GateStatus.ERROR
    assert result.summary == "the baseline holds no benchmark besides the reference: nothing to compare"


def test_the_fastest_of_several_runs_counts(tmp_path: Path):
    """A burst of load (run 1) or an unlucky memory layout only slows a run down."""
    burst = scaled(BASELINE, 1, test_tool_call=3 * MS)

    result = judge(tmp_path, report(burst, BASELINE, scaled(BASELINE, 1.1)))

    assert result.status is GateStatus.PASS
    assert result.details["reference"]["runs"] == 3
    assert "in each of 3 runs, the lowest ratio counting" in result.notes[0]
    assert all("+0%" in check.measured for check in result.checks)


def test_each_run_is_normalised_by_its_own_reference(tmp_path: Path):
    """A quiet run of the reference does not make up for a busy one of the benchmark: the machine was twice as slow
    in run 1 but for the reference, and everything as in the baseline in run 2."""
    busy_but_the_reference = {**scaled(BASELINE, 2), "test_reference": BASELINE["test_reference"]}

    result = judge(tmp_path, report(busy_but_the_reference, scaled(BASELINE, 2)))

    assert result.status is GateStatus.PASS
    assert all("+0%" in check.measured for check in result.checks)


def test_a_benchmark_never_measured_beside_the_reference_is_normalised_by_the_fastest_medians(tmp_path: Path):
    without_the_reference = {name: median for name, median in BASELINE.items() if name != "test_reference"}
    only_the_reference = {"test_reference": BASELINE["test_reference"]}

    result = judge(tmp_path, report(without_the_reference, only_the_reference))

    assert result.status is GateStatus.PASS
    assert all("+0%" in check.measured for check in result.checks)


def test_a_slowdown_in_every_run_fails_whatever_the_reference_did(tmp_path: Path):
    slower = scaled(BASELINE, 1, test_tool_call=4 * MS)

    result = judge(tmp_path, report(slower, scaled(slower, 2)))

    assert result.status is GateStatus.FAIL
    assert result.summary.startswith("test_tool_call median (normalised) 8x reference (baseline 2x, +300%")


def test_benchmarks_whose_tests_failed_fail_the_gate(tmp_path: Path):
    stdout = (
        "=========================== short test summary info ============================\n"
        f"FAILED {FILE}::test_tool_call - AssertionError: the audit trail is empty\n"
        f"ERROR {FILE}::test_hash_key - RuntimeError: no database\n"
    )
    write(
        tmp_path / "reports" / "benchmarks-runs.json", {"command": [], "exit_code": 1, "stdout": stdout, "stderr": ""}
    )

    result = judge(tmp_path, report(BASELINE))

    assert result.status is GateStatus.FAIL
    assert result.checks[-1] == Check("benchmark tests", "2 failed or errored", "0", False)
    assert result.findings == [
        Finding(f"{FILE}::test_tool_call", "AssertionError: the audit trail is empty", "failure"),
        Finding(f"{FILE}::test_hash_key", "RuntimeError: no database", "error"),
    ]


def test_a_baseline_from_another_machine_is_noted(tmp_path: Path):
    result = judge(tmp_path, report(BASELINE, cpu="Apple M3"))

    assert result.status is GateStatus.PASS
    assert "the baseline was measured on AMD EPYC, Python 3.11.7; this run on Apple M3, Python 3.11.7" in result.notes


# produce: a stand-in for pytest-benchmark writes a report to the path it is given.
FAKE_RUN = """\
import json, os, sys
medians = {"test_reference": 5e-4, "test_tool_call": 1e-3}
benchmarks = [{"name": n, "fullname": "benchmarks/test_server.py::" + n, "stats": {"median": m, "data": [m, m]},
               "extra_info": {"seed": os.environ.get("PYTHONHASHSEED")}} for n, m in medians.items()]
json.dump({"machine_info": {}, "benchmarks": benchmarks}, open(sys.argv[1], "w"))
"""


def test_produce_runs_the_command_in_several_processes_and_combines_their_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    ctx = make_context(tmp_path, command=[sys.executable, "-c", FAKE_RUN, "{report}"], runs=2)

    BenchmarksGate().produce(ctx)

    combined = json.loads(ctx.report("benchmarks.json").read_text())
    assert combined["runs"] == 2
    assert [(b["name"], b["run"]) for b in combined["benchmarks"]] == [
        ("test_reference", 1),
        ("test_tool_call", 1),
        ("test_reference", 2),
        ("test_tool_call", 2),
    ]
    assert all("data" not in b["stats"] for b in combined["benchmarks"])
    assert {b["extra_info"]["seed"] for b in combined["benchmarks"]} == {"0"}
    assert "data" in json.loads(ctx.report("benchmarks-2.json").read_text())["benchmarks"][0]["stats"]
    assert json.loads(ctx.report("benchmarks-runs.json").read_text())["exit_code"] == 0


def test_produce_without_a_report_is_unavailable_and_leaves_no_stale_report(tmp_path: Path):
    ctx = make_context(tmp_path, command=[sys.executable, "-c", "import sys; print('collected 0 items'); sys.exit(5)"])
    stale = write(ctx.report("benchmarks.json"), report(BASELINE))

    with pytest.raises(ToolUnavailable, match=r"wrote no report at .*benchmarks-1\.json \(exit 5\): collected 0 items"):
        BenchmarksGate().produce(ctx)
    assert not stale.exists()


def test_produce_says_when_pytest_benchmark_is_missing(tmp_path: Path):
    script = "import sys; sys.stderr.write('error: unrecognized arguments: --benchmark-only'); sys.exit(4)"
    ctx = make_context(tmp_path, command=[sys.executable, "-c", script])

    with pytest.raises(ToolUnavailable, match=r"pytest-benchmark is not installed"):
        BenchmarksGate().produce(ctx)


def test_the_default_command_runs_only_the_benchmarks_folder_and_writes_json(tmp_path: Path):
    command = default_command("python", tmp_path / "b.json")

    assert command[:4] == ["python", "-m", "pytest", "benchmarks"]
    assert {"--benchmark-only", "--benchmark-min-time=0.001", f"--benchmark-json={tmp_path / 'b.json'}"} <= set(command)


def test_produce_then_evaluate_judges_the_combined_report(tmp_path: Path):
    ctx = make_context(tmp_path, command=[sys.executable, "-c", FAKE_RUN, "{report}"], runs=2)
    write(tmp_path / "benchmarks" / "baseline.json", report({"test_reference": 5e-4, "test_tool_call": 1.2e-3}))

    BenchmarksGate().produce(ctx)
    result = BenchmarksGate().evaluate(ctx)

    assert result.status is GateStatus.PASS
    assert result.summary.endswith("largest change test_tool_call -17%")


# A stand-in whose test_tool_call takes 2 ms (twice the baseline's 1 ms) in the runs argv[2] lists, 1 ms otherwise.
FLAKY_RUN = """\
import json, re, sys
run = int(re.search(r"-(\\d+)\\.json$", sys.argv[1])[1])
slow = {int(n) for n in sys.argv[2].split(",") if n}
medians = {"test_reference": 5e-4, "test_tool_call": 2e-3 if run in slow else 1e-3}
benchmarks = [{"name": n, "fullname": "benchmarks/test_server.py::" + n, "stats": {"median": m}}
              for n, m in medians.items()]
json.dump({"machine_info": {}, "benchmarks": benchmarks}, open(sys.argv[1], "w"))
"""
CONFIRM_BASELINE = {"test_reference": 5e-4, "test_tool_call": 1e-3}


def produce_and_judge(tmp_path: Path, slow_runs: str, **config: Any) -> tuple[GateResult, dict[str, Any]]:
    ctx = make_context(tmp_path, command=[sys.executable, "-c", FLAKY_RUN, "{report}", slow_runs], **config)
    write(tmp_path / "benchmarks" / "baseline.json", report(CONFIRM_BASELINE))
    BenchmarksGate().produce(ctx)
    return BenchmarksGate().evaluate(ctx), json.loads(ctx.report("benchmarks.json").read_text())


def test_a_slowdown_in_every_first_run_is_re_measured_and_passes_when_it_does_not_hold(tmp_path: Path):
    result, combined = produce_and_judge(tmp_path, "1,2", runs=2, confirm_runs=3)

    assert result.status is GateStatus.PASS, result.summary
    assert combined["runs"] == 3
    assert combined["confirmations"] == [
        {"run": 3, "benchmarks": [f"{FILE}::test_tool_call", f"{FILE}::test_reference"]}
    ]
    assert "run 3 re-measured test_tool_call beside the reference: it was beyond the tolerance in the runs before" in (
        result.notes
    )


def test_a_slowdown_that_holds_in_every_confirmation_run_fails(tmp_path: Path):
    result, combined = produce_and_judge(tmp_path, "1,2,3,4", runs=2, confirm_runs=2)

    assert result.status is GateStatus.FAIL
    assert result.summary.startswith("test_tool_call median (normalised) 4x reference (baseline 2x, +100%")
    assert combined["runs"] == 4
    assert [confirmation["run"] for confirmation in combined["confirmations"]] == [3, 4]
    assert sum("re-measured test_tool_call" in note for note in result.notes) == 2


@pytest.mark.parametrize("confirm_runs", [0, 3])
def test_no_confirmation_run_without_a_slowdown_or_when_turned_off(tmp_path: Path, confirm_runs: int):
    result, combined = produce_and_judge(tmp_path, "" if confirm_runs else "1,2", runs=2, confirm_runs=confirm_runs)

    assert combined["runs"] == 2
    assert "confirmations" not in combined
    assert result.status is (GateStatus.PASS if confirm_runs else GateStatus.FAIL)


def test_stale_confirmation_reports_are_removed(tmp_path: Path):
    stale = write(tmp_path / "reports" / "benchmarks-3.json", report(CONFIRM_BASELINE))

    produce_and_judge(tmp_path, "", runs=2, confirm_runs=1)

    assert not stale.exists()


def test_a_confirmation_run_of_the_default_command_measures_only_the_suspects_and_the_reference(tmp_path: Path):
    only = [f"{FILE}::test_tool_call", f"{FILE}::test_reference"]

    command = default_command("python", tmp_path / "b.json", only=only)

    assert command[:5] == ["python", "-m", "pytest", *only]
    assert "benchmarks" not in command


def test_produce_is_unavailable_when_a_run_writes_something_that_is_not_json(tmp_path: Path):
    script = "import sys; open(sys.argv[1], 'w').write('{half a report')"
    ctx = make_context(tmp_path, command=[sys.executable, "-c", script, "{report}"], runs=1)

    with pytest.raises(ToolUnavailable, match=r"cannot combine the benchmark reports .*benchmarks-1\.json"):
        BenchmarksGate().produce(ctx)


@pytest.mark.parametrize(
    ("stdout", "findings"),
    [
        ("Interrupted: 1 error during collection\n", [Finding("RECORD", "the benchmark run exited with 2", "error")]),
        (f"FAILED {FILE}::test_tool_call\n" * 2, [Finding(f"{FILE}::test_tool_call", "failed", "failure")]),
    ],
)
def test_a_failed_run_without_a_summary_line_still_fails_and_repeats_are_merged(
    tmp_path: Path, stdout: str, findings: list[Finding]
):
    record = write(
        tmp_path / "reports" / "benchmarks-runs.json", {"command": [], "exit_code": 2, "stdout": stdout, "stderr": ""}
    )

    result = judge(tmp_path, report(BASELINE))

    assert result.status is GateStatus.FAIL
    assert result.findings == [
        Finding(str(record) if f.location == "RECORD" else f.location, f.message, f.severity) for f in findings
    ]


@pytest.mark.parametrize(("median", "shown"), [(1.5, "1.5 s"), (2.5e-3, "2.5 ms"), (3e-6, "3 µs"), (4.2e-8, "42 ns")])
def test_medians_are_shown_in_a_unit_that_fits(tmp_path: Path, median: float, shown: str):
    result = judge(tmp_path, report(scaled(BASELINE, 1, test_tool_call=median)), tolerance=5)

    assert f"median {shown}, baseline 1 ms" in next(c.measured for c in result.checks if "tool_call" in c.name)
