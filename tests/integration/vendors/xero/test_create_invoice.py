"""Creating invoices through MCP: validation only, idempotency, Xero's messages verbatim, emailing, scopes."""

from __future__ import annotations

from typing import Any

import pytest
from integration.vendors.xero.helpers import configure, registry, sent_bodies, structured, text

from sentia_testkit.simulators.xero import XeroSimulator

pytestmark = pytest.mark.anyio


def contact(simulator: XeroSimulator, name: str) -> str:
    tenant = simulator.tenant_named("Sentia Spirits Ltd")
    return str(next(c["ContactID"] for c in tenant.contacts.values() if c["Name"] == name))


def invoice(simulator: XeroSimulator, **changes: Any) -> dict[str, Any]:
    return {
        "tenant_id": simulator.tenant_named("Sentia Spirits Ltd").tenant_id,
        "contact_id": contact(simulator, "Highland Fine Drinks Ltd"),
        "line_items": [
            {
                "description": "Sentia Botanical Gin 70cl (case of 6)",
                "quantity": 4,
                "unit_amount": "144.00",
                "account_code": "200",
                "tax_type": "OUTPUT2",
                "discount_rate": 10,
            },
            {
                "description": "Sentia Indian Tonic 200ml (case of 24)",
                "quantity": 10,
                "unit_amount": "16.80",
                "account_code": "201",
            },
        ],
        "invoice_date": "2026-11-27",
        "due_date": "2026-12-27",
        "reference": "PO 77102",
        "status": "AUTHORISED",
        **changes,
    }


async def test_validate_only_checks_contact_and_lines_and_creates_nothing(call, xero):
    result = structured(await call("xero-create-invoice", {**invoice(xero), "validate_only": True}))
    assert (result["valid"], result["problems"], result["invoice"]) == (True, [], None)
    assert result["preview"] == {
        "contact_name": "Highland Fine Drinks Ltd",
        "line_amounts": [518.4, 168.0],
        "lines_total": 686.4,
        "currency_code": None,
    }
    assert "tax types and currencies are checked by Xero when the invoice is created" in result["checks"]
    assert list(xero.requests_to("createInvoices")) == []


async def test_validate_only_reports_every_problem_it_finds(call, xero):
    lines = [
        {"description": "Old gift sets", "unit_amount": 10, "account_code": "299"},
        {"description": "Mystery", "unit_amount": 10, "account_code": "555"},
        {"description": "No account", "unit_amount": 10},
    ]
    archived = contact(xero, "Marylebone Fine Foods Ltd")
    result = structured(
        await call(
            "xero-create-invoice", {**invoice(xero), "contact_id": archived, "line_items": lines, "validate_only": True}
        )
    )
    assert result["valid"] is False
    assert result["problems"] == [
        "contact 'Marylebone Fine Foods Ltd' is ARCHIVED; only ACTIVE contacts can be invoiced",
        "line 1: account code '299' is ARCHIVED",
        "line 2: account code '555' does not exist",
        "line 3: an account_code is needed on a AUTHORISED invoice",
    ]
    unknown = structured(
        await call(
            "xero-create-invoice",
            {
                **invoice(xero),
                "status": "DRAFT",
                "validate_only": True,
                "contact_id": "00000000-0000-0000-0000-000000000000",
                "line_items": [{"description": "x", "unit_amount": 1}],
            },
        )
    )
    assert unknown["problems"] == [
        "no contact with ContactID 00000000-0000-0000-0000-000000000000 in Sentia Spirits Ltd"
    ]
    assert unknown["preview"]["contact_name"] is None


async def test_an_idempotency_key_makes_a_repeated_call_return_the_first_invoice(call, xero):
    arguments = {**invoice(xero), "idempotency_key": "sentia-order-77102"}
    first = structured(await call("xero-create-invoice", arguments))
    again = structured(await call("xero-create-invoice", arguments))
    created = first["invoice"]
    assert created == again["invoice"] and first["idempotency_key"] == "sentia-order-77102"
    assert (created["status"], created["sub_total"], created["total_tax"], created["total"]) == (
        "AUTHORISED",
        686.4,
        137.28,
        823.68,
    )
    assert created["invoice_number"].startswith("INV-") and created["line_items"][0]["line_amount"] == 518.4
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    assert sum(1 for i in tenant.invoices.values() if i["Reference"] == "PO 77102") == 1
    body = sent_bodies(xero, "createInvoices")[0]
    assert body["Invoices"][0]["LineItems"][0] == {
        "Description": "Sentia Botanical Gin 70cl (case of 6)",
        "Quantity": 4.0,
        "UnitAmount": 144.0,
        "AccountCode": "200",
        "TaxType": "OUTPUT2",
        "DiscountRate": 10.0,
    }
    listed = structured(
        await call(
            "xero-get-invoices",
            {"tenant_id": arguments["tenant_id"], "search_term": "PO 77102", "statuses": ["AUTHORISED"]},
        )
    )
    assert [i["invoice_id"] for i in listed["invoices"]] == [created["invoice_id"]]
    by_id = structured(
        await call("xero-get-invoices", {"tenant_id": arguments["tenant_id"], "invoice_ids": [created["invoice_id"]]})
    )
    assert [i["reference"] for i in by_id["invoices"]] == ["PO 77102"]


async def test_xeros_validation_messages_reach_the_caller_verbatim(call, xero):
    result = await call("xero-create-invoice", {**invoice(xero), "invoice_number": "INV-0001", "currency_code": "JPY"})
    assert result.is_error
    assert text(result).endswith(
        "xero: refused the invoice: The currency 'JPY' is not enabled for this organisation.; Invoice # must be "
        "unique.; correct the request and try again"
    )


async def test_an_approved_sales_invoice_is_emailed_when_asked(call, xero):
    result = structured(await call("xero-create-invoice", {**invoice(xero), "email_to_contact": True}))
    assert result["emailed"] is True and result["notes"] == []
    assert xero.tenant_named("Sentia Spirits Ltd").emailed == [result["invoice"]["invoice_id"]]
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    tenant.contacts[contact(xero, "Highland Fine Drinks Ltd")]["EmailAddress"] = ""
    unsent = structured(
        await call("xero-create-invoice", {**invoice(xero), "email_to_contact": True, "reference": "PO 77103"})
    )
    assert unsent["emailed"] is False and unsent["invoice"] is not None
    assert unsent["notes"] == [
        "the invoice was created but not emailed: xero: refused the email request: The contact "
        "has no email address (HTTP 400); correct the request and try again"
    ]


async def test_arguments_are_checked_before_xero_is_called(call, xero):
    result = await call("xero-create-invoice", {**invoice(xero), "email_to_contact": True, "status": "DRAFT"})
    message = "email_to_contact needs an AUTHORISED sales invoice"
    assert result.is_error and message in text(result)
    assert list(xero.requests_to("createInvoices")) == []


async def test_without_the_write_scope_the_error_says_which_scope_to_add(connect, principal, runtime, simulator, clock):
    configure(runtime, simulator, clock, scopes="accounting.transactions.read accounting.contacts.read")
    async with connect(principal(), registry=registry()) as client:
        result = await client.call_tool("xero-create-invoice", invoice(simulator))
    assert result.is_error
    assert text(result).endswith(
        "xero: refused to create the invoice (HTTP 403); creating invoices needs the accounting.transactions scope: "
        "add it to SENTIA_XERO__SCOPES and to the app's connection"
    )
