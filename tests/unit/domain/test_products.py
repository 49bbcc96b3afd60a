"""ProductSpecification: SKU format, category, named properties, a cost breakdown that adds up, price, lead time."""

from __future__ import annotations

from decimal import Decimal

import pytest
from unit.domain.helpers import gbp, merged, rejection

from sentia_server.domain import CostBreakdown, ProductCategory, ProductSpecification


def test_a_valid_specification_keeps_exact_properties_and_derives_the_margin(product_data):
    product = ProductSpecification.model_validate(product_data)
    assert product.category is ProductCategory.SPIRIT
    assert product.specifications == {
        "abv_percent": Decimal("41.5"),
        "volume_ml": Decimal(700),
        "botanicals": "juniper, yuzu",
        "organic": True,
    }
    assert product.cost.total.amount == Decimal("7.00")
    assert product.gross_margin == Decimal("0.7813")  # (32 - 7) / 32 = 0.78125, to 4 places, half up


@pytest.mark.parametrize(
    "changes",
    [
        {"specifications": ...},
        {"lead_time_days": 0},
        {"category": "gift_set", "sku": "SEN-GIFT-DUO"},
        {"cost": {"material": gbp("0"), "labour": gbp("0"), "overhead": gbp("0"), "total": gbp("0")}},
    ],
)
def test_valid_specification_variants_are_accepted(product_data, changes):
    assert ProductSpecification.model_validate(merged(product_data, changes)).sku.startswith("SEN-")


def test_the_margin_is_not_given_when_price_and_cost_are_in_different_currencies(product_data):
    product = ProductSpecification.model_validate(
        merged(product_data, {"price": {"amount": "39.00", "currency": "EUR"}})
    )
    assert product.gross_margin is None


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"sku": "SEN_GIN_70"}, "SKU 'SEN_GIN_70' must be upper-case letters and digits in groups joined by single"),
        ({"sku": "-SEN"}, "SKU '-SEN' must be upper-case letters and digits"),
        ({"sku": "S" * 65}, "at most 64 characters"),
        ({"name": ""}, "product name must not be blank"),
        ({"category": "wine"}, "Input should be 'spirit', 'liqueur', 'mixer'"),
        ({"specifications": {"ABV": 41.5}}, "specification names are lower-case snake_case words"),
        ({"specifications": {"fill volume": 700}}, "not 'fill volume'"),
        ({"price": gbp("0")}, "price must be above 0, not GBP 0"),
        ({"lead_time_days": -3}, "lead time must be 0 days or more, not -3"),
        ({"lead_time_days": 4000}, "Input should be less than or equal to 3650"),
        ({"lead_time_days": 2.5}, "Input should be a valid integer"),
        ({"gross_margin": "0.5"}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_specifications_are_rejected_naming_the_rule(product_data, changes, rule):
    assert rule in rejection(ProductSpecification, merged(product_data, changes))


@pytest.mark.parametrize(
    ("cost", "rule"),
    [
        (
            {"material": gbp("5.20"), "labour": gbp("1.30"), "overhead": gbp("0.70"), "total": gbp("7.00")},
            "cost total GBP 7.00 does not match material + labour + overhead = GBP 7.20",
        ),
        (
            {"material": gbp("5.20"), "labour": gbp("1.30"), "overhead": gbp("0.50"), "total": gbp("6.99")},
            "cost total GBP 6.99 does not match material + labour + overhead = GBP 7.00",
        ),
        (
            {
                "material": gbp("5.20"),
                "labour": {"amount": "1.30", "currency": "EUR"},
                "overhead": gbp("0.50"),
                "total": gbp("7.00"),
            },
            "a cost breakdown is in one currency; this one uses EUR, GBP",
        ),
        (
            {"material": gbp("-1.00"), "labour": gbp("1.30"), "overhead": gbp("0.50"), "total": gbp("0.80")},
            "material cost must be 0 or more, not GBP -1.00",
        ),
        (
            {"material": gbp("1.00"), "labour": gbp("-1.30"), "overhead": gbp("0.50"), "total": gbp("0.20")},
            "labour cost must be 0 or more",
        ),
        (
            {"material": gbp("1.00"), "labour": gbp("1.30"), "overhead": gbp("-0.50"), "total": gbp("1.80")},
            "overhead cost must be 0 or more",
        ),
        ({"material": gbp("5.20"), "labour": gbp("1.30"), "overhead": gbp("0.50")}, "Field required"),
    ],
)
def test_a_cost_breakdown_must_add_up_in_one_currency(product_data, cost, rule):
    assert rule in rejection(ProductSpecification, merged(product_data, {"cost": cost}))


def test_a_stated_total_equal_in_value_but_written_differently_is_accepted():
    cost = CostBreakdown.model_validate(
        {"material": gbp("5.2"), "labour": gbp("1.30"), "overhead": gbp("0.5"), "total": gbp("7")}
    )
    assert cost.total.amount == Decimal(7)
