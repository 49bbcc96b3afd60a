"""Amazon marketplaces and regional endpoints, by the short names the tools use.

Marketplace IDs and endpoints: https://developer-docs.amazon.com/sp-api/docs/marketplace-ids and
https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints. A seller's refresh token is valid in one region,
so a marketplace outside the configured region cannot be reached with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sentia_server.integrations.http import VendorError

Region = Literal["na", "eu", "fe"]


class Marketplace(StrEnum):
    UK = "uk"
    US = "us"
    DE = "de"
    CA = "ca"


@dataclass(frozen=True)
class MarketplaceInfo:
    id: str
    region: Region
    country: str
    currency: str
    language_tag: str


MARKETPLACES: dict[Marketplace, MarketplaceInfo] = {
    Marketplace.UK: MarketplaceInfo("A1F83G8C2ARO7P", "eu", "GB", "GBP", "en_GB"),
    Marketplace.US: MarketplaceInfo("ATVPDKIKX0DER", "na", "US", "USD", "en_US"),
    Marketplace.DE: MarketplaceInfo("A1PA6795UKMFR9", "eu", "DE", "EUR", "de_DE"),
    Marketplace.CA: MarketplaceInfo("A2EUQ1WTGCTBG2", "na", "CA", "CAD", "en_CA"),
}

SP_API_ENDPOINTS: dict[Region, str] = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}

ADS_API_ENDPOINTS: dict[Region, str] = {
    "na": "https://advertising-api.amazon.com",
    "eu": "https://advertising-api-eu.amazon.com",
    "fe": "https://advertising-api-fe.amazon.com",
}


def marketplace_in_region(vendor: str, marketplace: Marketplace, region: Region) -> MarketplaceInfo:
    """The marketplace's details, or a clear error when the configured region does not serve it."""
    info = MARKETPLACES[marketplace]
    if info.region != region:
        served = ", ".join(name.value for name, other in MARKETPLACES.items() if other.region == region) or "none"
        raise VendorError(
            vendor,
            f"marketplace {marketplace.value} ({info.id}) is in the {info.region} region, but the configured "
            f"region is {region}",
            hint=f"use one of: {served}; or configure the {info.region} region's credentials",
        )
    return info
