"""What customers owe, from Xero's Accounting API (client credentials, then the first connected organisation)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

IDENTITY = "https://identity.xero.com"
API = "https://api.xero.com"


class XeroError(RuntimeError):
    """Xero refused or failed a call; the message names the call and the status."""


def outstanding_receivables(client: httpx.Client, client_id: str, client_secret: str) -> dict[str, Decimal]:
    """The amount due on authorised sales invoices, per currency."""
    token = _checked(
        client.post(
            f"{IDENTITY}/connect/token",
            auth=(client_id, client_secret),
            data={"grant_type": "client_credentials", "scope": "accounting.transactions.read"},
        ),
        "token",
    )["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    connections = _checked(client.get(f"{API}/connections", headers=headers), "connections")
    if not connections:
        raise XeroError("connections: no organisation is connected")
    headers["xero-tenant-id"] = connections[0]["tenantId"]
    invoices = _checked(
        client.get(f"{API}/api.xro/2.0/Invoices", headers=headers, params={"Statuses": "AUTHORISED"}), "invoices"
    )["Invoices"]
    due: dict[str, Decimal] = {}
    for invoice in invoices:
        if invoice["Type"] == "ACCREC":
            currency = invoice["CurrencyCode"]
            due[currency] = due.get(currency, Decimal(0)) + Decimal(str(invoice["AmountDue"]))
    return due


def _checked(response: httpx.Response, call: str) -> Any:
    if response.status_code != 200:
        raise XeroError(f"{call}: Xero answered {response.status_code}")
    return response.json()
