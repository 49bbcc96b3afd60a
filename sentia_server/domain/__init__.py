"""The manufacturing domain as pure pydantic models: money, orders, product specifications, quality records and
inventory levels. Every rule is enforced when a model is built, with a message naming the rule; derived values
(totals, results, reorder flags) are computed, never accepted as input. No I/O: the testkit imports these too."""

from sentia_server.domain.inventory import InventoryLevel
from sentia_server.domain.money import CurrencyMismatch, Money
from sentia_server.domain.orders import (
    ManufacturingOrder,
    OrderLine,
    OrderPriority,
    OrderStatus,
    StatusTransitionRefused,
)
from sentia_server.domain.products import CostBreakdown, ProductCategory, ProductSpecification
from sentia_server.domain.quality import InspectionResult, Measurement, QualityRecord

__all__ = [
    "CostBreakdown",
    "CurrencyMismatch",
    "InspectionResult",
    "InventoryLevel",
    "ManufacturingOrder",
    "Measurement",
    "Money",
    "OrderLine",
    "OrderPriority",
    "OrderStatus",
    "ProductCategory",
    "ProductSpecification",
    "QualityRecord",
    "StatusTransitionRefused",
]
