"""Amazon Ads API client: Sponsored Products v3 campaigns, ad groups and keywords, and v3 reports.

Every call carries `Authorization: Bearer <LWA access token>`, `Amazon-Advertising-API-ClientId` (the LWA app) and
`Amazon-Advertising-API-Scope` (the advertising profile, one per marketplace). List endpoints are POSTs whose body
holds the filters and `nextToken`, with the resource's vendor media type as Content-Type and Accept
(https://advertising.amazon.com/API/docs/en-us/sponsored-products/3-0/openapi/prod). Reports are asynchronous:
POST /reporting/reports, GET /reporting/reports/{reportId} until `status` is COMPLETED, then the GZIP JSON file at
`url` (https://advertising.amazon.com/API/docs/en-us/guides/reporting/v3/get-started).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from sentia_server.integrations.amazon.errors import ads_error
from sentia_server.integrations.amazon.lwa import LwaCredentials, LwaTokenSource
from sentia_server.integrations.amazon.marketplaces import ADS_API_ENDPOINTS
from sentia_server.integrations.http import RateLimiter, VendorError, VendorHttpClient, rate_limits
from sentia_server.integrations.settings import AmazonAdsSettings

VENDOR = "amazon_ads"
ANSWERS = frozenset({200, 201, 202, 207, 400, 403, 404, 409, 413, 415, 422})

SP_MEDIA_TYPES: dict[str, str] = {
    "campaigns": "application/vnd.spCampaign.v3+json",
    "adGroups": "application/vnd.spAdGroup.v3+json",
    "keywords": "application/vnd.spKeyword.v3+json",
}
REPORT_MEDIA_TYPE = "application/vnd.createasyncreportrequest.v3+json"


class AdsAuth:
    """The `Auth` of VendorHttpClient: bearer token, client id and profile scope."""

    def __init__(self, tokens: LwaTokenSource, client_id: str, profile_id: str) -> None:
        self._tokens = tokens
        self._client_id = client_id
        self._profile_id = profile_id

    async def headers(self, request: httpx.Request, *, refresh: bool) -> Mapping[str, str]:
        return {
            "authorization": f"Bearer {await self._tokens.token(refresh=refresh)}",
            "amazon-advertising-api-clientid": self._client_id,
            "amazon-advertising-api-scope": self._profile_id,
        }


class AdsClient:
    def __init__(
        self,
        settings: AmazonAdsSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        if settings.client_id is None or settings.client_secret is None:
            raise ValueError("AmazonAdsSettings must be configured before building a client")
        if settings.refresh_token is None or settings.profile_id is None:
            raise ValueError("AmazonAdsSettings must be configured before building a client")
        self.profile_id = settings.profile_id
        self.tokens = LwaTokenSource(
            VENDOR,
            LwaCredentials(settings.client_id, settings.client_secret, settings.refresh_token, settings.lwa_url),
            transport=transport,
            env_prefix="SENTIA_AMAZON_ADS",
        )
        self.http = VendorHttpClient(
            VENDOR,
            settings.endpoint_url or ADS_API_ENDPOINTS[settings.region],
            auth=AdsAuth(self.tokens, settings.client_id, settings.profile_id),
            transport=transport,
            # Amazon Ads publishes no fixed per-operation plan: it throttles with 429 and Retry-After, which
            # VendorHttpClient honours; this shared cap keeps every replica together well below that.
            limits=rate_limits("10/second"),
            rate_limiter=rate_limiter,
        )
        self.downloads = VendorHttpClient(VENDOR, "", transport=transport)

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.downloads.aclose()
        await self.tokens.aclose()

    async def call(
        self, operation: str, method: str, path: str, *, json_body: Any = None, media_type: str | None = None
    ) -> dict[str, Any]:
        headers = {"content-type": media_type, "accept": media_type} if media_type else None
        response = await self.http.request(
            method, path, tenant=self.profile_id, json_body=json_body, headers=headers, expected=ANSWERS
        )
        if response.status_code >= 400:
            raise ads_error(VENDOR, operation, response)
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise VendorError(
                VENDOR,
                f"{operation} returned a body that is not valid JSON",
                status=response.status_code,
                hint="Amazon Ads may be having an incident; try again later",
                retryable=True,
            ) from None
        if not isinstance(body, dict):
            raise VendorError(VENDOR, f"{operation} returned an unexpected body", status=response.status_code)
        return body

    async def list_sp(
        self, resource: str, filters: Mapping[str, Any], *, max_results: int, next_token: str | None
    ) -> dict[str, Any]:
        """POST /sp/{resource}/list: `campaigns`, `adGroups` or `keywords` with their filters."""
        body: dict[str, Any] = {**filters, "maxResults": max_results}
        if next_token is not None:
            body["nextToken"] = next_token
        return await self.call(
            f"list {resource}", "POST", f"/sp/{resource}/list", json_body=body, media_type=SP_MEDIA_TYPES[resource]
        )

    async def create_report(
        self,
        *,
        name: str,
        start_date: str,
        end_date: str,
        report_type: str,
        group_by: Sequence[str],
        columns: Sequence[str],
        time_unit: str,
        filters: Sequence[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        configuration: dict[str, Any] = {
            "adProduct": "SPONSORED_PRODUCTS",
            "reportTypeId": report_type,
            "groupBy": list(group_by),
            "columns": list(columns),
            "timeUnit": time_unit,
            "format": "GZIP_JSON",
        }
        if filters:
            configuration["filters"] = [dict(entry) for entry in filters]
        body = {"name": name, "startDate": start_date, "endDate": end_date, "configuration": configuration}
        return await self.call(
            "create report", "POST", "/reporting/reports", json_body=body, media_type=REPORT_MEDIA_TYPE
        )

    async def get_report(self, report_id: str) -> dict[str, Any]:
        return await self.call("get report", "GET", f"/reporting/reports/{report_id}")

    async def download_report(self, url: str) -> list[dict[str, Any]]:
        """The rows of a COMPLETED report: a GZIP JSON array at a pre-signed URL, fetched without credentials."""
        response = await self.downloads.request("GET", url, tenant=self.profile_id, expected=frozenset({200, 403, 404}))
        if response.status_code != 200:
            raise VendorError(
                VENDOR,
                "the report file's download URL has expired or is gone",
                status=response.status_code,
                hint="ask for the report again to get a fresh URL",
            )
        try:
            rows = json.loads(gzip.decompress(response.content))
        except (OSError, EOFError, zlib.error, ValueError):
            raise VendorError(
                VENDOR,
                "the report file is not GZIP JSON",
                hint="create the report again; if it persists, contact Amazon",
            ) from None
        if not isinstance(rows, list):
            raise VendorError(VENDOR, "the report file is not a JSON array of rows", hint="create the report again")
        return [row for row in rows if isinstance(row, dict)]


def build_ads_client(
    settings: AmazonAdsSettings, transport: httpx.AsyncBaseTransport | None, rate_limiter: RateLimiter
) -> AdsClient:
    """The factory for `runtime.vendors.get("amazon_ads", ...)`."""
    return AdsClient(settings, transport, rate_limiter)
