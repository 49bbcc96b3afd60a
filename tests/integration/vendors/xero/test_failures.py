"""Vendor failures end in success or a clear tool error naming Xero, the status and what to do."""

from __future__ import annotations

import httpx
import pytest
from integration.vendors.xero.helpers import configure, registry, structured, text

from sentia_testkit.simulators.server import SimulatorApp
from sentia_testkit.simulators.xero import XeroSimulator

pytestmark = pytest.mark.anyio
CONTACTS = "xero-get-contacts"


async def test_a_429_with_retry_after_is_waited_out_and_the_call_succeeds(call, xero, uk, clock):
    xero.rate_limit("getContacts", problem="minute", retry_after=2)
    started = clock.now
    result = structured(await call(CONTACTS, {"tenant_id": uk, "page_size": 2}))
    assert len(result["contacts"]) == 2
    assert clock.now - started == 2  # the client waited exactly Retry-After
    assert len(list(xero.requests_to("getContacts"))) == 2


async def test_a_daily_limit_429_is_a_tool_error_with_the_wait(call, xero, uk):
    xero.rate_limit("getContacts", problem="day", retry_after=7200)
    result = await call(CONTACTS, {"tenant_id": uk})
    assert result.is_error
    assert text(result).endswith(
        f"xero: rate limit reached for organisation {uk} (per-organisation limit of 5000 calls a day) (HTTP 429); "
        "try again in 7200 s"
    )


async def test_a_server_error_is_retried_and_a_lasting_one_is_a_tool_error(call, xero, uk):
    xero.faults.server_error("getContacts", status=502)
    assert not (await call(CONTACTS, {"tenant_id": uk, "page_size": 3})).is_error
    xero.faults.server_error("getContacts", status=503, times=3)
    result = await call(CONTACTS, {"tenant_id": uk, "page_size": 4})
    assert result.is_error
    assert text(result).endswith("xero: had a server error (HTTP 503); try again later")


async def test_a_timeout_is_retried_and_a_lasting_one_is_a_tool_error(call, xero, uk):
    xero.faults.timeout("getContacts")
    assert not (await call(CONTACTS, {"tenant_id": uk, "page_size": 5})).is_error
    xero.faults.timeout("getContacts", times=3)
    result = await call(CONTACTS, {"tenant_id": uk, "page_size": 6})
    assert result.is_error
    assert text(result).endswith("xero: did not answer within 30 s; the vendor is slow or unreachable; try again later")


async def test_a_malformed_body_is_a_tool_error_not_a_crash(call, xero, uk, runtime):
    xero.faults.malformed("getContacts")
    result = await call(CONTACTS, {"tenant_id": uk, "page_size": 7})
    assert result.is_error
    assert text(result).endswith(
        "xero: returned a body that is not valid JSON (HTTP 200); Xero may be having an incident; try again later"
    )
    rows = await runtime.tool_log.recent()
    assert (rows[0].tool, rows[0].status, rows[0].error_class) == (CONTACTS, "error", "VendorError")


async def test_an_expired_token_is_refreshed_once_and_the_call_succeeds(call, xero, uk, clock):
    assert not (await call(CONTACTS, {"tenant_id": uk, "page_size": 1})).is_error
    clock.advance(60)
    xero.expire_tokens()
    result = structured(await call(CONTACTS, {"tenant_id": uk, "page_size": 8}))
    assert len(result["contacts"]) == 8
    assert len(list(xero.requests_to("token"))) == 2


async def test_credentials_xero_refuses_are_a_tool_error_that_says_what_to_check(
    connect, principal, runtime, simulator, clock
):
    configure(runtime, simulator, clock, client_secret="not-the-secret")
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool(CONTACTS, {})
    assert result.is_error
    assert text(result).endswith(
        "xero: the identity service refused the client_credentials grant (invalid_client) (HTTP 400); "
        "check SENTIA_XERO__CLIENT_ID and SENTIA_XERO__CLIENT_SECRET"
    )
    assert "not-the-secret" not in text(result)


async def test_an_unconfigured_xero_names_the_settings_to_set(connect, principal, runtime):
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool("xero-get-invoices", {})
    assert result.is_error
    assert text(result).endswith("xero: not configured; set SENTIA_XERO__CLIENT_ID, SENTIA_XERO__CLIENT_SECRET")


async def test_the_tools_work_against_the_simulator_running_as_a_server(
    connect, principal, runtime, clock, monkeypatch, make_settings
):
    simulator = XeroSimulator(clock=clock)
    server = httpx.ASGITransport(app=SimulatorApp({"xero": simulator}))
    for name, value in simulator.server_settings("http://127.0.0.1:8900/xero").items():
        monkeypatch.setenv(name, value)
    configure(runtime, simulator, clock, transport=server, **make_settings().xero.model_dump())
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool(
            "xero-get-invoices", {"tenant_id": simulator.tenant_named("Sentia Spirits Ltd").tenant_id, "page_size": 2}
        )
    assert structured(result)["page"]["returned"] == 2
    assert [request.url.path for request in simulator.requests][:3] == [
        "/connect/token",
        "/connections",
        "/api.xro/2.0/Invoices",
    ]
