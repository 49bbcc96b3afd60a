"""The individual checks of `sentia-server healthcheck`: each one's verdict and its one-line reason."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from support.processes import free_port

from sentia_server.healthcheck import (
    MB,
    CheckResult,
    HealthcheckReport,
    _bounded,
    check_cache,
    check_database,
    check_disk,
    check_memory,
    check_server,
    memory_in_use,
    render_text,
)

pytestmark = pytest.mark.anyio
BASE = "http://127.0.0.1:3001"


def answering(status: int, body: object, content_type: str = "application/json") -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/health/ready"
        content = json.dumps(body).encode() if content_type == "application/json" else str(body).encode()
        return httpx.Response(status, content=content, headers={"content-type": content_type})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("status", "body", "content_type", "expected"),
    [
        (200, {"status": "ok"}, "application/json", CheckResult("server", "ok", f"{BASE} is ready")),
        (
            503,
            {"status": "failed", "failed": ["database"]},
            "application/json",
            CheckResult("server", "failed", f"{BASE} is not ready: database"),
        ),
        (502, "Bad Gateway", "text/html", CheckResult("server", "failed", f"{BASE} is not ready: HTTP 502")),
        (
            200,
            {
                "status": "degraded",
                "checks": {"database": {"status": "ok"}, "cache": {"status": "degraded"}},
                "vendors": {"xero": {"status": "degraded"}, "shopify": {"status": "ok"}},
            },
            "application/json",
            CheckResult("server", "degraded", f"{BASE} is degraded: cache, xero"),
        ),
        (
            200,
            {"status": "degraded"},
            "application/json",
            CheckResult("server", "degraded", f"{BASE} is degraded: unspecified"),
        ),
    ],
)
async def test_the_server_check_reads_the_readiness_report(status, body, content_type, expected):
    assert await check_server(BASE, 1.0, transport=answering(status, body, content_type)) == expected


async def test_a_server_that_does_not_answer_is_named_with_the_error_class():
    base = f"http://127.0.0.1:{free_port()}"
    assert await check_server(base, 1.0) == CheckResult("server", "failed", f"{base} did not answer: ConnectError")


async def test_a_check_that_takes_too_long_fails_with_the_limit():
    assert await _bounded("database", asyncio.sleep(5, CheckResult("database", "ok", "")), 0.05) == CheckResult(
        "database", "failed", "no answer within 0.05 s"
    )


async def test_the_database_check_never_creates_the_embedded_file(make_settings):
    settings = make_settings()
    result = await check_database(settings)
    assert result == CheckResult("database", "failed", "the embedded SQLite database file does not exist")
    assert not (settings.data_dir / "sentia.db").exists()


async def test_the_database_check_pings_an_existing_embedded_database(make_settings):
    settings = make_settings()
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "sentia.db").touch()
    result = await check_database(settings)
    assert (result.name, result.status) == ("database", "ok")
    assert result.detail.startswith("sqlite answered in ")


async def test_an_unreachable_postgresql_fails_without_its_password(make_settings):
    settings = make_settings(database_url=f"postgresql://sentia:s3cret@127.0.0.1:{free_port()}/sentia")
    result = await check_database(settings)
    assert result.status == "failed"
    assert result.detail.startswith("postgresql not reachable (")
    assert "s3cret" not in result.detail


async def test_the_cache_is_ok_without_redis_and_degraded_when_redis_is_down():
    assert await check_cache(None) == CheckResult("cache", "ok", "in-memory cache (no Redis configured)")
    down = await check_cache(f"redis://:s3cret@127.0.0.1:{free_port()}/0")
    assert down.status == "degraded"
    assert down.detail.endswith("; serving from memory")
    assert "s3cret" not in down.detail


def test_the_disk_check_fails_below_either_threshold(make_settings):
    assert check_disk(make_settings(healthcheck_disk_min_free_mb=0, healthcheck_disk_min_free_percent=0)).status == "ok"
    by_size = check_disk(make_settings(healthcheck_disk_min_free_mb=10**12))
    assert by_size.status == "failed"
    assert "below the minimum of 1000000000000 MB and 5%" in by_size.detail
    assert "SENTIA_HEALTHCHECK_DISK_MIN_FREE_MB" in by_size.detail
    by_share = check_disk(make_settings(healthcheck_disk_min_free_mb=0, healthcheck_disk_min_free_percent=100))
    assert by_share.status == "failed"
    assert "free in the data directory" in by_share.detail


def cgroup(root: Path, *, limit: str, current: int, inactive_file: int | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "memory.max").write_text(f"{limit}\n")
    (root / "memory.current").write_text(f"{current}\n")
    if inactive_file is not None:
        (root / "memory.stat").write_text(f"anon 1\ninactive_file {inactive_file}\nactive_file 3\n")
    return root


def meminfo(path: Path, *, total_kb: int, available_kb: int) -> Path:
    path.write_text(
        f"MemTotal:       {total_kb} kB\nMemFree:  1 kB\nMemAvailable:   {available_kb} kB\nHugePages_Total: 0\n"
    )
    return path


def test_memory_in_a_container_is_the_working_set_against_the_cgroup_limit(tmp_path):
    root = cgroup(tmp_path / "cg", limit=str(1000 * MB), current=900 * MB, inactive_file=300 * MB)
    assert memory_in_use(root, tmp_path / "none") == (600 * MB, 1000 * MB, "container limit")
    no_stat = cgroup(tmp_path / "cg2", limit=str(1000 * MB), current=900 * MB)
    assert memory_in_use(no_stat, tmp_path / "none") == (900 * MB, 1000 * MB, "container limit")
    odd_stat = cgroup(tmp_path / "cg3", limit=str(1000 * MB), current=900 * MB)
    (odd_stat / "memory.stat").write_text("inactive_file many\n")
    assert memory_in_use(odd_stat, tmp_path / "none") == (900 * MB, 1000 * MB, "container limit")


def test_memory_without_a_cgroup_limit_is_the_machines(tmp_path):
    root = cgroup(tmp_path / "cg", limit="max", current=900 * MB)
    info = meminfo(tmp_path / "meminfo", total_kb=4 * 1024 * 1024, available_kb=1024 * 1024)
    assert memory_in_use(root, info) == (3 * 1024 * MB, 4 * 1024 * MB, "machine's memory")
    assert memory_in_use(tmp_path / "no-cgroup", info) == (3 * 1024 * MB, 4 * 1024 * MB, "machine's memory")
    (tmp_path / "partial").write_text("MemTotal: 10 kB\n")
    assert memory_in_use(tmp_path / "no-cgroup", tmp_path / "partial") is None
    assert memory_in_use(tmp_path / "no-cgroup", tmp_path / "none") is None


def test_the_memory_check_fails_above_the_limit_and_is_skipped_where_unmeasurable(make_settings, tmp_path):
    root = cgroup(tmp_path / "cg", limit=str(1000 * MB), current=970 * MB, inactive_file=0)
    failed = check_memory(make_settings(), cgroup_root=root, meminfo=tmp_path / "none")
    assert failed == CheckResult(
        "memory",
        "failed",
        "970 MB of 1000 MB in use (97.0% of the container limit), above the maximum of 95%; "
        "set SENTIA_HEALTHCHECK_MEMORY_MAX_PERCENT",
    )
    relaxed = check_memory(make_settings(healthcheck_memory_max_percent=99), cgroup_root=root, meminfo=tmp_path / "x")
    assert relaxed.status == "ok"
    skipped = check_memory(make_settings(), cgroup_root=tmp_path / "none", meminfo=tmp_path / "none")
    assert skipped.status == "skipped"


def test_the_report_verdict_and_its_lines():
    ok = CheckResult("disk", "ok", "plenty")
    skipped = CheckResult("memory", "skipped", "not measurable")
    degraded = CheckResult("cache", "degraded", "redis not reachable")
    failed = CheckResult("database", "failed", "not reachable")
    assert HealthcheckReport((ok, skipped)).status == "ok"
    assert render_text(HealthcheckReport((ok, skipped)), BASE) == ([f"ok: {BASE}"], [])
    assert render_text(HealthcheckReport((ok, degraded)), BASE) == (
        [f"degraded: {BASE}"],
        ["degraded: cache: redis not reachable"],
    )
    report = HealthcheckReport((failed, degraded, ok))
    assert render_text(report, BASE) == (
        [],
        ["unhealthy: database: not reachable", "degraded: cache: redis not reachable"],
    )
    assert report.as_dict() == {
        "status": "failed",
        "checks": {
            "database": {"status": "failed", "detail": "not reachable"},
            "cache": {"status": "degraded", "detail": "redis not reachable"},
            "disk": {"status": "ok", "detail": "plenty"},
        },
    }


class _Echo:
    """Collects what click.echo would print, split by stream."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.err: list[str] = []

    def __call__(self, line: str, err: bool = False) -> None:
        (self.err if err else self.out).append(line)


def test_emit_prints_problems_on_stderr_and_the_verdict_on_stdout():
    from sentia_server.healthcheck import HealthcheckReport, emit

    degraded = HealthcheckReport(
        (CheckResult("cache", "degraded", "Redis did not answer"), CheckResult("disk", "ok", ""))
    )
    echo = _Echo()
    assert emit(degraded, BASE, as_json=False, echo=echo) == 0
    assert (echo.out, echo.err) == ([f"degraded: {BASE}"], ["degraded: cache: Redis did not answer"])
    failed = HealthcheckReport((CheckResult("disk", "failed", "3 MB free"),))
    echo = _Echo()
    assert emit(failed, BASE, as_json=False, echo=echo) == 1
    assert (echo.out, echo.err) == ([], ["unhealthy: disk: 3 MB free"])


def test_emit_prints_one_json_object_with_every_check():
    from sentia_server.healthcheck import HealthcheckReport, emit

    report = HealthcheckReport((CheckResult("disk", "failed", "3 MB free"), CheckResult("memory", "ok", "12%")))
    echo = _Echo()
    assert emit(report, BASE, as_json=True, echo=echo) == 1
    assert echo.err == []
    assert json.loads(echo.out[0]) == {
        "status": "failed",
        "checks": {"disk": {"status": "failed", "detail": "3 MB free"}, "memory": {"status": "ok", "detail": "12%"}},
    }
