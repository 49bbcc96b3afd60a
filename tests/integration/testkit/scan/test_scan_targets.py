"""The scanner against real servers in memory: a deliberately broken one (every flaw reported, the sound tool
passing) and ours (clean), plus the pytest face (`scan_cases`, `mcp_client_factory`) and the time limit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.responses import PlainTextResponse
from support import broken_mcp_server
from support.processes import free_port

from sentia_testkit.mcp import TargetError
from sentia_testkit.scan import ScanFailed, ScanOptions, scan, scan_cases
from sentia_testkit.scan.results import CHECKS
from sentia_testkit.security.findings import Severity

pytestmark = pytest.mark.anyio

BROKEN = "support.broken_mcp_server:server"


async def test_every_flaw_of_the_broken_server_is_reported():
    report = await scan(BROKEN, ScanOptions(max_examples=5, payloads=1))
    found = {(finding.target.split()[0], finding.check, finding.title) for finding in report.findings}
    assert found == {
        ("undocumented", "definition", "the tool has no description"),
        ("undocumented", "definition", "properties without a description"),
        ("undocumented", "definition", "the tool has no annotations (readOnlyHint, destructiveHint...)"),
        ("leaky-lookup", "valid-input", "internal error on valid arguments"),
        ("leaky-lookup", "internal-error", "answer reveals internals"),
        ("trusting-divide", "invalid-input", "JSON-RPC error -32603 on invalid arguments"),
        ("trusting-divide", "invalid-input", "accepted arguments the schema forbids"),
        ("bad-schema", "definition", "the input schema is not valid JSON Schema"),
    }
    assert report.exit_code() == 1
    by_tool = {(result.tool, result.check): result for result in report.results}
    assert all(by_tool["echo", check].ok and not by_tool["echo", check].skipped for check in CHECKS)
    assert by_tool["echo", "valid-input"].calls >= 3 and by_tool["echo", "security"].calls > 0
    assert by_tool["bad-schema", "valid-input"].skipped == "the input schema is not valid"


@pytest.mark.timeout(600)  # every check on each of 40-odd tools: close to the default 120 s on a slow machine
async def test_our_server_in_memory_is_clean():
    report = await scan("support.scan_server:server", ScanOptions(max_examples=3, payloads=1))
    assert report.error == ""
    assert len(report.tools) >= 40
    serious = [finding.render() for finding in report.findings if finding.severity != Severity.LOW]
    assert serious == []
    assert sum(result.calls for result in report.results) > 300


async def test_a_scan_cut_short_keeps_its_results_and_says_so():
    report = await scan(BROKEN, ScanOptions(max_examples=50, payloads=0, timeout=0.5))
    assert report.error.startswith("the scan did not finish within 0.5 s (")
    assert report.exit_code() == 2


async def test_a_server_without_tools_is_a_target_error():
    report = await scan(MCPServer("empty"))
    assert report.error == "the target offers no tools to scan"


@pytest.mark.parametrize(
    "result", scan_cases(BROKEN, ScanOptions(max_examples=3, tools=("echo", "leaky-lookup"), security=False))
)
def test_scan_cases_parametrize_one_test_per_tool_and_check(result):
    if result.tool == "leaky-lookup" and result.check == "valid-input":
        with pytest.raises(ScanFailed, match="internal error on valid arguments"):
            result.raise_for_findings()
    else:
        result.raise_for_findings()


def test_scan_cases_ids_and_an_unreachable_target():
    cases = scan_cases(BROKEN, ScanOptions(max_examples=2, tools=("echo",), security=False))
    assert [case.id for case in cases] == ["echo-definition", "echo-valid-input", "echo-invalid-input"]
    [unreachable] = scan_cases("no_such_module_here:server")
    assert unreachable.id == "target-connect"
    [result] = unreachable.values
    assert not result.ok
    with pytest.raises(ScanFailed, match="the target could not be scanned: cannot import 'no_such_module_here'"):
        result.raise_for_findings()


async def test_mcp_client_factory_connects_objects_and_import_paths(mcp_client_factory):
    async with mcp_client_factory(broken_mcp_server.server) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
    async with mcp_client_factory(BROKEN) as client:
        echoed = await client.call_tool("echo", {"word": "hi"})
    assert names == [tool.name for tool in broken_mcp_server.TOOLS]
    assert echoed.content[0].text == "hi"


@pytest.fixture
def guarded_http_server() -> Iterator[str]:
    """A small MCPServer over Streamable HTTP that answers 401 without `Authorization: Bearer demo`."""
    greeter = MCPServer("greeter")

    @greeter.tool(description="Say hello.")
    def hello(name: str) -> str:
        return f"hello {name}"

    inner = greeter.streamable_http_app(stateless_http=True, json_response=True)

    async def guarded(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and (b"authorization", b"Bearer demo") not in scope["headers"]:
            await PlainTextResponse("unauthorized", status_code=401)(scope, receive, send)
            return
        await inner(scope, receive, send)

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(guarded, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(10)


async def test_http_clients_send_their_headers(mcp_client_factory, guarded_http_server):
    async with mcp_client_factory(guarded_http_server, headers={"Authorization": "Bearer demo"}) as client:
        result = await client.call_tool("hello", {"name": "ada"})
    assert result.content[0].text == "hello ada"
    with pytest.raises(TargetError, match=f"cannot connect to http {guarded_http_server}"):
        async with mcp_client_factory(guarded_http_server):
            pass
