"""The Amazon Ads client against the simulator: its three headers, vendor media types, nextToken paging, v3
reports and their GZIP JSON files."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sentia_server.integrations.amazon import AdsClient, build_ads_client
from sentia_server.integrations.amazon.ads import SP_MEDIA_TYPES
from sentia_server.integrations.http import RateLimiter, VendorError
from sentia_server.integrations.settings import AmazonAdsSettings

pytestmark = pytest.mark.anyio


async def test_list_calls_carry_the_bearer_token_client_id_scope_and_media_type(ads_client, ads_simulator):
    page = await ads_client.list_sp("keywords", {"matchTypeFilter": ["EXACT"]}, max_results=2, next_token=None)
    rest = await ads_client.list_sp(
        "keywords", {"matchTypeFilter": ["EXACT"]}, max_results=2, next_token=page["nextToken"]
    )
    assert page["totalResults"] == 6 and len(page["keywords"]) == 2 and len(rest["keywords"]) == 2
    request = next(ads_simulator.requests_to("list-keywords"))
    credentials = ads_simulator.credentials
    assert request.headers["authorization"].startswith("Bearer Atza|")
    assert request.headers["amazon-advertising-api-clientid"] == credentials["client_id"]
    assert request.headers["amazon-advertising-api-scope"] == credentials["profile_id"]
    assert request.headers["content-type"] == request.headers["accept"] == SP_MEDIA_TYPES["keywords"]


async def test_a_wrong_media_type_or_body_is_refused_in_amazons_shape(ads_client):
    with pytest.raises(VendorError) as raised:
        await ads_client.call(
            "list campaigns", "POST", "/sp/campaigns/list", json_body={}, media_type="application/json"
        )
    assert str(raised.value) == (
        "amazon_ads: list campaigns refused: UNSUPPORTED_MEDIA_TYPE: Content-Type must be "
        "application/vnd.spCampaign.v3+json (HTTP 415); the request's content type was refused"
    )
    with pytest.raises(VendorError, match=r"BAD_REQUEST: Unknown fields: colour \(HTTP 400\)"):
        await ads_client.list_sp("campaigns", {"colour": "red"}, max_results=10, next_token=None)


async def test_an_expired_token_is_refreshed_on_the_401(ads_client, ads_simulator):
    await ads_client.list_sp("campaigns", {}, max_results=10, next_token=None)
    ads_simulator.expire_tokens()
    assert (await ads_client.list_sp("adGroups", {}, max_results=10, next_token=None))["adGroups"]
    assert len(list(ads_simulator.requests_to("lwa-token"))) == 2


async def test_reports_are_created_polled_and_downloaded(ads_client, ads_simulator):
    end = datetime.now(UTC).date() - timedelta(days=1)
    created = await ads_client.create_report(
        name="weekly",
        start_date=(end - timedelta(days=6)).isoformat(),
        end_date=end.isoformat(),
        report_type="spCampaigns",
        group_by=["campaign"],
        columns=["campaignId", "impressions"],
        time_unit="SUMMARY",
        filters=[{"field": "campaignStatus", "values": ["ENABLED"]}],
    )
    request = next(ads_simulator.requests_to("createReport"))
    assert request.headers["content-type"] == "application/vnd.createasyncreportrequest.v3+json"
    assert created["status"] == "PENDING"
    for _ in range(2):
        report = await ads_client.get_report(created["reportId"])
    assert report["status"] == "COMPLETED"
    rows = await ads_client.download_report(report["url"])
    assert rows and set(rows[0]) == {"campaignId", "impressions"}
    assert "authorization" not in next(ads_simulator.requests_to("reportDownload")).headers


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            httpx.Response(404, text="<Error/>"),
            "amazon_ads: the report file's download URL has expired or is gone (HTTP 404)",
        ),
        (httpx.Response(200, content=b"plain"), "amazon_ads: the report file is not GZIP JSON"),
        (httpx.Response(200, content=gzip.compress(b'{"rows": 1}')), "amazon_ads: the report file is not a JSON array"),
    ],
)
async def test_unusable_report_files_are_clear_errors(ads_simulator, answer, expected):
    client = AdsClient(AmazonAdsSettings(**ads_simulator.credentials), httpx.MockTransport(lambda request: answer))
    try:
        with pytest.raises(VendorError) as raised:
            await client.download_report("https://offline-report-storage.s3.amazonaws.com/r.json.gz")
    finally:
        await client.aclose()
    assert str(raised.value).startswith(expected)


async def test_an_answer_that_is_not_an_object_is_an_error(ads_simulator):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/o2/token":
            return ads_simulator.handle(request)
        return httpx.Response(200, json=["not", "an", "object"])

    client = AdsClient(AmazonAdsSettings(**ads_simulator.credentials), httpx.MockTransport(handler))
    try:
        with pytest.raises(VendorError, match=r"^amazon_ads: get report returned an unexpected body \(HTTP 200\)$"):
            await client.get_report("r-1")
    finally:
        await client.aclose()


async def test_the_factory_needs_configured_settings():
    with pytest.raises(ValueError, match="must be configured"):
        AdsClient(AmazonAdsSettings())
    with pytest.raises(ValueError, match="must be configured"):
        AdsClient(AmazonAdsSettings(client_id="c", client_secret="s"))
    client = build_ads_client(
        AmazonAdsSettings(client_id="c", client_secret="s", refresh_token="r", profile_id="1", region="na"),
        None,
        RateLimiter(),
    )
    try:
        assert str(client.http.client.base_url) == "https://advertising-api.amazon.com"
    finally:
        await client.aclose()
