"""The SP-API client against the simulator: LWA token header without SigV4, usage plans, retries, token renewal,
Amazon's error bodies and report documents."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sentia_server.integrations.amazon import Marketplace, SellingPartnerClient, build_selling_partner_client
from sentia_server.integrations.amazon.errors import ads_error, describe_sp_api_errors, sp_api_error, sp_api_errors
from sentia_server.integrations.http import RateLimiter, VendorError
from sentia_server.integrations.settings import AmazonSellingPartnerSettings
from sentia_testkit.simulators.amazon import throttle as simulator_plans

pytestmark = pytest.mark.anyio


async def test_calls_carry_the_lwa_token_and_no_aws_signature(sp_client, sp_simulator):
    uk = sp_client.marketplace(Marketplace.UK)
    await sp_client.get_inventory_summaries(uk, skus=["SEN-GIN-70", "SEN-NA-70"])
    request = next(sp_simulator.requests_to("getInventorySummaries"))
    assert request.headers["x-amz-access-token"].startswith("Atza|")
    assert "authorization" not in request.headers
    assert request.url.params["sellerSkus"] == "SEN-GIN-70,SEN-NA-70"
    assert request.url.params["granularityId"] == request.url.params["marketplaceIds"] == "A1F83G8C2ARO7P"


async def test_a_next_token_is_sent_alone_as_amazon_requires(sp_client, sp_simulator):
    uk = sp_client.marketplace(Marketplace.UK)
    first = await sp_client.get_orders(uk, created_after="2020-01-01T00:00:00Z", max_results=2, statuses=["Shipped"])
    await sp_client.get_orders(uk, next_token=first["NextToken"])
    sent = [request.url.params for request in sp_simulator.requests_to("getOrders")]
    assert sent[0]["OrderStatuses"] == "Shipped" and sent[0]["MaxResultsPerPage"] == "2"
    assert dict(sent[1]) == {"MarketplaceIds": "A1F83G8C2ARO7P", "NextToken": first["NextToken"]}
    reports = await sp_client.get_reports(
        marketplace=uk,
        report_types=["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"],
        created_since="2020-01-01T00:00:00Z",
        page_size=1,
    )
    assert len(reports["reports"]) == 1 and "nextToken" not in reports
    with pytest.raises(VendorError, match="getReports refused: InvalidInput: Invalid nextToken"):
        await sp_client.get_reports(next_token="unknown")


async def test_the_announced_rate_limit_replaces_the_default_plan(sp_client, monkeypatch):
    monkeypatch.setitem(simulator_plans.USAGE_PLANS, "getInventorySummaries", (5.0, 2))
    await sp_client.get_inventory_summaries(sp_client.marketplace(Marketplace.UK))
    assert sp_client.throttle.bucket(sp_client.seller_id, "getInventorySummaries").plan.rate == 5.0


async def test_a_token_refused_as_expired_is_renewed_once(sp_client, sp_simulator):
    uk = sp_client.marketplace(Marketplace.UK)
    await sp_client.get_catalog_item(uk, "B0D7SNTG70")
    sp_simulator.expire_tokens()
    item = await sp_client.get_catalog_item(uk, "B0D7SNTG70", included_data=["summaries"])
    assert item["asin"] == "B0D7SNTG70"
    answers = [request.headers["x-amz-access-token"] for request in sp_simulator.requests_to("getCatalogItem")]
    assert len(answers) == 3 and answers[1] == answers[0] != answers[2]


async def test_a_403_that_is_not_about_the_token_is_not_retried(sp_client, sp_simulator):
    with pytest.raises(VendorError) as raised:
        await sp_client.call(
            "getListingsItem",
            "GET",
            "/listings/2021-08-01/items/AOTHERSELLER/SKU-1",
            params={"marketplaceIds": "A1F83G8C2ARO7P"},
        )
    assert str(raised.value) == (
        "amazon: getListingsItem refused: Unauthorized: Access to requested resource is denied. (The sellerId is "
        "not yours.) (HTTP 403); the seller has not granted this app the role the operation needs, or the token "
        "was refused"
    )
    assert len(list(sp_simulator.requests_to("lwa-token"))) == 1


async def test_amazons_validation_errors_are_surfaced_by_code_and_message(sp_client):
    with pytest.raises(VendorError) as raised:
        await sp_client.call("getOrders", "GET", "/orders/v0/orders", params={"MarketplaceIds": "A1F83G8C2ARO7P"})
    assert str(raised.value) == (
        "amazon: getOrders refused: InvalidInput: Exactly one of CreatedAfter or LastUpdatedAfter must be "
        "specified. (HTTP 400); correct the request as the message says"
    )


async def test_listing_skus_are_escaped_in_the_path(sp_client, sp_simulator):
    with pytest.raises(VendorError, match=r"\(HTTP 404\)"):
        await sp_client.get_listings_item(sp_client.marketplace(Marketplace.UK), "GIN 70+CL")
    assert next(sp_simulator.requests_to("getListingsItem")).url.raw_path.startswith(
        b"/listings/2021-08-01/items/A3SENTIA7DRNKS/GIN%2070%2BCL?"
    )


async def test_report_documents_are_downloaded_without_the_token_and_expire(sp_client, sp_simulator):
    uk = sp_client.marketplace(Marketplace.UK)
    report_id = await sp_client.create_report(
        uk, "GET_AFN_INVENTORY_DATA", data_start_time="2020-01-01T00:00:00Z", data_end_time="2030-01-01T00:00:00Z"
    )
    for _ in range(2):
        report = await sp_client.get_report(report_id)
    document = await sp_client.get_report_document(report["reportDocumentId"])
    text = await sp_client.download_document(document)
    assert text.splitlines()[0].split("\t")[0] == "seller-sku"
    download = next(sp_simulator.requests_to("reportDocumentDownload"))
    assert "x-amz-access-token" not in download.headers
    sp_simulator.reports.urls.clear()  # the pre-signed URL has expired
    with pytest.raises(VendorError) as raised:
        await sp_client.download_document(document)
    assert str(raised.value) == (
        "amazon: the report document's download URL has expired or is gone (HTTP 403); download again: each URL "
        "is valid for five minutes"
    )
    with pytest.raises(VendorError, match="getReportDocument answered without a url"):
        await sp_client.download_document({"reportDocumentId": "x"})


async def test_uncompressed_and_windows_1252_documents_are_decoded(sp_simulator):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/o2/token":
            return sp_simulator.handle(request)
        if request.url.path == "/reports/2021-06-30/reports":
            return httpx.Response(202, json={"unexpected": True})
        return httpx.Response(200, content="sku\tname\nSEN-1\tM\xfcnchen\n".encode("cp1252"))

    client = SellingPartnerClient(
        AmazonSellingPartnerSettings(**sp_simulator.credentials), httpx.MockTransport(handler)
    )
    try:
        text = await client.download_document({"url": "https://bucket.s3.amazonaws.com/doc"})
        with pytest.raises(VendorError, match=r"^amazon: createReport answered without a reportId \(HTTP 202\)"):
            await client.create_report(client.marketplace(Marketplace.UK), "GET_AFN_INVENTORY_DATA")
    finally:
        await client.aclose()
    assert text.splitlines()[1] == "SEN-1\tMünchen"


async def test_the_factory_needs_configured_settings():
    with pytest.raises(ValueError, match="must be configured"):
        SellingPartnerClient(AmazonSellingPartnerSettings())
    with pytest.raises(ValueError, match="must be configured"):
        SellingPartnerClient(AmazonSellingPartnerSettings(seller_id="A1", lwa_client_id="x"))
    client = build_selling_partner_client(
        AmazonSellingPartnerSettings(
            seller_id="A1", lwa_client_id="x", lwa_client_secret="s", refresh_token="r", region="na"
        ),
        None,
        RateLimiter(),
    )
    try:
        assert str(client.http.client.base_url) == "https://sellingpartnerapi-na.amazon.com"
    finally:
        await client.aclose()


def response(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body) if not isinstance(body, str) else httpx.Response(status, text=body)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            503,
            {"errors": [{"code": "ServiceUnavailable", "message": "Try later"}]},
            "amazon: getOrders failed: ServiceUnavailable: Try later (HTTP 503); try again later",
        ),
        (413, "", "amazon: getOrders refused: (empty body) (HTTP 413); ask for less data at once"),
        (418, "teapot", "amazon: getOrders refused: teapot (HTTP 418)"),
    ],
)
def test_sp_api_errors_are_described_from_the_body(status, body, expected):
    assert str(sp_api_error("amazon", "getOrders", response(status, body))) == expected


def test_sp_api_error_entries_are_read_defensively():
    assert sp_api_errors({"errors": [{"code": "X", "message": "m", "details": ""}, "junk"]}) == [
        {"code": "X", "message": "m"}
    ]
    assert sp_api_errors(["not", "a", "body"]) == []
    assert describe_sp_api_errors([{}]) == "Error: no message"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            400,
            {"code": "BAD_REQUEST", "message": "bad"},
            "amazon_ads: list refused: BAD_REQUEST: bad (HTTP 400); correct the request as the message says",
        ),
        (
            500,
            {"code": "INTERNAL_ERROR"},
            "amazon_ads: list failed: INTERNAL_ERROR: no details (HTTP 500); try again later",
        ),
        (
            422,
            "unprocessable",
            "amazon_ads: list refused: unprocessable (HTTP 422); correct the request as the message says",
        ),
    ],
)
def test_ads_errors_are_described_from_the_body(status, body, expected):
    assert str(ads_error("amazon_ads", "list", response(status, body))) == expected
