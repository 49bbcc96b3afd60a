"""shopify-get-customers: a shop's customers (or every shop's, merged) with contact details, order count and
amount spent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.shopify import ShopConnection, models, reads
from sentia_server.integrations.shopify.paging import Cursored, Page, Position
from sentia_server.integrations.shopify.search import SearchQuery
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.shopify.common import (
    Cursor,
    First,
    MoneyOut,
    ShopChoice,
    Text,
    TimeBound,
    check_range,
    group,
    merged_listing,
    money_out,
    shop_timezone,
)

CustomerSort = Literal["name", "created_at", "updated_at"]


class GetCustomersInput(ToolInput):
    shop: ShopChoice = "all"
    text: Text
    tag: str | None = Field(default=None, min_length=1, max_length=255, description="Only customers with this tag.")
    email: str | None = Field(default=None, min_length=3, max_length=255, description="Exact email address.")
    state: Literal["enabled", "disabled", "invited", "declined"] | None = Field(
        default=None, description="Customer account state."
    )
    created_from: TimeBound
    created_to: TimeBound
    min_orders: int | None = Field(default=None, ge=0, description="At least this many orders.")
    min_amount_spent: Decimal | None = Field(
        default=None, ge=0, description="At least this much spent, in the shop's currency."
    )
    sort_by: CustomerSort = Field(default="name", description="Sort key.")
    descending: bool = Field(default=False, description="Reverse the sort order.")
    first: First
    cursor: Cursor

    @model_validator(mode="after")
    def _range(self) -> GetCustomersInput:
        check_range(self.created_from, self.created_to, "created")
        return self


class CustomerOut(ToolOutput):
    shop: str
    id: str
    display_name: str
    first_name: str | None
    last_name: str | None
    email: str | None
    email_marketing: str | None = Field(description="Email marketing consent state.")
    phone: str | None
    state: str
    verified_email: bool
    tags: list[str]
    orders_count: int
    amount_spent: MoneyOut
    city: str | None
    province: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-2 code of the default address.")
    created_at: datetime
    updated_at: datetime


class CustomersResult(ToolOutput):
    shops: list[str]
    customers: list[CustomerOut]
    page: PageInfo


CUSTOMER_SORT_KEYS: dict[str, Callable[[models.Customer], Any]] = {
    "name": lambda customer: customer.display_name.lower(),
    "created_at": lambda customer: customer.created_at,
    "updated_at": lambda customer: customer.updated_at,
}


def _customer_out(item: Cursored[models.Customer]) -> CustomerOut:
    customer = item.node
    return CustomerOut(
        shop=item.shop,
        id=customer.id,
        display_name=customer.display_name,
        first_name=customer.first_name,
        last_name=customer.last_name,
        email=customer.email,
        email_marketing=customer.marketing_state,
        phone=customer.phone,
        state=customer.state,
        verified_email=customer.verified_email,
        tags=list(customer.tags),
        orders_count=customer.orders_count,
        amount_spent=money_out(customer.amount_spent),
        city=customer.city,
        province=customer.province,
        country=customer.country,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )


@group.tool(
    "shopify-get-customers",
    title="Shopify customers",
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def shopify_get_customers(params: GetCustomersInput, ctx: ToolContext) -> CustomersResult:
    """List a Shopify shop's customers (or every shop's, merged) with contact details, tags, order count and amount
    spent; filter by text, tag, email, account state, creation dates, order count and spend. Pass
    page.next_cursor back as cursor for the next page."""

    async def fetch(conn: ShopConnection, position: Position) -> Page[models.Customer]:
        query = SearchQuery()
        if params.created_from is not None or params.created_to is not None:
            query.time_range("customer_date", params.created_from, params.created_to, await shop_timezone(conn))
        query.equals("tag", params.tag).equals("email", params.email).equals("state", params.state)
        query.compare("orders_count", ">=", params.min_orders)
        query.compare("total_spent", ">=", params.min_amount_spent)
        query.text(params.text)
        return await reads.customers(
            conn.graphql,
            query=query.value(),
            sort_key=params.sort_by.upper(),
            reverse=params.descending,
            first=params.first,
            after=position.after,
        )

    shops, customers, page = await merged_listing(
        ctx,
        shop=params.shop,
        cursor=params.cursor,
        first=params.first,
        filters=params.model_dump(mode="json", exclude={"first", "cursor", "shop"}),
        fetch=fetch,
        sort_key=CUSTOMER_SORT_KEYS[params.sort_by],
        reverse=params.descending,
        render=_customer_out,
    )
    return CustomersResult(shops=shops, customers=customers, page=page)
