"""The Amazon Ads simulator: Login with Amazon's token endpoint, Sponsored Products v3 list endpoints with their
vendor media types and `nextToken`, and v3 reports that complete over successive polls."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from sentia_testkit.simulators.amazon.ads_backend import CAMPAIGN_COLUMNS, MAX_REPORT_DAYS, AdsBackend
from sentia_testkit.simulators.amazon.errors import ads_error, ads_not_implemented
from sentia_testkit.simulators.amazon.lwa import LoginWithAmazon
from sentia_testkit.simulators.amazon.seed import load_seed
from sentia_testkit.simulators.core import Simulator, SimulatorRequest, json_response

ProfileHandler = Callable[[SimulatorRequest, str], httpx.Response]
REPORT_MEDIA_TYPE = "application/vnd.createasyncreportrequest.v3+json"
LISTS: dict[str, tuple[str, dict[str, str]]] = {
    # resource: (media type, filter name → entity field)
    "campaigns": (
        "application/vnd.spCampaign.v3+json",
        {"campaignIdFilter": "campaignId", "portfolioIdFilter": "portfolioId", "stateFilter": "state"},
    ),
    "adGroups": (
        "application/vnd.spAdGroup.v3+json",
        {"campaignIdFilter": "campaignId", "adGroupIdFilter": "adGroupId", "stateFilter": "state"},
    ),
    "keywords": (
        "application/vnd.spKeyword.v3+json",
        {
            "campaignIdFilter": "campaignId",
            "adGroupIdFilter": "adGroupId",
            "keywordIdFilter": "keywordId",
            "stateFilter": "state",
        },
    ),
}


class AdsSimulator(Simulator):
    """Amazon Ads for the advertisers in fixtures/amazon/ads.json. `public_url` is where this simulator is reached
    (needed for report file URLs in server mode, e.g. http://127.0.0.1:8900/amazon_ads)."""

    vendor = "amazon_ads"

    def __init__(
        self,
        *,
        public_url: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        seed_dir: Path | None = None,
    ) -> None:
        super().__init__()
        seed = load_seed("ads", seed_dir)
        self.public_url = public_url
        self.lwa = LoginWithAmazon(seed["lwa_apps"], clock)
        self.backend = AdsBackend(seed, clock)
        self.route("POST", "/auth/o2/token", name="lwa-token")(self.lwa.token_endpoint)
        for resource in LISTS:
            self.profile_route("POST", f"/sp/{resource}/list", f"list-{resource}")(self._lister(resource))
        self.profile_route("POST", "/reporting/reports", "createReport")(self.create_report)
        self.profile_route("GET", "/reporting/reports/{reportId}", "getReport")(self.get_report)
        self.route("GET", "/_simulator/ads-reports/{reportId}.json.gz", "reportDownload")(self.download)

    @property
    def credentials(self) -> dict[str, str]:
        """The seeded app, refresh token and first profile, as `AmazonAdsSettings` fields."""
        app = self.lwa.apps[0]
        refresh_token, advertiser = next(iter(app["refresh_tokens"].items()))
        return {
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "refresh_token": refresh_token,
            "profile_id": sorted(self.backend.advertisers[advertiser])[0],
        }

    def expire_tokens(self) -> None:
        self.lwa.expire_tokens()

    def reset(self) -> None:
        super().reset()
        self.backend.reset()
        self.lwa.tokens.clear()

    def profile_route(self, method: str, path: str, name: str) -> Callable[[ProfileHandler], ProfileHandler]:
        """Declare an Ads endpoint: bearer token, client id and profile scope checked as Amazon Ads does."""

        def register(handler: ProfileHandler) -> ProfileHandler:
            def answer(request: SimulatorRequest) -> httpx.Response:
                authorization = request.headers.get("authorization", "")
                state, issued = self.lwa.check(authorization.removeprefix("Bearer ").strip() or None)
                if state != "valid" or issued is None:
                    return ads_error(401, "UNAUTHORIZED", "Not authorized: the access token is invalid or expired")
                client_id = request.headers.get("amazon-advertising-api-clientid")
                if client_id is None:
                    return ads_error(400, "BAD_REQUEST", "Amazon-Advertising-API-ClientId header is missing")
                if client_id != issued.client_id:
                    return ads_error(403, "UNAUTHORIZED", "The client id does not match the access token")
                scope = request.headers.get("amazon-advertising-api-scope", "")
                if scope not in self.backend.advertisers.get(issued.principal, set()):
                    return ads_error(403, "UNAUTHORIZED", f"Not authorized to access scope {scope or '(none)'}")
                return handler(request, scope)

            self.route(method, path, name)(answer)
            return handler

        return register

    def _json_body(self, request: SimulatorRequest, media_type: str) -> dict[str, Any] | httpx.Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != media_type:
            return ads_error(415, "UNSUPPORTED_MEDIA_TYPE", f"Content-Type must be {media_type}")
        try:
            body = request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return ads_error(400, "BAD_REQUEST", "The request body must be a JSON object")
        return body

    def _lister(self, resource: str) -> ProfileHandler:
        media_type, filter_fields = LISTS[resource]
        entities = {"campaigns": self.backend.campaigns, "adGroups": self.backend.ad_groups}.get(
            resource, self.backend.keywords
        )

        def handler(request: SimulatorRequest, profile_id: str) -> httpx.Response:
            body = self._json_body(request, media_type)
            if isinstance(body, httpx.Response):
                return body
            unknown = set(body) - {*filter_fields, "maxResults", "nextToken", "nameFilter", "matchTypeFilter",
                                   "includeExtendedDataFields"}  # fmt: skip
            if unknown:
                return ads_error(400, "BAD_REQUEST", f"Unknown fields: {', '.join(sorted(unknown))}")
            maximum = body.get("maxResults", 1000)
            if not isinstance(maximum, int) or not 1 <= maximum <= 5000:
                return ads_error(400, "BAD_REQUEST", "maxResults must be an integer from 1 to 5000")
            found = [entity for entity in entities(profile_id) if _passes(entity, body, filter_fields)]
            offset = 0
            if body.get("nextToken") is not None:
                try:
                    offset = int(base64.b64decode(str(body["nextToken"])).decode().split(":")[1])
                except (ValueError, IndexError):
                    return ads_error(400, "BAD_REQUEST", "Invalid nextToken")
            answer: dict[str, Any] = {resource: found[offset : offset + maximum], "totalResults": len(found)}
            if offset + maximum < len(found):
                answer["nextToken"] = base64.b64encode(f"{resource}:{offset + maximum}".encode()).decode()
            return httpx.Response(200, content=json.dumps(answer).encode(), headers={"content-type": media_type})

        return handler

    def create_report(self, request: SimulatorRequest, profile_id: str) -> httpx.Response:
        body = self._json_body(request, REPORT_MEDIA_TYPE)
        if isinstance(body, httpx.Response):
            return body
        configuration = body.get("configuration")
        if not isinstance(configuration, dict):
            return ads_error(400, "INVALID_ARGUMENT", "configuration is required")
        if configuration.get("adProduct") != "SPONSORED_PRODUCTS" or configuration.get("reportTypeId") != "spCampaigns":
            what = f"{configuration.get('adProduct')} report type {configuration.get('reportTypeId')}"
            return ads_not_implemented(what)
        problem = _report_problem(body, configuration)
        if problem is not None:
            return ads_error(400, "INVALID_ARGUMENT", problem)
        return json_response(200, self.backend.create_report(profile_id, body))

    def get_report(self, request: SimulatorRequest, profile_id: str) -> httpx.Response:
        report = self.backend.reports.get(request.params["reportId"])
        if report is None or report["_profile"] != profile_id:
            return ads_error(404, "NOT_FOUND", f"Report {request.params['reportId']} not found")
        url = request.request.url
        base = self.public_url.rstrip("/") if self.public_url else f"{url.scheme}://{url.netloc.decode()}"
        return json_response(200, self.backend.poll(report, base))

    def download(self, request: SimulatorRequest) -> httpx.Response:
        content = self.backend.files.get(request.params["reportId"])
        if content is None:
            xml = b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
            return httpx.Response(404, content=xml, headers={"content-type": "application/xml"})
        return httpx.Response(200, content=content, headers={"content-type": "application/json"})


def _passes(entity: dict[str, Any], body: dict[str, Any], filter_fields: dict[str, str]) -> bool:
    for name, field in filter_fields.items():
        wanted = (body.get(name) or {}).get("include")
        if wanted and str(entity.get(field)) not in {str(value) for value in wanted}:
            return False
    name_filter = body.get("nameFilter") or {}
    terms = [str(term).lower() for term in name_filter.get("include", [])]
    if terms:
        name = str(entity.get("name", "")).lower()
        exact = name_filter.get("queryTermMatchType") == "EXACT_MATCH"
        if not any(name == term if exact else term in name for term in terms):
            return False
    match_types = body.get("matchTypeFilter") or []
    return not match_types or entity.get("matchType") in match_types


def _report_problem(body: dict[str, Any], configuration: dict[str, Any]) -> str | None:
    try:
        first, last = date.fromisoformat(str(body.get("startDate"))), date.fromisoformat(str(body.get("endDate")))
    except ValueError:
        return "startDate and endDate must be dates as YYYY-MM-DD"
    if last < first or (last - first).days + 1 > MAX_REPORT_DAYS:
        return f"the date range must run forward and cover at most {MAX_REPORT_DAYS} days"
    if configuration.get("groupBy") != ["campaign"]:
        return "spCampaigns reports are grouped by ['campaign'] in this simulator"
    columns = configuration.get("columns")
    if not isinstance(columns, list) or not columns:
        return "columns must be a non-empty list"
    invalid = sorted(set(map(str, columns)) - CAMPAIGN_COLUMNS)
    if invalid:
        return f"columns contains invalid values: {invalid}"
    unit = configuration.get("timeUnit")
    if unit not in ("DAILY", "SUMMARY"):
        return "timeUnit must be DAILY or SUMMARY"
    if unit == "DAILY" and ({"startDate", "endDate"} & set(columns)):
        return "startDate and endDate columns need timeUnit SUMMARY; use date with DAILY"
    if unit == "SUMMARY" and "date" in columns:
        return "the date column needs timeUnit DAILY"
    if configuration.get("format") != "GZIP_JSON":
        return "format must be GZIP_JSON"
    return None
