"""The stock of one SKU at one location, and whether it has fallen to its reorder point."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.domain.values import ExactDecimal, Sku, derived, non_negative, text, text_schema

Location = Annotated[
    str,
    text("location", 64),
    Field(description="Warehouse or store code, e.g. MAIN or BONDED-1.", json_schema_extra=text_schema(64)),
]
StockUnit = Annotated[
    str,
    text("unit", 20),
    Field(description="Unit of the quantities, e.g. bottle, case, litre.", json_schema_extra=text_schema(20)),
]


class InventoryLevel(BaseModel):
    """Stock on hand of a SKU at a location. `needs_reorder` is derived: on hand at or below the reorder point."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: Sku
    location: Location
    on_hand: Annotated[ExactDecimal, non_negative("on hand")] = Field(
        description="Quantity in stock; 0 or more.", json_schema_extra={"minimum": 0}
    )
    reorder_point: Annotated[ExactDecimal, non_negative("reorder point")] = Field(
        description="Stock level at which to reorder; 0 or more.", json_schema_extra={"minimum": 0}
    )
    unit: StockUnit

    @derived
    def needs_reorder(self) -> bool:
        """True when on hand is at or below the reorder point."""
        return self.on_hand <= self.reorder_point
