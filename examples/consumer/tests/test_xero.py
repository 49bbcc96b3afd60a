"""The receivables call against the testkit's Xero simulator: the real request sequence, no patching."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET

from acme_plant.xero import XeroError, outstanding_receivables


def test_receivables_sum_the_authorised_sales_invoices(xero_simulator):
    client = httpx.Client(transport=xero_simulator.transport())
    due = outstanding_receivables(client, CLIENT_ID, CLIENT_SECRET)
    tenant_id = next(xero_simulator.requests_to("getInvoices")).headers["xero-tenant-id"]
    invoices = xero_simulator.tenants[tenant_id].invoices.values()
    expected: dict[str, Decimal] = {}
    for invoice in invoices:
        if invoice["Type"] == "ACCREC" and invoice["Status"] == "AUTHORISED":
            code = invoice["CurrencyCode"]
            expected[code] = expected.get(code, Decimal(0)) + Decimal(str(invoice["AmountDue"]))
    assert due == expected
    assert sum(due.values()) > 0


def test_wrong_credentials_are_reported(xero_simulator):
    client = httpx.Client(transport=xero_simulator.transport())
    with pytest.raises(XeroError, match="token: Xero answered 4"):
        outstanding_receivables(client, CLIENT_ID, "not-the-secret")


def test_a_rate_limited_invoice_call_is_reported(xero_simulator):
    xero_simulator.rate_limit("getInvoices")
    client = httpx.Client(transport=xero_simulator.transport())
    with pytest.raises(XeroError, match="invoices: Xero answered 429"):
        outstanding_receivables(client, CLIENT_ID, CLIENT_SECRET)


def test_no_connected_organisation_is_reported(xero_simulator):
    for tenant_id in list(xero_simulator.tenants):
        xero_simulator.backend.disconnect(tenant_id)
    client = httpx.Client(transport=xero_simulator.transport())
    with pytest.raises(XeroError, match="no organisation is connected"):
        outstanding_receivables(client, CLIENT_ID, CLIENT_SECRET)
