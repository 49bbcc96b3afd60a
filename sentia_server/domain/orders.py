"""A manufacturing order: what a customer ordered, in which state its production is, and what it is worth."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sentia_server.domain.money import Money
from sentia_server.domain.values import (
    REFERENCE_SCHEMA,
    ExactDecimal,
    Sku,
    at_least_one,
    derived,
    positive,
    reference,
    text,
    text_schema,
)


class OrderStatus(StrEnum):
    PLANNED = "planned"
    RELEASED = "released"
    IN_PRODUCTION = "in_production"
    QUALITY_CHECK = "quality_check"
    COMPLETED = "completed"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class OrderPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


NEXT_STATUSES: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PLANNED: frozenset({OrderStatus.RELEASED, OrderStatus.CANCELLED}),
    OrderStatus.RELEASED: frozenset({OrderStatus.IN_PRODUCTION, OrderStatus.CANCELLED}),
    OrderStatus.IN_PRODUCTION: frozenset({OrderStatus.QUALITY_CHECK, OrderStatus.CANCELLED}),
    # A lot that fails its inspection goes back to production for rework.
    OrderStatus.QUALITY_CHECK: frozenset({OrderStatus.COMPLETED, OrderStatus.IN_PRODUCTION, OrderStatus.CANCELLED}),
    OrderStatus.COMPLETED: frozenset({OrderStatus.SHIPPED}),
    OrderStatus.SHIPPED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
"""The moves an order's status may make; shipped and cancelled are final."""


class StatusTransitionRefused(ValueError):
    """A status change the order's flow does not allow."""


def _priced(price: Money) -> Money:
    if price.amount <= 0:
        raise ValueError(f"unit price must be above 0, not {price}")
    return price


Quantity = Annotated[ExactDecimal, positive("quantity"), Field(json_schema_extra={"exclusiveMinimum": 0})]
UnitPrice = Annotated[Money, AfterValidator(_priced)]
OrderNumber = Annotated[
    str,
    reference("order number"),
    Field(description="The order's number, e.g. MO-2026-0042.", json_schema_extra=REFERENCE_SCHEMA),
]
Customer = Annotated[
    str,
    text("customer", 200),
    Field(description="The customer's name or account code.", json_schema_extra=text_schema(200)),
]


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    description: str | None = Field(default=None, max_length=500, description="What the line is, in words.")
    quantity: Quantity = Field(description="How many units are ordered; above 0.")
    unit_price: UnitPrice = Field(description="Price of one unit; above 0.")

    @derived
    def line_total(self) -> Money:
        """Quantity x unit price."""
        return self.unit_price * self.quantity


OrderLines = Annotated[list[OrderLine], at_least_one("an order needs at least one line")]


class ManufacturingOrder(BaseModel):
    """A customer's order for manufactured goods. Its total is derived from its lines, which share one currency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_number: OrderNumber
    customer: Customer
    status: OrderStatus = Field(default=OrderStatus.PLANNED, description="Where the order is in production.")
    priority: OrderPriority = Field(default=OrderPriority.NORMAL)
    lines: OrderLines = Field(max_length=500, json_schema_extra={"minItems": 1})
    created_date: date = Field(description="The day the order was placed.")
    due_date: date = Field(description="The day the order is due; not before created_date.")
    notes: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _consistent(self) -> ManufacturingOrder:
        if self.due_date < self.created_date:
            raise ValueError(
                f"due date {self.due_date} is before created date {self.created_date}: an order cannot be due "
                "before it is placed"
            )
        currencies = sorted({line.unit_price.currency for line in self.lines})
        if len(currencies) > 1:
            raise ValueError(f"all lines of an order are priced in one currency; these use {', '.join(currencies)}")
        return self

    @derived
    def currency(self) -> str:
        """The currency every line is priced in."""
        return self.lines[0].unit_price.currency

    @derived
    def total(self) -> Money:
        """The sum of the line totals."""
        return Money.total((line.line_total for line in self.lines), currency=self.currency)

    @derived
    def total_quantity(self) -> Decimal:
        """The number of units over all lines."""
        return sum((line.quantity for line in self.lines), Decimal(0))

    def move_to(self, status: OrderStatus) -> ManufacturingOrder:
        """This order in `status`; StatusTransitionRefused when the flow does not allow the move."""
        allowed = NEXT_STATUSES[self.status]
        if status not in allowed:
            options = ", ".join(sorted(allowed)) or "none: it is final"
            raise StatusTransitionRefused(
                f"order {self.order_number} cannot move from {self.status} to {status}; allowed next: {options}"
            )
        return self.model_copy(update={"status": status})
