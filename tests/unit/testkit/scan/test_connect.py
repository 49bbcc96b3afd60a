"""Naming a target and connecting to it: import paths, factories, stdio commands and URLs, and clear errors."""

from __future__ import annotations

import sys
import types
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer

from sentia_testkit.mcp import connect
from sentia_testkit.mcp.connect import Target, TargetError, open_client, parse_header, parse_target

pytestmark = pytest.mark.anyio


def greeter() -> MCPServer:
    server = MCPServer("greeter")

    @server.tool(description="Say hello.")
    def hello(name: str) -> str:
        return f"hello {name}"

    return server


@pytest.mark.parametrize(
    ("text", "stdio", "expected"),
    [
        ("https://mcp.example.com/mcp", False, Target("http", "https://mcp.example.com/mcp", {"A": "b"})),
        ("http://127.0.0.1:3000/mcp", False, Target("http", "http://127.0.0.1:3000/mcp", {"A": "b"})),
        ("stdio:uvx mcp-server-time", False, Target("stdio", "uvx mcp-server-time")),
        ("python -m server", True, Target("stdio", "python -m server")),
        (" pkg.module:server ", False, Target("object", "pkg.module:server")),
    ],
)
def test_parse_target(text, stdio, expected):
    assert parse_target(text, stdio=stdio, headers={"A": "b"}) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the target is empty"),
        ("stdio:  ", "the stdio target has no command"),
        ("pkg.module", "is not a target: use pkg.module:server, stdio:COMMAND or an http(s) URL"),
        (":server", "is not a target"),
    ],
)
def test_bad_targets_are_named(text, message):
    with pytest.raises(TargetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_target(text)


def test_parse_header():
    assert parse_header("Authorization:  Bearer abc ") == ("Authorization", "Bearer abc")
    with pytest.raises(TargetError, match="a header is NAME: VALUE"):
        parse_header("Authorization Bearer")
    with pytest.raises(TargetError, match="a header is NAME: VALUE"):
        parse_header(": value")


@pytest.fixture
def module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    made = types.ModuleType("scan_targets_demo")

    async def awaited() -> MCPServer:
        return greeter()

    @asynccontextmanager
    async def managed() -> AsyncIterator[MCPServer]:
        yield greeter()

    made.server = greeter()  # type: ignore[attr-defined]
    made.factory = greeter  # type: ignore[attr-defined]
    made.awaited = awaited  # type: ignore[attr-defined]
    made.managed = managed  # type: ignore[attr-defined]
    made.nested = types.SimpleNamespace(server=greeter())  # type: ignore[attr-defined]
    made.number = 7  # type: ignore[attr-defined]
    made.wrong = lambda: "not a server"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, made.__name__, made)
    return made


@pytest.mark.parametrize("attribute", ["server", "factory", "awaited", "managed", "nested.server"])
async def test_every_kind_of_server_object_connects(module, attribute):
    async with open_client(f"scan_targets_demo:{attribute}") as client:
        result = await client.call_tool("hello", {"name": "ada"})
    assert result.content[0].text == "hello ada"


async def test_a_server_object_connects_directly():
    async with open_client(greeter()) as client:
        assert [tool.name for tool in (await client.list_tools()).tools] == ["hello"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("scan_targets_demo:number", "the target is a int, not an MCP server or a factory of one"),
        ("scan_targets_demo:wrong", "the factory returned a str, not an MCP server"),
        ("scan_targets_demo:missing", "'scan_targets_demo' has no attribute 'missing'"),
        ("no_such_module_here:server", "cannot import 'no_such_module_here'"),
        ("stdio:/nonexistent/mcp-server --flag", "cannot connect to stdio /nonexistent/mcp-server --flag: "),
        ("http://127.0.0.1:9/mcp", "cannot connect to http http://127.0.0.1:9/mcp: "),
    ],
)
async def test_unreachable_targets_are_target_errors(module, target, message):
    with pytest.raises(TargetError, match=message):
        async with open_client(target):
            pass


async def test_errors_inside_the_session_are_not_target_errors(module):
    with pytest.raises(BaseExceptionGroup) as raised:  # the SDK's task groups wrap what the body raised
        async with open_client("scan_targets_demo:server"):
            _ = 1 / 0
    assert raised.group_contains(ZeroDivisionError)
    assert not raised.group_contains(TargetError)


def test_reasons_flatten_exception_groups():
    group = ExceptionGroup("many", [OSError("refused"), ExceptionGroup("inner", [TimeoutError()])])
    assert connect._reason(group) == "OSError: refused; TimeoutError"


def test_stdio_client_passes_the_environment(monkeypatch):
    monkeypatch.setenv("SCAN_DEMO_VALUE", "1")
    client: Any = connect.stdio_client("python -m demo 'two words'", env={"EXTRA": "2"})
    assert client.server.command == "python"
    assert client.server.args == ["-m", "demo", "two words"]
    assert client.server.env["SCAN_DEMO_VALUE"] == "1" and client.server.env["EXTRA"] == "2"
