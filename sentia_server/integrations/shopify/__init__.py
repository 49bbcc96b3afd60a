"""Shopify through the GraphQL Admin API (REST Admin is legacy): several shops keyed by a short name, cost-based
throttling, and the documents, reads, analytics and catalogue changes the Shopify tools use."""

from sentia_server.integrations.shopify.client import (
    ALL_SHOPS,
    ShopConnection,
    ShopifyClient,
    UnknownShop,
    build_client,
)

__all__ = ["ALL_SHOPS", "ShopConnection", "ShopifyClient", "UnknownShop", "build_client"]
