"""Unleashed inventory and production API: HMAC-signed requests, path pagination, typed resources."""

from sentia_server.integrations.unleashed.client import (
    ASSEMBLIES,
    BILLS_OF_MATERIALS,
    COMPANIES,
    CUSTOMERS,
    MAX_PAGE_SIZE,
    PRODUCTS,
    PURCHASE_ORDERS,
    SALES_ORDERS,
    STOCK_ON_HAND,
    SUPPLIERS,
    WAREHOUSES,
    Page,
    Resource,
    UnleashedClient,
    build_unleashed_client,
)

__all__ = [
    "ASSEMBLIES",
    "BILLS_OF_MATERIALS",
    "COMPANIES",
    "CUSTOMERS",
    "MAX_PAGE_SIZE",
    "PRODUCTS",
    "PURCHASE_ORDERS",
    "SALES_ORDERS",
    "STOCK_ON_HAND",
    "SUPPLIERS",
    "WAREHOUSES",
    "Page",
    "Resource",
    "UnleashedClient",
    "build_unleashed_client",
]
