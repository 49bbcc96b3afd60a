"""Xero Accounting API: OAuth 2.0 (custom connections and standard apps), tenants, reads, reports, invoices."""

from sentia_server.integrations.xero.client import Page, RateLimitState, XeroClient, build_xero_client

__all__ = ["Page", "RateLimitState", "XeroClient", "build_xero_client"]
