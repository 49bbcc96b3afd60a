"""What every service source shares: the outcome types, the resolution loop and small process helpers."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

REQUIRE_ENV = "SENTIA_REQUIRE_SERVICES"
READY_TIMEOUT = 30.0
"""Seconds a locally started server or a container gets to accept connections."""

T = TypeVar("T")


class SourceUnavailable(Exception):
    """A source looked usable but could not provide the service; the next source is tried."""


class SourceBroken(Exception):
    """A source the user configured explicitly does not work; resolution stops instead of falling through."""


@dataclass(frozen=True)
class Probe:
    """The cheap verdict on one source, reached without starting anything."""

    usable: bool
    detail: str


@dataclass(frozen=True)
class Attempt:
    """One source that was looked at, and why it was not used."""

    source: str
    reason: str


class Source(Protocol):
    """One place a service can come from (environment variable, Docker, local binaries)."""

    @property
    def name(self) -> str:
        """How reports name the source, e.g. SENTIA_TEST_REDIS_URL."""
        ...

    def probe(self) -> Probe:
        """Say cheaply whether this source can serve; raise `SourceBroken` if it is configured but unusable."""
        ...

    def start(self) -> ServiceHandle:
        """Provide the service; raise `SourceUnavailable` (try the next source) or `SourceBroken` (stop)."""
        ...


@dataclass
class ServiceHandle:
    """A usable server, where it came from, and how to give it back."""

    service: str
    source: str
    url: str
    passed_over: tuple[Attempt, ...] = ()
    stop_callback: Callable[[], None] | None = field(default=None, repr=False)

    def stop(self) -> None:
        """Stop what the source started (idempotent; a server named by an environment variable is left alone)."""
        callback, self.stop_callback = self.stop_callback, None
        if callback is not None:
            callback()


@dataclass(frozen=True)
class Unavailable:
    """No source could provide the service; `reason` says what was tried and how to provide one."""

    service: str
    attempts: tuple[Attempt, ...]
    hint: str
    broken: bool = False
    """True when a configured source failed: that is always an error, never a skip."""

    @property
    def reason(self) -> str:
        if self.broken:
            return self.attempts[-1].reason
        tried = "; ".join(f"{attempt.source}: {attempt.reason}" for attempt in self.attempts)
        return f"{self.service} is not available. Tried {tried}. To provide one, {self.hint}."


@dataclass(frozen=True)
class SourceStatus:
    """One line of a dry check: a source, its probe verdict, and whether it would be the one used."""

    source: str
    usable: bool
    detail: str
    selected: bool = False
    broken: bool = False


def resolve(service: str, sources: Sequence[Source], hint: str) -> ServiceHandle | Unavailable:
    """Start the first source that works, recording why each earlier one was passed over."""
    attempts: list[Attempt] = []
    for source in sources:
        try:
            probe = source.probe()
            if not probe.usable:
                attempts.append(Attempt(source.name, probe.detail))
                continue
            handle = source.start()
        except SourceBroken as exc:
            attempts.append(Attempt(source.name, str(exc)))
            return Unavailable(service, tuple(attempts), hint, broken=True)
        except SourceUnavailable as exc:
            attempts.append(Attempt(source.name, str(exc)))
            continue
        handle.passed_over = tuple(attempts)
        return handle
    return Unavailable(service, tuple(attempts), hint)


def check(sources: Sequence[Source]) -> list[SourceStatus]:
    """Probe every source without starting anything; the first usable one is marked as selected."""
    statuses: list[SourceStatus] = []
    chosen = False
    for source in sources:
        try:
            probe = source.probe()
        except SourceBroken as exc:
            statuses.append(SourceStatus(source.name, usable=False, detail=str(exc), broken=not chosen))
            if not chosen:
                # Resolution would stop here, so later sources are irrelevant.
                return statuses
            continue
        selected = probe.usable and not chosen
        chosen = chosen or selected
        statuses.append(SourceStatus(source.name, probe.usable, probe.detail, selected=selected))
    return statuses


def requires_services() -> bool:
    """Whether a missing service must fail the test instead of skipping it."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def redact(url: str) -> str:
    """The URL with its password masked, fit for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostinfo}"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(ready: Callable[[], str | None], *, what: str, timeout: float = READY_TIMEOUT) -> None:
    """Poll `ready` (None when ready, else the current problem) until it succeeds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    problem = ready()
    while problem is not None:
        if time.monotonic() >= deadline:
            raise SourceUnavailable(f"{what} was not ready within {timeout:.0f} s; last error: {problem}")
        time.sleep(0.1)
        problem = ready()


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, also when an event loop is already running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def describe_error(exc: BaseException) -> str:
    """`ExcType: message`, or just the type when the message is empty (e.g. TimeoutError)."""
    text = str(exc).strip().rstrip(".")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def log_tail(path: Path, lines: int = 15) -> str:
    """The last lines of a server log, for error messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    tail = text.strip().splitlines()[-lines:]
    return " | ".join(tail) if tail else "(log is empty)"


@dataclass(frozen=True)
class EnvSource:
    """A server named by an environment variable: used as is, never replaced by another when it does not work."""

    service: str
    name: str
    """The environment variable, e.g. SENTIA_TEST_REDIS_URL."""
    schemes: frozenset[str]
    example: str
    connection_error: Callable[[str], str | None]
    ready: str
    """What a working server does, for the probe's message (e.g. "answers PING")."""

    def probe(self) -> Probe:
        url = os.environ.get(self.name, "").strip()
        if not url:
            return Probe(False, "not set")
        if urlsplit(url).scheme not in self.schemes:
            raise SourceBroken(f"{self.name}={redact(url)} is not a URL like {self.example}")
        problem = self.connection_error(url)
        if problem is not None:
            raise SourceBroken(
                f"{self.name}={redact(url)} is set but that server cannot be used: {problem}. "
                f"Start that server or fix the URL, or unset {self.name} to let the testkit provide one "
                "(a configured server is never replaced by another)"
            )
        return Probe(True, f"{redact(url)} {self.ready}")

    def start(self) -> ServiceHandle:
        return ServiceHandle(self.service, self.name, os.environ[self.name].strip())
