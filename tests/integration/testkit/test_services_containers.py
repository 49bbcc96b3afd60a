"""The Docker source without a Docker engine: testcontainers' container classes are replaced by stand-ins.

The stand-ins run the server from the local binaries where testcontainers would run a container, and answer
`get_container_host_ip()`, `get_exposed_port()` and `stop()` the way a testcontainers container does, so that
everything `start_postgres()` / `start_redis()` do around the container (the URL, the readiness wait, stopping,
turning failures into `SourceUnavailable`) runs for real.
"""

from __future__ import annotations

import asyncio
import socket
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import asyncpg
import docker.errors
import pytest
import redis

from sentia_testkit.services import Attempt, ServiceHandle, SourceUnavailable, containers, postgres
from sentia_testkit.services import redis as redis_service
from sentia_testkit.services._core import free_port


class FakeContainer:
    """The part of a testcontainers container that `containers.py` uses; `start()` runs no server."""

    exposed_port = 0
    """The port the image exposes: `get_exposed_port` of any other port fails, as in testcontainers."""

    def __init__(self, image: str, **options: str) -> None:
        self.image, self.options = image, options
        self.server: ServiceHandle | None = None
        self.mapped_port: int | None = None
        self.stops = 0

    def start(self) -> FakeContainer:
        self.mapped_port = free_port()  # a container whose server never comes up: nothing listens there
        return self

    def get_container_host_ip(self) -> str:
        return "127.0.0.1"

    def get_exposed_port(self, port: int) -> int:
        if port != self.exposed_port:
            raise ValueError(f"{self.image} does not expose port {port}")
        if self.mapped_port is None:
            raise RuntimeError("the container is not running")
        return self.mapped_port

    def stop(self) -> None:
        self.stops += 1
        if self.server is not None:
            self.server.stop()


class SilentPostgresContainer(FakeContainer):
    exposed_port = 5432


class SilentRedisContainer(FakeContainer):
    exposed_port = 6379


class PostgresContainer(SilentPostgresContainer):
    """A "container" whose PostgreSQL is a throwaway local cluster (trust authentication: any password works)."""

    def start(self) -> PostgresContainer:
        plan = postgres.local_plan()
        if isinstance(plan, str):
            pytest.skip(f"local PostgreSQL binaries are not usable here: {plan}")
        self.server = postgres.start_local(plan)
        self.mapped_port = urlsplit(self.server.url).port
        return self


class RedisContainer(SilentRedisContainer):
    """A "container" whose Redis is a local redis-server; starting it warns like deprecated testcontainers helpers."""

    def start(self) -> RedisContainer:
        binary = redis_service.find_redis_server()
        if binary is None:
            pytest.skip("redis-server is not on PATH")
        warnings.warn("wait_container_is_ready is deprecated, use a wait strategy", DeprecationWarning, stacklevel=1)
        self.server = redis_service.start_local(binary)
        self.mapped_port = urlsplit(self.server.url).port
        return self


class MissingImage(FakeContainer):
    """A container whose image cannot be pulled; stopping it fails too, as it was never created."""

    def start(self) -> MissingImage:
        raise docker.errors.ImageNotFound(f"pull access denied for {self.image}, repository does not exist")

    def stop(self) -> None:
        self.stops += 1
        raise docker.errors.NotFound("No such container")


@dataclass(frozen=True)
class Kind:
    service: str
    seam: str
    image_env: str
    start: Callable[[], ServiceHandle]
    silent: type[FakeContainer]


POSTGRES = Kind(
    "PostgreSQL",
    "_postgres_container_class",
    containers.POSTGRES_IMAGE_ENV,
    containers.start_postgres,
    SilentPostgresContainer,
)
REDIS = Kind(
    "Redis", "_redis_container_class", containers.REDIS_IMAGE_ENV, containers.start_redis, SilentRedisContainer
)


def _use(monkeypatch: pytest.MonkeyPatch, kind: Kind, container_class: type[FakeContainer]) -> list[FakeContainer]:
    """Make `kind.start()` create `container_class` containers; the list fills with the ones created."""
    created: list[FakeContainer] = []

    def create(image: str, **options: str) -> FakeContainer:
        created.append(container_class(image, **options))
        return created[-1]

    monkeypatch.setattr(containers, kind.seam, lambda: create)
    return created


def _port_is_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) != 0


async def _user_and_database(url: str) -> tuple[str, str]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval("SELECT current_user"), await connection.fetchval("SELECT current_database()")
    finally:
        await connection.close()


def test_a_postgres_container_gives_a_working_url_with_a_fresh_password(monkeypatch: pytest.MonkeyPatch) -> None:
    created = _use(monkeypatch, POSTGRES, PostgresContainer)
    monkeypatch.setenv(containers.POSTGRES_IMAGE_ENV, "postgres:15-bookworm")

    handle = containers.start_postgres()
    try:
        (container,) = created
        password = container.options["password"]
        assert container.image == "postgres:15-bookworm"
        assert (container.options["username"], container.options["dbname"]) == ("postgres", "postgres")
        assert len(password) >= 24
        assert (handle.service, handle.source) == ("PostgreSQL", "Docker (testcontainers)")
        assert handle.url == f"postgresql://postgres:{password}@127.0.0.1:{container.mapped_port}/postgres"
        assert asyncio.run(_user_and_database(handle.url)) == ("postgres", "postgres")
    finally:
        handle.stop()

    assert container.stops == 1
    assert container.mapped_port is not None and _port_is_closed(container.mapped_port)


def test_redis_resolves_to_a_container_when_docker_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    created = _use(monkeypatch, REDIS, RedisContainer)
    for name in (redis_service.ENV, containers.REDIS_IMAGE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(containers, "unreachable_reason", lambda timeout=1.0: None)

    handle = redis_service.resolve_redis()
    assert isinstance(handle, ServiceHandle)
    try:
        (container,) = created
        assert container.image == containers.DEFAULT_REDIS_IMAGE
        assert (handle.service, handle.source) == ("Redis", "Docker (testcontainers)")
        assert handle.passed_over == (Attempt(redis_service.ENV, "not set"),)
        assert handle.url == f"redis://127.0.0.1:{container.mapped_port}/0"
        client = redis.Redis.from_url(handle.url)
        try:
            assert client.set("sentia-test:container", "up")
            assert client.get("sentia-test:container") == b"up"
        finally:
            client.close()
    finally:
        handle.stop()

    assert container.stops == 1
    assert container.mapped_port is not None and _port_is_closed(container.mapped_port)


@pytest.mark.parametrize("kind", [POSTGRES, REDIS], ids=lambda kind: kind.service)
def test_a_container_that_cannot_start_is_unavailable_and_stopped(monkeypatch: pytest.MonkeyPatch, kind: Kind) -> None:
    created = _use(monkeypatch, kind, MissingImage)
    monkeypatch.setenv(kind.image_env, "example/missing:1")

    with pytest.raises(SourceUnavailable) as raised:
        kind.start()

    assert str(raised.value) == (
        "could not start a container from example/missing:1: "
        "ImageNotFound: pull access denied for example/missing:1, repository does not exist"
    )
    assert [container.stops for container in created] == [1]


@pytest.mark.parametrize("kind", [POSTGRES, REDIS], ids=lambda kind: kind.service)
def test_a_container_whose_server_never_answers_is_unavailable_and_stopped(
    monkeypatch: pytest.MonkeyPatch, kind: Kind
) -> None:
    created = _use(monkeypatch, kind, kind.silent)
    monkeypatch.setenv(kind.image_env, "example/silent:1")
    monkeypatch.setattr(containers, "READY_TIMEOUT", 1.0)

    with pytest.raises(
        SourceUnavailable, match=rf"^{kind.service} container example/silent:1 was not ready within 1 s; "
    ):
        kind.start()

    assert [container.stops for container in created] == [1]
