"""manufacturing-working-capital when Xero fails: each failure ends in success or a clear tool error naming Xero,
the status and what to do."""

from __future__ import annotations

import pytest
from integration.manufacturing.helpers import registry, structured, text

pytestmark = pytest.mark.anyio
TOOL = "manufacturing-working-capital"
PERIOD = {"from_date": "2025-11-01", "to_date": "2026-10-31"}


async def test_a_429_with_retry_after_is_waited_out_and_the_call_succeeds(call, xero, uk, clock):
    xero.rate_limit("getReport", problem="minute", retry_after=3)
    started = clock.now
    result = structured(await call(TOOL, {"tenant_id": uk, **PERIOD}))
    assert result["cycle"]["period_days"] == 365
    assert clock.now - started == 3
    assert len(list(xero.requests_to("getReport"))) == 3  # the refused BalanceSheet, again, then ProfitAndLoss


async def test_a_server_error_is_retried_and_a_lasting_one_is_a_tool_error(call, xero, uk):
    xero.faults.server_error("getReport", status=502)
    assert not (await call(TOOL, {"tenant_id": uk, **PERIOD})).is_error
    xero.faults.server_error("getReport", status=503, times=3)
    result = await call(TOOL, {"tenant_id": uk, "from_date": "2025-10-01", "to_date": "2026-09-30"})
    assert result.is_error
    assert text(result).endswith("xero: had a server error (HTTP 503); try again later")


async def test_a_timeout_is_retried_and_a_lasting_one_is_a_tool_error(call, xero, uk):
    xero.faults.timeout("getAccounts")
    assert not (await call(TOOL, {"tenant_id": uk, **PERIOD})).is_error
    xero.faults.timeout("getAccounts", times=3)
    result = await call(TOOL, {"tenant_id": uk, "from_date": "2025-10-01", "to_date": "2026-09-30"})
    assert result.is_error
    assert text(result).endswith("xero: did not answer within 30 s; the vendor is slow or unreachable; try again later")


async def test_a_malformed_body_is_a_tool_error_not_a_crash(call, xero, uk, runtime):
    xero.faults.malformed("getReport")
    result = await call(TOOL, {"tenant_id": uk, **PERIOD})
    assert result.is_error
    assert text(result).endswith(
        "xero: returned a body that is not valid JSON (HTTP 200); Xero may be having an incident; try again later"
    )
    rows = await runtime.tool_log.recent()
    assert (rows[0].tool, rows[0].status, rows[0].error_class) == (TOOL, "error", "VendorError")


async def test_an_expired_token_is_refreshed_once_and_the_call_succeeds(call, xero, uk, clock):
    assert not (await call(TOOL, {"tenant_id": uk, **PERIOD})).is_error
    clock.advance(60)
    xero.expire_tokens()
    result = structured(await call(TOOL, {"tenant_id": uk, "from_date": "2025-10-01", "to_date": "2026-09-30"}))
    assert result["cycle"]["period_to"] == "2026-09-30"
    assert len(list(xero.requests_to("token"))) == 2


async def test_an_unconfigured_xero_names_the_settings_to_set(connect, principal, runtime):
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool(TOOL, {})
    assert result.is_error
    assert text(result).endswith("xero: not configured; set SENTIA_XERO__CLIENT_ID, SENTIA_XERO__CLIENT_SECRET")


@pytest.fixture
def backend_settings(make_settings):
    """Xero's failures do not depend on the database or cache, so these run on the embedded defaults only."""
    return make_settings()
