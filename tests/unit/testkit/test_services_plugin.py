"""The fixtures' outcomes as a user sees them: a tiny test file run through pytester, with every probe faked."""

from __future__ import annotations

import pytest

from sentia_testkit.services import containers, postgres, redis

pytest_plugins = ["pytester"]

USES_BOTH = """
def test_db(postgres_url):
    pass

def test_kv(redis_key_prefix):
    pass
"""


@pytest.mark.usefixtures("no_services")
def test_missing_services_skip_with_the_reason_and_how_to_provide_one(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USES_BOTH)

    result = pytester.runpytest("-rs")

    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] *: PostgreSQL is not available. Tried SENTIA_TEST_POSTGRES_URL: not set; "
            "Docker (testcontainers): faked: no Docker engine; local binaries: initdb and pg_ctl are not on PATH*. "
            "To provide one, set SENTIA_TEST_POSTGRES_URL=postgresql://user@host:5432/db, or start Docker, "
            "or install PostgreSQL (initdb and pg_ctl). "
            "Set SENTIA_REQUIRE_SERVICES=1 to make a missing service an error instead of a skip.",
            "SKIPPED [[]1[]] *: Redis is not available. Tried SENTIA_TEST_REDIS_URL: not set; *"
            "To provide one, set SENTIA_TEST_REDIS_URL=redis://host:6379/0, or start Docker, or install Redis*",
        ]
    )


@pytest.mark.usefixtures("no_services")
def test_require_services_turns_the_skip_into_an_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENTIA_REQUIRE_SERVICES", "1")
    pytester.makepyfile(USES_BOTH)

    result = pytester.runpytest()

    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_db*",
            "PostgreSQL is not available. Tried SENTIA_TEST_POSTGRES_URL: not set; *"
            "To provide one, set SENTIA_TEST_POSTGRES_URL=postgresql://user@host:5432/db, *. "
            "This is an error because SENTIA_REQUIRE_SERVICES=1.",
            "*ERROR at setup of test_kv*",
            "Redis is not available. *This is an error because SENTIA_REQUIRE_SERVICES=1.",
        ]
    )


@pytest.mark.usefixtures("no_services")
def test_a_broken_env_var_is_an_error_naming_it_even_without_require(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(postgres.ENV, "postgresql://app:s3cret@127.0.0.1:1/test")
    monkeypatch.setattr(
        postgres, "connection_error", lambda url, timeout=5.0: "ConnectionRefusedError: Connect call failed"
    )
    pytester.makepyfile(USES_BOTH)

    result = pytester.runpytest("-rs")

    result.assert_outcomes(errors=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_db*",
            "SENTIA_TEST_POSTGRES_URL=postgresql://app:***@127.0.0.1:1/test is set but that server cannot be used: "
            "ConnectionRefusedError: Connect call failed. Start that server or fix the URL, "
            "or unset SENTIA_TEST_POSTGRES_URL to let the testkit provide one "
            "(a configured server is never replaced by another)",
        ]
    )
    assert "s3cret" not in result.stdout.str()


@pytest.mark.usefixtures("no_services")
def test_the_env_var_server_is_the_one_the_fixtures_use(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(postgres.ENV, "postgresql://app@db.example:5432/test")
    monkeypatch.setenv(redis.ENV, "redis://cache.example:6379/2")
    monkeypatch.setattr(postgres, "connection_error", lambda url, timeout=5.0: None)
    monkeypatch.setattr(redis, "connection_error", lambda url, timeout=5.0: None)
    pytester.makepyfile(
        """
        def test_servers(sentia_postgres_server, sentia_redis_server, redis_url):
            assert sentia_postgres_server.source == "SENTIA_TEST_POSTGRES_URL"
            assert sentia_postgres_server.url == "postgresql://app@db.example:5432/test"
            assert sentia_redis_server.source == "SENTIA_TEST_REDIS_URL"
            assert redis_url == "redis://cache.example:6379/2"
        """
    )

    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.usefixtures("no_services")
def test_the_source_is_decided_once_per_session(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    probes: list[str] = []

    def counting_probe(timeout: float = 1.0) -> str:
        probes.append("docker")
        return "faked: no Docker engine"

    monkeypatch.setattr(containers, "unreachable_reason", counting_probe)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(3))
        def test_kv(redis_url, n):
            pass
        """
    )

    pytester.runpytest().assert_outcomes(skipped=3)
    assert probes == ["docker"]
