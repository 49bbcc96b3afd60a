"""The Selling Partner API simulator: Login with Amazon's token endpoint and the SP-API operations the Sentia
tools use, answering from `SellingPartnerBackend` with Amazon's headers, throttling and error bodies."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from sentia_testkit.simulators.amazon.backend import Seller, SellingPartnerBackend, iso
from sentia_testkit.simulators.amazon.errors import sp_error, sp_invalid, sp_not_found, sp_not_implemented
from sentia_testkit.simulators.amazon.listings import ListingsSubmissions
from sentia_testkit.simulators.amazon.lwa import LoginWithAmazon
from sentia_testkit.simulators.amazon.reports import GENERATORS, SCHEDULED_ONLY, Reports
from sentia_testkit.simulators.amazon.seed import load_seed
from sentia_testkit.simulators.amazon.throttle import UsagePlans
from sentia_testkit.simulators.core import Simulator, SimulatorRequest, json_response

OperationHandler = Callable[[SimulatorRequest, Seller], httpx.Response]
CATALOG_DATA = ("attributes", "classifications", "dimensions", "identifiers", "images", "productTypes",
                "relationships", "salesRanks", "summaries", "vendorDetails")  # fmt: skip
LISTING_DATA = ("summaries", "attributes", "issues", "offers", "fulfillmentAvailability", "procurement",
                "relationships", "productTypes")  # fmt: skip
IDENTIFIER_TYPES = ("ASIN", "EAN", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC")


def values(request: SimulatorRequest, name: str) -> list[str]:
    """An array query parameter: comma-separated, as SP-API clients send it, or repeated."""
    return [part for value in request.query.get_list(name) for part in value.split(",") if part]


def parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SellingPartnerSimulator(Simulator):
    """SP-API for the sellers in fixtures/amazon/selling_partner.json. `public_url` is where this simulator is
    reached (needed for report document URLs in server mode, e.g. http://127.0.0.1:8900/amazon)."""

    vendor = "amazon"

    def __init__(
        self,
        *,
        public_url: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        seed_dir: Path | None = None,
        inventory_page_size: int = 50,
    ) -> None:
        super().__init__()
        seed = load_seed("selling_partner", seed_dir)
        self.clock = clock
        self.public_url = public_url
        self.inventory_page_size = inventory_page_size
        self.lwa = LoginWithAmazon(seed["lwa_apps"], clock)
        self.backend = SellingPartnerBackend(seed, clock)
        self.submissions = ListingsSubmissions(self.backend)
        self.reports = Reports(self.backend, clock)
        self.usage_plans = UsagePlans()
        self._pages: dict[str, tuple[str, dict[str, Any], int]] = {}
        self.route("POST", "/auth/o2/token", name="lwa-token")(self.lwa.token_endpoint)
        self._declare_routes()

    @property
    def credentials(self) -> dict[str, str]:
        """The seeded app and seller: settings that make `sentia_server` call this simulator successfully."""
        app = self.lwa.apps[0]
        refresh_token, seller_id = next(iter(app["refresh_tokens"].items()))
        return {
            "lwa_client_id": app["client_id"],
            "lwa_client_secret": app["client_secret"],
            "refresh_token": refresh_token,
            "seller_id": seller_id,
        }

    def expire_tokens(self) -> None:
        self.lwa.expire_tokens()

    def reset(self) -> None:
        super().reset()
        self.backend.reset()
        self.reports.reset()
        self.usage_plans.reset()
        self._pages.clear()
        self.lwa.tokens.clear()

    # Plumbing -----------------------------------------------------------------------------------------------

    def operation(self, method: str, path: str, name: str) -> Callable[[OperationHandler], OperationHandler]:
        """Declare an SP-API operation: the access token checked, the usage plan enforced, Amazon's headers set."""

        def register(handler: OperationHandler) -> OperationHandler:
            def answer(request: SimulatorRequest) -> httpx.Response:
                state, issued = self.lwa.check(request.headers.get("x-amz-access-token"))
                if state != "valid" or issued is None:
                    details = (
                        "The access token you provided has expired."
                        if state == "expired"
                        else "The access token you provided is revoked, malformed or invalid."
                    )
                    return sp_error(403, "Unauthorized", "Access to requested resource is denied.", details)
                rate = f"{self.usage_plans.rate(name):g}"
                if not self.usage_plans.allow(issued.principal, name):
                    return sp_error(
                        429,
                        "QuotaExceeded",
                        "You exceeded your quota for the requested resource.",
                        headers={"x-amzn-RateLimit-Limit": rate},
                    )
                response = handler(request, self.backend.seller(issued.principal))
                response.headers["x-amzn-RateLimit-Limit"] = rate
                response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
                return response

            self.route(method, path, name)(answer)
            return handler

        return register

    def _page_token(self, kind: str, filters: dict[str, Any], offset: int) -> str:
        token = base64.b64encode(f"{kind}:{len(self._pages) + 1}".encode()).decode()
        self._pages[token] = (kind, filters, offset)
        return token

    def _resume(self, kind: str, token: str) -> tuple[dict[str, Any], int] | None:
        found = self._pages.get(token)
        if found is None or found[0] != kind:
            return None
        return found[1], found[2]

    def _marketplace(self, seller: Seller, marketplace_ids: list[str], *, single: bool = True) -> str | httpx.Response:
        if not marketplace_ids:
            return sp_invalid("Missing required parameter 'marketplaceIds'.")
        if single and len(marketplace_ids) > 1:
            return sp_invalid("Only one marketplaceId may be given.")
        unknown = [value for value in marketplace_ids if value not in seller.data["marketplaces"]]
        if unknown:
            return sp_invalid(f"Invalid marketplaceId(s) for this seller: {', '.join(unknown)}.")
        return marketplace_ids[0]

    def _base_url(self, request: SimulatorRequest) -> str:
        if self.public_url is not None:
            return self.public_url.rstrip("/")
        url = request.request.url
        return f"{url.scheme}://{url.netloc.decode()}"

    # Routes -------------------------------------------------------------------------------------------------

    def _declare_routes(self) -> None:
        self.operation("GET", "/orders/v0/orders", "getOrders")(self.get_orders)
        self.operation("GET", "/orders/v0/orders/{orderId}/orderItems", "getOrderItems")(self.get_order_items)
        self.operation("GET", "/fba/inventory/v1/summaries", "getInventorySummaries")(self.get_inventory_summaries)
        self.operation("GET", "/catalog/2022-04-01/items", "searchCatalogItems")(self.search_catalog_items)
        self.operation("GET", "/catalog/2022-04-01/items/{asin}", "getCatalogItem")(self.get_catalog_item)
        listing = "/listings/2021-08-01/items/{sellerId}/{sku}"
        self.operation("GET", listing, "getListingsItem")(self.get_listings_item)
        self.operation("PUT", listing, "putListingsItem")(self.put_listings_item)
        self.operation("PATCH", listing, "patchListingsItem")(self.patch_listings_item)
        self.operation("DELETE", listing, "deleteListingsItem")(self.delete_listings_item)
        self.operation("POST", "/reports/2021-06-30/reports", "createReport")(self.create_report)
        self.operation("GET", "/reports/2021-06-30/reports", "getReports")(self.get_reports)
        self.operation("GET", "/reports/2021-06-30/reports/{reportId}", "getReport")(self.get_report)
        self.operation("GET", "/reports/2021-06-30/documents/{documentId}", "getReportDocument")(
            self.get_report_document
        )
        self.route("GET", "/_simulator/report-documents/{documentId}", "reportDocumentDownload")(self.download)

    def get_orders(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        token = request.query.get("NextToken")
        if token is not None:
            resumed = self._resume("orders", token)
            if resumed is None:
                return sp_invalid("Invalid NextToken.")
            filters, offset = resumed
        else:
            problem = self._order_filters(request, seller)
            if isinstance(problem, httpx.Response):
                return problem
            filters, offset = problem, 0
        matching = [order for order in seller.orders if _order_matches(order, filters)]
        page = matching[offset : offset + filters["max"]]
        payload: dict[str, Any] = {"Orders": page}
        if offset + filters["max"] < len(matching):
            payload["NextToken"] = self._page_token("orders", filters, offset + filters["max"])
        payload[filters["before_key"]] = iso(filters["now"] - timedelta(minutes=2))
        return json_response(200, {"payload": payload})

    def _order_filters(self, request: SimulatorRequest, seller: Seller) -> dict[str, Any] | httpx.Response:
        marketplace_ids = values(request, "MarketplaceIds")
        checked = self._marketplace(seller, marketplace_ids, single=False)
        if isinstance(checked, httpx.Response):
            return checked
        query = request.query
        created_after, updated_after = query.get("CreatedAfter"), query.get("LastUpdatedAfter")
        if (created_after is None) == (updated_after is None):
            return sp_invalid("Exactly one of CreatedAfter or LastUpdatedAfter must be specified.")
        if created_after is not None and (query.get("LastUpdatedBefore") is not None):
            return sp_invalid("LastUpdatedBefore cannot be used with CreatedAfter.")
        if updated_after is not None and (query.get("CreatedBefore") is not None):
            return sp_invalid("CreatedBefore cannot be used with LastUpdatedAfter.")
        now = self.clock()
        bounds: dict[str, datetime | None] = {}
        for name in ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore"):
            raw = query.get(name)
            bounds[name] = None if raw is None else parse_time(raw)
            if raw is not None and bounds[name] is None:
                return sp_invalid(f"{name} must be an ISO 8601 date-time, got {raw!r}.")
            moment = bounds[name]
            if moment is not None and moment > now - timedelta(minutes=2):
                return sp_invalid(f"{name} must be no later than two minutes before the request time.")
        try:
            maximum = int(query.get("MaxResultsPerPage", "100"))
        except ValueError:
            maximum = 0
        if not 1 <= maximum <= 100:
            return sp_invalid("MaxResultsPerPage must be an integer from 1 to 100.")
        statuses = values(request, "OrderStatuses")
        known = {"Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable",
                 "InvoiceUnconfirmed", "PendingAvailability"}  # fmt: skip
        if set(statuses) - known:
            return sp_invalid(f"Invalid OrderStatuses: {', '.join(sorted(set(statuses) - known))}.")
        return {
            "marketplaces": marketplace_ids,
            "bounds": bounds,
            "statuses": statuses,
            "channels": values(request, "FulfillmentChannels"),
            "max": maximum,
            "now": now,
            "before_key": "CreatedBefore" if created_after is not None else "LastUpdatedBefore",
        }

    def get_order_items(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        order_id = request.params["orderId"]
        items = seller.order_items.get(order_id)
        if items is None:
            return sp_not_found(f"Order {order_id} was not found.")
        return json_response(200, {"payload": {"AmazonOrderId": order_id, "OrderItems": items}})

    def get_inventory_summaries(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        token = request.query.get("nextToken")
        if token is not None:
            resumed = self._resume("inventory", token)
            if resumed is None:
                return sp_invalid("Invalid nextToken.")
            filters, offset = resumed
        else:
            if request.query.get("granularityType") != "Marketplace":
                return sp_invalid("granularityType must be Marketplace.")
            checked = self._marketplace(seller, values(request, "marketplaceIds"))
            if isinstance(checked, httpx.Response):
                return checked
            if request.query.get("granularityId") != checked:
                return sp_invalid("granularityId must be the marketplaceId.")
            skus = values(request, "sellerSkus")
            if len(skus) > 50:
                return sp_invalid("sellerSkus accepts at most 50 SKUs.")
            filters = {"marketplace": checked, "skus": skus, "details": request.query.get("details") == "true"}
            offset = 0
        rows = [
            row
            for row in seller.inventory.get(filters["marketplace"], [])
            if not filters["skus"] or row["sellerSku"] in filters["skus"]
        ]
        page = rows[offset : offset + self.inventory_page_size]
        if not filters["details"]:
            page = [{key: value for key, value in row.items() if key != "inventoryDetails"} for row in page]
        body: dict[str, Any] = {
            "payload": {
                "granularity": {"granularityType": "Marketplace", "granularityId": filters["marketplace"]},
                "inventorySummaries": page,
            }
        }
        if offset + self.inventory_page_size < len(rows):
            body["pagination"] = {
                "nextToken": self._page_token("inventory", filters, offset + self.inventory_page_size)
            }
        return json_response(200, body)

    def _included(
        self, request: SimulatorRequest, allowed: tuple[str, ...], default: list[str]
    ) -> list[str] | httpx.Response:
        included = values(request, "includedData") or default
        unknown = [value for value in included if value not in allowed]
        if unknown:
            return sp_invalid(f"Invalid includedData: {', '.join(unknown)}.")
        return included

    def search_catalog_items(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        checked = self._marketplace(seller, values(request, "marketplaceIds"))
        if isinstance(checked, httpx.Response):
            return checked
        included = self._included(request, CATALOG_DATA, ["summaries"])
        if isinstance(included, httpx.Response):
            return included
        keywords, identifiers = values(request, "keywords"), values(request, "identifiers")
        if bool(keywords) == bool(identifiers):
            return sp_invalid("Exactly one of keywords or identifiers must be provided.")
        kind = request.query.get("identifiersType")
        if identifiers and kind not in IDENTIFIER_TYPES:
            return sp_invalid("identifiersType is required with identifiers and must be a known identifier type.")
        if kind == "SKU" and request.query.get("sellerId") != seller.seller_id:
            return sp_invalid("sellerId is required and must be the caller's seller when identifiersType is SKU.")
        try:
            page_size = int(request.query.get("pageSize", "10"))
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= 20:
            return sp_invalid("pageSize must be an integer from 1 to 20.")
        brands = values(request, "brandNames")
        classifications = values(request, "classificationIds")
        products = [
            product
            for product in seller.catalog
            if checked in product["prices"]
            and _catalog_matches(seller, product, keywords, identifiers, kind)
            and (not brands or seller.data["brand"] in brands)
            and (not classifications or product["classification"][0] in classifications)
        ]
        offset = 0
        token = request.query.get("pageToken")
        if token is not None:
            resumed = self._resume("catalog", token)
            if resumed is None:
                return sp_invalid("Invalid pageToken.")
            offset = resumed[1]
        page = products[offset : offset + page_size]
        pagination: dict[str, str] = {}
        if offset + page_size < len(products):
            pagination["nextToken"] = self._page_token("catalog", {}, offset + page_size)
        if offset > 0:
            pagination["previousToken"] = self._page_token("catalog", {}, max(offset - page_size, 0))
        classes: dict[str, list[str]] = {}
        for product in products:
            classes.setdefault(product["classification"][0], []).append(product["classification"][1])
        return json_response(
            200,
            {
                "numberOfResults": len(products),
                "pagination": pagination,
                "refinements": {
                    "brands": [{"numberOfResults": len(products), "brandName": seller.data["brand"]}]
                    if products
                    else [],
                    "classifications": [
                        {"numberOfResults": len(names), "displayName": names[0], "classificationId": class_id}
                        for class_id, names in classes.items()
                    ],
                },
                "items": [SellingPartnerBackend.catalog_item(seller, product, checked, included) for product in page],
            },
        )

    def get_catalog_item(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        marketplace_ids = values(request, "marketplaceIds")
        checked = self._marketplace(seller, marketplace_ids)
        if isinstance(checked, httpx.Response):
            return checked
        included = self._included(request, CATALOG_DATA, ["summaries"])
        if isinstance(included, httpx.Response):
            return included
        asin = request.params["asin"]
        product = seller.product_by_asin(asin)
        if product is None or checked not in product["prices"]:
            return sp_error(404, "NOT_FOUND", f"Requested item '{asin}' not found in marketplace(s) '{checked}'.")
        return json_response(200, SellingPartnerBackend.catalog_item(seller, product, checked, included))

    def _listing_target(self, request: SimulatorRequest, seller: Seller) -> str | httpx.Response:
        if request.params["sellerId"] != seller.seller_id:
            return sp_error(
                403, "Unauthorized", "Access to requested resource is denied.", "The sellerId is not yours."
            )
        return self._marketplace(seller, values(request, "marketplaceIds"))

    def get_listings_item(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        checked = self._listing_target(request, seller)
        if isinstance(checked, httpx.Response):
            return checked
        included = self._included(request, LISTING_DATA, ["summaries"])
        if isinstance(included, httpx.Response):
            return included
        sku = request.params["sku"]
        listing = seller.listings.get((sku, checked))
        if listing is None:
            return sp_error(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {checked}.")
        return json_response(200, SellingPartnerBackend.listing_item(seller, listing, included))

    def _body(self, request: SimulatorRequest) -> dict[str, Any] | httpx.Response:
        try:
            body = request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return sp_invalid("The request body is not valid JSON.")
        if not isinstance(body, dict) or not body.get("productType"):
            return sp_invalid("The request body must be an object with a productType.")
        return body

    def _preview(self, request: SimulatorRequest) -> bool | httpx.Response:
        mode = request.query.get("mode")
        if mode not in (None, "VALIDATION_PREVIEW"):
            return sp_invalid(f"Invalid mode {mode!r}.")
        return bool(mode == "VALIDATION_PREVIEW")

    def _submission(
        self, request: SimulatorRequest, seller: Seller
    ) -> tuple[str, dict[str, Any], bool] | httpx.Response:
        """The marketplace, body and preview mode of a put or patch, or the 400 that refuses it."""
        checked = self._listing_target(request, seller)
        if isinstance(checked, httpx.Response):
            return checked
        body = self._body(request)
        if isinstance(body, httpx.Response):
            return body
        preview = self._preview(request)
        if isinstance(preview, httpx.Response):
            return preview
        return checked, body, preview

    def put_listings_item(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        submission = self._submission(request, seller)
        if isinstance(submission, httpx.Response):
            return submission
        return json_response(200, self.submissions.put(seller, request.params["sku"], *submission))

    def patch_listings_item(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        submission = self._submission(request, seller)
        if isinstance(submission, httpx.Response):
            return submission
        answer = self.submissions.patch(seller, request.params["sku"], *submission)
        return sp_invalid(answer) if isinstance(answer, str) else json_response(200, answer)

    def delete_listings_item(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        checked = self._listing_target(request, seller)
        if isinstance(checked, httpx.Response):
            return checked
        sku = request.params["sku"]
        answer = self.submissions.delete(seller, sku, checked)
        if answer is None:
            return sp_error(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace {checked}.")
        return json_response(200, answer)

    def create_report(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        try:
            body = request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict) or not body.get("reportType") or not isinstance(body.get("marketplaceIds"), list):
            return sp_invalid("The body needs reportType and marketplaceIds.")
        checked = self._marketplace(seller, [str(value) for value in body["marketplaceIds"]], single=False)
        if isinstance(checked, httpx.Response):
            return checked
        report_type = str(body["reportType"])
        if report_type in SCHEDULED_ONLY:
            return sp_invalid(f"Report type {report_type} cannot be requested; Amazon creates it on a schedule.")
        if report_type not in GENERATORS:
            return sp_not_implemented(f"Report type {report_type}")
        for key in ("dataStartTime", "dataEndTime"):
            if body.get(key) is not None and parse_time(str(body[key])) is None:
                return sp_invalid(f"{key} must be an ISO 8601 date-time.")
        return json_response(202, {"reportId": self.reports.create(seller, body)})

    def get_reports(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        token = request.query.get("nextToken")
        if token is not None:
            resumed = self._resume("reports", token)
            if resumed is None:
                return sp_invalid("Invalid nextToken.")
            filters, offset = resumed
        else:
            types = values(request, "reportTypes")
            if not types:
                return sp_invalid("Either reportTypes or nextToken is required.")
            if len(types) > 10:
                return sp_invalid("reportTypes accepts at most 10 report types.")
            try:
                page_size = int(request.query.get("pageSize", "10"))
            except ValueError:
                page_size = 0
            if not 1 <= page_size <= 100:
                return sp_invalid("pageSize must be an integer from 1 to 100.")
            since = parse_time(request.query.get("createdSince", "")) or self.clock() - timedelta(days=90)
            filters = {
                "types": types,
                "statuses": values(request, "processingStatuses"),
                "marketplaces": values(request, "marketplaceIds"),
                "since": iso(since),
                "size": page_size,
            }
            offset = 0
        found = self.reports.listed(
            seller, filters["types"], filters["statuses"], filters["marketplaces"], filters["since"]
        )
        body: dict[str, Any] = {"reports": found[offset : offset + filters["size"]]}
        if offset + filters["size"] < len(found):
            body["nextToken"] = self._page_token("reports", filters, offset + filters["size"])
        return json_response(200, body)

    def get_report(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        report = self.reports.owned(seller, request.params["reportId"])
        if report is None:
            return sp_not_found(f"Report {request.params['reportId']} was not found.")
        return json_response(200, self.reports.poll(seller, report))

    def get_report_document(self, request: SimulatorRequest, seller: Seller) -> httpx.Response:
        document = self.reports.presign(seller, request.params["documentId"], self._base_url(request))
        if document is None:
            return sp_not_found(f"Report document {request.params['documentId']} was not found.")
        return json_response(200, document)

    def download(self, request: SimulatorRequest) -> httpx.Response:
        """The pre-signed document URL; like S3 it answers 403 with an XML body once the signature has expired."""
        content = self.reports.download(request.params["documentId"], request.query.get("X-Amz-Signature", ""))
        if content is None:
            xml = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
            return httpx.Response(403, content=xml, headers={"content-type": "application/xml"})
        return httpx.Response(
            200, content=content, headers={"content-type": "text/tab-separated-values; charset=UTF-8"}
        )


def _order_matches(order: dict[str, Any], filters: dict[str, Any]) -> bool:
    if order["MarketplaceId"] not in filters["marketplaces"]:
        return False
    if filters["statuses"] and order["OrderStatus"] not in filters["statuses"]:
        return False
    if filters["channels"] and order["FulfillmentChannel"] not in filters["channels"]:
        return False
    purchased, updated = parse_time(order["PurchaseDate"]), parse_time(order["LastUpdateDate"])
    bounds = filters["bounds"]
    checks = [
        (bounds["CreatedAfter"], purchased, 1),
        (bounds["CreatedBefore"], purchased, -1),
        (bounds["LastUpdatedAfter"], updated, 1),
        (bounds["LastUpdatedBefore"], updated, -1),
    ]
    for bound, moment, direction in checks:
        if bound is None or moment is None:
            continue
        if (direction == 1 and moment < bound) or (direction == -1 and moment > bound):
            return False
    return True


def _catalog_matches(
    seller: Seller, product: dict[str, Any], keywords: list[str], identifiers: list[str], kind: str | None
) -> bool:
    if keywords:
        text = f"{product['title']} {seller.data['brand']} {product['classification'][1]}".lower()
        return all(word.lower() in text for word in keywords)
    known = {"ASIN": product["asin"], "SKU": product["sku"], "EAN": product["ean"], "GTIN": product["ean"]}
    if "upc" in product:
        known["UPC"] = product["upc"]
    return known.get(kind or "") in identifiers
