"""What the Shopify tools share: the tool group, argument types, the client, date ranges, money, a shop's time
zone, and one page of items merged from several shops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from sentia_server.integrations.shopify import ShopConnection, ShopifyClient, build_client, models
from sentia_server.integrations.shopify.paging import (
    Cursored,
    InvalidCursor,
    Page,
    Position,
    advance,
    decode_cursor,
    encode_cursor,
    fingerprint,
    has_more,
    merge,
)
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolOutput

group = ToolGroup(ToolCategory.SHOPIFY)

T = TypeVar("T")
OutT = TypeVar("OutT", bound=BaseModel)

ShopChoice = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="A configured shop's short name (e.g. uk, usa), or all to read every configured shop; items "
        "are tagged with their shop.",
    ),
]
OneShop = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="The configured shop's short name (e.g. uk or usa); changes apply to one shop at a time.",
    ),
]
First = Annotated[int, Field(default=50, ge=1, le=250, description="Items per page (1-250).")]
Cursor = Annotated[
    str | None,
    Field(
        default=None,
        max_length=4096,
        description="page.next_cursor of the previous call, with the same filters, for the next page.",
    ),
]
Text = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Free text searched in the default fields (words are ANDed; they cannot add filters).",
    ),
]
DateOrTime = date | datetime
TimeBound = Annotated[
    DateOrTime | None,
    Field(
        default=None,
        description="A date (YYYY-MM-DD, a whole day in the shop's time zone) or an ISO 8601 date-time.",
    ),
]
FinancialStatus = Literal[
    "authorized", "expired", "paid", "partially_paid", "partially_refunded", "pending", "refunded", "voided"
]


def shopify_client(ctx: ToolContext) -> ShopifyClient:
    return ctx.runtime.vendors.get("shopify", build_client)


def check_range(start: DateOrTime | None, end: DateOrTime | None, name: str) -> None:
    if start is not None and end is not None and _as_datetime(start) > _as_datetime(end):
        raise ValueError(f"{name}_from must not be after {name}_to")


def _as_datetime(value: DateOrTime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    return moment.replace(tzinfo=None)


async def shop_timezone(conn: ShopConnection) -> ZoneInfo:
    return ZoneInfo((await conn.shop_info()).timezone)


# Output parts


class MoneyOut(ToolOutput):
    amount: Decimal = Field(description="Decimal amount, exact (never a float).")
    currency: str = Field(description="ISO 4217 currency code.")


def money_out_or_none(value: models.Money | None) -> MoneyOut | None:
    return None if value is None else MoneyOut(amount=value.amount, currency=value.currency)


def money_out(value: models.Money) -> MoneyOut:
    return MoneyOut(amount=value.amount, currency=value.currency)


# Merged listing across shops


async def merged_listing(
    ctx: ToolContext,
    *,
    shop: str,
    cursor: str | None,
    first: int,
    filters: dict[str, Any],
    fetch: Callable[[ShopConnection, Position], Awaitable[Page[T]]],
    sort_key: Callable[[T], Any],
    reverse: bool,
    render: Callable[[Cursored[T]], OutT],
) -> tuple[list[str], list[OutT], PageInfo]:
    """One page of items merged from the chosen shops, trimmed to the response budget, with its next cursor."""
    client = shopify_client(ctx)
    shops = client.resolve(shop)
    query = fingerprint({**filters, "shops": shops})
    try:
        positions = decode_cursor(cursor, query, shops)
    except InvalidCursor as error:
        raise ToolError(f"invalid cursor: {error}") from None
    pages = [await fetch(client.shop(key), positions[key]) for key in shops if not positions[key].done]
    merged = merge(pages, first, sort_key, reverse)
    rendered = [render(item) for item in merged]
    kept, reason = fit_to_budget(rendered, ctx.runtime.settings.tool_response_budget_bytes)
    updated = advance(positions, pages, merged[: len(kept)])
    more = has_more(updated)
    page = PageInfo(
        returned=len(kept),
        has_more=more,
        next_cursor=encode_cursor(query, updated) if more else None,
        truncated=reason is not None,
        truncated_reason=reason,
    )
    return shops, kept, page
