"""`make run` runs `sentia-server dev`: it migrates, keeps a development key, prints how to connect, and serves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from support.processes import http_server, run_cli

pytestmark = pytest.mark.anyio


def banner_key(log: str) -> str:
    match = re.search(r"Development API key \(admin\):\s+(\S+)", log)
    assert match, log
    return match.group(1)


def claude_desktop_config(log: str) -> dict:
    start = log.index('{\n  "mcpServers"')
    return json.loads(log[start : log.index("\n}\n", start) + 2])


async def test_dev_prints_a_working_key_url_and_claude_desktop_config(embedded_env, tmp_path: Path):
    with http_server(embedded_env, tmp_path, "dev") as server:
        log = server.log()
        key = banner_key(log)
        assert f"MCP endpoint (Streamable HTTP): {server.mcp_url}" in log
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}) as http,
            Client(streamable_http_client(server.mcp_url, http_client=http)) as client,
        ):
            status = await client.call_tool("system-status", {})
    assert status.structured_content["environment"] == "development"
    config = claude_desktop_config(log)["mcpServers"]["sentia"]
    assert Path(config["command"]).name == "sentia-server"
    assert Path(config["command"]).exists()
    assert config["args"] == ["serve", "--transport", "stdio"]
    assert config["env"]["SENTIA_API_KEY"] == key
    key_file = Path(embedded_env["SENTIA_DATA_DIR"]) / "dev-api-key"
    assert key_file.read_text().strip() == key
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_dev_reuses_its_key_and_replaces_a_revoked_one(embedded_env, tmp_path: Path):
    with http_server(embedded_env, tmp_path, "dev") as first:
        key = banner_key(first.log())
    with http_server(embedded_env, tmp_path, "dev") as second:
        assert banner_key(second.log()) == key
    run_cli("keys", "revoke", key.split("_")[1], env=embedded_env)
    with http_server(embedded_env, tmp_path, "dev") as third:
        assert banner_key(third.log()) != key


def test_dev_refuses_production(embedded_env):
    env = {
        **embedded_env,
        "SENTIA_ENVIRONMENT": "production",
        "SENTIA_JWT_SECRET": "Wm4-Tq8zPx2Ln7Rk5Vb9Hc1Jd6Fg3Ys0",
        "SENTIA_API_KEY_HASH_KEY": "Hq7-Wn3zLx8Kp2Rv5Tb9Mc1Jd6Fg4Ys0Ae",
    }
    result = run_cli("dev", env=env)
    assert result.returncode == 1
    assert "`dev` is for local development" in result.stderr
