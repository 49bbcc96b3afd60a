"""Secrets never reach a log line. Known values are planted in the settings, the credentials and the requests of a
run (an in-process server calling the Xero simulator, and a real `sentia-server` process at DEBUG level), every log
line is captured (structlog, the standard library, the test runner's own capture, the process's stderr), and none
may contain a planted value."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import structlog
from support.http import MCP_HEADERS
from support.processes import create_key, free_port, http_server, server_env

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.integrations.settings import XeroSettings
from sentia_server.observability.logging import configure_logging
from sentia_server.runtime import Runtime
from sentia_server.security.encryption import generate_key_line
from sentia_testkit.simulators.xero.simulator import XeroSimulator

pytestmark = pytest.mark.anyio


CLIENT_ONLY = ("unknown bearer", "cookie")
"""Planted values only a client knows: sent in headers and under sensitive keys, never in free text."""


def planted(name: str) -> str:
    """A value that appears nowhere unless it leaks: a name for the failure message and 32 random characters."""
    return f"{name}-{secrets.token_urlsafe(24)}"


def assert_nothing_leaks(lines: list[str], values: dict[str, str]) -> None:
    assert len(lines) > 10, "too few log lines captured for the check to mean anything"
    for name, value in values.items():
        leaked = [line for line in lines if value in line]
        assert not leaked, f"{name} leaked into {len(leaked)} log line(s), e.g. {leaked[0][:300]}"


class Records(logging.Handler):
    """Every record as any handler would see it: message, arguments merged, extras included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.__dict__!r}")


async def test_planted_secrets_never_reach_the_logs_of_an_in_process_run(
    make_settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
):
    values = {
        "jwt secret": planted("jwt") + "Q9z",
        "api key hash key": planted("hashkey") + "Q9z",
        "xero client secret": planted("xero"),
        "openai api key": "sk-" + planted("openai"),
        "anthropic api key": planted("anthropic"),
        "unknown bearer": planted("bearer"),
        "cookie": planted("cookie"),
    }
    encryption = generate_key_line("k1")
    values["encryption key"] = encryption.split(":", 1)[1]
    settings = make_settings(
        jwt_secret=values["jwt secret"],
        api_key_hash_key=values["api key hash key"],
        encryption_keys=encryption,
        log_level="DEBUG",
        xero={"client_id": "planted-client", "client_secret": values["xero client secret"]},
        openai={"api_key": values["openai api key"]},
        anthropic={"api_key": values["anthropic api key"]},
    )
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("DEBUG", "json")
    records = Records()
    logging.getLogger().addHandler(records)
    caplog.set_level(logging.DEBUG)
    try:
        app = create_app(settings)
        runtime: Runtime = app.state.runtime
        simulator = XeroSimulator(client_id="planted-client", client_secret=values["xero client secret"])
        runtime.vendors._settings = runtime.settings.model_copy(
            update={"xero": XeroSettings(client_id="planted-client", client_secret=values["xero client secret"])}
        )
        runtime.vendors.transports["xero"] = simulator.transport()
        async with app.router.lifespan_context(app):
            key = (await runtime.api_keys.create(role=Role.ADMIN, tenant="acme")).token
            values["api key"] = key
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:3001") as client:
                await exercise(client, key, values)
                tenant = next(iter(simulator.tenants))
                await call(client, key, "xero-get-contacts", {"tenant_id": tenant, "page": 1})
                # a token the simulator issued to the server is a secret too
                for token in simulator.backend.access_tokens if hasattr(simulator.backend, "access_tokens") else ():
                    values.setdefault("xero access token", token)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        structlog.reset_defaults()
    stderr = capsys.readouterr().err.splitlines()
    assert any('"event": "credential refused"' in line for line in stderr)
    assert any('"event": "vendor call"' in line for line in stderr)
    assert any("token request body" in line for line in records.lines)
    assert any(json.loads(line).get("event") == "http request" for line in stderr if line.startswith("{"))
    assert_nothing_leaks(stderr + records.lines + [caplog.text], values)


async def exercise(client: httpx.AsyncClient, key: str, values: dict[str, str]) -> None:
    """Requests that carry the planted values in every place a client can put a credential, succeeding and failing."""
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    await client.post("/mcp", json=initialize, headers={**MCP_HEADERS, "authorization": f"Bearer {key}"})
    await client.post("/mcp", json=initialize, headers={**MCP_HEADERS, "x-api-key": key})
    await client.post(
        "/mcp", json=initialize, headers={**MCP_HEADERS, "authorization": f"Bearer {values['unknown bearer']}"}
    )
    await client.post("/mcp", json=initialize, headers={**MCP_HEADERS, "cookie": f"session={values['cookie']}"})
    await client.get("/api/metrics/prometheus", headers={"authorization": f"Bearer {key}"})
    await client.get("/oauth/xero/authorize", headers={"authorization": f"Bearer {key}", "accept": "application/json"})
    await client.post("/health", json={"password": values["unknown bearer"], "note": f"Bearer {values['cookie']}"})
    await call(client, key, "system-status", {})
    await call(client, key, "list-tools", {"category": values["unknown bearer"]})
    # Clients that put a credential the server knows in the URL path: the request line is logged with its path.
    # (A value the server has never seen and that has no credential shape cannot be recognised in free text; such
    # values are sent only in headers here, which are never logged.)
    known = {name: value for name, value in values.items() if name not in CLIENT_ONLY}
    for value in known.values():
        await client.get(f"/files/{value}")
    # What a library may log about a vendor request it made: headers, a form body, a settings dump.
    library = logging.getLogger("httpx")
    library.warning("request failed: %s", {"Authorization": f"Basic {values['xero client secret']}"})
    library.warning("token request body: client_id=planted-client&client_secret=%s", values["xero client secret"])
    structlog.get_logger("sentia_server.test").warning("vendor call", settings=known, text=" ".join(known.values()))


async def call(client: httpx.AsyncClient, key: str, tool: str, arguments: dict) -> httpx.Response:
    body = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    headers = {**MCP_HEADERS, "authorization": f"Bearer {key}", "mcp-protocol-version": "2025-06-18"}
    return await client.post("/mcp", json=body, headers=headers)


def test_planted_secrets_never_reach_the_stderr_of_a_server_process(tmp_path: Path):
    values = {
        "jwt secret": planted("jwt") + "Q9z",
        "xero client secret": planted("xero"),
        "openai api key": "sk-" + planted("openai"),
        "unknown bearer": planted("bearer"),
    }
    encryption = generate_key_line("k1")
    values["encryption key"] = encryption.split(":", 1)[1]
    closed = f"http://127.0.0.1:{free_port()}"
    env = server_env(
        tmp_path / "data",
        jwt_secret=values["jwt secret"],
        encryption_keys=encryption,
        log_level="DEBUG",
        xero__client_id="planted-client",
        xero__client_secret=values["xero client secret"],
        xero__identity_base_url=closed,
        xero__api_base_url=closed,
        openai__api_key=values["openai api key"],
        openai__base_url=closed,
    )
    key = create_key(env)
    values["api key"] = key
    with http_server(env, tmp_path) as server, httpx.Client(base_url=server.base_url, timeout=30) as client:
        headers = {**MCP_HEADERS, "mcp-protocol-version": "2025-06-18"}
        for credential in (key, values["unknown bearer"]):
            body = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "xero-get-contacts", "arguments": {}},
            }
            client.post("/mcp", json=body, headers={**headers, "authorization": f"Bearer {credential}"})
        client.post("/mcp", json={}, headers={**headers, "x-api-key": values["unknown bearer"]})
        client.get("/api/metrics/prometheus", headers={"authorization": f"Bearer {key}"})
        for name, value in values.items():  # a credential in the URL path reaches the request log line
            if name not in CLIENT_ONLY:
                client.get(f"/files/{value}")
    log = server.log()  # read after the process stopped, so that every line is written
    lines = log.splitlines()
    assert "credential refused" in log and "xero" in log
    # every planted value reached a log line (the request path) and was redacted there
    paths = [line for line in lines if '"path": "/files/' in line]
    assert len(paths) == len(values) - 1 and all('"path": "/files/[REDACTED]"' in line for line in paths), paths
    assert_nothing_leaks(lines, values)
