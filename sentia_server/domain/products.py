"""A product specification: what a SKU is, what it costs to make, what it sells for and how long it takes."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sentia_server.domain.money import Money
from sentia_server.domain.values import ExactDecimal, Sku, derived, text, text_schema

SPECIFICATION_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"
_SPECIFICATION_KEY = re.compile(SPECIFICATION_KEY_PATTERN)


class ProductCategory(StrEnum):
    SPIRIT = "spirit"
    LIQUEUR = "liqueur"
    MIXER = "mixer"
    NON_ALCOHOLIC = "non_alcoholic"
    GIFT_SET = "gift_set"
    ACCESSORY = "accessory"
    INGREDIENT = "ingredient"
    PACKAGING = "packaging"


def _not_negative_cost(part: str) -> AfterValidator:
    def check(value: Money) -> Money:
        if value.amount < 0:
            raise ValueError(f"{part} cost must be 0 or more, not {value}")
        return value

    return AfterValidator(check)


class CostBreakdown(BaseModel):
    """The cost of making one unit. The stated total must equal material + labour + overhead, in one currency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    material: Annotated[Money, _not_negative_cost("material")]
    labour: Annotated[Money, _not_negative_cost("labour")]
    overhead: Annotated[Money, _not_negative_cost("overhead")]
    total: Money = Field(description="The stated total; must equal material + labour + overhead.")

    @model_validator(mode="after")
    def _adds_up(self) -> CostBreakdown:
        currencies = sorted({part.currency for part in (self.material, self.labour, self.overhead, self.total)})
        if len(currencies) > 1:
            raise ValueError(f"a cost breakdown is in one currency; this one uses {', '.join(currencies)}")
        parts = self.material + self.labour + self.overhead
        if parts.amount != self.total.amount:
            raise ValueError(f"cost total {self.total} does not match material + labour + overhead = {parts}")
        return self


def _check_specifications(values: dict[str, str | Decimal | bool]) -> dict[str, str | Decimal | bool]:
    wrong = sorted(key for key in values if not _SPECIFICATION_KEY.match(key))
    if wrong:
        raise ValueError(
            f"specification names are lower-case snake_case words of at most 50 characters, e.g. abv_percent; "
            f"not {', '.join(repr(key) for key in wrong)}"
        )
    return values


def _positive_price(price: Money) -> Money:
    if price.amount <= 0:
        raise ValueError(f"price must be above 0, not {price}")
    return price


def _lead_time(days: int) -> int:
    if days < 0:
        raise ValueError(f"lead time must be 0 days or more, not {days}")
    return days


ProductName = Annotated[str, text("product name", 200), Field(json_schema_extra=text_schema(200))]
Specifications = Annotated[dict[str, ExactDecimal | bool | str], AfterValidator(_check_specifications)]


class ProductSpecification(BaseModel):
    """A SKU's specification: category, measurable properties, unit cost, price and lead time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    name: ProductName
    category: ProductCategory
    specifications: Specifications = Field(
        default_factory=dict,
        max_length=100,
        description='Named properties, e.g. {"abv_percent": 41.5, "volume_ml": 700, "botanicals": "juniper"}.',
    )
    cost: CostBreakdown
    price: Annotated[Money, AfterValidator(_positive_price)] = Field(description="Selling price of one unit.")
    lead_time_days: Annotated[int, AfterValidator(_lead_time)] = Field(
        le=3650, description="Days from order to availability; 0 or more.", json_schema_extra={"minimum": 0}
    )

    @derived
    def gross_margin(self) -> Decimal | None:
        """(price - cost total) / price to 4 places (half up), when price and cost share a currency; otherwise null."""
        if self.price.currency != self.cost.total.currency:
            return None
        return ((self.price.amount - self.cost.total.amount) / self.price.amount).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
