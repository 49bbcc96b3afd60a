"""`serve --transport http` runs on uvloop and httptools when they are installed, and still runs without them."""

from __future__ import annotations

import importlib.util

import pytest
import uvicorn

from sentia_server import cli


def test_the_fast_implementations_are_chosen_when_installed():
    assert cli.uvicorn_implementations() == ("uvloop", "httptools")


def test_the_standard_ones_are_used_when_they_are_missing(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert cli.uvicorn_implementations() == ("asyncio", "h11")


def test_the_http_server_is_configured_with_them(monkeypatch: pytest.MonkeyPatch, make_settings):
    seen: list[uvicorn.Config] = []
    monkeypatch.setattr(cli, "_run", lambda function: lambda *args: None)  # no preflight start
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: seen.append(server.config))
    cli._serve_http(make_settings())
    [config] = seen
    assert (config.loop, config.http, config.workers, config.access_log) == ("uvloop", "httptools", 1, False)


def test_idle_connections_stay_open_as_long_as_configured(monkeypatch: pytest.MonkeyPatch, make_settings):
    seen: list[uvicorn.Config] = []
    monkeypatch.setattr(cli, "_run", lambda function: lambda *args: None)
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: seen.append(server.config))
    cli._serve_http(make_settings())
    cli._serve_http(make_settings(http_keep_alive_seconds=120))
    assert [config.timeout_keep_alive for config in seen] == [75, 120]
