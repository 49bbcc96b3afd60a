"""The `no_leak` marker as a user meets it: a test body run many times, failing when memory grows per run."""

from __future__ import annotations

import pytest

from sentia_testkit.memory import marker_options, run_test_for_leaks

pytest_plugins = ["pytester"]

TESTS = """
import pytest

KEPT = []
RUNS = []


@pytest.fixture
def cache():
    return {}


@pytest.mark.no_leak(iterations=30, warmup=5)
def test_leaks():
    KEPT.append(bytearray(4096))


@pytest.mark.no_leak(iterations=30, warmup=5)
def test_clean(cache):
    RUNS.append(None) if len(RUNS) < 35 else None
    cache.setdefault("parsed", [str(number) for number in range(100)])


def test_runs_counted():
    assert len(RUNS) == 35


def test_unmarked_runs_once():
    KEPT.append(1)
    assert len(KEPT) == 36


@pytest.mark.no_leak(limit=3)
def test_wrong_option():
    pass


@pytest.mark.no_leak(30)
def test_positional_option():
    pass
"""


def test_the_marker_runs_the_body_repeatedly_and_fails_a_leaking_test(pytester: pytest.Pytester):
    pytester.makepyfile(TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=3)
    assert "During handling" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "the test body keeps about 4,* bytes more per call (* over 30 calls after 5 warm-up calls;*",
            "*Largest growth by source line:",
            "*test_the_marker_runs_the_body_repeatedly_and_fails_a_leaking_test.py:14: +*",
            "no_leak has no option limit; its options: iterations, threshold_bytes_per_iteration, warmup",
            "no_leak takes options by name (iterations, threshold_bytes_per_iteration, warmup), not (30,)",
        ]
    )


def test_the_marker_is_registered_with_its_options(pytester: pytest.Pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        ["@pytest.mark.no_leak(iterations=200, warmup=20, threshold_bytes_per_iteration=128): run the test body *"]
    )


def test_an_async_test_is_refused():
    async def body() -> None:
        return None

    with pytest.raises(TypeError, match="no_leak runs synchronous tests only"):
        run_test_for_leaks(body, {}, {})


def test_options_pass_through():
    assert marker_options((), {"iterations": 50}) == {"iterations": 50}
