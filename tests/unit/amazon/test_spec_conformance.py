"""The SP-API simulator's answers validated against Amazon's own models (specs/amazon-sp-api in the repository), with
every object closed to properties the model does not define, so the simulator cannot invent fields."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from sentia_testkit.simulators.amazon import SellingPartnerSimulator

pytestmark = pytest.mark.anyio
SPECS = Path(__file__).resolve().parents[3] / "specs" / "amazon-sp-api"
UK = "A1F83G8C2ARO7P"
BASE = "https://sellingpartnerapi-eu.amazon.com"
SELLER = "A3SENTIA7DRNKS"


def closed(node: Any) -> Any:
    """A copy of a schema where objects that list their properties allow no others."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: closed(value) for key, value in node.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


def load_registry() -> Registry:
    if not SPECS.is_dir():
        raise FileNotFoundError(f"the SP-API models are expected in {SPECS} (the repository's specs/ folder)")
    resources = []
    for path in sorted(SPECS.glob("*.json")):
        spec = json.loads(path.read_text())
        resources.append(
            (f"urn:sp-api:{path.stem}", Resource.from_contents(closed(spec), default_specification=DRAFT4))
        )
    return Registry().with_resources(resources)


REGISTRY = load_registry()


def errors_against(model: str, instance: Any) -> list[str]:
    """Validation errors of `instance` against `spec#/definitions/Name` (model = "ordersV0:GetOrdersResponse")."""
    spec, name = model.split(":")
    validator = Draft4Validator({"$ref": f"urn:sp-api:{spec}#/definitions/{name}"}, registry=REGISTRY)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(instance)]


def test_the_closed_models_reject_an_invented_field():
    assert errors_against("reports_2021-06-30:CreateReportResponse", {"reportId": "1"}) == []
    assert errors_against("reports_2021-06-30:CreateReportResponse", {"reportId": "1", "eta": 5}) == [
        ": Additional properties are not allowed ('eta' was unexpected)"
    ]


class Api:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client, self.token = client, token

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self.client.request(method, path, headers={"x-amz-access-token": self.token}, **kwargs)
        return answer.json()


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    simulator = SellingPartnerSimulator()
    simulator.usage_plans.enforced = False
    credentials = simulator.credentials
    async with httpx.AsyncClient(transport=simulator.transport(), base_url=BASE) as client:
        token = (
            await client.post(
                "https://api.amazon.com/auth/o2/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": credentials["refresh_token"],
                    "client_id": credentials["lwa_client_id"],
                    "client_secret": credentials["lwa_client_secret"],
                },
            )
        ).json()["access_token"]
        yield Api(client, token)


async def test_orders_and_order_items_match_the_orders_model(api):
    orders = await api.call(
        "GET",
        "/orders/v0/orders",
        params={"MarketplaceIds": f"{UK},A1PA6795UKMFR9", "CreatedAfter": "2020-01-01T00:00:00Z"},
    )
    assert len(orders["payload"]["Orders"]) == 25
    assert errors_against("ordersV0:GetOrdersResponse", orders) == []
    for order in orders["payload"]["Orders"]:
        items = await api.call("GET", f"/orders/v0/orders/{order['AmazonOrderId']}/orderItems")
        assert errors_against("ordersV0:GetOrderItemsResponse", items) == []
    invalid = await api.call("GET", "/orders/v0/orders", params={"MarketplaceIds": UK})
    assert errors_against("ordersV0:GetOrdersResponse", invalid) == []


@pytest.mark.parametrize("details", ["true", "false"])
async def test_inventory_summaries_match_the_fba_inventory_model(api, details):
    body = await api.call(
        "GET",
        "/fba/inventory/v1/summaries",
        params={"granularityType": "Marketplace", "granularityId": UK, "marketplaceIds": UK, "details": details},
    )
    assert body["payload"]["inventorySummaries"]
    assert errors_against("fbaInventory:GetInventorySummariesResponse", body) == []


CATALOG_DATA = (
    "attributes,classifications,dimensions,identifiers,images,productTypes,relationships,salesRanks,summaries"
)


async def test_catalog_answers_match_the_catalog_items_model(api):
    search = await api.call(
        "GET",
        "/catalog/2022-04-01/items",
        params={"marketplaceIds": UK, "keywords": "sentia", "includedData": CATALOG_DATA, "pageSize": "3"},
    )
    assert search["items"] and search["pagination"]["nextToken"]
    assert errors_against("catalogItems_2022-04-01:ItemSearchResults", search) == []
    item = await api.call(
        "GET",
        "/catalog/2022-04-01/items/B0D7SNTN70",
        params={"marketplaceIds": "ATVPDKIKX0DER", "includedData": CATALOG_DATA},
    )
    assert errors_against("catalogItems_2022-04-01:Item", item) == []
    missing = await api.call("GET", "/catalog/2022-04-01/items/B0NOTHERE0", params={"marketplaceIds": UK})
    assert errors_against("catalogItems_2022-04-01:ErrorList", missing) == []


async def test_listings_answers_match_the_listings_items_model(api):
    listing = await api.call(
        "GET",
        f"/listings/2021-08-01/items/{SELLER}/SEN-GIN-70",
        params={
            "marketplaceIds": UK,
            "includedData": "summaries,attributes,issues,offers,fulfillmentAvailability,productTypes",
        },
    )
    assert errors_against("listingsItems_2021-08-01:Item", listing) == []
    path = f"/listings/2021-08-01/items/{SELLER}/SEN-GIN-70"
    put = await api.call(
        "PUT", path, params={"marketplaceIds": UK}, json={"productType": "SPIRITS", "attributes": {"item_name": "x"}}
    )
    patch = await api.call(
        "PATCH",
        path,
        params={"marketplaceIds": UK, "mode": "VALIDATION_PREVIEW"},
        json={
            "productType": "SPIRITS",
            "patches": [{"op": "replace", "path": "/attributes/item_name", "value": [{"value": "Gin"}]}],
        },
    )
    deleted = await api.call("DELETE", path, params={"marketplaceIds": UK})
    assert [put["status"], patch["status"], deleted["status"]] == ["INVALID", "VALID", "ACCEPTED"]
    for answer in (put, patch, deleted):
        assert errors_against("listingsItems_2021-08-01:ListingsItemSubmissionResponse", answer) == []
    gone = await api.call("GET", path, params={"marketplaceIds": UK})
    assert errors_against("listingsItems_2021-08-01:ErrorList", gone) == []


async def test_reports_answers_match_the_reports_model(api):
    created = await api.call(
        "POST",
        "/reports/2021-06-30/reports",
        json={
            "reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
            "marketplaceIds": [UK],
            "dataStartTime": "2020-01-01T00:00:00Z",
            "dataEndTime": "2030-01-01T00:00:00Z",
        },
    )
    assert errors_against("reports_2021-06-30:CreateReportResponse", created) == []
    for _ in range(2):
        report = await api.call("GET", f"/reports/2021-06-30/reports/{created['reportId']}")
        assert errors_against("reports_2021-06-30:Report", report) == []
    listed = await api.call(
        "GET",
        "/reports/2021-06-30/reports",
        params={
            "reportTypes": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL,GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
        },
    )
    assert len(listed["reports"]) == 4
    assert errors_against("reports_2021-06-30:GetReportsResponse", listed) == []
    document = await api.call("GET", f"/reports/2021-06-30/documents/{report['reportDocumentId']}")
    assert errors_against("reports_2021-06-30:ReportDocument", document) == []
    refused = await api.call("GET", "/reports/2021-06-30/reports")
    assert errors_against("reports_2021-06-30:ErrorList", refused) == []
