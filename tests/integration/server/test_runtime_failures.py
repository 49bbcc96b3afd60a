"""Startup and health when dependencies are missing: clear errors, never a crash."""

from __future__ import annotations

import pytest
from support.processes import free_port

from sentia_server.cache.redis import RedisCache
from sentia_server.runtime import StartupError, build_runtime

pytestmark = pytest.mark.anyio


async def test_unreachable_database_is_a_startup_error_with_the_masked_url(make_settings):
    runtime = build_runtime(
        make_settings(database_url=f"postgresql://sentia:s3cret@127.0.0.1:{free_port()}/sentia", auto_migrate=True)
    )
    try:
        with pytest.raises(
            StartupError, match=r"cannot use the database postgresql\+asyncpg://sentia:\*\*\*@127"
        ) as raised:
            await runtime.start()
        assert "s3cret" not in str(raised.value)
    finally:
        await runtime.aclose()


async def test_a_cache_without_fallback_that_fails_is_reported_failed(make_settings):
    runtime = build_runtime(make_settings())
    await runtime.start()
    await runtime.cache.aclose()
    runtime.cache = RedisCache(f"redis://127.0.0.1:{free_port()}/0", key_prefix="x")
    try:
        report = await runtime.check_health()
    finally:
        await runtime.aclose()
    assert report.status == "failed"
    cache = next(dependency for dependency in report.dependencies if dependency.name == "cache")
    assert (cache.status, cache.detail) == ("failed", "not reachable")
