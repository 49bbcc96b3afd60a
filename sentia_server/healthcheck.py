"""The checks behind `sentia-server healthcheck`, which Docker's HEALTHCHECK runs every 30 s inside the container.

They ask the running server whether it is ready, and check from the container itself what the server cannot
report about itself when it hangs: the database and cache answer, the data directory has room, memory is not
exhausted. A check fails only for what makes the server unusable; a Redis outage is `degraded` (the server serves
from memory), as in `/health/ready`. Every check is bounded by the timeout and they run concurrently.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
from sqlalchemy.engine import make_url

from sentia_server.config import Settings

CheckStatus = Literal["ok", "degraded", "failed", "skipped"]
MB = 1024 * 1024
CGROUP_ROOT = Path("/sys/fs/cgroup")
MEMINFO = Path("/proc/meminfo")


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    status: CheckStatus
    detail: str


@dataclass(frozen=True, slots=True)
class HealthcheckReport:
    checks: tuple[CheckResult, ...]

    @property
    def status(self) -> Literal["ok", "degraded", "failed"]:
        states = {check.status for check in self.checks}
        if "failed" in states:
            return "failed"
        return "degraded" if "degraded" in states else "ok"

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "checks": {check.name: {"status": check.status, "detail": check.detail} for check in self.checks},
        }


async def run_healthcheck(settings: Settings, base_url: str, seconds: float) -> HealthcheckReport:
    """Every check, concurrently; each one bounded by `seconds`."""
    server, database, cache = await asyncio.gather(
        _bounded("server", check_server(base_url, seconds), seconds),
        _bounded("database", check_database(settings), seconds),
        _bounded("cache", check_cache(settings.redis_url), seconds),
    )
    return HealthcheckReport((server, database, cache, check_disk(settings), check_memory(settings)))


async def _bounded(name: str, check: Awaitable[CheckResult], seconds: float) -> CheckResult:
    try:
        async with asyncio.timeout(seconds):
            return await check
    except TimeoutError:
        return CheckResult(name, "failed", f"no answer within {seconds:g} s")


async def check_server(
    base_url: str, wait_seconds: float, *, transport: httpx.AsyncBaseTransport | None = None
) -> CheckResult:
    """The running server's own readiness report."""
    try:
        async with httpx.AsyncClient(timeout=wait_seconds, transport=transport) as client:
            response = await client.get(f"{base_url}/health/ready")
    except httpx.HTTPError as error:
        return CheckResult("server", "failed", f"{base_url} did not answer: {type(error).__name__}")
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.status_code != 200:
        failed = ", ".join(body.get("failed", [])) or f"HTTP {response.status_code}"
        return CheckResult("server", "failed", f"{base_url} is not ready: {failed}")
    if body.get("status") == "degraded":
        return CheckResult("server", "degraded", f"{base_url} is degraded: {', '.join(_degraded_parts(body))}")
    return CheckResult("server", "ok", f"{base_url} is ready")


def _degraded_parts(body: dict[str, object]) -> list[str]:
    """The names of the checks and vendors a readiness body reports as degraded."""
    parts: list[str] = []
    for section in ("checks", "vendors"):
        entries = body.get(section)
        if isinstance(entries, dict):
            parts += [
                name for name, entry in entries.items() if isinstance(entry, dict) and entry.get("status") == "degraded"
            ]
    return parts or ["unspecified"]


async def check_database(settings: Settings) -> CheckResult:
    """`SELECT 1` on the configured database; the embedded file must already exist (this check never creates it)."""
    from sentia_server.storage.database import Database

    url = settings.resolved_database_url
    parsed = make_url(url)
    if _missing_sqlite_file(parsed.get_backend_name(), parsed.database):
        return CheckResult("database", "failed", "the embedded SQLite database file does not exist")
    database = Database(url)
    try:
        latency = await database.ping()
    except Exception as error:  # any driver error means "not reachable"; the class is enough to act on
        return CheckResult("database", "failed", f"{parsed.get_backend_name()} not reachable ({type(error).__name__})")
    finally:
        await database.aclose()
    return CheckResult("database", "ok", f"{parsed.get_backend_name()} answered in {latency:.1f} ms")


def _missing_sqlite_file(backend: str, database: str | None) -> bool:
    return backend == "sqlite" and bool(database) and database != ":memory:" and not Path(str(database)).is_file()


async def check_cache(redis_url: str | None) -> CheckResult:
    """PING to Redis when one is configured; without it the server falls back to memory, so it is only degraded."""
    if redis_url is None:
        return CheckResult("cache", "ok", "in-memory cache (no Redis configured)")
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        return CheckResult("cache", "degraded", f"redis not reachable ({type(error).__name__}); serving from memory")
    finally:
        await client.aclose()
    return CheckResult("cache", "ok", "redis answered")


def check_disk(settings: Settings) -> CheckResult:
    """Free space on the data directory's file system against both thresholds (MB and percent)."""
    path = settings.data_dir.resolve()
    while not path.exists():
        path = path.parent
    usage = shutil.disk_usage(path)
    free_mb = usage.free / MB
    free_percent = 100 * usage.free / usage.total if usage.total else 0.0
    minimum_mb, minimum_percent = settings.healthcheck_disk_min_free_mb, settings.healthcheck_disk_min_free_percent
    measured = f"{free_mb:.0f} MB ({free_percent:.1f}%) free in the data directory"
    if free_mb < minimum_mb or free_percent < minimum_percent:
        return CheckResult(
            "disk",
            "failed",
            f"{measured}, below the minimum of {minimum_mb} MB and {minimum_percent:g}%; free space or set "
            "SENTIA_HEALTHCHECK_DISK_MIN_FREE_MB / SENTIA_HEALTHCHECK_DISK_MIN_FREE_PERCENT",
        )
    return CheckResult("disk", "ok", measured)


def check_memory(settings: Settings, *, cgroup_root: Path = CGROUP_ROOT, meminfo: Path = MEMINFO) -> CheckResult:
    """Memory in use against the container's limit (cgroup v2), else against the machine's memory."""
    measured = memory_in_use(cgroup_root, meminfo)
    if measured is None:
        return CheckResult("memory", "skipped", "no cgroup memory limit or /proc/meminfo on this platform")
    used, total, scope = measured
    percent = 100 * used / total
    limit = settings.healthcheck_memory_max_percent
    text = f"{used / MB:.0f} MB of {total / MB:.0f} MB in use ({percent:.1f}% of the {scope})"
    if percent > limit:
        return CheckResult(
            "memory", "failed", f"{text}, above the maximum of {limit:g}%; set SENTIA_HEALTHCHECK_MEMORY_MAX_PERCENT"
        )
    return CheckResult("memory", "ok", text)


def memory_in_use(cgroup_root: Path, meminfo: Path) -> tuple[int, int, str] | None:
    """(bytes in use, bytes available in total, scope). In a container the working set (usage less reclaimable
    file cache, as the kernel's OOM killer and the kubelet count it) against the cgroup limit."""
    limit_file, current_file = cgroup_root / "memory.max", cgroup_root / "memory.current"
    if limit_file.is_file() and current_file.is_file():
        limit = limit_file.read_text().strip()
        if limit.isdigit() and int(limit) > 0:
            inactive = _stat_value(cgroup_root / "memory.stat", "inactive_file")
            used = max(int(current_file.read_text().strip()) - inactive, 0)
            return used, int(limit), "container limit"
    if meminfo.is_file():
        values = {
            key: int(rest.split()[0]) * 1024
            for key, _, rest in (line.partition(":") for line in meminfo.read_text().splitlines())
            if rest.strip()
        }
        if values.get("MemTotal") and "MemAvailable" in values:
            return values["MemTotal"] - values["MemAvailable"], values["MemTotal"], "machine's memory"
    return None


def _stat_value(path: Path, key: str) -> int:
    if not path.is_file():
        return 0
    for line in path.read_text().splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            return int(value)
    return 0


def render_text(report: HealthcheckReport, base_url: str) -> tuple[list[str], list[str]]:
    """(stdout lines, stderr lines): one line per failed or degraded check, and the verdict unless it failed."""
    problems = [
        f"{'unhealthy' if check.status == 'failed' else 'degraded'}: {check.name}: {check.detail}"
        for check in report.checks
        if check.status in ("failed", "degraded")
    ]
    verdict = [] if report.status == "failed" else [f"{report.status}: {base_url}"]
    return verdict, problems


def emit(report: HealthcheckReport, base_url: str, *, as_json: bool, echo: Callable[..., None]) -> int:
    """Print the report (JSON, or one line per problem on stderr and the verdict on stdout) and return the exit
    status: 1 when a check failed, else 0. `echo` is click.echo (with its `err` keyword)."""
    if as_json:
        echo(json.dumps(report.as_dict()))
    else:
        verdict, problems = render_text(report, base_url)
        for line in problems:
            echo(line, err=True)
        for line in verdict:
            echo(line)
    return 1 if report.status == "failed" else 0
