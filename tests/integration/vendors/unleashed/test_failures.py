"""Vendor failures end in success or a clear tool error naming Unleashed, the status and what to do."""

from __future__ import annotations

import httpx
import pytest
from integration.vendors.unleashed.helpers import configure, registry, structured, text

from sentia_testkit.simulators import Fault
from sentia_testkit.simulators.server import SimulatorApp
from sentia_testkit.simulators.unleashed import API_KEY, UnleashedSimulator

pytestmark = pytest.mark.anyio
SUPPLIERS = "unleashed-get-suppliers"


async def test_a_429_with_retry_after_is_waited_out_and_the_call_succeeds(call, unleashed):
    unleashed.rate_limit("Suppliers", retry_after=0)
    result = structured(await call(SUPPLIERS, {"page_size": 2}))
    assert result["page"]["returned"] == 2
    assert len(list(unleashed.requests_to("Suppliers"))) == 2


async def test_a_lasting_429_is_a_tool_error_saying_when_to_try_again(call, unleashed):
    unleashed.rate_limit("Suppliers", retry_after=0, times=3)
    result = await call(SUPPLIERS, {"page_size": 3})
    assert result.is_error
    assert text(result).endswith("unleashed: rate limit exceeded (HTTP 429); try again in 0 s")


async def test_a_server_error_is_retried_and_a_lasting_one_is_a_tool_error(call, unleashed):
    unleashed.faults.server_error("Suppliers", status=502)
    assert not (await call(SUPPLIERS, {"page_size": 4})).is_error
    unleashed.faults.server_error("Suppliers", status=503, times=3)
    result = await call(SUPPLIERS, {"page_size": 5})
    assert result.is_error
    assert text(result).endswith("unleashed: had a server error (HTTP 503); try again later")


async def test_a_timeout_is_retried_and_a_lasting_one_is_a_tool_error(call, unleashed):
    unleashed.faults.timeout("Suppliers")
    assert not (await call(SUPPLIERS, {"page_size": 6})).is_error
    unleashed.faults.timeout("Suppliers", times=3)
    result = await call(SUPPLIERS, {"page_size": 7})
    assert result.is_error
    assert text(result).endswith(
        "unleashed: did not answer within 30 s; the vendor is slow or unreachable; try again later"
    )


async def test_a_malformed_body_is_a_tool_error_not_a_crash(call, unleashed, runtime):
    unleashed.faults.malformed("Suppliers")
    result = await call(SUPPLIERS, {"page_size": 8})
    assert result.is_error
    assert text(result).endswith(
        "unleashed: returned a body that is not valid JSON (HTTP 200); Unleashed may be having an incident; "
        "try again later"
    )
    rows = await runtime.tool_log.recent()
    assert (rows[0].tool, rows[0].status, rows[0].error_class) == (SUPPLIERS, "error", "VendorError")


async def test_a_401_is_answered_by_signing_again_once_and_the_call_succeeds(call, unleashed):
    """Unleashed credentials do not expire: the client's one refresh after a 401 signs the request again."""
    unleashed.faults.add("Suppliers", Fault(status=401, body=b'{"Description": "Unauthorized"}'))
    result = structured(await call(SUPPLIERS, {"page_size": 2}))
    assert result["page"]["returned"] == 2
    sent = list(unleashed.requests_to("Suppliers"))
    assert len(sent) == 2
    assert sent[0].headers["api-auth-signature"] == sent[1].headers["api-auth-signature"]


async def test_a_wrong_key_is_a_tool_error_that_names_the_settings_and_not_the_key(
    connect, principal, runtime, simulator
):
    configure(runtime, simulator, api_key="a-wrong-key")
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool(SUPPLIERS, {})
    assert result.is_error
    assert text(result).endswith(
        "unleashed: refused the request signature (HTTP 403); check that SENTIA_UNLEASHED__API_ID and "
        "SENTIA_UNLEASHED__API_KEY are the id and key of the same Unleashed company"
    )
    assert "a-wrong-key" not in text(result) and API_KEY not in text(result)


async def test_an_unconfigured_unleashed_names_the_settings_to_set(connect, principal, runtime):
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool("unleashed-get-inventory", {})
    assert result.is_error
    assert text(result).endswith("unleashed: not configured; set SENTIA_UNLEASHED__API_ID, SENTIA_UNLEASHED__API_KEY")


async def test_the_tools_work_against_the_simulator_running_as_a_server(connect, principal, runtime, monkeypatch):
    simulator = UnleashedSimulator()
    settings = simulator.server_settings("http://127.0.0.1:8900/unleashed")
    server = httpx.ASGITransport(app=SimulatorApp({"unleashed": simulator}))
    configure(runtime, simulator, transport=server, base_url=settings["SENTIA_UNLEASHED__BASE_URL"])
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool("unleashed-get-products", {"search": "Rhubarb & Hibiscus"})
    assert [p["code"] for p in structured(result)["products"]] == ["SEN-PINK-70"]
    assert [request.url.path for request in simulator.requests] == ["/Products/1", "/BillOfMaterials/1"]
