"""The README's quick-start samples work as written against a running server."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from support.processes import create_key, http_server

from sentia_server.cli import connection_banner

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()

pytestmark = pytest.mark.anyio


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_quick_start_is_exactly_make_run_and_make_test():
    [quick_start] = [block for block in code_blocks("sh") if "make run" in block]
    commands = [line.split("#")[0].strip() for line in quick_start.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


async def test_python_client_sample_calls_system_status(embedded_env, tmp_path):
    [sample] = code_blocks("python")
    key = create_key(embedded_env, role="operator")
    with http_server(embedded_env, tmp_path) as server:
        source = sample.replace("http://127.0.0.1:3001/mcp", server.mcp_url).replace("print(", "results.append(")
        namespace: dict[str, object] = {}
        exec(f"async def sample(key, results):\n{textwrap.indent(source, '    ')}", namespace)
        results: list[object] = []
        await namespace["sample"](key, results)
    [result] = results
    assert result.structured_content["status"] == "healthy"


def test_claude_desktop_sample_has_the_shape_dev_prints(make_settings):
    [sample] = code_blocks("json")
    documented = json.loads(sample)["mcpServers"]["sentia"]
    banner = connection_banner(make_settings(), "sentia_key")
    printed = json.loads(banner[banner.index("{") :])["mcpServers"]["sentia"]
    assert documented["args"] == printed["args"]
    assert set(documented["env"]) == set(printed["env"])
    assert Path(documented["command"]).name == Path(printed["command"]).name
