"""The locustfile of "Load-test your MCP server" in docs/testkit.md runs as written: a few seconds of Locust
against a small stateless MCP server, every tool call a success, the thresholds passed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.doc_samples import section_samples, section_text
from support.load import locust_env, totals
from support.processes import free_port, wait_for_health

SECTION = "## Load-test your MCP server"

SERVER = textwrap.dedent(
    """
    import sys

    import uvicorn
    from mcp.server.mcpserver import MCPServer
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Mount, Route

    server = MCPServer("inventory")


    @server.tool(description="Stock on hand for a SKU.")
    def stock(sku: str) -> int:
        return {"SEN-GIN-70": 12, "SEN-NAVY-70": 4, "SEN-PINK-70": 9}[sku]


    mcp = server.streamable_http_app(stateless_http=True, json_response=True)


    async def health(request):
        return JSONResponse({"status": "ok"})


    routes = [Route("/health", health), Mount("/", app=mcp)]
    app = Starlette(routes=routes, lifespan=lambda app: server.session_manager.run())
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
    """
)


@pytest.fixture
def inventory_server(tmp_path: Path) -> Iterator[str]:
    script = tmp_path / "inventory_server.py"
    script.write_text(SERVER)
    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(script), str(port)], stdout=log, stderr=subprocess.STDOUT, text=True
        )
    try:
        wait_for_health(f"http://127.0.0.1:{port}", process, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_section_has_a_locustfile_and_a_command():
    assert len(section_samples(SECTION)) == 1
    assert "locust -f locustfile.py --headless" in section_text(SECTION)


@pytest.mark.exclusive  # latency and the request count depend on the cores being free
def test_the_locustfile_runs_against_an_mcp_server(inventory_server: str, tmp_path: Path):
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(section_samples(SECTION)[0])
    env = locust_env(
        SENTIA_LOAD_PROFILE="smoke", SENTIA_LOAD_DURATION="3", SENTIA_LOAD_USERS="2", SENTIA_LOAD_MIN_REQUESTS="5"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(locustfile),
            "--headless",
            "--host",
            inventory_server,
            "--csv",
            str(tmp_path / "load"),
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run_totals = totals(tmp_path / "load_stats.csv")
    assert run_totals.requests >= 5
    assert run_totals.failures == 0, (tmp_path / "load_failures.csv").read_text()
    assert "load thresholds passed" in result.stderr
