"""`@pytest.mark.exclusive` in a real pytest-xdist run: while the marked test runs, no test of the other worker does,
and without xdist the marker changes nothing."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """
from pathlib import Path

import pytest

RUNNING = Path(__file__).parent / "running"
RUNNING.mkdir(exist_ok=True)


@pytest.fixture
def running(request):
    mark = RUNNING / request.node.name
    mark.touch()
    yield
    mark.unlink()
"""

# The other worker's file: eight tests of a quarter second each, every one flagged in `running/` while it runs.
OTHERS = """
import time

import pytest


@pytest.mark.parametrize("n", range(8))
def test_busy(running, n):
    time.sleep(0.25)
"""

# One worker's file: by the time the marked test asks for its turn, the other worker is half way through its tests.
ALONE = """
import time

import pytest
from conftest import RUNNING


def test_first():
    time.sleep(0.5)


@pytest.mark.exclusive
def test_alone():
    seen = set()
    for _ in range(10):
        seen.update(path.name for path in RUNNING.iterdir())
        time.sleep(0.1)
    assert seen == set()
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_others=OTHERS, test_alone=ALONE)
    return pytester


def test_no_other_worker_runs_a_test_beside_an_exclusive_one(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("--numprocesses", "2", "--dist", "loadfile")
    result.assert_outcomes(passed=10)


def test_without_xdist_the_marker_only_runs_the_test(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=10)


def test_the_wait_for_a_turn_does_not_count_against_the_timeout(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_long="import time\n\n\ndef test_long():\n    time.sleep(3)\n",
        test_short=(
            "import time\n\nimport pytest\n\n\ndef test_first():\n    time.sleep(0.5)\n\n\n"
            "@pytest.mark.exclusive\n@pytest.mark.timeout(2)\ndef test_short():\n    time.sleep(0.1)\n"
        ),
    )
    result = pytester.runpytest_subprocess("--numprocesses", "2", "--dist", "loadfile")
    result.assert_outcomes(passed=3)
