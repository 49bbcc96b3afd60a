"""Docker through testcontainers: a cheap reachability probe, then PostgreSQL and Redis containers."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import socket
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ._core import READY_TIMEOUT, Probe, ServiceHandle, SourceUnavailable, describe_error

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
POSTGRES_IMAGE_ENV = "SENTIA_TEST_POSTGRES_IMAGE"
REDIS_IMAGE_ENV = "SENTIA_TEST_REDIS_IMAGE"
DEFAULT_POSTGRES_IMAGE = "postgres:16-alpine"
DEFAULT_REDIS_IMAGE = "redis:7-alpine"
SOURCE_NAME = "Docker (testcontainers)"


def unreachable_reason(timeout: float = 1.0) -> str | None:
    """Why no Docker engine can be used, or None when one answers `/_ping`.

    The docker SDK is avoided for the common unix/tcp cases: on a machine without a daemon it leaks a socket
    (a ResourceWarning, an error under `filterwarnings = error`) and is slower than one raw request.
    """
    if importlib.util.find_spec("testcontainers") is None:
        return "the testcontainers package is not installed (pip install 'sentia[testkit]')"
    configured = os.environ.get("DOCKER_HOST", "")
    host = configured or DEFAULT_DOCKER_HOST
    where = host if configured else f"{host} (DOCKER_HOST is not set)"
    try:
        _ping(host, timeout)
    except Exception as exc:  # OSError for raw sockets; the docker SDK has its own hierarchy for ssh:// and TLS
        return f"no Docker engine answers at {where}: {describe_error(exc)}"
    return None


def _ping(host: str, timeout: float) -> None:
    parts = urlsplit(host)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(parts.path)
        except OSError:
            sock.close()
            raise
    elif parts.scheme in {"tcp", "http"} and not os.environ.get("DOCKER_TLS_VERIFY"):
        sock = socket.create_connection((parts.hostname or "localhost", parts.port or 2375), timeout=timeout)
    else:
        _sdk_ping(timeout)
        return
    with sock:
        sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        status_line = sock.recv(256).split(b"\r\n", 1)[0].decode("latin-1")
    if " 200 " not in f"{status_line} ":
        raise ValueError(f"/_ping answered {status_line!r}")


def _sdk_ping(timeout: float) -> None:
    import docker

    client = docker.from_env(timeout=int(max(timeout, 1)))
    try:
        client.ping()
    finally:
        client.close()


def probe() -> Probe:
    """The Docker source's verdict for the dry check and the resolution."""
    reason = unreachable_reason()
    if reason is not None:
        return Probe(False, reason)
    host = os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_HOST
    return Probe(True, f"Docker engine at {host} answers")


def _postgres_container_class() -> Any:
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:  # testcontainers < 4.14 keeps the modules at the top level
        from testcontainers.postgres import PostgresContainer
    return PostgresContainer


def _redis_container_class() -> Any:
    try:
        from testcontainers.community.redis import RedisContainer
    except ImportError:
        from testcontainers.redis import RedisContainer
    return RedisContainer


def _start(container: Any, image: str) -> None:
    try:
        # testcontainers deprecates its own helpers from release to release; that is not the user's problem.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            container.start()
    except Exception as exc:
        with contextlib.suppress(Exception):  # the container may never have been created
            container.stop()
        raise SourceUnavailable(f"could not start a container from {image}: {describe_error(exc)}") from exc


def start_postgres() -> ServiceHandle:
    """A throwaway PostgreSQL container (image from SENTIA_TEST_POSTGRES_IMAGE), stopped with the handle."""
    image = os.environ.get(POSTGRES_IMAGE_ENV) or DEFAULT_POSTGRES_IMAGE
    # A fresh random password per container: its port may be reachable from other hosts while the tests run.
    password = secrets.token_urlsafe(24)
    container = _postgres_container_class()(image, username="postgres", password=password, dbname="postgres")
    _start(container, image)
    host = container.get_container_host_ip()
    port = container.get_exposed_port(5432)
    url = f"postgresql://postgres:{password}@{host}:{port}/postgres"
    handle = ServiceHandle("PostgreSQL", SOURCE_NAME, url, stop_callback=container.stop)
    from .postgres import wait_ready

    try:
        wait_ready(url, what=f"PostgreSQL container {image}", timeout=READY_TIMEOUT)
    except SourceUnavailable:
        handle.stop()
        raise
    return handle


def start_redis() -> ServiceHandle:
    """A throwaway Redis container (image from SENTIA_TEST_REDIS_IMAGE), stopped with the handle."""
    image = os.environ.get(REDIS_IMAGE_ENV) or DEFAULT_REDIS_IMAGE
    container = _redis_container_class()(image)
    _start(container, image)
    host = container.get_container_host_ip()
    port = container.get_exposed_port(6379)
    url = f"redis://{host}:{port}/0"
    handle = ServiceHandle("Redis", SOURCE_NAME, url, stop_callback=container.stop)
    from .redis import wait_ready

    try:
        wait_ready(url, what=f"Redis container {image}", timeout=READY_TIMEOUT)
    except SourceUnavailable:
        handle.stop()
        raise
    return handle


@dataclass(frozen=True)
class DockerSource:
    """A throwaway container, when a Docker engine answers."""

    start_container: Callable[[], ServiceHandle]
    name: str = SOURCE_NAME

    def probe(self) -> Probe:
        return probe()

    def start(self) -> ServiceHandle:
        return self.start_container()
