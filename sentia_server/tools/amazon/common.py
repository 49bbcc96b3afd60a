"""What the Amazon tools share: the tool group, the Selling Partner and Ads clients, the marketplace and
numeric id arguments, time and money parsing, page info and report polling delays."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import Field

from sentia_server.integrations.amazon import (
    AdsClient,
    Marketplace,
    SellingPartnerClient,
    build_ads_client,
    build_selling_partner_client,
)
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolOutput

group = ToolGroup(ToolCategory.AMAZON)

NumericId = Annotated[str, Field(pattern=r"^[0-9]{1,20}$")]

MARKETPLACE_FIELD = Field(
    default=Marketplace.UK,
    description="Amazon marketplace: uk (Amazon.co.uk), de (Amazon.de), us (Amazon.com) or ca (Amazon.ca). It must "
    "belong to the configured SP-API region (eu: uk, de; na: us, ca).",
)
REPORT_POLL_FIRST_DELAY = 0.5
REPORT_POLL_MAX_DELAY = 5.0


def selling_partner_client(ctx: ToolContext) -> SellingPartnerClient:
    return ctx.runtime.vendors.get("amazon", build_selling_partner_client)


def ads_client(ctx: ToolContext) -> AdsClient:
    return ctx.runtime.vendors.get("amazon_ads", build_ads_client)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def page_info(returned: int, next_cursor: str | None, reason: str | None) -> PageInfo:
    return PageInfo(
        returned=returned,
        has_more=next_cursor is not None or reason is not None,
        next_cursor=next_cursor,
        truncated=reason is not None,
        truncated_reason=reason,
    )


class Money(ToolOutput):
    amount: Decimal
    currency: str = Field(description="ISO 4217 currency code, e.g. GBP.")


def money(value: Any) -> Money | None:
    if not isinstance(value, dict):
        return None
    amount = _decimal(value.get("Amount", value.get("amount")))
    currency = value.get("CurrencyCode", value.get("currencyCode"))
    return Money(amount=amount, currency=str(currency)) if amount is not None and currency else None
