"""The Amazon Ads simulator as a client sees it: bearer token, client id and profile scope checks, Sponsored
Products list filters, v3 report validation, deterministic performance and server mode."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from sentia_testkit.simulators.amazon import AdsSimulator
from sentia_testkit.simulators.core import NOT_IMPLEMENTED
from sentia_testkit.simulators.server import SimulatorApp

pytestmark = pytest.mark.anyio
BASE = "https://advertising-api-eu.amazon.com"
CAMPAIGNS = "application/vnd.spCampaign.v3+json"
REPORTS = "application/vnd.createasyncreportrequest.v3+json"


class AdsSession:
    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    async def post(self, path: str, body: Any, media_type: str, **headers: str) -> httpx.Response:
        merged = {**self.headers, "content-type": media_type, **headers}
        return await self.client.post(path, content=json.dumps(body).encode(), headers=merged)

    async def get(self, path: str) -> httpx.Response:
        return await self.client.get(path, headers=self.headers)


async def open_session(client: httpx.AsyncClient, simulator: AdsSimulator) -> AdsSession:
    credentials = simulator.credentials
    answer = await client.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": credentials["refresh_token"],
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
    )
    return AdsSession(
        client,
        {
            "authorization": f"Bearer {answer.json()['access_token']}",
            "amazon-advertising-api-clientid": credentials["client_id"],
            "amazon-advertising-api-scope": credentials["profile_id"],
        },
    )


@pytest.fixture
async def ads(ads_simulator: AdsSimulator) -> AsyncIterator[AdsSession]:
    async with httpx.AsyncClient(transport=ads_simulator.transport(), base_url=BASE) as client:
        yield await open_session(client, ads_simulator)


@pytest.mark.parametrize(
    ("change", "status", "body"),
    [
        (
            {"authorization": "Bearer Atza|forged"},
            401,
            {"code": "UNAUTHORIZED", "details": "Not authorized: the access token is invalid or expired"},
        ),
        (
            {"amazon-advertising-api-clientid": None},
            400,
            {"code": "BAD_REQUEST", "details": "Amazon-Advertising-API-ClientId header is missing"},
        ),
        (
            {"amazon-advertising-api-clientid": "amzn1.application-oa2-client.other"},
            403,
            {"code": "UNAUTHORIZED", "details": "The client id does not match the access token"},
        ),
        (
            {"amazon-advertising-api-scope": "1111111111"},
            403,
            {"code": "UNAUTHORIZED", "details": "Not authorized to access scope 1111111111"},
        ),
        (
            {"amazon-advertising-api-scope": None},
            403,
            {"code": "UNAUTHORIZED", "details": "Not authorized to access scope (none)"},
        ),
    ],
)
async def test_requests_are_authorised_as_amazon_ads_does(ads, change, status, body):
    ads.headers = {key: value for key, value in {**ads.headers, **change}.items() if value is not None}
    answer = await ads.post("/sp/campaigns/list", {}, CAMPAIGNS)
    assert (answer.status_code, answer.json()) == (status, body)


async def test_lists_filter_by_exact_name_and_validate_their_bodies(ads):
    exact = (
        await ads.post(
            "/sp/campaigns/list",
            {"nameFilter": {"queryTermMatchType": "EXACT_MATCH", "include": ["sp - tonics - auto"]}},
            CAMPAIGNS,
        )
    ).json()
    assert [campaign["targetingType"] for campaign in exact["campaigns"]] == ["AUTO"]
    assert exact["totalResults"] == 1 and "nextToken" not in exact
    for body, details in [
        ({"maxResults": 0}, "maxResults must be an integer from 1 to 5000"),
        ({"nextToken": "garbage"}, "Invalid nextToken"),
        ([1, 2], "The request body must be a JSON object"),
    ]:
        answer = await ads.post("/sp/campaigns/list", body, CAMPAIGNS)
        assert (answer.status_code, answer.json()["details"]) == (400, details)
    broken = await ads.client.post(
        "/sp/campaigns/list", content=b"{", headers={**ads.headers, "content-type": CAMPAIGNS}
    )
    assert broken.json() == {"code": "BAD_REQUEST", "details": "The request body must be a JSON object"}


def report_body(**changes: Any) -> dict[str, Any]:
    end = datetime.now(UTC).date() - timedelta(days=1)
    configuration = {
        "adProduct": "SPONSORED_PRODUCTS",
        "reportTypeId": "spCampaigns",
        "groupBy": ["campaign"],
        "columns": ["campaignId", "impressions", "clicks", "cost", "sales7d", "startDate", "endDate"],
        "timeUnit": "SUMMARY",
        "format": "GZIP_JSON",
        **changes.pop("configuration", {}),
    }
    return {
        "name": "test",
        "startDate": (end - timedelta(days=6)).isoformat(),
        "endDate": end.isoformat(),
        "configuration": configuration,
        **changes,
    }


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"configuration": None}, "configuration is required"),
        (report_body(startDate="last week"), "startDate and endDate must be dates as YYYY-MM-DD"),
        (
            report_body(startDate="2026-01-01", endDate="2026-03-01"),
            "the date range must run forward and cover at most 31 days",
        ),
        (
            report_body(configuration={"groupBy": ["adGroup"]}),
            "spCampaigns reports are grouped by ['campaign'] in this simulator",
        ),
        (report_body(configuration={"columns": []}), "columns must be a non-empty list"),
        (
            report_body(configuration={"columns": ["campaignId", "viewability"]}),
            "columns contains invalid values: ['viewability']",
        ),
        (report_body(configuration={"timeUnit": "WEEKLY"}), "timeUnit must be DAILY or SUMMARY"),
        (
            report_body(configuration={"timeUnit": "DAILY"}),
            "startDate and endDate columns need timeUnit SUMMARY; use date with DAILY",
        ),
        (report_body(configuration={"columns": ["campaignId", "date"]}), "the date column needs timeUnit DAILY"),
        (report_body(configuration={"format": "CSV"}), "format must be GZIP_JSON"),
    ],
)
async def test_report_requests_are_validated(ads, body, details):
    answer = await ads.post("/reporting/reports", body, REPORTS)
    assert (answer.status_code, answer.json()) == (400, {"code": "INVALID_ARGUMENT", "details": details})


async def test_report_types_not_simulated_answer_501(ads):
    answer = await ads.post("/reporting/reports", report_body(configuration={"reportTypeId": "spSearchTerm"}), REPORTS)
    assert answer.status_code == 501
    assert answer.json()["details"] == f"SPONSORED_PRODUCTS report type spSearchTerm is {NOT_IMPLEMENTED}"


async def test_reports_complete_over_polls_with_deterministic_rows(ads, ads_simulator):
    rows = []
    for _ in range(2):
        created = (await ads.post("/reporting/reports", report_body(), REPORTS)).json()
        states = [(await ads.get(f"/reporting/reports/{created['reportId']}")).json() for _ in range(3)]
        assert [state["status"] for state in states] == ["PROCESSING", "COMPLETED", "COMPLETED"]
        assert states[1]["fileSize"] > 0 and states[1]["url"].startswith(f"{BASE}/_simulator/ads-reports/")
        rows.append(json.loads(gzip.decompress((await ads.client.get(states[1]["url"])).content)))
    assert rows[0] == rows[1] and len(rows[0]) == 4  # the four enabled campaigns
    assert (await ads.get("/reporting/reports/unknown")).status_code == 404
    assert (await ads.client.get(f"{BASE}/_simulator/ads-reports/unknown.json.gz")).status_code == 404


def test_campaigns_have_no_metrics_before_they_start_or_unless_enabled(ads_simulator):
    backend = ads_simulator.backend
    profile = next(iter(backend.profiles))
    campaigns = backend.profiles[profile]["campaigns"]
    before_start = backend.today - timedelta(days=campaigns[0]["startDaysAgo"] + 1)
    assert backend.daily(profile, 0, campaigns[0], before_start)["impressions"] == 0
    assert backend.daily(profile, 4, campaigns[4], backend.today)["impressions"] == 0  # paused
    assert backend.daily(profile, 0, campaigns[0], backend.today)["impressions"] > 0
    assert backend.daily(profile, 0, campaigns[0], date.max)["cost"] == 0.0


async def test_reset_forgets_reports_and_tokens(ads, ads_simulator):
    await ads.post("/reporting/reports", report_body(), REPORTS)
    ads_simulator.reset()
    assert ads_simulator.backend.reports == {} and ads_simulator.lwa.tokens == {}
    assert (await ads.post("/sp/campaigns/list", {}, CAMPAIGNS)).status_code == 401


async def test_server_mode_serves_lists_and_report_files_under_a_prefix():
    simulator = AdsSimulator(public_url="http://simulators.test/amazon_ads")
    app = SimulatorApp({"amazon_ads": simulator})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://simulators.test/amazon_ads"
    ) as client:
        session = await open_session(client, simulator)
        listed = await session.post("/sp/campaigns/list", {"maxResults": 1}, CAMPAIGNS)
        assert listed.headers["content-type"] == CAMPAIGNS and listed.json()["nextToken"]
        report = (await session.post("/reporting/reports", report_body(), REPORTS)).json()
        for _ in range(2):
            state = (await session.get(f"/reporting/reports/{report['reportId']}")).json()
        assert state["url"].startswith("http://simulators.test/amazon_ads/_simulator/ads-reports/")
        content = (await client.get(state["url"])).content
    assert json.loads(gzip.decompress(content))
