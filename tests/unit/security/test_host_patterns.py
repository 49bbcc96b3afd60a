"""The allowlist patterns shared by the Host/Origin check and CORS."""

from __future__ import annotations

import pytest

from sentia_server.security.hosts import allowlist_pattern

PATTERN = allowlist_pattern(["127.0.0.1:*", "mcp.example.com", "http://localhost:*"])


@pytest.mark.parametrize(
    "value", ["127.0.0.1:3001", "127.0.0.1", "MCP.example.com", "http://localhost:5173", "http://localhost"]
)
def test_allowed(value: str):
    assert PATTERN.match(value)


@pytest.mark.parametrize(
    "value",
    [
        "127.0.0.1:abc",
        "127.0.0.1:3001.evil.com",
        "mcp.example.com.evil.com",
        "xmcp.example.com",
        "http://localhost:1:2",
        "127a0a0a1:80",
    ],
)
def test_refused(value: str):
    assert not PATTERN.match(value)


def test_an_empty_list_allows_nothing():
    assert not allowlist_pattern([]).match("")
