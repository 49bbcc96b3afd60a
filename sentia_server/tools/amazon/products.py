"""amazon-get-products: catalog search and lookups by ASIN, and the seller's own listing of a SKU. The listing
models and their parsing are shared with the inventory and listings tools."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from sentia_server.cache import CacheTier
from sentia_server.integrations.amazon import Marketplace
from sentia_server.tools.amazon.common import (
    MARKETPLACE_FIELD,
    Money,
    NumericId,
    group,
    money,
    page_info,
    parse_time,
    selling_partner_client,
)
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput

Term = Annotated[str, Field(min_length=1, max_length=100)]


class IdentifierType(StrEnum):
    ASIN = "ASIN"
    EAN = "EAN"
    GTIN = "GTIN"
    ISBN = "ISBN"
    JAN = "JAN"
    MINSAN = "MINSAN"
    SKU = "SKU"
    UPC = "UPC"


class CatalogData(StrEnum):
    ATTRIBUTES = "attributes"
    CLASSIFICATIONS = "classifications"
    DIMENSIONS = "dimensions"
    IDENTIFIERS = "identifiers"
    IMAGES = "images"
    PRODUCT_TYPES = "productTypes"
    RELATIONSHIPS = "relationships"
    SALES_RANKS = "salesRanks"
    SUMMARIES = "summaries"


class ListingData(StrEnum):
    SUMMARIES = "summaries"
    ATTRIBUTES = "attributes"
    ISSUES = "issues"
    OFFERS = "offers"
    FULFILLMENT_AVAILABILITY = "fulfillmentAvailability"
    PRODUCT_TYPES = "productTypes"


class GetProductsInput(ToolInput):
    marketplace: Marketplace = MARKETPLACE_FIELD
    keywords: list[Term] = Field(
        default_factory=list,
        max_length=20,
        description="Search the catalog for items matching all these words (searchCatalogItems).",
    )
    identifiers: list[Term] = Field(
        default_factory=list, max_length=20, description="Search the catalog by these identifiers."
    )
    identifiers_type: IdentifierType | None = Field(
        default=None, description="What `identifiers` are; SKU searches this seller's own SKUs."
    )
    asin: str | None = Field(
        default=None, pattern=r"^[A-Z0-9]{10}$", description="One catalog item by ASIN (getCatalogItem)."
    )
    sku: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="This seller's listing of this SKU (Listings Items getListingsItem), with offers and issues.",
    )
    brand_names: list[Term] = Field(default_factory=list, max_length=10, description="Search filter: brand names.")
    classification_ids: list[NumericId] = Field(
        default_factory=list, max_length=10, description="Search filter: browse node (category) ids."
    )
    included_data: list[CatalogData] = Field(
        default_factory=lambda: [
            CatalogData.SUMMARIES,
            CatalogData.IDENTIFIERS,
            CatalogData.IMAGES,
            CatalogData.SALES_RANKS,
            CatalogData.CLASSIFICATIONS,
        ],
        min_length=1,
        description="Catalog data sets to return for search and asin lookups (relationships: variations).",
    )
    listing_data: list[ListingData] = Field(
        default_factory=lambda: [
            ListingData.SUMMARIES,
            ListingData.OFFERS,
            ListingData.FULFILLMENT_AVAILABILITY,
            ListingData.ISSUES,
        ],
        min_length=1,
        description="Listing data sets to return for a sku lookup.",
    )
    page_size: int = Field(default=10, ge=1, le=20, description="Catalog search results per page.")
    page_token: str | None = Field(
        default=None, min_length=1, max_length=4000, description="page.next_cursor of the previous search."
    )

    @model_validator(mode="after")
    def _one_lookup(self) -> Self:
        chosen = [name for name in ("keywords", "identifiers", "asin", "sku") if getattr(self, name)]
        if len(chosen) != 1:
            raise ValueError("give exactly one of keywords, identifiers, asin or sku")
        if self.identifiers and self.identifiers_type is None:
            raise ValueError("identifiers need identifiers_type")
        searching = bool(self.keywords or self.identifiers)
        if not searching and (self.brand_names or self.classification_ids or self.page_token):
            raise ValueError("brand_names, classification_ids and page_token apply to keyword or identifier searches")
        return self


class ProductIdentifier(ToolOutput):
    type: str
    value: str


class ProductImage(ToolOutput):
    variant: str
    url: str
    width: int | None
    height: int | None


class SalesRank(ToolOutput):
    category: str
    rank: int
    classification_id: str | None


class CatalogProduct(ToolOutput):
    asin: str
    title: str | None
    brand: str | None
    manufacturer: str | None
    category: str | None = Field(description="Browse classification (category) name.")
    product_type: str | None
    size: str | None
    identifiers: list[ProductIdentifier]
    images: list[ProductImage]
    sales_ranks: list[SalesRank]
    attributes: dict[str, Any] | None


class ListingIssue(ToolOutput):
    code: str
    message: str
    severity: str = Field(description="ERROR, WARNING or INFO.")
    attribute_names: list[str]


class ListingOffer(ToolOutput):
    offer_type: str
    price: Money | None


class FulfillmentAvailability(ToolOutput):
    channel: str = Field(description="DEFAULT (merchant-fulfilled) or an Amazon channel such as AMAZON_EU.")
    quantity: int | None


class Listing(ToolOutput):
    sku: str
    asin: str | None
    product_type: str | None
    item_name: str | None
    status: list[str] = Field(description="BUYABLE and/or DISCOVERABLE.")
    condition: str | None
    created: datetime | None
    last_updated: datetime | None
    offers: list[ListingOffer]
    fulfillment: list[FulfillmentAvailability]
    issues: list[ListingIssue]
    attributes: dict[str, Any] | None


class GetProductsOutput(ToolOutput):
    lookup: Literal["search", "asin", "sku"]
    marketplace: Marketplace
    products: list[CatalogProduct]
    listing: Listing | None
    total_results: int | None = Field(description="Matches in the whole catalog search.")
    page: PageInfo


def for_marketplace(entries: Any, marketplace_id: str) -> dict[str, Any]:
    """The entry of a per-marketplace list (Amazon's `...ByMarketplace` shapes) for this marketplace."""
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("marketplaceId") == marketplace_id:
            return entry
    return {}


def _catalog_product(raw: dict[str, Any], marketplace_id: str) -> CatalogProduct:
    summary = for_marketplace(raw.get("summaries"), marketplace_id)
    ranks = for_marketplace(raw.get("salesRanks"), marketplace_id)
    return CatalogProduct(
        asin=str(raw.get("asin", "")),
        title=summary.get("itemName"),
        brand=summary.get("brand"),
        manufacturer=summary.get("manufacturer"),
        category=(summary.get("browseClassification") or {}).get("displayName"),
        product_type=for_marketplace(raw.get("productTypes"), marketplace_id).get("productType"),
        size=summary.get("size"),
        identifiers=[
            ProductIdentifier(type=str(entry.get("identifierType")), value=str(entry.get("identifier")))
            for entry in for_marketplace(raw.get("identifiers"), marketplace_id).get("identifiers", [])
        ],
        images=[
            ProductImage(
                variant=str(image.get("variant")),
                url=str(image.get("link")),
                width=image.get("width"),
                height=image.get("height"),
            )
            for image in for_marketplace(raw.get("images"), marketplace_id).get("images", [])
        ],
        sales_ranks=[
            SalesRank(category=str(rank.get("title")), rank=int(rank.get("rank", 0)), classification_id=rank.get(key))
            for key, ranks_of in (
                ("classificationId", ranks.get("classificationRanks", [])),
                ("websiteDisplayGroup", ranks.get("displayGroupRanks", [])),
            )
            for rank in ranks_of
        ],
        attributes=raw.get("attributes"),
    )


def listing_issues(raw: Any) -> list[ListingIssue]:
    return [
        ListingIssue(
            code=str(entry.get("code", "")),
            message=str(entry.get("message", "")),
            severity=str(entry.get("severity", "")),
            attribute_names=[str(name) for name in entry.get("attributeNames", [])],
        )
        for entry in raw or []
        if isinstance(entry, dict)
    ]


def seller_listing(raw: dict[str, Any], marketplace_id: str) -> Listing:
    summary = for_marketplace(raw.get("summaries"), marketplace_id)
    return Listing(
        sku=str(raw.get("sku", "")),
        asin=summary.get("asin"),
        product_type=summary.get("productType"),
        item_name=summary.get("itemName"),
        status=[str(value) for value in summary.get("status", [])],
        condition=summary.get("conditionType"),
        created=parse_time(summary.get("createdDate")),
        last_updated=parse_time(summary.get("lastUpdatedDate")),
        offers=[
            ListingOffer(offer_type=str(offer.get("offerType", "")), price=money(offer.get("price")))
            for offer in raw.get("offers", [])
            if offer.get("marketplaceId") == marketplace_id
        ],
        fulfillment=[
            FulfillmentAvailability(channel=str(entry.get("fulfillmentChannelCode")), quantity=entry.get("quantity"))
            for entry in raw.get("fulfillmentAvailability", [])
        ],
        issues=listing_issues(raw.get("issues")),
        attributes=raw.get("attributes"),
    )


@group.tool(
    "amazon-get-products",
    title="Amazon products",
    cache_tier=CacheTier.SHORT,
    read_only=True,
    open_world=True,
)
async def get_products(params: GetProductsInput, ctx: ToolContext) -> GetProductsOutput:
    """Find products on Amazon: search the catalog by keywords or identifiers (ASIN, EAN, UPC, the seller's SKUs),
    read one catalog item by ASIN (Catalog Items 2022-04-01, with the chosen data sets: titles, identifiers,
    images, sales ranks, attributes, variations), or read the seller's own listing of a SKU (Listings Items
    2021-08-01: status, price, fulfilment availability and issues)."""
    client = selling_partner_client(ctx)
    market = client.marketplace(params.marketplace)
    included = [data.value for data in params.included_data]
    if params.sku is not None:
        raw = await client.get_listings_item(market, params.sku, included_data=[d.value for d in params.listing_data])
        return GetProductsOutput(
            lookup="sku",
            marketplace=params.marketplace,
            products=[],
            listing=seller_listing(raw, market.id),
            total_results=None,
            page=page_info(1, None, None),
        )
    if params.asin is not None:
        item = await client.get_catalog_item(market, params.asin, included_data=included)
        return GetProductsOutput(
            lookup="asin",
            marketplace=params.marketplace,
            products=[_catalog_product(item, market.id)],
            listing=None,
            total_results=None,
            page=page_info(1, None, None),
        )
    found = await client.search_catalog_items(
        market,
        keywords=params.keywords,
        identifiers=params.identifiers,
        identifiers_type=params.identifiers_type.value if params.identifiers_type else None,
        brand_names=params.brand_names,
        classification_ids=params.classification_ids,
        included_data=included,
        page_size=params.page_size,
        page_token=params.page_token,
    )
    products = [_catalog_product(item, market.id) for item in found.get("items", []) if isinstance(item, dict)]
    kept, reason = fit_to_budget(products, ctx.runtime.settings.tool_response_budget_bytes)
    token = (found.get("pagination") or {}).get("nextToken")
    return GetProductsOutput(
        lookup="search",
        marketplace=params.marketplace,
        products=kept,
        listing=None,
        total_results=found.get("numberOfResults"),
        page=page_info(len(kept), token, reason),
    )
