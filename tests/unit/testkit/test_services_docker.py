"""The Docker reachability probe against a fake Docker engine API on a unix socket or a TCP port.

The raw `/_ping` request serves unix:// and tcp:// hosts; every other kind (http+unix://, TLS, ssh://) goes through
the docker SDK, which first asks `/version` for the API version and then pings `/v<version>/_ping`.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import socketserver
import sys
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sentia_testkit.services import Probe, containers
from sentia_testkit.services._core import free_port

HANG_UP = 0
"""A `ping_status` that makes the fake engine close the connection without answering."""


class _EngineAPI(http.server.BaseHTTPRequestHandler):
    """The two requests a reachability check makes, answered like a Docker engine does."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        engine = self.server
        assert isinstance(engine, _Engine)
        path = self.path.split("?", 1)[0]
        engine.paths.append(path)
        if path.endswith("/version"):
            self._answer(200, json.dumps({"ApiVersion": "1.44", "Version": "fake"}).encode(), "application/json")
        elif not path.endswith("/_ping"):
            self._answer(404, b'{"message":"page not found"}', "application/json")
        elif engine.ping_status == HANG_UP:
            self.close_connection = True
        elif engine.ping_status == 200:
            self._answer(200, b"OK", "text/plain; charset=utf-8")
        else:
            self._answer(engine.ping_status, b'{"message":"the engine is shutting down"}', "application/json")

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Api-Version", "1.44")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the engine records the requested paths instead."""


class _Engine:
    """What the tests look at: the paths requested so far, and how `/_ping` is answered."""

    paths: list[str]
    ping_status: int


class _UnixEngine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer, _Engine):
    daemon_threads = True

    def __init__(self, path: Path, ping_status: int) -> None:
        self.paths, self.ping_status = [], ping_status
        super().__init__(str(path), _EngineAPI)


class _TcpEngine(socketserver.ThreadingMixIn, socketserver.TCPServer, _Engine):
    daemon_threads = True

    def __init__(self, ping_status: int) -> None:
        self.paths, self.ping_status = [], ping_status
        super().__init__(("127.0.0.1", 0), _EngineAPI)


@pytest.fixture
def engine(socket_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, int], _Engine]]:
    """Start a fake engine, `engine(DOCKER_HOST scheme, ping status)`, and point DOCKER_HOST at it."""
    for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):  # either one makes the docker SDK insist on TLS
        monkeypatch.delenv(name, raising=False)
    started: list[tuple[socketserver.BaseServer, threading.Thread]] = []

    def start(scheme: str, ping_status: int = 200) -> _Engine:
        server: _UnixEngine | _TcpEngine
        if scheme in {"unix", "http+unix"}:
            server = _UnixEngine(socket_dir / "docker.sock", ping_status)
            monkeypatch.setenv("DOCKER_HOST", f"{scheme}://{socket_dir}/docker.sock")
        else:
            server = _TcpEngine(ping_status)
            monkeypatch.setenv("DOCKER_HOST", f"{scheme}://127.0.0.1:{server.server_address[1]}")
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# The raw /_ping for unix:// and tcp:// ----------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["unix", "tcp", "http"])
def test_an_engine_that_answers_ping_makes_docker_usable(engine: Callable[[str, int], _Engine], scheme: str) -> None:
    fake = engine(scheme, 200)

    probe = containers.probe()

    assert probe == Probe(True, f"Docker engine at {os.environ['DOCKER_HOST']} answers")
    assert fake.paths == ["/_ping"]


@pytest.mark.parametrize("scheme", ["unix", "tcp"])
def test_an_engine_that_answers_ping_with_an_error_is_not_usable(
    engine: Callable[[str, int], _Engine], scheme: str
) -> None:
    engine(scheme, 500)

    probe = containers.probe()

    assert not probe.usable
    assert probe.detail == (
        f"no Docker engine answers at {os.environ['DOCKER_HOST']}: "
        "ValueError: /_ping answered 'HTTP/1.1 500 Internal Server Error'"
    )


def test_an_engine_that_hangs_up_is_not_usable(engine: Callable[[str, int], _Engine]) -> None:
    engine("unix", HANG_UP)

    reason = containers.unreachable_reason()

    assert reason == f"no Docker engine answers at {os.environ['DOCKER_HOST']}: ValueError: /_ping answered ''"


def test_nothing_listening_on_the_tcp_port_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCKER_TLS_VERIFY", raising=False)
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{free_port()}")

    probe = containers.probe()

    assert not probe.usable
    assert probe.detail.startswith(f"no Docker engine answers at {os.environ['DOCKER_HOST']}: ConnectionRefusedError")


def test_a_tcp_host_without_a_port_means_the_docker_default_port(monkeypatch: pytest.MonkeyPatch) -> None:
    connected: list[tuple[str, int]] = []

    def refuse(address: tuple[str, int], timeout: float) -> socket.socket:
        connected.append(address)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.delenv("DOCKER_TLS_VERIFY", raising=False)
    monkeypatch.setenv("DOCKER_HOST", "tcp://")
    monkeypatch.setattr(socket, "create_connection", refuse)

    reason = containers.unreachable_reason()

    assert connected == [("localhost", 2375)]
    assert reason == "no Docker engine answers at tcp://: ConnectionRefusedError: [Errno 111] Connection refused"


# Everything else through the docker SDK ---------------------------------------------------------------------------


def test_other_hosts_are_pinged_through_the_docker_sdk(engine: Callable[[str, int], _Engine]) -> None:
    fake = engine("http+unix", 200)

    assert containers.unreachable_reason() is None
    assert fake.paths == ["/version", "/v1.44/_ping"]


def test_an_engine_error_seen_through_the_docker_sdk_is_reported(engine: Callable[[str, int], _Engine]) -> None:
    engine("http+unix", 500)

    reason = containers.unreachable_reason()

    assert reason is not None
    assert reason.startswith(f"no Docker engine answers at {os.environ['DOCKER_HOST']}: APIError: 500 Server Error")


def test_tls_verification_leaves_the_ping_to_the_docker_sdk(
    engine: Callable[[str, int], _Engine], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = engine("tcp", 200)
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))  # no certificates there: the SDK refuses to connect

    reason = containers.unreachable_reason()

    assert reason is not None
    assert reason.startswith(f"no Docker engine answers at {os.environ['DOCKER_HOST']}: TLSParameterError: ")
    assert fake.paths == [], "a plaintext /_ping was sent to an engine that requires TLS"


# Where the container classes come from --------------------------------------------------------------------------


def test_the_container_classes_are_testcontainers_own() -> None:
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.community.redis import RedisContainer

    assert containers._postgres_container_class() is PostgresContainer
    assert containers._redis_container_class() is RedisContainer


@pytest.mark.parametrize(
    ("module", "class_name", "seam"),
    [
        ("postgres", "PostgresContainer", containers._postgres_container_class),
        ("redis", "RedisContainer", containers._redis_container_class),
    ],
)
def test_testcontainers_before_4_14_keeps_the_classes_at_the_top_level(
    monkeypatch: pytest.MonkeyPatch, module: str, class_name: str, seam: Callable[[], type]
) -> None:
    legacy = types.ModuleType(f"testcontainers.{module}")
    legacy_class = type(class_name, (), {})
    setattr(legacy, class_name, legacy_class)
    monkeypatch.setitem(sys.modules, f"testcontainers.community.{module}", None)  # importing it fails
    monkeypatch.setitem(sys.modules, f"testcontainers.{module}", legacy)

    assert seam() is legacy_class
