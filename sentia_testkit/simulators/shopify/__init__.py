"""A stateful simulator of Shopify's GraphQL Admin API: several shops, cost-based throttling, per-shop tokens."""

from sentia_testkit.simulators.shopify.backend import ShopifyBackend, ShopState
from sentia_testkit.simulators.shopify.routes import ShopifySimulator
from sentia_testkit.simulators.shopify.schema import API_VERSIONS, SDL, admin_schema

__all__ = ["API_VERSIONS", "SDL", "ShopState", "ShopifyBackend", "ShopifySimulator", "admin_schema"]
