"""The Unleashed and manufacturing tools' input models: bad arguments are refused with a message naming them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sentia_server.tools.manufacturing.inventory_health import InventoryHealthInput
from sentia_server.tools.manufacturing.production import ProductionStatusInput
from sentia_server.tools.unleashed.customers import CustomersInput
from sentia_server.tools.unleashed.inventory import InventoryInput
from sentia_server.tools.unleashed.production_orders import ProductionOrdersInput
from sentia_server.tools.unleashed.products import ProductsInput
from sentia_server.tools.unleashed.purchase_orders import PurchaseOrdersInput
from sentia_server.tools.unleashed.sales_orders import SalesOrdersInput


@pytest.mark.parametrize(
    ("model", "arguments", "message"),
    [
        (ProductsInput, {"page_size": 1001}, "less than or equal to 1000"),
        (ProductsInput, {"page": 0}, "greater than or equal to 1"),
        (ProductsInput, {"product_guid": "not-a-guid"}, "String should match pattern"),
        (ProductsInput, {"order_by": "Price"}, "Input should be 'ProductCode', 'LastModifiedOn' or 'CreatedOn'"),
        (InventoryInput, {"low_stock_threshold": -1}, "greater than or equal to 0"),
        (InventoryInput, {"only": "empty"}, "Input should be 'all', 'low', 'negative', 'low_or_negative' or 'over'"),
        (ProductionOrdersInput, {"statuses": ["InProgress"]}, "Input should be 'Parked' or 'Completed'"),
        (
            ProductionOrdersInput,
            {"created_from": "2026-11-02", "created_to": "2026-11-01"},
            "created_from must not be after created_to",
        ),
        (
            PurchaseOrdersInput,
            {"order_date_from": "2026-11-02", "order_date_to": "2026-11-01"},
            "order_date_from must not be after order_date_to",
        ),
        (
            SalesOrdersInput,
            {"completed_after": "2026-11-02", "completed_before": "2026-11-01"},
            "completed_after must not be after completed_before",
        ),
        (SalesOrdersInput, {"statuses": ["Shipped"]}, "Input should be 'Parked', 'Placed', 'Backordered'"),
        (CustomersInput, {"currency": "pounds"}, "String should match pattern"),
        (CustomersInput, {"unknown": 1}, "Extra inputs are not permitted"),
        (ProductionStatusInput, {"page_size": 501}, "less than or equal to 500"),
        (InventoryHealthInput, {"sources": []}, "at least 1 item"),
        (InventoryHealthInput, {"amazon_marketplaces": ["fr"]}, "Input should be 'uk', 'us', 'de' or 'ca'"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_naming_them(model, arguments, message):
    with pytest.raises(ValidationError, match=message):
        model.model_validate(arguments)


def test_defaults_page_by_unleashed_s_default_page_size():
    assert (ProductsInput().page, ProductsInput().page_size) == (1, 200)
    assert InventoryHealthInput().sources == ["unleashed", "shopify", "amazon"]
