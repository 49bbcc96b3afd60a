"""The `quitting` threshold check: exit code 1 on a broken threshold, never a lower code, nothing on a pass."""

from __future__ import annotations

import logging
from argparse import Namespace

import pytest
from locust.argument_parser import get_empty_argument_parser
from locust.env import Environment
from locust.event import Events
from locust.runners import WorkerRunner

from sentia_testkit.load import Thresholds, broken_thresholds, check_thresholds, install


def environment(requests: int = 200, failures: int = 0, response_ms: float = 50, **options: float) -> Environment:
    """A finished run: `requests` POSTs of `response_ms`, `failures` of them failed."""
    parsed = Namespace(**options) if options else None
    env = Environment(events=Events(), parsed_options=parsed)
    for index in range(requests):
        env.stats.log_request("POST", "tools/call stock", response_ms, 10)
        if index < failures:
            env.stats.log_error("POST", "tools/call stock", "tool error: out of stock")
    return env


@pytest.fixture(autouse=True)
def no_threshold_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MAX_FAILURE_RATIO", "MAX_P95_MS", "MIN_REQUESTS", "TOKEN"):
        monkeypatch.delenv(f"SENTIA_LOAD_{name}", raising=False)


def test_a_run_within_every_threshold_leaves_the_exit_code_alone(caplog: pytest.LogCaptureFixture):
    env = environment(requests=200, failures=2)
    with caplog.at_level(logging.INFO):
        check_thresholds(env)
    assert env.process_exit_code is None
    assert "load thresholds passed" in caplog.text


def test_too_many_failures_raise_the_exit_code(caplog: pytest.LogCaptureFixture):
    env = environment(requests=100, failures=5)
    check_thresholds(env)
    assert env.process_exit_code == 1
    assert "5.00% of requests failed (5 of 100), above the limit of 1.00% (--threshold-failure-ratio)" in caplog.text


def test_a_slow_p95_raises_the_exit_code(caplog: pytest.LogCaptureFixture):
    env = environment(response_ms=1500)
    check_thresholds(env)
    assert env.process_exit_code == 1
    assert "p95 is 1500 ms, above the limit of 1000 ms (--threshold-p95-ms)" in caplog.text


def test_too_few_requests_raise_the_exit_code():
    env = environment(requests=3, threshold_min_requests=100)
    check_thresholds(env)
    assert env.process_exit_code == 1


def test_a_run_without_requests_only_breaks_the_minimum():
    assert broken_thresholds(environment(requests=0).stats.total, Thresholds()) == [
        "0 requests, fewer than the minimum of 1 (--threshold-min-requests)"
    ]


@pytest.mark.parametrize("earlier", [2, 3])
def test_a_higher_exit_code_is_never_lowered(earlier: int):
    broken = environment(requests=10, failures=10)
    broken.process_exit_code = earlier
    check_thresholds(broken)
    assert broken.process_exit_code == earlier


def test_a_pass_never_clears_an_earlier_failure():
    env = environment()
    env.process_exit_code = 1
    check_thresholds(env)
    assert env.process_exit_code == 1


class IdleWorker(WorkerRunner):
    """A worker runner that connects nowhere: only its type matters here."""

    def __init__(self) -> None:
        pass

    def __del__(self) -> None:
        pass


def test_workers_leave_the_judgement_to_the_master():
    env = environment(requests=10, failures=10)
    env.runner = IdleWorker()
    check_thresholds(env)
    assert env.process_exit_code is None


def test_limits_come_from_the_options_then_the_variables(monkeypatch: pytest.MonkeyPatch):
    assert Thresholds.of(environment()) == Thresholds(0.01, 1000.0, 1)
    monkeypatch.setenv("SENTIA_LOAD_MAX_P95_MS", "250")
    monkeypatch.setenv("SENTIA_LOAD_MIN_REQUESTS", "7")
    assert Thresholds.of(environment()) == Thresholds(0.01, 250.0, 7)
    parsed = environment(threshold_failure_ratio=0.2, threshold_p95_ms=90.0, threshold_min_requests=5)
    assert Thresholds.of(parsed) == Thresholds(0.2, 90.0, 5)


def test_an_unreadable_variable_is_named(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SENTIA_LOAD_MIN_REQUESTS", "many")
    with pytest.raises(ValueError, match=r"SENTIA_LOAD_MIN_REQUESTS='many' cannot be read as int"):
        Thresholds.of(environment())


def test_install_adds_the_options_and_the_check(monkeypatch: pytest.MonkeyPatch):
    events = Events()
    install(events)
    parser = get_empty_argument_parser()
    events.init_command_line_parser.fire(parser=parser)
    monkeypatch.setenv("SENTIA_LOAD_TOKEN", "from-the-environment")
    options = parser.parse_args(["--threshold-p95-ms", "300", "--threshold-min-requests", "50"])
    assert (options.threshold_p95_ms, options.threshold_min_requests) == (300.0, 50)
    assert options.threshold_failure_ratio == 0.01
    assert options.mcp_token == "from-the-environment"
    env = environment(requests=20, threshold_failure_ratio=0.01, threshold_p95_ms=300.0, threshold_min_requests=50)
    events.quitting.fire(environment=env)
    assert env.process_exit_code == 1
