"""The load gate on Locust stats CSVs, laid out exactly as `locust --csv PREFIX` writes PREFIX_stats.csv."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from sentia_testkit.gates.base import GateContext, ToolUnavailable
from sentia_testkit.gates.config import GatesConfig
from sentia_testkit.gates.load import LoadGate
from sentia_testkit.gates.model import Check, Finding, GateResult, GateStatus

# Captured from locust 2.47 (`locust --headless -u 1 -r 1 -t 3s --csv run` against a local HTTP server).
HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)
REAL_RUN = f"""\
{HEADER}
GET,/,23,0,2,2.224106086971559,1.8342139999276696,4.435870999941471,513.0,11.50534902348418,0.0,2,2,2,2,2,3,4,4,4,4,4
GET,/missing,16,16,2,2.2101976250183952,1.9007739999779005,4.765294999970138,335.0,8.003721059815083,8.003721059815083,2,2,2,2,2,5,5,5,5,5,5
,Aggregated,39,16,2,2.2184000512984663,1.8342139999276696,4.765294999970138,439.97435897435895,19.509070083299264,8.003721059815083,2,2,2,2,2,4,5,5,5,5,5
"""
# A run whose users never sent a request (the same locust version, a user with an empty task).
NO_REQUESTS = f"""\
{HEADER}
,Aggregated,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
"""
FAILURES = (
    "Method,Name,Error,Occurrences,First Seen,Last Seen\n"
    "GET,/missing,HTTPError('404 Client Error: File not found for url: /missing'),16,"
    "2026-11-27T01:17:14Z,2026-11-27T01:17:15Z\n"
)


def aggregated(requests: int, failures: int, p95: str, *, rps: str = "50.0") -> str:
    """A stats CSV with one endpoint and the Aggregated row, every column where Locust puts it."""
    row = f"{requests},{failures},120,130.5,12.0,2400.0,512.0,{rps},0.2,120,140,150,160,170,{p95},300,400,900,1000,1000"
    return f"{HEADER}\nPOST,/mcp,{row}\n,Aggregated,{row}\n"


def make_context(root: Path, **load: Any) -> GateContext:
    return GateContext(root=root, reports_dir=root / "reports", config=GatesConfig.model_validate({"load": load}))


def judge(tmp_path: Path, stats: str, **config: Any) -> GateResult:
    path = tmp_path / "reports" / "load_stats.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(stats)
    return LoadGate().evaluate(make_context(tmp_path, **config))


def test_a_run_within_every_limit_passes(tmp_path: Path):
    result = judge(tmp_path, aggregated(1000, 4, "180"), min_requests=100)

    assert result.status is GateStatus.PASS
    assert result.checks == [
        Check("failure ratio", "0.40% (4 of 1000)", "<= 1.00%", True),
        Check("p95", "180 ms", "<= 1000 ms", True),
        Check("requests", "1000", ">= 100", True),
    ]
    assert result.summary == "1000 requests at 50.0 requests/s, 0.40% failed, p95 180 ms"


def test_the_real_locust_layout_is_read_with_its_endpoints(tmp_path: Path):
    result = judge(tmp_path, REAL_RUN, max_failure_ratio=0.5)

    assert result.status is GateStatus.PASS
    assert result.checks[0] == Check("failure ratio", "41.03% (16 of 39)", "<= 50.00%", True)
    assert result.checks[1] == Check("p95", "4 ms", "<= 1000 ms", True)
    assert [(e["type"], e["name"], e["requests"], e["failures"], e["p95_ms"]) for e in result.details["endpoints"]] == [
        ("GET", "/", 23, 0, 3),
        ("GET", "/missing", 16, 16, 5),
    ]


@pytest.mark.parametrize(
    ("stats", "config", "summary"),
    [
        (aggregated(1000, 20, "180"), {}, "failure ratio 2.00% (20 of 1000) (limit <= 1.00%)"),
        (aggregated(1000, 0, "1500"), {}, "p95 1500 ms (limit <= 1000 ms)"),
        (aggregated(50, 0, "180"), {"min_requests": 100}, "requests 50 (limit >= 100)"),
        (aggregated(1000, 0, "180"), {"max_p95_ms": 150}, "p95 180 ms (limit <= 150 ms)"),
    ],
)
def test_a_limit_exceeded_fails_naming_the_limit_and_the_value(
    tmp_path: Path, stats: str, config: dict[str, Any], summary: str
):
    result = judge(tmp_path, stats, **config)

    assert result.status is GateStatus.FAIL
    assert result.summary == summary


def test_zero_requests_fail_and_never_pass(tmp_path: Path):
    result = judge(tmp_path, NO_REQUESTS, max_failure_ratio=1.0)

    assert result.status is GateStatus.FAIL
    assert result.summary == "0 requests: the load run did not reach the server"
    assert result.checks == [Check("requests", "0", ">= 1", False)]


@pytest.mark.parametrize(
    ("stats", "error"),
    [
        (f"{HEADER}\nGET,/,10,0,2,2.0,1.0,4.0,513.0,5.0,0.0,2,2,2,2,2,3,4,4,4,4,4\n", "no Aggregated row"),
        (aggregated(1000, 0, "N/A"), "Aggregated 95% is 'N/A', not a number"),
        (aggregated(1000, 0, "180").replace(",Aggregated,1000,", ",Aggregated,lots,"), "Request Count is 'lots'"),
        (aggregated(10, 20, "180"), "20 failures among 10 requests"),
        (aggregated(10, 0, "-5"), "Aggregated 95% is '-5'"),
        (HEADER.replace(",95%", ",96%") + "\n", "not a Locust stats CSV: no 95% column"),
        ("", "not a Locust stats CSV: no 95%, Failure Count, Name, Request Count column"),
    ],
)
def test_a_csv_that_cannot_be_read_is_an_error(tmp_path: Path, stats: str, error: str):
    result = judge(tmp_path, stats)

    assert result.status is GateStatus.ERROR
    assert result.summary.startswith(f"cannot read {tmp_path / 'reports' / 'load_stats.csv'}: BadStats: ")
    assert error in result.summary


def test_a_missing_csv_is_unavailable_and_says_how_to_produce_it(tmp_path: Path):
    result = LoadGate().evaluate(make_context(tmp_path))

    assert result.status is GateStatus.UNAVAILABLE
    prefix = tmp_path / "reports" / "load"
    assert f"--csv {prefix}` (it writes load_stats.csv), or set [tool.sentia.gates.load] command" in result.summary


def test_locust_failures_beside_the_stats_become_findings(tmp_path: Path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "load_failures.csv").write_text(FAILURES)

    result = judge(tmp_path, REAL_RUN)

    assert result.status is GateStatus.FAIL
    assert result.findings == [
        Finding("GET /missing", "HTTPError('404 Client Error: File not found for url: /missing') (16 times)")
    ]


def test_produce_without_a_command_runs_nothing(tmp_path: Path):
    ctx = make_context(tmp_path)

    LoadGate().produce(ctx)

    assert not ctx.reports_dir.exists()
    assert LoadGate().evaluate(ctx).status is GateStatus.UNAVAILABLE


def test_produce_runs_the_configured_command_and_replaces_a_stale_csv(tmp_path: Path):
    script = "import sys; open(sys.argv[1] + '/load_stats.csv', 'w').write(sys.argv[2])"
    ctx = make_context(tmp_path, command=[sys.executable, "-c", script, "{reports}", aggregated(500, 0, "90")])
    ctx.reports_dir.mkdir()
    ctx.report("load_stats.csv").write_text(NO_REQUESTS)

    LoadGate().produce(ctx)

    assert LoadGate().evaluate(ctx).summary == "500 requests at 50.0 requests/s, 0.00% failed, p95 90 ms"


def test_produce_is_unavailable_when_the_command_writes_no_csv(tmp_path: Path):
    ctx = make_context(tmp_path, command=[sys.executable, "-c", "import sys; sys.exit('connection refused')"])
    ctx.reports_dir.mkdir()
    stale = ctx.report("load_stats.csv")
    stale.write_text(aggregated(1000, 0, "180"))

    with pytest.raises(ToolUnavailable, match=r"wrote no .*load_stats\.csv \(exit 1\): connection refused"):
        LoadGate().produce(ctx)
    assert not stale.exists()


def test_custom_percentiles_need_only_the_95th(tmp_path: Path):
    """`PERCENTILES_TO_REPORT` changes Locust's columns; the gate needs 95% and leaves the others out."""
    stats = aggregated(1000, 0, "180").replace(",99%,99.9%,99.99%,100%", ",99.5%,99.9%,99.99%,100%")

    result = judge(tmp_path, stats)

    assert result.status is GateStatus.PASS
    assert result.details["endpoints"][0]["p99_ms"] is None
