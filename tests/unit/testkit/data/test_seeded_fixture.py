"""The sentia_faker fixture: seeded per test, the seed in the header and in a failing test's report, and
--sentia-seed reproducing the data."""

from __future__ import annotations

import re

import pytest

from sentia_testkit.data.seeding import SeedNote, seed_for_test, session_seed

pytest_plugins = ["pytester"]

TESTS = """
def test_prints(sentia_faker, sentia_seed):
    print("DATA", sentia_seed, sentia_faker.sku(), sentia_faker.lot_number())

def test_fails(sentia_faker):
    assert sentia_faker.sku() == "never"
"""


def data_lines(result: pytest.RunResult) -> list[str]:
    return re.findall(r"DATA \d+ \S+ \S+", result.stdout.str())


def test_the_seed_is_in_the_header_and_the_failing_test_report(pytester: pytest.Pytester):
    pytester.makepyfile(TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-s", "--sentia-seed=42")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "sentia: faker seed 42 (reproduce with --sentia-seed=42)",
            "*Captured sentia seed setup*",
            "faker seed * (session seed 42); rerun with --sentia-seed=42",
        ]
    )


def test_the_same_session_seed_gives_the_same_data_and_another_one_other_data(pytester: pytest.Pytester):
    pytester.makepyfile(TESTS)
    first = data_lines(pytester.runpytest("-p", "no:cacheprovider", "-s", "--sentia-seed=7"))
    again = data_lines(pytester.runpytest("-p", "no:cacheprovider", "-s", "--sentia-seed=7", "-k", "prints"))
    other = data_lines(pytester.runpytest("-p", "no:cacheprovider", "-s", "--sentia-seed=8"))
    assert len(first) == 1
    assert first == again
    assert first != other


def test_without_a_seed_one_is_chosen_and_shown(pytester: pytest.Pytester):
    pytester.makepyfile(TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-s", "-k", "prints")
    header = next(line for line in result.stdout.lines if line.startswith("sentia: faker seed"))
    assert re.fullmatch(r"sentia: faker seed (\d+) \(reproduce with --sentia-seed=\1\)", header)


def test_seeds_derive_from_the_session_and_the_test():
    assert session_seed(5) == 5
    assert 0 <= session_seed(None) < 2**32
    assert seed_for_test(1, "a.py::t") == seed_for_test(1, "a.py::t")
    assert seed_for_test(1, "a.py::t") != seed_for_test(1, "a.py::u")
    assert str(SeedNote(3, 4)) == "faker seed 4 (session seed 3); rerun with --sentia-seed=3"
