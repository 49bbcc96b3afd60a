"""The SP-API simulator as a client sees it: Amazon's authentication, throttling, headers, validation errors in
the `errors[]` shape, loud 501s, stateful listings and reports, and server mode."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sentia_testkit.simulators.amazon import SellingPartnerSimulator
from sentia_testkit.simulators.amazon.seed import load_seed
from sentia_testkit.simulators.core import NOT_IMPLEMENTED
from sentia_testkit.simulators.server import SimulatorApp

pytestmark = pytest.mark.anyio
UK, CA = "A1F83G8C2ARO7P", "A2EUQ1WTGCTBG2"
BASE = "https://sellingpartnerapi-eu.amazon.com"


class Session:
    """A raw HTTP session with a valid access token, for poking the simulator directly."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.token = token

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"x-amz-access-token": self.token, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def error(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, str]]:
        answer = await self.send(method, path, **kwargs)
        return answer.status_code, answer.json()["errors"][0]


async def token_for(client: httpx.AsyncClient, simulator: SellingPartnerSimulator) -> str:
    credentials = simulator.credentials
    answer = await client.post(
        "https://api.amazon.com/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": credentials["refresh_token"],
            "client_id": credentials["lwa_client_id"],
            "client_secret": credentials["lwa_client_secret"],
        },
    )
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    token: str = body["access_token"]
    return token


@pytest.fixture
async def session(sp_simulator: SellingPartnerSimulator) -> AsyncIterator[Session]:
    async with httpx.AsyncClient(transport=sp_simulator.transport(), base_url=BASE) as client:
        yield Session(client, await token_for(client, sp_simulator))


@pytest.mark.parametrize(
    ("token", "details"),
    [
        (None, "The access token you provided is revoked, malformed or invalid."),
        ("Atza|forged", "The access token you provided is revoked, malformed or invalid."),
    ],
)
async def test_a_missing_or_bad_token_gets_amazons_403_body(sp_simulator, token, details):
    async with httpx.AsyncClient(transport=sp_simulator.transport(), base_url=BASE) as client:
        answer = await client.get("/orders/v0/orders", headers={"x-amz-access-token": token} if token else {})
    assert answer.status_code == 403
    assert answer.json() == {
        "errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.", "details": details}]
    }


async def test_an_expired_token_says_so(session, sp_simulator):
    sp_simulator.expire_tokens()
    status, error = await session.error("GET", "/fba/inventory/v1/summaries")
    assert (status, error["details"]) == (403, "The access token you provided has expired.")


async def test_answers_carry_the_rate_limit_and_request_id_headers(session):
    answer = await session.send("GET", "/catalog/2022-04-01/items/B0D7SNTG70", params={"marketplaceIds": UK})
    assert answer.status_code == 200
    assert answer.headers["x-amzn-RateLimit-Limit"] == "2"
    assert len(answer.headers["x-amzn-RequestId"]) == 36


async def test_exceeding_the_burst_is_throttled_with_quota_exceeded(session, sp_simulator):
    path, params = "/catalog/2022-04-01/items/B0D7SNTG70", {"marketplaceIds": UK}
    statuses = [(await session.send("GET", path, params=params)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    throttled = await session.send("GET", path, params=params)
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "2"
    sp_simulator.usage_plans.enforced = False
    assert (await session.send("GET", path, params=params)).status_code == 200


async def test_an_endpoint_not_simulated_answers_501(session):
    answer = await session.send("GET", "/sellers/v1/marketplaceParticipations")
    assert answer.status_code == 501
    assert answer.json()["error"] == NOT_IMPLEMENTED
    status, error = await session.error(
        "POST", "/reports/2021-06-30/reports", json={"reportType": "GET_SELLER_FEEDBACK_DATA", "marketplaceIds": [UK]}
    )
    assert (status, error["code"]) == (501, "NotImplemented")
    assert error["message"] == f"Report type GET_SELLER_FEEDBACK_DATA is {NOT_IMPLEMENTED}"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Missing required parameter 'marketplaceIds'."),
        ({"MarketplaceIds": CA, "CreatedAfter": "2024-01-01"}, f"Invalid marketplaceId(s) for this seller: {CA}."),
        ({"MarketplaceIds": UK}, "Exactly one of CreatedAfter or LastUpdatedAfter must be specified."),
        (
            {"MarketplaceIds": UK, "CreatedAfter": "2024-01-01", "LastUpdatedAfter": "2024-01-01"},
            "Exactly one of CreatedAfter or LastUpdatedAfter must be specified.",
        ),
        (
            {"MarketplaceIds": UK, "CreatedAfter": "2024-01-01", "LastUpdatedBefore": "2024-02-01"},
            "LastUpdatedBefore cannot be used with CreatedAfter.",
        ),
        (
            {"MarketplaceIds": UK, "LastUpdatedAfter": "2024-01-01", "CreatedBefore": "2024-02-01"},
            "CreatedBefore cannot be used with LastUpdatedAfter.",
        ),
        (
            {"MarketplaceIds": UK, "CreatedAfter": "yesterday"},
            "CreatedAfter must be an ISO 8601 date-time, got 'yesterday'.",
        ),
        (
            {"MarketplaceIds": UK, "CreatedAfter": "2999-01-01T00:00:00Z"},
            "CreatedAfter must be no later than two minutes before the request time.",
        ),
        (
            {"MarketplaceIds": UK, "CreatedAfter": "2024-01-01", "MaxResultsPerPage": "500"},
            "MaxResultsPerPage must be an integer from 1 to 100.",
        ),
        (
            {"MarketplaceIds": UK, "CreatedAfter": "2024-01-01", "MaxResultsPerPage": "many"},
            "MaxResultsPerPage must be an integer from 1 to 100.",
        ),
        ({"MarketplaceIds": UK, "CreatedAfter": "2024-01-01", "OrderStatuses": "Lost"}, "Invalid OrderStatuses: Lost."),
        ({"NextToken": "bm90LWEtdG9rZW4="}, "Invalid NextToken."),
    ],
)
async def test_get_orders_validates_like_amazon(session, params, message):
    assert await session.error("GET", "/orders/v0/orders", params=params) == (
        400,
        {"code": "InvalidInput", "message": message, "details": ""},
    )


async def test_order_items_of_an_unknown_order_are_not_found(session):
    status, error = await session.error("GET", "/orders/v0/orders/999-0000000-0000000/orderItems")
    assert (status, error["code"], error["message"]) == (404, "NotFound", "Order 999-0000000-0000000 was not found.")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"granularityType": "Country"}, "granularityType must be Marketplace."),
        ({"granularityType": "Marketplace", "marketplaceIds": f"{UK},{CA}"}, "Only one marketplaceId may be given."),
        (
            {"granularityType": "Marketplace", "marketplaceIds": UK, "granularityId": CA},
            "granularityId must be the marketplaceId.",
        ),
        (
            {
                "granularityType": "Marketplace",
                "marketplaceIds": UK,
                "granularityId": UK,
                "sellerSkus": ",".join(f"S{n}" for n in range(51)),
            },
            "sellerSkus accepts at most 50 SKUs.",
        ),
        ({"nextToken": "unknown"}, "Invalid nextToken."),
    ],
)
async def test_inventory_summaries_validate_like_amazon(session, params, message):
    status, error = await session.error("GET", "/fba/inventory/v1/summaries", params=params)
    assert (status, error["message"]) == (400, message)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"marketplaceIds": UK}, "Exactly one of keywords or identifiers must be provided."),
        (
            {"marketplaceIds": UK, "keywords": "gin", "identifiers": "B0D7SNTG70"},
            "Exactly one of keywords or identifiers must be provided.",
        ),
        (
            {"marketplaceIds": UK, "identifiers": "B0D7SNTG70"},
            "identifiersType is required with identifiers and must be a known identifier type.",
        ),
        (
            {"marketplaceIds": UK, "identifiers": "SEN-GIN-70", "identifiersType": "SKU"},
            "sellerId is required and must be the caller's seller when identifiersType is SKU.",
        ),
        ({"marketplaceIds": UK, "keywords": "gin", "pageSize": "21"}, "pageSize must be an integer from 1 to 20."),
        ({"marketplaceIds": UK, "keywords": "gin", "pageSize": "ten"}, "pageSize must be an integer from 1 to 20."),
        ({"marketplaceIds": UK, "keywords": "gin", "includedData": "prices"}, "Invalid includedData: prices."),
        ({"marketplaceIds": UK, "keywords": "gin", "pageToken": "unknown"}, "Invalid pageToken."),
    ],
)
async def test_catalog_search_validates_like_amazon(session, params, message):
    status, error = await session.error("GET", "/catalog/2022-04-01/items", params=params)
    assert (status, error["message"]) == (400, message)


async def test_catalog_search_filters_by_brand_and_category_and_pages_back(session, sp_simulator):
    sp_simulator.usage_plans.enforced = False  # more calls than searchCatalogItems' burst of 2
    params = {
        "marketplaceIds": UK,
        "keywords": "sentia",
        "brandNames": "Sentia",
        "classificationIds": "340834031",
        "pageSize": "1",
    }
    first = (await session.send("GET", "/catalog/2022-04-01/items", params=params)).json()
    assert first["numberOfResults"] == 2
    assert first["refinements"]["classifications"] == [
        {"numberOfResults": 2, "displayName": "Tonic Water", "classificationId": "340834031"}
    ]
    second = (
        await session.send(
            "GET", "/catalog/2022-04-01/items", params={**params, "pageToken": first["pagination"]["nextToken"]}
        )
    ).json()
    assert "previousToken" in second["pagination"] and "nextToken" not in second["pagination"]
    other = (await session.send("GET", "/catalog/2022-04-01/items", params={**params, "brandNames": "Gordon's"})).json()
    assert other == {
        "numberOfResults": 0,
        "pagination": {},
        "refinements": {"brands": [], "classifications": []},
        "items": [],
    }
    status, error = await session.error(
        "GET", "/catalog/2022-04-01/items/B0D7SNTG70", params={"marketplaceIds": UK, "includedData": "offers"}
    )
    assert (status, error["message"]) == (400, "Invalid includedData: offers.")


LISTING = "/listings/2021-08-01/items/A3SENTIA7DRNKS/SEN-GIN-70"


@pytest.mark.parametrize(
    ("method", "params", "body", "message"),
    [
        ("PUT", {"marketplaceIds": UK}, b"{not json", "The request body is not valid JSON."),
        (
            "PUT",
            {"marketplaceIds": UK},
            b'{"attributes": {}}',
            "The request body must be an object with a productType.",
        ),
        ("PUT", {"marketplaceIds": UK, "mode": "LIVE"}, b'{"productType": "SPIRITS"}', "Invalid mode 'LIVE'."),
        (
            "PATCH",
            {"marketplaceIds": UK},
            b'{"productType": "SPIRITS", "patches": []}',
            "patches must be a non-empty list of patch operations",
        ),
        (
            "PATCH",
            {"marketplaceIds": UK},
            b'{"productType": "SPIRITS", "patches": [{"op": "move"}]}',
            "each patch needs an op of add, replace, merge or delete",
        ),
        (
            "PATCH",
            {"marketplaceIds": UK},
            b'{"productType": "SPIRITS", "patches": [{"op": "add", "path": "/offers/0"}]}',
            "patch path '/offers/0' must be /attributes/<attribute name>",
        ),
        ("GET", {}, None, "Missing required parameter 'marketplaceIds'."),
    ],
)
async def test_listing_requests_are_validated(session, method, params, body, message):
    status, error = await session.error(method, LISTING, params=params, content=body)
    assert (status, error["message"]) == (400, message)


async def test_listing_submissions_report_issues_and_change_state(session, sp_simulator):
    def submit(method: str, body: dict[str, Any], **params: str) -> Any:
        return session.send(
            method, LISTING.replace("SEN-GIN-70", "SEN-SLOE-70"), params={"marketplaceIds": UK, **params}, json=body
        )

    patch_first = (
        await submit(
            "PATCH",
            {
                "productType": "SPIRITS",
                "patches": [{"op": "add", "path": "/attributes/brand", "value": [{"value": "Sentia"}]}],
            },
        )
    ).json()
    assert patch_first["status"] == "INVALID" and patch_first["issues"][0]["code"] == "4000004"
    bad = (
        await submit(
            "PUT",
            {
                "productType": "WINE",
                "attributes": {"item_name": "Sloe Gin", "brand": [{"value": "Sentia"}]},
                "requirements": "LISTING_PRODUCT_ONLY",
            },
        )
    ).json()
    assert [issue["code"] for issue in bad["issues"]] == ["4000001", "4000003"]
    good = {
        "productType": "SPIRITS",
        "requirements": "LISTING_PRODUCT_ONLY",
        "attributes": {"item_name": [{"value": "Sentia Sloe Gin"}], "brand": [{"value": "Sentia"}]},
    }
    assert (await submit("PUT", good, mode="VALIDATION_PREVIEW")).json()["status"] == "VALID"
    assert ("SEN-SLOE-70", UK) not in sp_simulator.backend.seller("A3SENTIA7DRNKS").listings
    accepted = (await submit("PUT", good)).json()
    assert accepted["status"] == "ACCEPTED" and "identifiers" not in accepted  # a new product has no ASIN yet
    listing = (
        await session.send(
            "GET",
            LISTING.replace("SEN-GIN-70", "SEN-SLOE-70"),
            params={"marketplaceIds": UK, "includedData": "summaries,offers,productTypes,issues"},
        )
    ).json()
    assert listing["summaries"][0]["status"] == ["DISCOVERABLE"] and listing["offers"] == [] and listing["issues"] == []
    assert listing["productTypes"] == [{"marketplaceId": UK, "productType": "SPIRITS"}]
    invalid_patch = (
        await submit(
            "PATCH",
            {"productType": "SPIRITS", "patches": [{"op": "replace", "path": "/attributes/brand", "value": "Sentia"}]},
        )
    ).json()
    assert invalid_patch["status"] == "INVALID"
    previewed = (
        await submit(
            "PATCH",
            {"productType": "SPIRITS", "patches": [{"op": "delete", "path": "/attributes/brand"}]},
            mode="VALIDATION_PREVIEW",
        )
    ).json()
    assert previewed["status"] == "VALID"
    status, error = await session.error(
        "DELETE", "/listings/2021-08-01/items/A3SENTIA7DRNKS/SEN-NONE", params={"marketplaceIds": UK}
    )
    assert (status, error["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "The body needs reportType and marketplaceIds."),
        (b"{oops", "The body needs reportType and marketplaceIds."),
        (
            b'{"reportType": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "marketplaceIds": ["A1F83G8C2ARO7P"]}',
            "Report type GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE cannot be requested; Amazon creates it on a schedule.",
        ),
        (
            b'{"reportType": "GET_AFN_INVENTORY_DATA", "marketplaceIds": ["A1F83G8C2ARO7P"], "dataStartTime": "soon"}',
            "dataStartTime must be an ISO 8601 date-time.",
        ),
        (
            b'{"reportType": "GET_AFN_INVENTORY_DATA", "marketplaceIds": ["A2EUQ1WTGCTBG2"]}',
            "Invalid marketplaceId(s) for this seller: A2EUQ1WTGCTBG2.",
        ),
    ],
)
async def test_create_report_validates_like_amazon(session, body, message):
    status, error = await session.error("POST", "/reports/2021-06-30/reports", content=body)
    assert (status, error["message"]) == (400, message)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Either reportTypes or nextToken is required."),
        ({"reportTypes": ",".join(f"T{n}" for n in range(11))}, "reportTypes accepts at most 10 report types."),
        ({"reportTypes": "GET_AFN_INVENTORY_DATA", "pageSize": "0"}, "pageSize must be an integer from 1 to 100."),
        ({"reportTypes": "GET_AFN_INVENTORY_DATA", "pageSize": "all"}, "pageSize must be an integer from 1 to 100."),
    ],
)
async def test_get_reports_validates_like_amazon(session, params, message):
    status, error = await session.error("GET", "/reports/2021-06-30/reports", params=params)
    assert (status, error["message"]) == (400, message)


async def test_reports_page_progress_and_serve_documents_only_with_a_valid_signature(session, sp_simulator):
    kinds = ("GET_MERCHANT_LISTINGS_DATA", "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL")
    for kind in kinds:
        created = await session.send(
            "POST",
            "/reports/2021-06-30/reports",
            json={"reportType": kind, "marketplaceIds": [UK], "dataStartTime": "2020-01-01T00:00:00Z"},
        )
        assert created.status_code == 202
    first = (
        await session.send(
            "GET", "/reports/2021-06-30/reports", params={"reportTypes": ",".join(kinds), "pageSize": "1"}
        )
    ).json()
    second = (await session.send("GET", "/reports/2021-06-30/reports", params={"nextToken": first["nextToken"]})).json()
    assert {first["reports"][0]["reportType"], second["reports"][0]["reportType"]} == set(kinds)
    report_id = second["reports"][0]["reportId"]
    states = [
        (await session.send("GET", f"/reports/2021-06-30/reports/{report_id}")).json()["processingStatus"]
        for _ in range(3)
    ]
    assert states == ["IN_PROGRESS", "DONE", "DONE"]
    document_id = (await session.send("GET", f"/reports/2021-06-30/reports/{report_id}")).json()["reportDocumentId"]
    document = (await session.send("GET", f"/reports/2021-06-30/documents/{document_id}")).json()
    assert document["url"].startswith(f"{BASE}/_simulator/report-documents/{document_id}?X-Amz-Expires=300")
    content = (await session.client.get(document["url"])).content
    assert gzip.decompress(content).decode().startswith(("item-name\t", "amazon-order-id\t"))
    forged = await session.client.get(document["url"].split("X-Amz-Signature=")[0] + "X-Amz-Signature=forged")
    assert forged.status_code == 403 and b"Request has expired" in forged.content
    assert (await session.error("GET", "/reports/2021-06-30/reports/1"))[0] == 404
    assert (await session.error("GET", "/reports/2021-06-30/documents/amzn1.spdoc.none"))[0] == 404


async def test_reset_restores_the_seeded_state_and_forgets_tokens(session, sp_simulator):
    seller = sp_simulator.backend.seller("A3SENTIA7DRNKS")
    seller.listings.clear()
    sp_simulator.reset()
    assert len(sp_simulator.backend.seller("A3SENTIA7DRNKS").listings) == 19
    assert sp_simulator.lwa.tokens == {} and sp_simulator.requests == []
    status, _ = await session.error("GET", "/fba/inventory/v1/summaries")
    assert status == 403


def test_a_missing_seed_directory_is_a_clear_error(tmp_path):
    with pytest.raises(
        FileNotFoundError, match=r"Amazon simulator seed .*selling_partner.json not found; pass seed_dir="
    ):
        SellingPartnerSimulator(seed_dir=tmp_path)
    assert load_seed("ads")["advertisers"]


async def test_server_mode_serves_the_token_endpoint_api_and_documents_under_a_prefix():
    simulator = SellingPartnerSimulator(public_url="http://simulators.test/amazon")
    app = SimulatorApp({"amazon": simulator})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://simulators.test/amazon"
    ) as client:
        token = (
            await client.post(
                "/auth/o2/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": simulator.credentials["refresh_token"],
                    "client_id": simulator.credentials["lwa_client_id"],
                    "client_secret": simulator.credentials["lwa_client_secret"],
                },
            )
        ).json()["access_token"]
        headers = {"x-amz-access-token": token}
        reports = (
            await client.get(
                "/reports/2021-06-30/reports",
                params={"reportTypes": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"},
                headers=headers,
            )
        ).json()
        document_id = reports["reports"][0]["reportDocumentId"]
        document = (await client.get(f"/reports/2021-06-30/documents/{document_id}", headers=headers)).json()
        assert document["url"].startswith("http://simulators.test/amazon/_simulator/report-documents/")
        settlement = await client.get(document["url"])
    assert gzip.decompress(settlement.content).decode().startswith("settlement-id\t")


async def document_rows(session: Session, report_type: str, **body: Any) -> list[list[str]]:
    created = (
        await session.send(
            "POST", "/reports/2021-06-30/reports", json={"reportType": report_type, "marketplaceIds": [UK], **body}
        )
    ).json()
    for _ in range(2):
        report = (await session.send("GET", f"/reports/2021-06-30/reports/{created['reportId']}")).json()
    document = (await session.send("GET", f"/reports/2021-06-30/documents/{report['reportDocumentId']}")).json()
    text = gzip.decompress((await session.client.get(document["url"])).content).decode()
    return [line.split("\t") for line in text.splitlines()]


async def test_listing_reports_show_every_or_only_active_listings_from_current_state(session, sp_simulator):
    seller = sp_simulator.backend.seller("A3SENTIA7DRNKS")
    seller.listings[("SEN-BITT-10", UK)].attributes.pop("purchasable_offer")  # no offer: not buyable
    everything = await document_rows(session, "GET_MERCHANT_LISTINGS_ALL_DATA")
    active = await document_rows(session, "GET_MERCHANT_LISTINGS_DATA")
    header = everything[0]
    by_sku = {row[header.index("seller-sku")]: row for row in everything[1:]}
    assert len(by_sku) == 8 and len(active) == 8  # header + the 7 listings still buyable
    bitters = by_sku["SEN-BITT-10"]
    assert (bitters[header.index("status")], bitters[header.index("price")]) == ("Inactive", "")
    gin = by_sku["SEN-GIN-70"]
    assert (gin[header.index("price")], gin[header.index("asin1")], gin[header.index("fulfillment-channel")]) == (
        "34.00",
        "B0D7SNTG70",
        "AMAZON_EU",
    )


async def test_order_reports_filter_by_the_chosen_date(session):
    recent = await document_rows(
        session, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", dataStartTime="2999-01-01T00:00:00Z"
    )
    assert len(recent) == 1  # only the header: nothing was updated in the future
    ranged = await document_rows(
        session, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", dataEndTime="2000-01-01T00:00:00Z"
    )
    assert len(ranged) == 1
