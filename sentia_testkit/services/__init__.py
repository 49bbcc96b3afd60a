"""PostgreSQL and Redis for tests, from the first source that works: an environment variable, Docker, local binaries.

Everything here is plain functions usable without pytest; the plugin's fixtures are thin wrappers around them.
Importing this package is cheap: drivers, redis-py and testcontainers are imported only when used.
"""

from __future__ import annotations

from typing import NoReturn

from ._core import (
    READY_TIMEOUT,
    REQUIRE_ENV,
    Attempt,
    Probe,
    ServiceHandle,
    Source,
    SourceBroken,
    SourceStatus,
    SourceUnavailable,
    Unavailable,
    requires_services,
)
from .postgres import check_postgres, resolve_postgres
from .redis import check_redis, resolve_redis

__all__ = [
    "READY_TIMEOUT",
    "REQUIRE_ENV",
    "Attempt",
    "Probe",
    "ServiceHandle",
    "Source",
    "SourceBroken",
    "SourceStatus",
    "SourceUnavailable",
    "Unavailable",
    "check_postgres",
    "check_redis",
    "require",
    "requires_services",
    "resolve_postgres",
    "resolve_redis",
]


def require(result: ServiceHandle | Unavailable) -> ServiceHandle:
    """The handle, or the end of the test: a skip, or an error when SENTIA_REQUIRE_SERVICES=1 or a configured
    source is broken (a test must never silently run without the server the user asked for)."""
    if isinstance(result, Unavailable):
        _stop_test(result)
    return result


def _stop_test(missing: Unavailable) -> NoReturn:
    import pytest

    if missing.broken:
        pytest.fail(missing.reason, pytrace=False)
    if requires_services():
        pytest.fail(f"{missing.reason} This is an error because {REQUIRE_ENV}=1.", pytrace=False)
    pytest.skip(f"{missing.reason} Set {REQUIRE_ENV}=1 to make a missing service an error instead of a skip.")
