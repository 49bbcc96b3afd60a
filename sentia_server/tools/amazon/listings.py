"""amazon-manage-listings: create, replace, patch, delete or validate one of the seller's listings."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from sentia_server.integrations.amazon import Marketplace, MarketplaceInfo
from sentia_server.tools.amazon.common import MARKETPLACE_FIELD, group, selling_partner_client
from sentia_server.tools.amazon.products import ListingIssue, for_marketplace, listing_issues
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput, ToolOutput


class ListingCondition(StrEnum):
    NEW = "new_new"
    NEW_OPEN_BOX = "new_open_box"
    REFURBISHED = "refurbished_refurbished"
    USED_LIKE_NEW = "used_like_new"
    USED_VERY_GOOD = "used_very_good"
    USED_GOOD = "used_good"
    USED_ACCEPTABLE = "used_acceptable"


class PatchOperation(ToolInput):
    op: Literal["add", "replace", "merge", "delete"] = Field(description="JSON Patch operation on one attribute.")
    path: str = Field(pattern=r"^/attributes/[a-z0-9_]+$", description="/attributes/<attribute name>.")
    value: list[dict[str, Any]] | None = Field(
        default=None, description="The attribute's new value objects (not for delete)."
    )

    @model_validator(mode="after")
    def _value_for_op(self) -> Self:
        if (self.op == "delete") != (self.value is None):
            raise ValueError("delete takes no value; add, replace and merge need one")
        return self


class ManageListingsInput(ToolInput):
    action: Literal["put", "patch", "delete", "validate"] = Field(
        description="put: create or fully replace the listing; patch: change some attributes; delete: remove the "
        "listing; validate: check a put (or, with patches, a patch) with Amazon's VALIDATION_PREVIEW, changing nothing."
    )
    marketplace: Marketplace = MARKETPLACE_FIELD
    sku: str = Field(min_length=1, max_length=40, pattern=r"^\S(.*\S)?$", description="The seller's SKU.")
    product_type: str | None = Field(
        default=None,
        pattern=r"^[A-Z0-9_]{2,100}$",
        description="Amazon product type, e.g. SPIRITS, GROCERY, NON_ALCOHOLIC_BEVERAGE (put, patch, validate).",
    )
    requirements: Literal["LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY"] | None = Field(
        default=None, description="put: what the submission covers (Amazon's default: LISTING)."
    )
    attributes: dict[str, list[dict[str, Any]]] | None = Field(
        default=None,
        description="put/validate: attributes by name, each a list of value objects as the product type's schema "
        'defines, e.g. {"item_name": [{"value": "Sentia Gin 70cl", "language_tag": "en_GB"}]}.',
    )
    patches: list[PatchOperation] = Field(
        default_factory=list, max_length=100, description="patch/validate: the attribute changes."
    )
    title: str | None = Field(default=None, min_length=1, max_length=200, description="Sets item_name.")
    brand: str | None = Field(default=None, min_length=1, max_length=100, description="Sets brand.")
    description: str | None = Field(
        default=None, min_length=1, max_length=2000, description="Sets product_description."
    )
    bullet_points: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=5, description="Sets bullet_point (at most 5, each up to 500 characters)."
    )
    condition: ListingCondition | None = Field(default=None, description="Sets condition_type.")
    price: Decimal | None = Field(
        default=None,
        gt=0,
        max_digits=12,
        decimal_places=2,
        description="Sets purchasable_offer: the price including tax, in the marketplace's currency.",
    )
    quantity: int | None = Field(
        default=None, ge=0, le=1_000_000, description="Sets the merchant-fulfilled quantity (fulfillment_availability)."
    )

    def convenience_attributes(self, market: MarketplaceInfo) -> dict[str, list[dict[str, Any]]]:
        """The attributes named by the convenience fields, in Amazon's value-object shape."""
        tagged = {"language_tag": market.language_tag, "marketplace_id": market.id}
        values: dict[str, list[dict[str, Any]]] = {}
        if self.title is not None:
            values["item_name"] = [{"value": self.title, **tagged}]
        if self.brand is not None:
            values["brand"] = [{"value": self.brand, **tagged}]
        if self.description is not None:
            values["product_description"] = [{"value": self.description, **tagged}]
        if self.bullet_points:
            values["bullet_point"] = [{"value": point, **tagged} for point in self.bullet_points]
        if self.condition is not None:
            values["condition_type"] = [{"value": self.condition.value, "marketplace_id": market.id}]
        if self.price is not None:
            values["purchasable_offer"] = [
                {
                    "currency": market.currency,
                    "marketplace_id": market.id,
                    "our_price": [{"schedule": [{"value_with_tax": float(self.price)}]}],
                }
            ]
        if self.quantity is not None:
            values["fulfillment_availability"] = [{"fulfillment_channel_code": "DEFAULT", "quantity": self.quantity}]
        return values

    @property
    def has_convenience(self) -> bool:
        fields = (self.title, self.brand, self.description, self.condition, self.price, self.quantity)
        return any(value is not None for value in fields) or bool(self.bullet_points)

    @model_validator(mode="after")
    def _action_arguments(self) -> Self:
        changes = bool(self.attributes) or self.has_convenience
        if self.action == "delete":
            if changes or self.patches or self.product_type:
                raise ValueError("delete takes only the sku and marketplace")
            return self
        if self.product_type is None:
            raise ValueError(f"action {self.action} needs product_type")
        if self.action == "put" and not changes:
            raise ValueError("put needs attributes or listing fields (title, brand, price, ...)")
        if self.action == "put" and self.patches:
            raise ValueError("put replaces the whole listing: give attributes, not patches")
        if self.action == "patch" and self.attributes:
            raise ValueError("patch changes attributes through patches; use put to send whole attributes")
        if self.action == "patch" and not (self.patches or self.has_convenience):
            raise ValueError("patch needs patches or listing fields (title, price, quantity, ...)")
        if self.action == "validate" and not (changes or self.patches):
            raise ValueError("validate needs the attributes (or patches) to check")
        if self.action == "validate" and self.patches and self.attributes:
            raise ValueError("validate checks either a put (attributes) or a patch (patches), not both")
        return self


class ListingSubmission(ToolOutput):
    sku: str
    action: str
    marketplace: Marketplace
    status: str = Field(description="ACCEPTED (applied), VALID (validation passed) or INVALID (see issues).")
    submission_id: str
    validation_only: bool
    accepted: bool
    asin: str | None
    errors: int
    warnings: int
    issues: list[ListingIssue]


@group.tool(
    "amazon-manage-listings",
    title="Manage Amazon listings",
    read_only=False,
    destructive=True,
    idempotent=False,
    open_world=True,
)
async def manage_listings(params: ManageListingsInput, ctx: ToolContext) -> ListingSubmission:
    """Create, replace, change or delete one of the seller's Amazon listings (Listings Items API 2021-08-01), or
    validate a change first without applying it (VALIDATION_PREVIEW). Title, brand, description, bullet points,
    condition, price and merchant quantity can be given as fields; other attributes as the product type defines
    them. Amazon's issues about the submission are returned."""
    client = selling_partner_client(ctx)
    market = client.marketplace(params.marketplace)
    preview = params.action == "validate"
    convenience = params.convenience_attributes(market)
    if params.action == "delete":
        answer = await client.delete_listings_item(market, params.sku)
    elif params.action == "patch" or (preview and params.patches):
        patches = [patch.model_dump(exclude_none=True) for patch in params.patches]
        patches += [
            {"op": "replace", "path": f"/attributes/{name}", "value": value} for name, value in convenience.items()
        ]
        answer = await client.patch_listings_item(
            market, params.sku, product_type=str(params.product_type), patches=patches, validation_preview=preview
        )
    else:
        answer = await client.put_listings_item(
            market,
            params.sku,
            product_type=str(params.product_type),
            attributes={**(params.attributes or {}), **convenience},
            requirements=params.requirements,
            validation_preview=preview,
        )
    issues = listing_issues(answer.get("issues"))
    identifiers = for_marketplace(answer.get("identifiers"), market.id)
    status = str(answer.get("status", ""))
    return ListingSubmission(
        sku=str(answer.get("sku", params.sku)),
        action=params.action,
        marketplace=params.marketplace,
        status=status,
        submission_id=str(answer.get("submissionId", "")),
        validation_only=preview,
        accepted=status == "ACCEPTED",
        asin=identifiers.get("asin"),
        errors=sum(issue.severity == "ERROR" for issue in issues),
        warnings=sum(issue.severity == "WARNING" for issue in issues),
        issues=issues,
    )
