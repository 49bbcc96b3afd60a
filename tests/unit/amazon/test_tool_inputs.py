"""The Amazon tools' input models refuse contradictory or incomplete arguments with a message naming the problem,
and the tools read odd vendor values defensively."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sentia_server.integrations.amazon import MARKETPLACES, Marketplace
from sentia_server.tools.amazon.advertising import AdvertisingInput, _ratio
from sentia_server.tools.amazon.common import money, parse_time
from sentia_server.tools.amazon.inventory import GetInventoryInput
from sentia_server.tools.amazon.listings import ManageListingsInput
from sentia_server.tools.amazon.orders import GetOrdersInput
from sentia_server.tools.amazon.products import GetProductsInput
from sentia_server.tools.amazon.reports import GetReportsInput

INVALID: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (
        GetOrdersInput,
        {"created_after": "2024-01-01T00:00:00Z", "updated_after": "2024-01-01T00:00:00Z"},
        "give created_after or updated_after, not both",
    ),
    (
        GetOrdersInput,
        {"updated_after": "2024-01-01T00:00:00Z", "created_before": "2024-02-01T00:00:00Z"},
        "created_before goes with created_after",
    ),
    (GetOrdersInput, {"updated_before": "2024-02-01T00:00:00Z"}, "updated_before needs updated_after"),
    (
        GetOrdersInput,
        {"created_after": "2024-02-01T00:00:00Z", "created_before": "2024-01-01T00:00:00Z"},
        "the 'before' time must be later than the 'after' time",
    ),
    (GetOrdersInput, {"created_after": "2024-02-01T00:00:00"}, "Input should have timezone info"),
    (GetOrdersInput, {"max_results": 101}, "less than or equal to 100"),
    (GetOrdersInput, {"statuses": ["Lost"]}, "Input should be 'Pending'"),
    (GetProductsInput, {}, "give exactly one of keywords, identifiers, asin or sku"),
    (
        GetProductsInput,
        {"asin": "B0D7SNTG70", "sku": "SEN-GIN-70"},
        "give exactly one of keywords, identifiers, asin or sku",
    ),
    (GetProductsInput, {"identifiers": ["5060912340011"]}, "identifiers need identifiers_type"),
    (
        GetProductsInput,
        {"asin": "B0D7SNTG70", "brand_names": ["Sentia"]},
        "apply to keyword or identifier searches",
    ),
    (GetProductsInput, {"asin": "b0d7"}, "String should match pattern"),
    (GetInventoryInput, {"fulfillment": "fbm"}, "fbm inventory is read per listing: give 1 to 20 skus"),
    (
        GetInventoryInput,
        {"fulfillment": "fbm", "skus": ["A"], "next_token": "x"},
        "next_token and changed_since apply to fba inventory",
    ),
    (GetReportsInput, {"action": "create"}, "action create needs report_type"),
    (
        GetReportsInput,
        {
            "action": "create",
            "report_type": "GET_AFN_INVENTORY_DATA",
            "data_start_time": "2024-02-01T00:00:00Z",
            "data_end_time": "2024-01-01T00:00:00Z",
        },
        "data_end_time must be later than data_start_time",
    ),
    (GetReportsInput, {"action": "download"}, "action download needs report_id"),
    (GetReportsInput, {"action": "status", "report_id": "abc"}, "String should match pattern"),
    (
        ManageListingsInput,
        {"action": "delete", "sku": "A", "price": "1.00"},
        "delete takes only the sku and marketplace",
    ),
    (ManageListingsInput, {"action": "put", "sku": "A"}, "action put needs product_type"),
    (
        ManageListingsInput,
        {"action": "put", "sku": "A", "product_type": "SPIRITS"},
        "put needs attributes or listing fields",
    ),
    (
        ManageListingsInput,
        {
            "action": "put",
            "sku": "A",
            "product_type": "SPIRITS",
            "title": "x",
            "patches": [{"op": "delete", "path": "/attributes/brand"}],
        },
        "put replaces the whole listing",
    ),
    (
        ManageListingsInput,
        {"action": "patch", "sku": "A", "product_type": "SPIRITS"},
        "patch needs patches or listing fields",
    ),
    (
        ManageListingsInput,
        {"action": "patch", "sku": "A", "product_type": "SPIRITS", "attributes": {"brand": [{"value": "x"}]}},
        "patch changes attributes through patches",
    ),
    (
        ManageListingsInput,
        {"action": "validate", "sku": "A", "product_type": "SPIRITS"},
        "validate needs the attributes (or patches) to check",
    ),
    (
        ManageListingsInput,
        {
            "action": "validate",
            "sku": "A",
            "product_type": "SPIRITS",
            "attributes": {"brand": [{"value": "x"}]},
            "patches": [{"op": "delete", "path": "/attributes/brand"}],
        },
        "validate checks either a put (attributes) or a patch (patches), not both",
    ),
    (
        ManageListingsInput,
        {
            "action": "patch",
            "sku": "A",
            "product_type": "SPIRITS",
            "patches": [{"op": "add", "path": "/attributes/brand"}],
        },
        "add, replace and merge need one",
    ),
    (
        ManageListingsInput,
        {
            "action": "patch",
            "sku": "A",
            "product_type": "SPIRITS",
            "patches": [{"op": "add", "path": "/offers/0", "value": []}],
        },
        "String should match pattern",
    ),
    (
        ManageListingsInput,
        {"action": "put", "sku": " A", "product_type": "SPIRITS", "title": "x"},
        "String should match pattern",
    ),
    (
        ManageListingsInput,
        {"action": "put", "sku": "A", "product_type": "SPIRITS", "price": "1.005"},
        "Decimal input should have no more than 2 decimal places",
    ),
    (
        AdvertisingInput,
        {"data_type": "campaign_performance", "start_date": "2024-02-01", "end_date": "2024-01-01"},
        "end_date must not be before start_date",
    ),
    (
        AdvertisingInput,
        {"data_type": "campaign_performance", "start_date": "2024-01-01", "end_date": "2024-03-01"},
        "Amazon Ads reports cover at most 31 days",
    ),
    (AdvertisingInput, {"data_type": "campaigns", "campaign_ids": ["camp_001"]}, "String should match pattern"),
    (AdvertisingInput, {"data_type": "targets"}, "Input should be 'campaigns'"),
]


@pytest.mark.parametrize(("model", "arguments", "message"), INVALID)
def test_contradictory_or_incomplete_arguments_are_refused_with_a_reason(model, arguments, message):
    with pytest.raises(ValidationError) as raised:
        model.model_validate(arguments)
    assert message in str(raised.value)


def test_listing_fields_become_amazon_attributes():
    params = ManageListingsInput.model_validate(
        {
            "action": "put",
            "sku": "SEN-GIN-70",
            "product_type": "SPIRITS",
            "title": "Gin",
            "condition": "new_new",
            "price": "34.00",
            "quantity": 0,
        }
    )
    attributes = params.convenience_attributes(MARKETPLACES[Marketplace.UK])
    assert attributes["item_name"] == [{"value": "Gin", "language_tag": "en_GB", "marketplace_id": "A1F83G8C2ARO7P"}]
    assert attributes["purchasable_offer"][0]["our_price"] == [{"schedule": [{"value_with_tax": 34.0}]}]
    assert attributes["purchasable_offer"][0]["currency"] == "GBP"
    assert attributes["fulfillment_availability"] == [{"fulfillment_channel_code": "DEFAULT", "quantity": 0}]
    assert attributes["condition_type"] == [{"value": "new_new", "marketplace_id": "A1F83G8C2ARO7P"}]


def test_odd_vendor_values_are_read_defensively():
    assert money({"Amount": "abc", "CurrencyCode": "GBP"}) is None
    assert money("12.00") is None
    assert parse_time("not a date") is None
    assert parse_time(None) is None
    assert _ratio(1, 0) is None
