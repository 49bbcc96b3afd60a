"""The MCP, REST and metrics users against a small local HTTP server: what they send, and what counts as a
failure in Locust's statistics."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from locust.env import Environment
from locust.event import Events

from sentia_testkit.load import Endpoint, McpUser, MetricsScraper, RestUser, ToolCall, classify

TOOL_OK = {"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "text", "text": "12"}], "isError": False}}
TOOL_ERROR = {
    "jsonrpc": "2.0",
    "id": 1,
    "result": {"content": [{"type": "text", "text": "SKU unknown"}], "isError": True},
}
RPC_ERROR = {"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "Invalid params: sku is required"}}


class FakeServer(BaseHTTPRequestHandler):
    """POST /mcp answers by tool name; GET answers by path. Every request's headers are kept."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *_args: Any) -> None:
        pass

    def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
        encoded = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append({"path": self.path, "headers": dict(self.headers), "body": request})
        name = request["params"]["name"]
        answers = {
            "stock": (200, json.dumps(TOOL_OK), "application/json"),
            "broken": (200, json.dumps(TOOL_ERROR), "application/json"),
            "strict": (200, json.dumps(RPC_ERROR), "application/json"),
            "streamed": (200, f"event: message\ndata: {json.dumps(TOOL_OK)}\n\n", "text/event-stream"),
            "crash": (500, "Internal Server Error", "text/plain"),
        }
        self._send(*answers[name])

    def do_GET(self) -> None:
        self.seen.append({"path": self.path, "headers": dict(self.headers)})
        answers = {
            "/health": (200, '{"status": "ok"}', "application/json"),
            "/html": (200, "<html></html>", "text/html"),
            "/metrics": (200, "# HELP up Up.\n# TYPE up gauge\nup 1\n", "text/plain"),
        }
        self._send(*answers.get(self.path, (404, '{"error": "not_found"}', "application/json")))


@pytest.fixture
def server() -> Iterator[str]:
    FakeServer.seen.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeServer)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_token_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENTIA_LOAD_TOKEN", raising=False)


def failures(env: Environment) -> dict[str, str]:
    return {error.name: str(error.error) for error in env.stats.errors.values()}


class Assistant(McpUser):
    token = "sk-test-credential"
    network_timeout = 5.0
    connection_timeout = 5.0
    tool_calls = (ToolCall("stock", {"sku": "SEN-GIN-70"}),)


def user_for(user_class: type[Any], host: str) -> tuple[Any, Environment]:
    env = Environment(events=Events())
    env.create_local_runner()  # the runner records the users' requests in env.stats
    user = type(user_class.__name__, (user_class,), {"host": host})(env)
    return user, env


def test_a_tool_result_is_a_success_sent_as_stateless_mcp(server: str):
    user, env = user_for(Assistant, server)
    user.on_start()
    user.call_a_tool()
    entry = env.stats.get("tools/call stock", "POST")
    assert (entry.num_requests, entry.num_failures) == (1, 0)
    sent = FakeServer.seen[0]
    assert sent["path"] == "/mcp"
    assert sent["headers"]["Accept"] == "application/json, text/event-stream"
    assert sent["headers"]["Content-Type"] == "application/json"
    assert sent["headers"]["MCP-Protocol-Version"] == "2025-11-25"
    assert sent["headers"]["Authorization"] == "Bearer sk-test-credential"
    assert sent["body"]["method"] == "tools/call"
    assert sent["body"]["params"] == {"name": "stock", "arguments": {"sku": "SEN-GIN-70"}}


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        ("broken", "tool error: SKU unknown"),
        ("strict", "JSON-RPC error -32602: Invalid params: sku is required"),
        ("crash", "HTTP 500: Internal Server Error"),
    ],
)
def test_error_answers_are_failures_with_their_message(server: str, tool: str, message: str):
    user, env = user_for(Assistant, server)
    user.on_start()
    user.call_tool(tool, {})
    entry = env.stats.get(f"tools/call {tool}", "POST")
    assert (entry.num_requests, entry.num_failures) == (1, 1)
    assert failures(env) == {f"tools/call {tool}": message}


def test_an_event_stream_answer_is_read_too(server: str):
    user, env = user_for(Assistant, server)
    user.on_start()
    user.call_tool("streamed", {})
    assert env.stats.get("tools/call streamed", "POST").num_failures == 0


def test_an_unreachable_server_is_a_failure():
    user, env = user_for(Assistant, "http://127.0.0.1:9")
    user.on_start()
    user.call_tool("stock", {})
    (message,) = failures(env).values()
    assert message.startswith("no response: ")


def test_the_token_comes_from_the_environment_when_the_user_has_none(server: str, monkeypatch: pytest.MonkeyPatch):
    class Anonymous(Assistant):
        token = None

    monkeypatch.setenv("SENTIA_LOAD_TOKEN", "from-env")
    user, _ = user_for(Anonymous, server)
    user.on_start()
    assert user.headers["Authorization"] == "Bearer from-env"
    monkeypatch.delenv("SENTIA_LOAD_TOKEN")
    user.on_start()
    assert "Authorization" not in user.headers


def test_arguments_can_be_fresh_for_every_call(server: str):
    counter = iter(range(1, 100))

    class Paging(Assistant):
        tool_calls = (ToolCall("stock", lambda: {"page": next(counter)}, weight=2),)

    user, _ = user_for(Paging, server)
    user.on_start()
    user.call_a_tool()
    user.call_a_tool()
    assert [seen["body"]["params"]["arguments"] for seen in FakeServer.seen] == [{"page": 1}, {"page": 2}]


def test_a_user_without_tool_calls_says_what_to_set():
    class Empty(McpUser):
        pass

    user, _ = user_for(Empty, "http://127.0.0.1:9")
    with pytest.raises(ValueError, match=r"Empty.tool_calls is empty"):
        user.on_start()


def test_a_tool_call_weight_must_be_positive():
    with pytest.raises(ValueError, match="weight must be at least 1, not 0"):
        ToolCall("stock", weight=0)


@pytest.mark.parametrize(
    ("content_type", "text", "expected"),
    [
        ("application/json", "[]", "not a JSON-RPC response: a JSON list, not an object"),
        ("application/json", "{", "not a JSON-RPC response: Expecting property name enclosed in double quotes in '{'"),
        ("text/event-stream", "event: ping\n\n", "not a JSON-RPC response: an event stream without data"),
        ("application/json", '{"jsonrpc": "2.0", "id": 1}', "JSON-RPC response without a result"),
        ("application/json", '{"result": {"isError": true}}', "tool error: (no text content)"),
        ("application/json", '{"result": {"content": [{"type": "text", "text": "ok"}]}}', None),
    ],
)
def test_classify(content_type: str, text: str, expected: str | None):
    assert classify(200, content_type, text) == expected


class Dashboard(RestUser):
    token = "sk-dashboard"
    endpoints = (Endpoint("/health"),)


@pytest.mark.parametrize(
    ("endpoint", "failure"),
    [
        (Endpoint("/health"), None),
        (Endpoint("/missing", authenticated=True), 'HTTP 404: {"error": "not_found"}'),
        (Endpoint("/html"), "not JSON (Expecting value): '<html></html>'"),
    ],
)
def test_the_rest_user_wants_json(server: str, endpoint: Endpoint, failure: str | None):
    class One(Dashboard):
        endpoints = (endpoint,)

    user, env = user_for(One, server)
    user.get_an_endpoint()
    assert failures(env) == ({} if failure is None else {endpoint.path: failure})
    headers = FakeServer.seen[0]["headers"]
    assert headers.get("Authorization") == ("Bearer sk-dashboard" if endpoint.authenticated else None)


def test_the_rest_user_defaults_to_the_health_endpoints():
    assert [endpoint.path for endpoint in RestUser.endpoints] == ["/health", "/health/ready"]


@pytest.mark.parametrize(
    ("path", "failure"),
    [
        ("/metrics", None),
        ("/health", 'not the Prometheus text format: \'{"status": "ok"}\''),
        ("/gone", 'HTTP 404: {"error": "not_found"}'),
    ],
)
def test_the_scraper_wants_the_prometheus_format(server: str, path: str, failure: str | None):
    class Scraper(MetricsScraper):
        token = "scrape-token"
        metrics_path = path

    user, env = user_for(Scraper, server)
    user.scrape()
    assert failures(env) == ({} if failure is None else {path: failure})
    assert FakeServer.seen[0]["headers"]["Authorization"] == "Bearer scrape-token"
    assert Scraper.fixed_count == 1


def test_the_scraper_reports_an_unreachable_server():
    class Scraper(MetricsScraper):
        network_timeout = 2.0

    user, env = user_for(Scraper, "http://127.0.0.1:9")
    user.scrape()
    (message,) = failures(env).values()
    assert message.startswith("no response: ")
