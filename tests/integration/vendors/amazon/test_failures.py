"""How the Amazon tools fail or recover: not configured, throttled, server errors, timeouts, malformed bodies,
expired tokens, refused credentials and unusable reports. Each ends in success or a tool error that names the
vendor, the status and what to do."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from mcp import Client

from sentia_server.integrations.amazon import build_selling_partner_client
from sentia_server.integrations.settings import AmazonSellingPartnerSettings
from sentia_server.runtime import Runtime
from sentia_testkit.simulators.amazon import SellingPartnerSimulator

pytestmark = pytest.mark.anyio


async def error_of(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    text: str = result.content[0].text
    return text.removeprefix(f"Error executing tool {tool}: ")


async def succeeds(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    structured: dict[str, Any] = result.structured_content
    return structured


async def test_unconfigured_amazon_vendors_name_the_settings_to_set(connect, principal, registry):
    async with connect(principal(), registry=registry) as client:
        orders = await error_of(client, "amazon-get-orders", {})
        ads = await error_of(client, "amazon-advertising-data", {"data_type": "campaigns"})
    assert orders == (
        "amazon: not configured; set SENTIA_AMAZON__LWA_CLIENT_ID, SENTIA_AMAZON__LWA_CLIENT_SECRET, "
        "SENTIA_AMAZON__REFRESH_TOKEN, SENTIA_AMAZON__SELLER_ID"
    )
    assert ads == (
        "amazon_ads: not configured; set SENTIA_AMAZON_ADS__CLIENT_ID, SENTIA_AMAZON_ADS__CLIENT_SECRET, "
        "SENTIA_AMAZON_ADS__REFRESH_TOKEN, SENTIA_AMAZON_ADS__PROFILE_ID"
    )


async def test_a_429_with_retry_after_is_waited_out_and_retried(mcp_client, sp_simulator, ads_simulator):
    sp_simulator.faults.rate_limit("getInventorySummaries", retry_after=0.05)
    ads_simulator.faults.rate_limit("list-campaigns", retry_after=0.05)
    inventory = await succeeds(mcp_client, "amazon-get-inventory", {})
    campaigns = await succeeds(mcp_client, "amazon-advertising-data", {"data_type": "campaigns"})
    assert inventory["items"] and campaigns["campaigns"]
    assert len(list(sp_simulator.requests_to("getInventorySummaries"))) == 2
    assert len(list(ads_simulator.requests_to("list-campaigns"))) == 2


async def test_amazons_own_throttling_is_retried_after_the_usage_plans_refill_time(mcp_client, sp_simulator):
    seller = sp_simulator.credentials["seller_id"]
    while sp_simulator.usage_plans.allow(seller, "getInventorySummaries"):
        pass  # another client spent the seller's whole burst
    result = await succeeds(mcp_client, "amazon-get-inventory", {})
    assert result["items"]
    statuses = list(sp_simulator.requests_to("getInventorySummaries"))
    assert len(statuses) == 2


async def test_persistent_throttling_is_a_tool_error_with_the_usage_plan(mcp_client, sp_simulator):
    sp_simulator.faults.rate_limit("getListingsItem", retry_after=0.01, times=4)
    text = await error_of(mcp_client, "amazon-get-products", {"sku": "SEN-GIN-70"})
    assert text == (
        "amazon: getListingsItem was throttled by Amazon (QuotaExceeded; usage plan 5 requests/s, burst 10) "
        "(HTTP 429); try again in 1 s"
    )


async def test_the_client_side_usage_plan_refuses_calls_it_cannot_wait_for(mcp_client, runtime: Runtime):
    client = runtime.vendors.get("amazon", build_selling_partner_client)
    client.throttle.bucket(client.seller_id, "getOrders").tokens = 0.0
    text = await error_of(mcp_client, "amazon-get-orders", {})
    assert text == (
        "amazon: getOrders is at its usage plan (0.0167 requests/s, burst 20); not sent to spare the seller's "
        "quota; try again in 60 s"
    )


async def test_a_server_error_is_retried_then_reported(mcp_client, sp_simulator, ads_simulator):
    sp_simulator.faults.server_error("getOrders", status=503)
    recovered = await succeeds(mcp_client, "amazon-get-orders", {"include_items": False})
    assert recovered["orders"]
    sp_simulator.faults.server_error("getOrders", status=500, times=3)
    text = await error_of(mcp_client, "amazon-get-orders", {"include_items": False, "max_results": 7})
    assert text == "amazon: had a server error (HTTP 500); try again later"
    ads_simulator.faults.server_error("list-keywords", status=502, times=3)
    ads = await error_of(mcp_client, "amazon-advertising-data", {"data_type": "keywords"})
    assert ads == "amazon_ads: had a server error (HTTP 502); try again later"


async def test_a_timeout_is_retried_then_reported(mcp_client, sp_simulator):
    sp_simulator.faults.timeout("getCatalogItem")
    assert (await succeeds(mcp_client, "amazon-get-products", {"asin": "B0D7SNTG70"}))["products"]
    sp_simulator.faults.timeout("getCatalogItem", times=3)
    text = await error_of(mcp_client, "amazon-get-products", {"asin": "B0D7SNTB10"})
    assert text == "amazon: did not answer within 30 s; the vendor is slow or unreachable; try again later"


async def test_a_malformed_body_is_a_clear_error(mcp_client, sp_simulator, ads_simulator):
    sp_simulator.faults.malformed("getOrders")
    text = await error_of(mcp_client, "amazon-get-orders", {})
    assert text == (
        "amazon: getOrders returned a body that is not valid JSON (HTTP 200); Amazon may be having an incident; "
        "try again later"
    )
    ads_simulator.faults.malformed("list-adGroups")
    ads = await error_of(mcp_client, "amazon-advertising-data", {"data_type": "ad_groups"})
    assert ads.startswith("amazon_ads: list adGroups returned a body that is not valid JSON (HTTP 200)")


async def test_an_expired_access_token_is_refreshed_once(mcp_client, sp_simulator, ads_simulator):
    await succeeds(mcp_client, "amazon-get-inventory", {})
    await succeeds(mcp_client, "amazon-advertising-data", {"data_type": "campaigns"})
    sp_simulator.expire_tokens()
    ads_simulator.expire_tokens()
    assert (await succeeds(mcp_client, "amazon-get-inventory", {"skus": ["SEN-GIN-70"]}))["items"]
    assert (await succeeds(mcp_client, "amazon-advertising-data", {"data_type": "ad_groups"}))["ad_groups"]
    assert len(list(sp_simulator.requests_to("lwa-token"))) == 2
    assert len(list(ads_simulator.requests_to("lwa-token"))) == 2


async def test_refused_credentials_say_which_settings_to_check(
    connect, principal, registry, runtime: Runtime, sp_simulator: SellingPartnerSimulator
):
    credentials = {**sp_simulator.credentials, "refresh_token": "Atzr|revoked"}
    runtime.vendors._settings = runtime.settings.model_copy(
        update={"amazon": AmazonSellingPartnerSettings(**credentials)}
    )
    runtime.vendors.transports["amazon"] = sp_simulator.transport()
    async with connect(principal(), registry=registry) as client:
        text = await error_of(client, "amazon-get-inventory", {})
    assert text == (
        "amazon: Login with Amazon refused the token request (invalid_grant: The request has an invalid grant "
        "parameter : refresh_token) (HTTP 400); check SENTIA_AMAZON__* client id, client secret and refresh token, "
        "or re-authorise the app"
    )


async def test_a_marketplace_outside_the_configured_region_is_refused(mcp_client):
    text = await error_of(mcp_client, "amazon-get-orders", {"marketplace": "us"})
    assert text == (
        "amazon: marketplace us (ATVPDKIKX0DER) is in the na region, but the configured region is eu; use one of: "
        "uk, de; or configure the na region's credentials"
    )


async def test_a_fatal_report_is_an_error_and_a_non_tabular_document_comes_back_as_text(mcp_client, sp_simulator):
    listed = await succeeds(
        mcp_client,
        "amazon-get-reports",
        {"action": "list", "report_types": ["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"]},
    )
    settlement = listed["reports"][0]
    document = sp_simulator.reports.documents[settlement["report_document_id"]]
    document.content = gzip.compress(b"<?xml version='1.0'?><AmazonEnvelope><Message/></AmazonEnvelope>")
    text = await succeeds(
        mcp_client, "amazon-get-reports", {"action": "download", "report_id": settlement["report_id"]}
    )
    assert text["text"].startswith("<?xml") and text["rows"] == [] and text["note"] is None
    document.content = b"not gzip"
    broken = await error_of(
        mcp_client, "amazon-get-reports", {"action": "download", "report_id": settlement["report_id"]}
    )
    assert broken == "amazon: the report document is not valid GZIP data; download the report again"
    sp_simulator.reports.reports[settlement["report_id"]]["processingStatus"] = "FATAL"
    status = await succeeds(
        mcp_client, "amazon-get-reports", {"action": "status", "report_id": settlement["report_id"]}
    )
    assert status["note"] == "Amazon could not build this report: create it again, perhaps for a shorter period"
    fatal = await error_of(
        mcp_client, "amazon-get-reports", {"action": "download", "report_id": settlement["report_id"]}
    )
    assert fatal == (
        f"amazon: report {settlement['report_id']} ended FATAL; CANCELLED means there was no data for the period; "
        "FATAL means Amazon could not build it: create it again, perhaps for a shorter period"
    )


async def test_a_failed_ads_report_is_an_error(mcp_client, ads_simulator):
    pending = await succeeds(
        mcp_client, "amazon-advertising-data", {"data_type": "campaign_performance", "wait_seconds": 0}
    )
    report = ads_simulator.backend.reports[pending["performance"]["report_id"]]
    report.update(status="FAILED", failureReason="Report generation failed due to an internal error")
    text = await error_of(
        mcp_client,
        "amazon-advertising-data",
        {"data_type": "campaign_performance", "report_id": report["reportId"]},
    )
    assert text == (
        f"amazon_ads: report {report['reportId']} failed: Report generation failed due to an internal error; "
        "create the report again, perhaps for a shorter period"
    )


async def test_tool_results_are_trimmed_to_the_response_budget(mcp_client, runtime: Runtime, sp_simulator):
    runtime.settings.tool_response_budget_bytes = 10_000
    result = await succeeds(
        mcp_client, "amazon-get-orders", {"max_results": 100, "created_after": "2020-01-01T00:00:00Z"}
    )
    assert result["page"]["truncated"] is True and result["page"]["has_more"] is True
    assert result["page"]["truncated_reason"].endswith("response budget; ask for a smaller page or narrow the filters")
    assert result["summary"]["orders"] > len(result["orders"])
