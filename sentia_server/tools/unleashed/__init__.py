"""Unleashed tools: products with bills of materials, stock on hand, production orders (assemblies), purchase and
sales orders, suppliers and customers; `group` holds them all."""

from sentia_server.tools.unleashed import (
    customers,
    inventory,
    production_orders,
    products,
    purchase_orders,
    sales_orders,
    suppliers,
)
from sentia_server.tools.unleashed.common import group

__all__ = [
    "customers",
    "group",
    "inventory",
    "production_orders",
    "products",
    "purchase_orders",
    "sales_orders",
    "suppliers",
]
