"""The input probe catches each flaw of the vulnerable toy, and finds nothing once the flaw is fixed."""

from __future__ import annotations

import pytest
from support.vulnerable_app import FLAWS

from sentia_testkit.security import ProbeOptions, RestRoute, all_payloads, probe_mcp, probe_rest
from sentia_testkit.security.evidence import GRAPHQL_DOCUMENT, URL_UNENCODED

pytestmark = pytest.mark.anyio

ROUTES = [
    RestRoute("POST", "/search", {"name": "gin"}),
    RestRoute("POST", "/greet", {"name": "Ada"}),
    RestRoute("POST", "/lookup", {"sku": "SEN-GIN-70"}, headers={"x-probe": "1"}),
]


def titles(report) -> set[tuple[str, str, str]]:
    return {(finding.check, finding.title, finding.target) for finding in report.findings}


@pytest.mark.parametrize(
    ("flaw", "expected"),
    [
        ("sql", ("internal-error", "answer reveals internals", "find-product name")),
        ("crash", ("internal-error", "JSON-RPC error -32603", "count-words text")),
        ("html", ("html-reflection", "payload reflected unescaped into HTML", "render-label text")),
        ("vendor-url", ("vendor-encoding", URL_UNENCODED, "lookup-product sku")),
        ("vendor-graphql", ("vendor-encoding", GRAPHQL_DOCUMENT, "lookup-product sku")),
    ],
)
async def test_each_mcp_flaw_is_found_alone(toy_mcp, vendor, flaw, expected):
    async with toy_mcp(flaws={flaw}) as client:
        report = await probe_mcp(client, ProbeOptions(per_category=2, simulators=[vendor]))
    assert titles(report) == {expected}
    [finding] = report.findings
    assert finding.reproducer.startswith(f"tools/call {expected[2].split()[0]} ")
    assert "payload " in finding.detail


async def test_the_secure_toy_passes_the_mcp_probe(toy_mcp, vendor):
    async with toy_mcp(flaws=()) as client:
        report = await probe_mcp(client, ProbeOptions(per_category=2, simulators=[vendor]))
    assert report.ok and report.probes == 6 * 18  # six free-text arguments, two payloads of nine corpora each
    report.raise_for_findings()


async def test_the_probe_can_be_limited_to_named_tools_and_a_full_corpus(toy_mcp):
    async with toy_mcp() as client:
        report = await probe_mcp(
            client, ProbeOptions(per_category=1, full_corpus={"count-words"}), tools={"count-words", "render-label"}
        )
    assert report.probes == len(all_payloads()) + 9  # the whole corpus for one, a payload per corpus for the other
    assert {finding.target for finding in report.findings} == {"count-words text", "render-label text"}


async def test_a_failing_probe_lists_every_finding_readably(toy_mcp, vendor):
    async with toy_mcp() as client:
        report = await probe_mcp(client, ProbeOptions(per_category=1, simulators=[vendor]))
    with pytest.raises(AssertionError) as raised:
        report.raise_for_findings()
    message = str(raised.value)
    assert message.startswith(f"MCP input probe: {len(report.findings)} finding(s) in {report.probes} probes\n")
    assert "[high] internal-error: answer reveals internals (find-product name)" in message
    assert 'reproduce: tools/call find-product {"name": ' in message


@pytest.mark.parametrize(
    ("flaw", "expected"),
    [
        (
            "sql",
            {
                ("internal-error", "HTTP 500", "POST /search body.name"),
                ("internal-error", "answer reveals internals", "POST /search body.name"),
            },
        ),
        ("html", {("html-reflection", "payload reflected unescaped into HTML", "POST /greet body.name")}),
        ("vendor-url", {("vendor-encoding", URL_UNENCODED, "POST /lookup body.sku")}),
        ("vendor-graphql", {("vendor-encoding", GRAPHQL_DOCUMENT, "POST /lookup body.sku")}),
    ],
)
async def test_each_rest_flaw_is_found_alone(toy_http, vendor, flaw, expected):
    async with toy_http(flaws={flaw}) as client:
        report = await probe_rest(client, ROUTES, ProbeOptions(per_category=2, simulators=[vendor]))
    assert titles(report) == expected
    assert report.findings[0].reproducer.startswith("curl -X POST http://toy.test/")


async def test_the_secure_toy_passes_the_rest_probe(toy_http, vendor):
    async with toy_http(flaws=()) as client:
        report = await probe_rest(client, ROUTES, ProbeOptions(per_category=2, simulators=[vendor]))
    assert report.ok and report.probes == 3 * 18


async def test_a_rest_reproducer_is_a_curl_line_with_the_route_headers(toy_http, vendor):
    async with toy_http(flaws={"vendor-url"}) as client:
        report = await probe_rest(client, ROUTES[2:], ProbeOptions(per_category=1, simulators=[vendor]))
    assert report.findings[0].reproducer.startswith(
        "curl -X POST http://toy.test/lookup -H 'content-type: application/json' -H 'x-probe: 1' --data '{\"sku\": "
    )


async def test_a_route_that_never_answers_is_reported(toy_http):
    async def hang(scope, receive, send):
        import anyio

        await anyio.sleep(10)

    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hang), base_url="http://toy.test") as client:
        report = await probe_rest(client, ROUTES[:1], ProbeOptions(per_category=1, timeout=0.01))
    assert {(f.check, f.title) for f in report.findings} == {("no-answer", "no answer within 0.01 s")}


async def test_a_tool_that_never_answers_is_reported():
    class Hanging:
        async def list_tools(self):
            from mcp_types import ListToolsResult, Tool

            return ListToolsResult(
                tools=[Tool(name="wait", input_schema={"type": "object", "properties": {"x": {"type": "string"}}})]
            )

        async def call_tool(self, name, arguments=None):
            import anyio

            await anyio.sleep(10)

    report = await probe_mcp(Hanging(), ProbeOptions(per_category=1, timeout=0.01))
    assert {(f.check, f.target) for f in report.findings} == {("no-answer", "wait x")}
    assert report.probes == 9


def test_flaws_cover_every_check():
    assert {"sql", "html", "vendor-url", "vendor-graphql", "crash", "headers", "cors", "rbac"} <= FLAWS


async def test_an_app_that_raises_is_an_internal_error():
    import httpx

    async def broken(scope, receive, send):
        raise RuntimeError("boom")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=broken), base_url="http://toy.test") as client:
        report = await probe_rest(client, ROUTES[:1], ProbeOptions(per_category=1))
    [finding] = report.findings
    assert (finding.check, finding.title) == ("internal-error", "the request failed")
    assert finding.detail.endswith(": RuntimeError")


class Scripted:
    """An MCP session whose tools answer from a script: pages of tools, and one outcome per tool."""

    def __init__(self, outcomes):
        from mcp_types import Tool

        schema = {"type": "object", "required": ["q"], "properties": {"q": {"type": "string"}}}
        self.outcomes = outcomes
        self.pages = [[Tool(name=name, input_schema=schema)] for name in outcomes]

    async def list_tools(self, cursor=None):
        from mcp_types import ListToolsResult

        index = int(cursor or 0)
        following = str(index + 1) if index + 1 < len(self.pages) else None
        return ListToolsResult(tools=self.pages[index], next_cursor=following)

    async def call_tool(self, name, arguments=None):
        outcome = self.outcomes[name]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


async def test_mcp_answers_are_judged_by_what_they_reveal():
    from mcp import MCPError
    from mcp_types import CallToolResult, TextContent

    def result(text, is_error=True):
        return CallToolResult(content=[TextContent(text=text)], is_error=is_error)

    session = Scripted(
        {
            "clean-refusal": MCPError(-32602, "invalid params: q is too long"),
            "leaky-refusal": MCPError(-32602, 'bad input at File "/srv/tool.py", line 9'),
            "admitted": result("tool 'admitted' failed with an internal error (reference 1f)"),
            "vendor-down": result("Xero is not configured: set SENTIA_XERO__CLIENT_ID"),
            "fine": result("12 products", is_error=False),
            "broken-client": ConnectionResetError("peer went away"),
        }
    )
    report = await probe_mcp(session, ProbeOptions(per_category=1))
    assert {(finding.target, finding.title) for finding in report.findings} == {
        ("leaky-refusal q", "answer reveals internals"),
        ("admitted q", "tool error admits an internal failure"),
        ("broken-client q", "the call failed (ConnectionResetError)"),
    }
    assert report.probes == 6 * 9


async def test_every_string_of_a_nested_rest_body_is_attacked(toy_http):
    import httpx

    seen = []

    async def record(scope, receive, send):
        message = await receive()
        seen.append(message["body"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    body = {"order": {"lines": [{"sku": "A-1", "qty": 2}], "note": "x"}, "tags": ["new"], "count": 1}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=record), base_url="http://toy.test") as client:
        report = await probe_rest(client, [RestRoute("POST", "/orders", body)], ProbeOptions(per_category=1))
        bare = await probe_rest(client, [RestRoute("PUT", "/note", "plain")], ProbeOptions(per_category=1))
    assert report.ok and report.probes == 3 * 9 and bare.probes == 9
    import json

    first = json.loads(seen[0])
    assert first["order"]["note"] == "x" and first["count"] == 1 and first["order"]["lines"][0]["sku"] != "A-1"
    assert isinstance(json.loads(seen[-1]), str)
