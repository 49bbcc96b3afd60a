"""The Unleashed client against the in-process simulator: paths, filters, paging and the errors it raises."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from sentia_server.integrations.http import RateLimiter, VendorError
from sentia_server.integrations.settings import UnleashedSettings
from sentia_server.integrations.unleashed import (
    ASSEMBLIES,
    BILLS_OF_MATERIALS,
    CUSTOMERS,
    PRODUCTS,
    SALES_ORDERS,
    STOCK_ON_HAND,
    Page,
    build_unleashed_client,
)
from sentia_server.integrations.unleashed.client import account_key, all_pages, encode_filters
from sentia_testkit.simulators import Fault
from sentia_testkit.simulators.unleashed import API_ID, API_KEY, UnleashedSimulator

pytestmark = pytest.mark.anyio


def test_filters_are_encoded_as_unleashed_reads_them():
    assert encode_filters(
        {
            "includeObsolete": True,
            "excludeAssembled": False,
            "startDate": date(2026, 11, 1),
            "modifiedSince": datetime(2026, 11, 1, 10, 30, 5, 999, tzinfo=UTC),
            "orderStatus": ["Placed", "Backordered"],
            "pageSize": 5,
            "productCode": "SEN",
            "skipped": None,
        }
    ) == {
        "includeObsolete": "true",
        "excludeAssembled": "false",
        "startDate": "2026-11-01",
        "modifiedSince": "2026-11-01T10:30:05",
        "orderStatus": "Placed,Backordered",
        "pageSize": "5",
        "productCode": "SEN",
    }


def test_the_account_key_does_not_reveal_the_api_id():
    assert API_ID not in account_key(API_ID)
    assert account_key(API_ID) == account_key(API_ID)


async def test_a_page_is_read_by_path_with_page_size_and_filters(client, simulator):
    found = await client.page(PRODUCTS, page=2, page_size=5, filters={"productGroup": "Botanicals"})
    assert (found.page, found.page_size, found.number_of_items, found.number_of_pages) == (2, 5, 10, 2)
    assert not found.has_more
    assert [p.product_code for p in found.items][:2] == ["BOT-GENTIAN", "BOT-GINGER"]
    request = next(simulator.requests_to("Products"))
    assert request.url.path == "/Products/2"
    assert dict(request.url.params) == {"pageSize": "5", "productGroup": "Botanicals"}
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["client-type"] == "sentia/sentia-mcp-server"


async def test_a_page_size_outside_unleashed_limits_is_refused_before_any_call(client, simulator):
    with pytest.raises(ValueError, match="page_size must be between 1 and 1000, not 1001"):
        await client.page(PRODUCTS, page_size=1001)
    assert simulator.requests == []


async def test_one_item_is_read_by_guid_and_a_missing_one_is_none(client, simulator):
    gin = simulator.account_named().product_by_code("SEN-GIN-70")
    product = await client.one(PRODUCTS, gin["Guid"], filters={"includeAttributes": True})
    assert product is not None
    assert product.product_code == "SEN-GIN-70"
    assert product.attribute_set == {
        "SetName": "Spirits & Mixers",
        "Attributes": [{"Name": "Category", "Value": "Gin"}, {"Name": "Duty", "Value": "Spirits duty"}],
    }
    assert await client.one(PRODUCTS, "00000000-0000-0000-0000-000000000000") is None


async def test_one_item_answered_inside_a_list_is_unwrapped():
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"Items": [{"Guid": "g", "CustomerCode": "C", "CustomerName": "N"}]})

    client = build_unleashed_client(
        UnleashedSettings(api_id="i", api_key="k"), httpx.MockTransport(answer), RateLimiter()
    )
    try:
        found = await client.one(CUSTOMERS, "g")
    finally:
        await client.aclose()
    assert found is not None and found.customer_code == "C"


async def test_everything_reads_every_page_up_to_a_limit(client, simulator):
    items, complete = await client.everything(STOCK_ON_HAND, filters={"warehouseCode": "MAIN"})
    assert complete and len(items) == 27
    pages = [Page([n], n, 1, 3, 3) for n in (1, 2, 3)]

    async def fetch(number: int) -> Page[int]:
        return pages[number - 1]

    assert await all_pages(fetch, 2) == ([1, 2], False)
    assert await all_pages(fetch, 5) == ([1, 2, 3], True)


async def test_stock_on_hand_values_are_read_as_decimals(client):
    found = await client.page(STOCK_ON_HAND, filters={"warehouseCode": "MAIN", "productId": [_guid("PKG-CAP-CROWN")]})
    (row,) = found.items
    assert (row.qty_on_hand, row.warehouse_code) == (Decimal("-120"), "MAIN")


async def test_warehouses_and_the_company_are_read_from_their_unpaged_lists(client, simulator):
    assert [w.warehouse_code for w in await client.warehouses()] == ["BOND", "MAIN"]
    (request,) = simulator.requests_to("Warehouses")
    assert (request.url.path, request.url.query) == ("/Warehouses", b"")
    company = await client.company()
    assert (company.company_name, company.currency_code) == ("Sentia Spirits Ltd", "GBP")


async def test_bills_of_materials_carry_their_lines(client):
    found = await client.page(BILLS_OF_MATERIALS, filters={"productGuid": _guid("SEN-GIN-70")})
    (bill,) = found.items
    assert bill.bill_number == "BOM-0001"
    assert [(line.product.product_code, line.quantity) for line in bill.bill_of_materials_lines][:2] == [
        ("SPIRIT-NGS-96", Decimal("0.302")),
        ("BOT-JUNIPER", Decimal("0.014")),
    ]


async def test_a_refused_filter_is_an_error_with_unleashed_s_description(client):
    with pytest.raises(VendorError) as raised:
        await client.page(SALES_ORDERS, filters={"startDate": "last week"})
    assert str(raised.value) == (
        "unleashed: refused the SalesOrders request: 'last week' is not a valid date; use the ISO format YYYY-MM-DD "
        "(HTTP 400); correct the filters and try again"
    )


async def test_a_wrong_key_is_refused_with_403_and_a_message_naming_the_settings(simulator):
    client = build_unleashed_client(
        UnleashedSettings(api_id=API_ID, api_key="not-the-key"), simulator.transport(), RateLimiter()
    )
    try:
        with pytest.raises(VendorError) as raised:
            await client.page(ASSEMBLIES)
    finally:
        await client.aclose()
    assert str(raised.value) == (
        "unleashed: refused the request signature (HTTP 403); check that SENTIA_UNLEASHED__API_ID and "
        "SENTIA_UNLEASHED__API_KEY are the id and key of the same Unleashed company"
    )
    assert "not-the-key" not in str(raised.value)


async def test_an_unknown_api_id_is_signed_again_once_then_refused_with_401(simulator):
    client = build_unleashed_client(
        UnleashedSettings(api_id="11111111-2222-3333-4444-555555555555", api_key=API_KEY),
        simulator.transport(),
        RateLimiter(),
    )
    try:
        with pytest.raises(
            VendorError, match=r"did not accept the API id \(HTTP 401\); check SENTIA_UNLEASHED__API_ID"
        ):
            await client.page(ASSEMBLIES)
    finally:
        await client.aclose()
    assert len(list(simulator.requests_to("Assemblies"))) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"trunc', "unleashed: returned a body that is not valid JSON (HTTP 200)"),
        (b"[1, 2]", "unleashed: returned a body that is not a JSON object in an unexpected shape (HTTP 200)"),
        (b'{"Items": [{"Guid": 5}], "Pagination": {}}', "unleashed: returned Products in an unexpected shape"),
        (b'{"Items": []}', "unleashed: returned the Products pagination in an unexpected shape"),
    ],
)
async def test_a_body_that_is_not_what_unleashed_sends_is_a_clear_error(client, simulator, body, message):
    simulator.faults.add("Products", Fault(status=200, body=body, headers={"content-type": "application/json"}))
    with pytest.raises(VendorError, match=message.replace("(", r"\(").replace(")", r"\)")):
        await client.page(PRODUCTS)


async def test_a_company_list_without_companies_is_an_error(client, simulator):
    simulator.faults.add("Companies", Fault(status=200, body=b'{"Items": []}'))
    with pytest.raises(VendorError, match="returned no company in an unexpected shape"):
        await client.company()


def _guid(code: str) -> str:
    return str(UnleashedSimulator().account_named().product_by_code(code)["Guid"])
