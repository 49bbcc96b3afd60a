"""The Amazon tools' input models refuse contradictory or incomplete arguments with a message naming the problem,
and the tools read odd vendor values defensively."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sentia_server.integrations.amazon import MARKETPLACES, Marketplace
from sentia_server.tools import amazon

INVALID: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (
        amazon.GetOrdersInput,
        {"created_after": "2024-01-01T00:00:00Z", "updated_after": "2024-01-01T00:00:00Z"},
        "give created_after or updated_after, not both",
    ),
    (
        amazon.GetOrdersInput,
        {"updated_after": "2024-01-01T00:00:00Z", "created_before": "2024-02-01T00:00:00Z"},
        "created_before goes with created_after",
    ),
    (amazon.GetOrdersInput, {"updated_before": "2024-02-01T00:00:00Z"}, "updated_before needs updated_after"),
    (
        amazon.GetOrdersInput,
        {"created_after": "2024-02-01T00:00:00Z", "created_before": "2024-01-01T00:00:00Z"},
        "the 'before' time must be later than the 'after' time",
    ),
    (amazon.GetOrdersInput, {"created_after": "2024-02-01T00:00:00"}, "Input should have timezone info"),
    (amazon.GetOrdersInput, {"max_results": 101}, "less than or equal to 100"),
    (amazon.GetOrdersInput, {"statuses": ["Lost"]}, "Input should be 'Pending'"),
    (amazon.GetProductsInput, {}, "give exactly one of keywords, identifiers, asin or sku"),
    (
        amazon.GetProductsInput,
        {"asin": "B0D7SNTG70", "sku": "SEN-GIN-70"},
        "give exactly one of keywords, identifiers, asin or sku",
    ),
    (amazon.GetProductsInput, {"identifiers": ["5060912340011"]}, "identifiers need identifiers_type"),
    (
        amazon.GetProductsInput,
        {"asin": "B0D7SNTG70", "brand_names": ["Sentia"]},
        "apply to keyword or identifier searches",
    ),
    (amazon.GetProductsInput, {"asin": "b0d7"}, "String should match pattern"),
    (amazon.GetInventoryInput, {"fulfillment": "fbm"}, "fbm inventory is read per listing: give 1 to 20 skus"),
    (
        amazon.GetInventoryInput,
        {"fulfillment": "fbm", "skus": ["A"], "next_token": "x"},
        "next_token and changed_since apply to fba inventory",
    ),
    (amazon.GetReportsInput, {"action": "create"}, "action create needs report_type"),
    (
        amazon.GetReportsInput,
        {
            "action": "create",
            "report_type": "GET_AFN_INVENTORY_DATA",
            "data_start_time": "2024-02-01T00:00:00Z",
            "data_end_time": "2024-01-01T00:00:00Z",
        },
        "data_end_time must be later than data_start_time",
    ),
    (amazon.GetReportsInput, {"action": "download"}, "action download needs report_id"),
    (amazon.GetReportsInput, {"action": "status", "report_id": "abc"}, "String should match pattern"),
    (
        amazon.ManageListingsInput,
        {"action": "delete", "sku": "A", "price": "1.00"},
        "delete takes only the sku and marketplace",
    ),
    (amazon.ManageListingsInput, {"action": "put", "sku": "A"}, "action put needs product_type"),
    (
        amazon.ManageListingsInput,
        {"action": "put", "sku": "A", "product_type": "SPIRITS"},
        "put needs attributes or listing fields",
    ),
    (
        amazon.ManageListingsInput,
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
        amazon.ManageListingsInput,
        {"action": "patch", "sku": "A", "product_type": "SPIRITS"},
        "patch needs patches or listing fields",
    ),
    (
        amazon.ManageListingsInput,
        {"action": "patch", "sku": "A", "product_type": "SPIRITS", "attributes": {"brand": [{"value": "x"}]}},
        "patch changes attributes through patches",
    ),
    (
        amazon.ManageListingsInput,
        {"action": "validate", "sku": "A", "product_type": "SPIRITS"},
        "validate needs the attributes (or patches) to check",
    ),
    (
        amazon.ManageListingsInput,
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
        amazon.ManageListingsInput,
        {
            "action": "patch",
            "sku": "A",
            "product_type": "SPIRITS",
            "patches": [{"op": "add", "path": "/attributes/brand"}],
        },
        "add, replace and merge need one",
    ),
    (
        amazon.ManageListingsInput,
        {
            "action": "patch",
            "sku": "A",
            "product_type": "SPIRITS",
            "patches": [{"op": "add", "path": "/offers/0", "value": []}],
        },
        "String should match pattern",
    ),
    (
        amazon.ManageListingsInput,
        {"action": "put", "sku": " A", "product_type": "SPIRITS", "title": "x"},
        "String should match pattern",
    ),
    (
        amazon.ManageListingsInput,
        {"action": "put", "sku": "A", "product_type": "SPIRITS", "price": "1.005"},
        "Decimal input should have no more than 2 decimal places",
    ),
    (
        amazon.AdvertisingInput,
        {"data_type": "campaign_performance", "start_date": "2024-02-01", "end_date": "2024-01-01"},
        "end_date must not be before start_date",
    ),
    (
        amazon.AdvertisingInput,
        {"data_type": "campaign_performance", "start_date": "2024-01-01", "end_date": "2024-03-01"},
        "Amazon Ads reports cover at most 31 days",
    ),
    (amazon.AdvertisingInput, {"data_type": "campaigns", "campaign_ids": ["camp_001"]}, "String should match pattern"),
    (amazon.AdvertisingInput, {"data_type": "targets"}, "Input should be 'campaigns'"),
]


@pytest.mark.parametrize(("model", "arguments", "message"), INVALID)
def test_contradictory_or_incomplete_arguments_are_refused_with_a_reason(model, arguments, message):
    with pytest.raises(ValidationError) as raised:
        model.model_validate(arguments)
    assert message in str(raised.value)


def test_listing_fields_become_amazon_attributes():
    params = amazon.ManageListingsInput.model_validate(
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
    assert amazon._money({"Amount": "abc", "CurrencyCode": "GBP"}) is None
    assert amazon._money("12.00") is None
    assert amazon._time("not a date") is None
    assert amazon._time(None) is None
    assert amazon._ratio(1, 0) is None
