"""Amazon: the Selling Partner API (orders, inventory, catalog, listings, reports) and the Amazon Ads API, both
authorised through Login with Amazon."""

from sentia_server.integrations.amazon.ads import AdsClient, build_ads_client
from sentia_server.integrations.amazon.marketplaces import MARKETPLACES, Marketplace, MarketplaceInfo
from sentia_server.integrations.amazon.selling_partner import SellingPartnerClient, build_selling_partner_client

__all__ = [
    "MARKETPLACES",
    "AdsClient",
    "Marketplace",
    "MarketplaceInfo",
    "SellingPartnerClient",
    "build_ads_client",
    "build_selling_partner_client",
]
