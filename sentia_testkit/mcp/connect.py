"""Open an MCP client of any server: an `MCPServer` object in memory, a command over stdio, or a URL over HTTP.

A scan or a test names its server once (`pkg.module:server`, `stdio:cmd args`, `https://host/mcp`) and gets the
same `mcp.Client` whatever the transport, so every check runs unchanged against each of them.
"""

from __future__ import annotations

import importlib
import inspect
import os
import shlex
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.server import Server
from mcp.server.mcpserver import MCPServer

STDIO_PREFIX = "stdio:"


class TargetError(Exception):
    """The target could not be reached: a bad import path, a command that does not start, a URL that refuses."""


@dataclass(frozen=True)
class Target:
    """Where the server is: `kind` is "object" (an import path), "stdio" (a command) or "http" (a URL)."""

    kind: str
    location: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{self.kind} {self.location}"


def parse_target(text: str, *, stdio: bool = False, headers: Mapping[str, str] | None = None) -> Target:
    """`https://host/mcp` (HTTP), `stdio:cmd args` or `stdio=True` (a command), else `pkg.module:attribute`."""
    text = text.strip()
    if not text:
        raise TargetError("the target is empty: give an import path, a stdio command or a URL")
    if stdio or text.startswith(STDIO_PREFIX):
        command = text.removeprefix(STDIO_PREFIX).strip()
        if not command:
            raise TargetError("the stdio target has no command")
        return Target("stdio", command)
    if text.startswith(("http://", "https://")):
        return Target("http", text, dict(headers or {}))
    module, _, attribute = text.partition(":")
    if not module or not attribute:
        raise TargetError(f"{text!r} is not a target: use pkg.module:server, stdio:COMMAND or an http(s) URL")
    return Target("object", text)


def parse_header(text: str) -> tuple[str, str]:
    """`"Authorization: Bearer x"` as a (name, value) pair."""
    name, separator, value = text.partition(":")
    if not separator or not name.strip():
        raise TargetError(f"a header is NAME: VALUE, not {text!r}")
    return name.strip(), value.strip()


def load_object(path: str) -> Any:
    """The attribute an import path `pkg.module:attribute` names."""
    module_name, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise TargetError(f"cannot import {module_name!r}: {error}") from None
    found: Any = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise TargetError(f"{module_name!r} has no attribute {attribute!r}")
        found = getattr(found, part)
    return found


@asynccontextmanager
async def _server_from(found: Any) -> AsyncIterator[Server[Any] | MCPServer]:
    """A server object as it is, or what a zero-argument factory returns: a server, an awaitable of one, or an
    async context manager yielding one (for servers that need a runtime opened and closed around them)."""
    if isinstance(found, Server | MCPServer):
        yield found
        return
    if not callable(found):
        raise TargetError(f"the target is a {type(found).__name__}, not an MCP server or a factory of one")
    made = found()
    if inspect.isawaitable(made):
        made = await made
    if isinstance(made, AbstractAsyncContextManager):
        async with made as server:
            yield _checked_server(server)
        return
    yield _checked_server(made)


def _checked_server(made: Any) -> Server[Any] | MCPServer:
    if not isinstance(made, Server | MCPServer):
        raise TargetError(f"the factory returned a {type(made).__name__}, not an MCP server")
    return made


def server_client(server: Server[Any] | MCPServer) -> Client:
    """An in-memory client of a server object (enter it with `async with`)."""
    return Client(server)


@asynccontextmanager
async def http_client(url: str, headers: Mapping[str, str] | None = None) -> AsyncIterator[Client]:
    """A Streamable HTTP client of `url` that sends `headers` (e.g. `Authorization: Bearer ...`) on every request."""
    async with (
        httpx2.AsyncClient(headers=dict(headers or {})) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        yield client


def stdio_client(command: str, env: Mapping[str, str] | None = None) -> Client:
    """A client of a server started as `command` (a shell-style string) over stdio, with this process's environment
    plus `env`."""
    parts = shlex.split(command)
    parameters = StdioServerParameters(command=parts[0], args=parts[1:], env={**os.environ, **(env or {})})
    return Client(parameters)


@asynccontextmanager
async def open_client(
    target: Target | str | Server[Any] | MCPServer, *, headers: Mapping[str, str] | None = None
) -> AsyncIterator[Client]:
    """A connected client of any target (a server object, `pkg.module:server`, `stdio:COMMAND` or a URL, sent
    `headers`); a failure to import, start or connect is a `TargetError`."""
    if isinstance(target, Server | MCPServer):
        async with server_client(target) as client:
            yield client
        return
    if isinstance(target, str):
        target = parse_target(target, headers=headers)
    entered = False
    async with _connection(target) as connection:
        try:
            async with connection as client:
                entered = True
                yield client
        except Exception as error:  # before the client is up, any failure means the target is unreachable
            if entered:
                raise
            raise TargetError(f"cannot connect to {target.describe()}: {_reason(error)}") from None


@asynccontextmanager
async def _connection(target: Target) -> AsyncIterator[AbstractAsyncContextManager[Any]]:
    if target.kind == "http":
        yield http_client(target.location, target.headers)
    elif target.kind == "stdio":
        yield stdio_client(target.location)
    else:
        async with _server_from(load_object(target.location)) as server:
            yield server_client(server)


def _reason(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(_reason(inner) for inner in error.exceptions)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
