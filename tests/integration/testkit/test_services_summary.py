"""The end of a run says which PostgreSQL and Redis the tests used, so a CI log proves they were not skipped."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["pytester"]


def test_summary_names_each_service_and_its_source(pytester: pytest.Pytester) -> None:
    if not (os.environ.get("SENTIA_TEST_POSTGRES_URL") and os.environ.get("SENTIA_TEST_REDIS_URL")):
        pytest.skip("needs SENTIA_TEST_POSTGRES_URL and SENTIA_TEST_REDIS_URL (set by .ci/run)")
    pytester.makepyfile(
        """
        def test_db(postgres_url):
            assert postgres_url.startswith("postgresql://")

        def test_kv(redis_url, redis_key_prefix):
            assert redis_key_prefix.startswith("sentia-test:")
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= sentia services =*",
            "PostgreSQL: SENTIA_TEST_POSTGRES_URL (postgresql://*)",
            "Redis: SENTIA_TEST_REDIS_URL (redis://*)",
        ]
    )


def test_no_summary_when_no_service_was_used(pytester: pytest.Pytester) -> None:
    pytester.makepyfile('def test_plain():\n    assert "plain".upper() == "PLAIN"\n')
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*sentia services*")
