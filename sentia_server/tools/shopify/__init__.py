"""Shopify tools: orders, products, customers, inventory and sales figures of one shop or all of them, and changes
to a shop's catalogue, through the GraphQL Admin API (see `sentia_server.integrations.shopify`). `group` holds them
all."""

from sentia_server.tools.shopify import analytics, customers, inventory, manage_products, orders, products
from sentia_server.tools.shopify.common import group

__all__ = ["analytics", "customers", "group", "inventory", "manage_products", "orders", "products"]
