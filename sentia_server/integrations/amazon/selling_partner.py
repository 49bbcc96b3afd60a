"""Selling Partner API client: orders, FBA inventory, catalog items, listings and reports of one seller.

Every call carries the Login with Amazon access token in `x-amz-access-token`. AWS Signature Version 4 (and the IAM
role behind it) is no longer needed since 2 October 2023: SP-API ignores the signature and authorises by the LWA
token alone (https://developer-docs.amazon.com/sp-api/changelog/sp-api-will-no-longer-require-aws-iam-or-aws-
signature-version-4). An expired or refused token answers 403 `Unauthorized`, so a new token is fetched once then.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import math
import zlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from sentia_server.integrations.amazon.errors import response_body, sp_api_error, sp_api_errors
from sentia_server.integrations.amazon.lwa import LwaCredentials, LwaTokenSource
from sentia_server.integrations.amazon.marketplaces import (
    SP_API_ENDPOINTS,
    Marketplace,
    MarketplaceInfo,
    marketplace_in_region,
)
from sentia_server.integrations.amazon.throttle import Throttle, rate_from_headers
from sentia_server.integrations.http import (
    RateLimiter,
    RetryPolicy,
    VendorError,
    VendorHttpClient,
    retry_after_seconds,
)
from sentia_server.integrations.settings import AmazonSellingPartnerSettings

VENDOR = "amazon"
SERVER_ERRORS = frozenset({500, 502, 503, 504})
ANSWERS = frozenset({200, 201, 202, 204, 400, 403, 404, 409, 413, 415, 422, 429})
"""Statuses this client reads itself: Amazon explains each in its `errors` body."""

Sleep = Callable[[float], Awaitable[None]]


class SpApiAuth:
    """The `Auth` of VendorHttpClient: the LWA access token in `x-amz-access-token`."""

    def __init__(self, tokens: LwaTokenSource) -> None:
        self._tokens = tokens

    async def headers(self, request: httpx.Request, *, refresh: bool) -> Mapping[str, str]:
        return {"x-amz-access-token": await self._tokens.token(refresh=refresh)}


def _csv(values: Sequence[str]) -> str:
    """SP-API takes array query parameters as comma-separated values."""
    return ",".join(values)


def _token_refused(response: httpx.Response) -> bool:
    """A 403 about the access token (expired, revoked or malformed), which a new token may cure."""
    return any(
        error.get("code") == "Unauthorized" and "token" in f"{error.get('message', '')} {error.get('details', '')}"
        for error in sp_api_errors(response_body(response))
    )


class SellingPartnerClient:
    """The SP-API operations the tools use, each with its usage plan, retries and Amazon's error messages."""

    def __init__(
        self,
        settings: AmazonSellingPartnerSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        throttle: Throttle | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        max_throttle_retries: int = 3,
    ) -> None:
        if settings.seller_id is None or settings.lwa_client_id is None:
            raise ValueError("AmazonSellingPartnerSettings must be configured before building a client")
        if settings.lwa_client_secret is None or settings.refresh_token is None:
            raise ValueError("AmazonSellingPartnerSettings must be configured before building a client")
        self.seller_id = settings.seller_id
        self.region = settings.region
        self.tokens = LwaTokenSource(
            VENDOR,
            LwaCredentials(
                settings.lwa_client_id, settings.lwa_client_secret, settings.refresh_token, settings.lwa_url
            ),
            transport=transport,
        )
        policy = retry or RetryPolicy(statuses=SERVER_ERRORS)
        self.http = VendorHttpClient(
            VENDOR,
            settings.endpoint_url or SP_API_ENDPOINTS[settings.region],
            auth=SpApiAuth(self.tokens),
            transport=transport,
            retry=policy,
        )
        self.downloads = VendorHttpClient(VENDOR, "", transport=transport, retry=policy)
        self.throttle = throttle or Throttle()
        self._sleep = sleep
        self._max_throttle_retries = max_throttle_retries

    def marketplace(self, marketplace: Marketplace) -> MarketplaceInfo:
        return marketplace_in_region(VENDOR, marketplace, self.region)

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.downloads.aclose()
        await self.tokens.aclose()

    async def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        """One SP-API operation: its usage plan kept, 429 retried after the plan's refill time, a refused token
        renewed once, and Amazon's `errors` surfaced by code and message."""
        token_renewed = False
        throttled = 0
        while True:
            await self._take_token(operation)
            response = await self.http.request(
                method, path, tenant=self.seller_id, params=params, json_body=json_body, expected=ANSWERS
            )
            bucket = self.throttle.bucket(self.seller_id, operation)
            announced = rate_from_headers(response)
            if announced is not None:
                bucket.set_rate(announced)
            status = response.status_code
            if status == 429:
                bucket.drain()
                after = retry_after_seconds(response)
                delay = bucket.plan.refill_seconds if after is None else after
                if throttled >= self._max_throttle_retries or delay > self.throttle.max_wait:
                    raise VendorError(
                        VENDOR,
                        f"{operation} was throttled by Amazon (QuotaExceeded; usage plan {bucket.plan.describe()})",
                        status=429,
                        hint=f"try again in {math.ceil(delay)} s",
                        retryable=True,
                    )
                throttled += 1
                await self._sleep(delay)
                continue
            if status == 403 and not token_renewed and _token_refused(response):
                token_renewed = True
                await self.tokens.token(refresh=True)
                continue
            if status >= 400:
                raise sp_api_error(VENDOR, operation, response)
            return self._json(operation, response)

    async def _take_token(self, operation: str) -> None:
        wait = await self.throttle.acquire(self.seller_id, operation)
        if wait is not None:
            plan = self.throttle.bucket(self.seller_id, operation).plan
            raise VendorError(
                VENDOR,
                f"{operation} is at its usage plan ({plan.describe()}); not sent to spare the seller's quota",
                hint=f"try again in {math.ceil(wait)} s",
                retryable=True,
            )

    @staticmethod
    def _json(operation: str, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise VendorError(
                VENDOR,
                f"{operation} returned a body that is not valid JSON",
                status=response.status_code,
                hint="Amazon may be having an incident; try again later",
                retryable=True,
            ) from None

    # Orders API v0 -------------------------------------------------------------------------------------------

    async def get_orders(
        self,
        marketplace: MarketplaceInfo,
        *,
        created_after: str | None = None,
        created_before: str | None = None,
        updated_after: str | None = None,
        updated_before: str | None = None,
        statuses: Sequence[str] = (),
        fulfillment_channels: Sequence[str] = (),
        max_results: int = 100,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """getOrders. With a NextToken Amazon ignores every other filter, so only the token is sent."""
        params: dict[str, Any] = {"MarketplaceIds": marketplace.id}
        if next_token is not None:
            params["NextToken"] = next_token
        else:
            optional = {
                "CreatedAfter": created_after,
                "CreatedBefore": created_before,
                "LastUpdatedAfter": updated_after,
                "LastUpdatedBefore": updated_before,
                "OrderStatuses": _csv(statuses) if statuses else None,
                "FulfillmentChannels": _csv(fulfillment_channels) if fulfillment_channels else None,
                "MaxResultsPerPage": max_results,
            }
            params.update({key: value for key, value in optional.items() if value is not None})
        return _payload(await self.call("getOrders", "GET", "/orders/v0/orders", params=params))

    async def get_order_items(self, order_id: str) -> list[dict[str, Any]]:
        """getOrderItems, every page of it."""
        items: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            params = {"NextToken": token} if token else None
            payload = _payload(
                await self.call("getOrderItems", "GET", f"/orders/v0/orders/{order_id}/orderItems", params=params)
            )
            items.extend(payload.get("OrderItems", []))
            token = payload.get("NextToken")
            if not token:
                return items

    def order_items_wait(self) -> float:
        """Seconds before the next getOrderItems call may be sent (0 when it may be sent now)."""
        return self.throttle.wait_time(self.seller_id, "getOrderItems")

    # FBA Inventory API v1 ----------------------------------------------------------------------------------

    async def get_inventory_summaries(
        self,
        marketplace: MarketplaceInfo,
        *,
        skus: Sequence[str] = (),
        details: bool = True,
        start_date_time: str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "granularityType": "Marketplace",
            "granularityId": marketplace.id,
            "marketplaceIds": marketplace.id,
            "details": "true" if details else "false",
        }
        if skus:
            params["sellerSkus"] = _csv(skus)
        if start_date_time is not None:
            params["startDateTime"] = start_date_time
        if next_token is not None:
            params["nextToken"] = next_token
        body = await self.call("getInventorySummaries", "GET", "/fba/inventory/v1/summaries", params=params)
        return body if isinstance(body, dict) else {}

    # Catalog Items API 2022-04-01 --------------------------------------------------------------------------

    async def search_catalog_items(
        self,
        marketplace: MarketplaceInfo,
        *,
        keywords: Sequence[str] = (),
        identifiers: Sequence[str] = (),
        identifiers_type: str | None = None,
        brand_names: Sequence[str] = (),
        classification_ids: Sequence[str] = (),
        included_data: Sequence[str] = (),
        page_size: int = 10,
        page_token: str | None = None,
    ) -> dict[str, Any]:
        """searchCatalogItems: by keywords or by identifiers; a SKU search is scoped to this seller."""
        params: dict[str, Any] = {"marketplaceIds": marketplace.id, "pageSize": page_size}
        if keywords:
            params["keywords"] = _csv(keywords)
        if identifiers:
            params["identifiers"] = _csv(identifiers)
            params["identifiersType"] = identifiers_type
            if identifiers_type == "SKU":
                params["sellerId"] = self.seller_id
        if brand_names:
            params["brandNames"] = _csv(brand_names)
        if classification_ids:
            params["classificationIds"] = _csv(classification_ids)
        if included_data:
            params["includedData"] = _csv(included_data)
        if page_token is not None:
            params["pageToken"] = page_token
        body = await self.call("searchCatalogItems", "GET", "/catalog/2022-04-01/items", params=params)
        return body if isinstance(body, dict) else {}

    async def get_catalog_item(
        self, marketplace: MarketplaceInfo, asin: str, *, included_data: Sequence[str] = ()
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"marketplaceIds": marketplace.id}
        if included_data:
            params["includedData"] = _csv(included_data)
        body = await self.call("getCatalogItem", "GET", f"/catalog/2022-04-01/items/{asin}", params=params)
        return body if isinstance(body, dict) else {}

    # Listings Items API 2021-08-01 -------------------------------------------------------------------------

    def _listing_path(self, sku: str) -> str:
        return f"/listings/2021-08-01/items/{self.seller_id}/{quote(sku, safe='')}"

    async def get_listings_item(
        self, marketplace: MarketplaceInfo, sku: str, *, included_data: Sequence[str] = ()
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"marketplaceIds": marketplace.id}
        if included_data:
            params["includedData"] = _csv(included_data)
        body = await self.call("getListingsItem", "GET", self._listing_path(sku), params=params)
        return body if isinstance(body, dict) else {}

    async def put_listings_item(
        self,
        marketplace: MarketplaceInfo,
        sku: str,
        *,
        product_type: str,
        attributes: Mapping[str, Any],
        requirements: str | None = None,
        validation_preview: bool = False,
    ) -> dict[str, Any]:
        """putListingsItem; `validation_preview` checks the submission without applying it (mode
        VALIDATION_PREVIEW)."""
        body: dict[str, Any] = {"productType": product_type, "attributes": dict(attributes)}
        if requirements is not None:
            body["requirements"] = requirements
        return await self._submit("putListingsItem", "PUT", marketplace, sku, body, validation_preview)

    async def patch_listings_item(
        self,
        marketplace: MarketplaceInfo,
        sku: str,
        *,
        product_type: str,
        patches: Sequence[Mapping[str, Any]],
        validation_preview: bool = False,
    ) -> dict[str, Any]:
        body = {"productType": product_type, "patches": [dict(patch) for patch in patches]}
        return await self._submit("patchListingsItem", "PATCH", marketplace, sku, body, validation_preview)

    async def delete_listings_item(self, marketplace: MarketplaceInfo, sku: str) -> dict[str, Any]:
        params = {"marketplaceIds": marketplace.id}
        body = await self.call("deleteListingsItem", "DELETE", self._listing_path(sku), params=params)
        return body if isinstance(body, dict) else {}

    async def _submit(
        self,
        operation: str,
        method: str,
        marketplace: MarketplaceInfo,
        sku: str,
        body: dict[str, Any],
        validation_preview: bool,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"marketplaceIds": marketplace.id, "includedData": "issues,identifiers"}
        if validation_preview:
            params["mode"] = "VALIDATION_PREVIEW"
        answer = await self.call(operation, method, self._listing_path(sku), params=params, json_body=body)
        return answer if isinstance(answer, dict) else {}

    # Reports API 2021-06-30 --------------------------------------------------------------------------------

    async def create_report(
        self,
        marketplace: MarketplaceInfo,
        report_type: str,
        *,
        data_start_time: str | None = None,
        data_end_time: str | None = None,
    ) -> str:
        body: dict[str, Any] = {"reportType": report_type, "marketplaceIds": [marketplace.id]}
        if data_start_time is not None:
            body["dataStartTime"] = data_start_time
        if data_end_time is not None:
            body["dataEndTime"] = data_end_time
        answer = await self.call("createReport", "POST", "/reports/2021-06-30/reports", json_body=body)
        report_id = answer.get("reportId") if isinstance(answer, dict) else None
        if not isinstance(report_id, str):
            raise VendorError(VENDOR, "createReport answered without a reportId", status=202, hint="try again later")
        return report_id

    async def get_report(self, report_id: str) -> dict[str, Any]:
        body = await self.call("getReport", "GET", f"/reports/2021-06-30/reports/{report_id}")
        return body if isinstance(body, dict) else {}

    async def get_reports(
        self,
        *,
        marketplace: MarketplaceInfo | None = None,
        report_types: Sequence[str] = (),
        processing_statuses: Sequence[str] = (),
        created_since: str | None = None,
        page_size: int = 10,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """getReports. With a nextToken Amazon takes no other parameter, so only the token is sent."""
        params: dict[str, Any]
        if next_token is not None:
            params = {"nextToken": next_token}
        else:
            params = {"pageSize": page_size}
            if report_types:
                params["reportTypes"] = _csv(report_types)
            if processing_statuses:
                params["processingStatuses"] = _csv(processing_statuses)
            if marketplace is not None:
                params["marketplaceIds"] = marketplace.id
            if created_since is not None:
                params["createdSince"] = created_since
        body = await self.call("getReports", "GET", "/reports/2021-06-30/reports", params=params)
        return body if isinstance(body, dict) else {}

    async def get_report_document(self, document_id: str) -> dict[str, Any]:
        body = await self.call("getReportDocument", "GET", f"/reports/2021-06-30/documents/{document_id}")
        return body if isinstance(body, dict) else {}

    async def download_document(self, document: Mapping[str, Any]) -> str:
        """The document's text: fetched from its pre-signed URL (without the access token, which must not leave
        Amazon's API hosts), decompressed when `compressionAlgorithm` is GZIP."""
        url = document.get("url")
        if not isinstance(url, str):
            raise VendorError(VENDOR, "getReportDocument answered without a url", hint="try again later")
        response = await self.downloads.request("GET", url, tenant=self.seller_id, expected=frozenset({200, 403, 404}))
        if response.status_code != 200:
            raise VendorError(
                VENDOR,
                "the report document's download URL has expired or is gone",
                status=response.status_code,
                hint="download again: each URL is valid for five minutes",
            )
        content = response.content
        if document.get("compressionAlgorithm") == "GZIP":
            try:
                content = gzip.decompress(content)
            except (OSError, EOFError, zlib.error):
                raise VendorError(
                    VENDOR, "the report document is not valid GZIP data", hint="download the report again"
                ) from None
        try:
            return content.decode(response.charset_encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            return content.decode("latin-1")  # EU flat files are often Windows-1252


def _payload(body: Any) -> dict[str, Any]:
    """The `payload` of an Orders API v0 answer."""
    payload = body.get("payload") if isinstance(body, dict) else None
    return payload if isinstance(payload, dict) else {}


def build_selling_partner_client(
    settings: AmazonSellingPartnerSettings, transport: httpx.AsyncBaseTransport | None, rate_limiter: RateLimiter
) -> SellingPartnerClient:
    """The factory for `runtime.vendors.get("amazon", ...)`. Usage plans are per operation, so they are kept by the
    client's own token buckets rather than the shared per-vendor limiter."""
    return SellingPartnerClient(settings, transport)
