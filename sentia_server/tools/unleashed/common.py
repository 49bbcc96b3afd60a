"""What the Unleashed tools share: the tool group, argument types, the client, paging and output pieces."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from sentia_server.integrations.unleashed import Page, UnleashedClient, build_unleashed_client
from sentia_server.integrations.unleashed.models import ProductRef, WarehouseRef
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolOutput

group = ToolGroup(ToolCategory.UNLEASHED)

VENDOR = "unleashed"
GUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
Guid = Annotated[str, Field(pattern=GUID_PATTERN, examples=["6f1b9f5e-3c2d-4b8a-9e7f-5a4c3b2d1e0f"])]
Code = Annotated[str, Field(min_length=1, max_length=100)]
PageNumber = Annotated[int, Field(default=1, ge=1, le=100_000, description="Page number, from 1.")]
PageSize = Annotated[
    int, Field(default=200, ge=1, le=1000, description="Items per page (Unleashed pages hold at most 1000).")
]
ModifiedSince = Annotated[
    datetime | None,
    Field(default=None, description="Only records created or changed since this time (UTC when no offset is given)."),
]
AsOf = Annotated[
    date | None,
    Field(default=None, description="The day against which due dates are judged late or overdue; default today (UTC)."),
]


def unleashed_client(ctx: ToolContext) -> UnleashedClient:
    """The process's Unleashed client (VendorNotConfigured names the settings to set when it has no credentials)."""
    return ctx.runtime.vendors.get(VENDOR, build_unleashed_client)


def utc_today() -> date:
    return datetime.now(UTC).date()


def page_info(found: Page[Any], returned: int, reason: str | None) -> PageInfo:
    return PageInfo(
        returned=returned,
        has_more=found.has_more,
        next_page=found.page + 1 if found.has_more else None,
        truncated=reason is not None,
        truncated_reason=reason,
    )


def number(value: Decimal | None) -> float | None:
    """A quantity as a JSON number (4 decimal places, as Unleashed keeps them)."""
    return None if value is None else float(round(value, 4))


def money(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def day_of(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()


class ProductRefOut(ToolOutput):
    guid: str | None
    code: str
    description: str | None


class WarehouseRefOut(ToolOutput):
    code: str
    name: str | None


def product_ref(ref: ProductRef) -> ProductRefOut:
    return ProductRefOut(guid=ref.guid, code=ref.product_code, description=ref.product_description)


def warehouse_ref(ref: WarehouseRef | None) -> WarehouseRefOut | None:
    return None if ref is None else WarehouseRefOut(code=ref.warehouse_code, name=ref.warehouse_name)
