"""`sentia-server serve --transport stdio`, as Claude Desktop runs it: stdout carries JSON-RPC and nothing else."""

from __future__ import annotations

import json
import subprocess

import pytest
from mcp import Client, StdioServerParameters
from support.processes import SENTIA_SERVER, create_key, run_cli

from sentia_server.auth.permissions import rbac_matrix
from sentia_server.mcp import default_registry

pytestmark = pytest.mark.anyio


async def test_official_client_over_stdio(env):
    key = create_key(env, role="operator")
    parameters = StdioServerParameters(
        command=SENTIA_SERVER, args=["serve", "--transport", "stdio"], env={**env, "SENTIA_API_KEY": key}
    )
    async with Client(parameters) as client:
        tools = await client.list_tools()
        status = await client.call_tool("system-status", {"include_vendors": False})
    # An operator is offered the tools its role may call (docs/security.md, "Authorization").
    assert {tool.name for tool in tools.tools} == {
        tool for tool, by_role in rbac_matrix().items() if by_role["operator"]
    }
    assert status.structured_content["status"] == "healthy"


def test_stdout_carries_only_json_rpc(embedded_env):
    key = create_key(embedded_env)
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "list-tools", "arguments": {}}},
        {
            "jsonrpc": "2.0",
            "id": 4,
            "method": "tools/call",
            "params": {"name": "list-tools", "arguments": {"category": 7}},
        },
    ]
    process = subprocess.Popen(
        [SENTIA_SERVER, "serve", "--transport", "stdio"],
        env={**embedded_env, "SENTIA_API_KEY": key, "SENTIA_LOG_LEVEL": "DEBUG"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    lines = []
    for message in messages:
        process.stdin.write(json.dumps(message) + "\n")
        process.stdin.flush()
        if "id" in message:
            lines.append(process.stdout.readline())
    rest, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert rest == ""
    responses = [json.loads(line) for line in lines]
    assert all(response["jsonrpc"] == "2.0" for response in responses)
    assert [response["id"] for response in responses] == [1, 2, 3, 4]
    assert responses[2]["result"]["structuredContent"]["total"] == len(default_registry())
    assert responses[3]["result"]["isError"] is True
    assert "category: Input should be 'system'" in responses[3]["result"]["content"][0]["text"]
    assert "http request" not in stderr and stderr.strip()  # logs went to stderr
    assert key not in stderr


def test_stdio_without_a_credential_refuses_to_start(embedded_env):
    result = run_cli("serve", "--transport", "stdio", env=embedded_env, stdin="")
    assert result.returncode == 3
    assert result.stdout == ""
    assert "the stdio transport needs a credential: set SENTIA_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_stdio_with_a_revoked_key_refuses_to_start(embedded_env):
    key = create_key(embedded_env)
    assert run_cli("keys", "revoke", key.split("_")[1], env=embedded_env).returncode == 0
    result = run_cli("serve", "--transport", "stdio", env={**embedded_env, "SENTIA_API_KEY": key}, stdin="")
    assert result.returncode == 3
    assert "SENTIA_API_KEY is not a valid API key or JWT" in result.stderr
    assert result.stdout == ""
