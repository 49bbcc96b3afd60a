"""Listings Items API submissions: put, patch and delete, checked the way Amazon reports problems (issues with a
code, a severity and the attributes concerned). VALIDATION_PREVIEW checks without changing anything."""

from __future__ import annotations

import uuid
from typing import Any

from sentia_testkit.simulators.amazon.backend import Listing, Seller, SellingPartnerBackend

REQUIRED_ATTRIBUTES = {
    "LISTING": ("item_name", "brand", "condition_type", "purchasable_offer"),
    "LISTING_PRODUCT_ONLY": ("item_name", "brand"),
    "LISTING_OFFER_ONLY": ("condition_type", "purchasable_offer"),
}
PRODUCT_TYPES = frozenset({"SPIRITS", "GROCERY", "NON_ALCOHOLIC_BEVERAGE", "BEVERAGE", "PRODUCT"})
RESTRICTED_TYPES = {"ATVPDKIKX0DER": frozenset({"SPIRITS"})}  # spirits cannot be sold on Amazon.com


def issue(code: str, message: str, attributes: list[str], category: str, severity: str = "ERROR") -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "severity": severity,
        "attributeNames": attributes,
        "categories": [category],
    }


def attribute_issues(attributes: dict[str, Any]) -> list[dict[str, Any]]:
    """Every attribute is a non-empty list of objects, as in the Product Type Definitions' JSON schemas."""
    return [
        issue(
            "4000003",
            f"The provided value for '{name}' is invalid: expected a list of objects.",
            [name],
            "INVALID_ATTRIBUTE",
        )
        for name, value in attributes.items()
        if not isinstance(value, list) or not value or not all(isinstance(entry, dict) for entry in value)
    ]


class ListingsSubmissions:
    def __init__(self, backend: SellingPartnerBackend) -> None:
        self.backend = backend

    def _response(self, sku: str, status: str, issues: list[dict[str, Any]], listing: Listing | None) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "sku": sku,
            "status": status,
            "submissionId": str(uuid.UUID(int=self.backend.next_id())),
            "issues": issues,
        }
        if listing is not None and listing.asin:
            answer["identifiers"] = [{"marketplaceId": listing.marketplace_id, "asin": listing.asin}]
        return answer

    def _checks(self, product_type: str, marketplace_id: str) -> list[dict[str, Any]]:
        issues = []
        if product_type not in PRODUCT_TYPES:
            issues.append(issue("4000001", f"'{product_type}' is not a valid product type.", [], "INVALID_ATTRIBUTE"))
        if product_type in RESTRICTED_TYPES.get(marketplace_id, frozenset()):
            issues.append(
                issue(
                    "18027",
                    f"Listings of product type {product_type} are restricted in this marketplace and need approval.",
                    [],
                    "QUALIFICATION_REQUIRED",
                )
            )
        return issues

    def put(self, seller: Seller, sku: str, marketplace_id: str, body: dict[str, Any], preview: bool) -> dict[str, Any]:
        product_type = str(body.get("productType", ""))
        given = body.get("attributes")
        attributes: dict[str, Any] = given if isinstance(given, dict) else {}
        requirements = str(body.get("requirements", "LISTING"))
        issues = self._checks(product_type, marketplace_id) + attribute_issues(attributes)
        for name in REQUIRED_ATTRIBUTES.get(requirements, REQUIRED_ATTRIBUTES["LISTING"]):
            if name not in attributes:
                issues.append(issue("90220", f"'{name}' is required but not supplied.", [name], "MISSING_ATTRIBUTE"))
        existing = seller.listings.get((sku, marketplace_id))
        if issues:
            return self._response(sku, "INVALID", issues, existing)
        if preview:
            return self._response(sku, "VALID", [], existing)
        now = self.backend.anchor_now()
        product = seller.product(sku)
        listing = Listing(
            sku,
            marketplace_id,
            product_type,
            dict(attributes),
            existing.created if existing else now,
            now,
            existing.asin if existing else (product["asin"] if product else None),
            existing.fnsku if existing else None,
        )
        seller.listings[(sku, marketplace_id)] = listing
        return self._response(sku, "ACCEPTED", [], listing)

    def patch(
        self, seller: Seller, sku: str, marketplace_id: str, body: dict[str, Any], preview: bool
    ) -> dict[str, Any] | str:
        """The submission, or a message for a 400 when the patch document itself is malformed."""
        listing = seller.listings.get((sku, marketplace_id))
        patches = body.get("patches")
        if not isinstance(patches, list) or not patches:
            return "patches must be a non-empty list of patch operations"
        attributes = dict(listing.attributes) if listing else {}
        for patch in patches:
            if not isinstance(patch, dict) or patch.get("op") not in ("add", "replace", "merge", "delete"):
                return "each patch needs an op of add, replace, merge or delete"
            path = str(patch.get("path", ""))
            if not path.startswith("/attributes/") or path.count("/") != 2:
                return f"patch path {path!r} must be /attributes/<attribute name>"
            name = path.removeprefix("/attributes/")
            if patch["op"] == "delete":
                attributes.pop(name, None)
            else:
                attributes[name] = patch.get("value")
        if listing is None:
            problem = issue(
                "4000004",
                f"SKU '{sku}' does not exist in marketplace {marketplace_id}; create it with putListingsItem first.",
                [],
                "INVALID_ATTRIBUTE",
            )
            return self._response(sku, "INVALID", [problem], None)
        product_type = str(body.get("productType", listing.product_type))
        issues = self._checks(product_type, marketplace_id) + attribute_issues(attributes)
        if issues:
            return self._response(sku, "INVALID", issues, listing)
        if preview:
            return self._response(sku, "VALID", [], listing)
        listing.attributes = attributes
        listing.updated = self.backend.anchor_now()
        return self._response(sku, "ACCEPTED", [], listing)

    def delete(self, seller: Seller, sku: str, marketplace_id: str) -> dict[str, Any] | None:
        listing = seller.listings.pop((sku, marketplace_id), None)
        return None if listing is None else self._response(sku, "ACCEPTED", [], listing)
