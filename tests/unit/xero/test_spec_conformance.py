"""The simulator's answers, and the invoice body the server sends, checked against Xero's own OpenAPI documents
(specs/xero in the repository), so that neither can drift from the real API unnoticed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from sentia_server.tools.xero.create_invoice import CreateInvoiceInput
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, XeroSimulator

SPECS = Path(__file__).resolve().parents[3] / "specs" / "xero"
ACCOUNTING = "https://specs.sentia.test/xero_accounting.yaml"
IDENTITY = "https://specs.sentia.test/xero-identity.yaml"
API = "/api.xro/2.0"
SCOPES = "accounting.transactions accounting.reports.read accounting.contacts.read accounting.settings.read"


@pytest.fixture(scope="module")
def registry() -> Registry:
    resources = []
    for uri, name in ((ACCOUNTING, "xero_accounting.yaml"), (IDENTITY, "xero-identity.yaml")):
        document = yaml.load((SPECS / name).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        resources.append((uri, Resource.from_contents(document, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def validate(registry: Registry, document: str, schema: str, instance: Any, *, formats: bool = True) -> None:
    validator = OAS30Validator(
        {"$ref": f"{document}#/components/schemas/{schema}"},
        registry=registry,
        format_checker=OAS30Validator.FORMAT_CHECKER if formats else None,
    )
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture(scope="module")
def simulator() -> XeroSimulator:
    return XeroSimulator(today=date(2026, 11, 27))


@pytest.fixture(scope="module")
def http(simulator: XeroSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=simulator.transport(), base_url="https://api.xero.com") as client:
        yield client


@pytest.fixture(scope="module")
def issued(http: httpx.Client) -> dict[str, Any]:
    pair = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    answer = http.post(
        "https://identity.xero.com/connect/token",
        data={"grant_type": "client_credentials", "scope": SCOPES},
        headers={"authorization": f"Basic {pair}"},
    )
    return dict(answer.json())


@pytest.fixture(scope="module")
def headers(issued: dict[str, Any], simulator: XeroSimulator) -> dict[str, str]:
    return {
        "authorization": f"Bearer {issued['access_token']}",
        "xero-tenant-id": simulator.tenant_named("Sentia Spirits Ltd").tenant_id,
    }


def test_token_and_connections_match_the_identity_spec(registry, http, issued, headers):
    validate(registry, IDENTITY, "AccessToken", issued)
    connections = http.get("/connections", headers={"authorization": headers["authorization"]}).json()
    assert len(connections) == 2
    for connection in connections:
        # Xero writes these UTC times without an offset, as in the spec's own example, which strict RFC 3339
        # format checking refuses: the shape is checked here and the times are read as timestamps.
        validate(registry, IDENTITY, "Connection", connection, formats=False)
        for field in ("createdDateUtc", "updatedDateUtc"):
            assert datetime.fromisoformat(connection[field]).tzinfo is None


@pytest.mark.parametrize(
    ("path", "params", "schema"),
    [
        ("/Invoices", {"page": "1"}, "Invoices"),
        ("/Invoices", {"Statuses": "DRAFT,VOIDED"}, "Invoices"),
        ("/Contacts", {"page": "1", "includeArchived": "true"}, "Contacts"),
        ("/BankTransactions", {"page": "2"}, "BankTransactions"),
        ("/Payments", {"page": "1"}, "Payments"),
        ("/Accounts", {}, "Accounts"),
        ("/Organisation", {}, "Organisations"),
    ],
)
def test_lists_match_the_accounting_spec(registry, http, headers, path, params, schema):
    answer = http.get(API + path, params=params, headers=headers)
    assert answer.status_code == 200
    validate(registry, ACCOUNTING, schema, answer.json())


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ProfitAndLoss", {"fromDate": "2026-01-01", "toDate": "2026-10-31", "periods": "2", "timeframe": "QUARTER"}),
        ("BalanceSheet", {"date": "2026-10-31", "periods": "1", "timeframe": "YEAR"}),
        ("TrialBalance", {"date": "2026-10-31"}),
        ("BudgetSummary", {"date": "2026-01-01", "periods": "12", "timeframe": "1"}),
        ("BankSummary", {"fromDate": "2026-10-01", "toDate": "2026-10-31"}),
    ],
)
def test_reports_match_report_with_rows(registry, http, headers, name, params):
    answer = http.get(f"{API}/Reports/{name}", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    validate(registry, ACCOUNTING, "ReportWithRows", answer.json())


def test_aged_reports_match_report_with_rows(registry, http, headers, simulator):
    contacts = simulator.tenant_named("Sentia Spirits Ltd").contacts.values()
    for name, contact in (
        ("AgedReceivablesByContact", "Getränke Weber GmbH"),
        ("AgedPayablesByContact", "Cotswold Glassworks Ltd"),
    ):
        contact_id = next(c["ContactID"] for c in contacts if c["Name"] == contact)
        answer = http.get(f"{API}/Reports/{name}", params={"contactId": contact_id}, headers=headers)
        validate(registry, ACCOUNTING, "ReportWithRows", answer.json())


def full_invoice(contact_id: str) -> CreateInvoiceInput:
    return CreateInvoiceInput.model_validate(
        {
            "contact_id": contact_id,
            "invoice_type": "ACCREC",
            "line_items": [
                {
                    "description": "Sentia Botanical Gin 70cl (case of 6)",
                    "quantity": "3",
                    "unit_amount": "144.00",
                    "account_code": "200",
                    "item_code": "SEN-GIN-70",
                    "tax_type": "OUTPUT2",
                    "discount_rate": "5",
                    "tracking": [{"name": "Region", "option": "UK"}],
                },
                {
                    "description": "Sentia Indian Tonic 200ml (case of 24)",
                    "unit_amount": "16.80",
                    "account_code": "201",
                },
            ],
            "invoice_date": "2026-11-27",
            "due_date": "2026-12-27",
            "invoice_number": "INV-9001",
            "reference": "PO 55120",
            "currency_code": "GBP",
            "currency_rate": "1",
            "status": "AUTHORISED",
            "line_amount_types": "Exclusive",
            "branding_theme_id": "5d4dd402-c851-497e-aae1-9ff265c0d15a",
            "url": "https://sentia.example/orders/55120",
        }
    )


def test_the_servers_create_invoice_body_matches_the_invoices_schema(registry, simulator):
    contact = next(iter(simulator.tenant_named("Sentia Spirits Ltd").contacts))
    validate(registry, ACCOUNTING, "Invoices", {"Invoices": [full_invoice(contact).xero_invoice()]})
    minimal = CreateInvoiceInput.model_validate(
        {"contact_id": contact, "line_items": [{"description": "x", "unit_amount": 1}]}
    )
    validate(registry, ACCOUNTING, "Invoices", {"Invoices": [minimal.xero_invoice()]})


def test_created_invoices_and_validation_errors_match_the_spec(registry, http, headers, simulator):
    contact = next(
        c
        for c in simulator.tenant_named("Sentia Spirits Ltd").contacts.values()
        if c["Name"] == "The Botanist's Arms Ltd"
    )["ContactID"]
    body = {"Invoices": [full_invoice(contact).xero_invoice()]}
    created = http.put(f"{API}/Invoices", params={"summarizeErrors": "false"}, json=body, headers=headers)
    assert created.json()["Invoices"][0]["StatusAttributeString"] == "OK"
    validate(registry, ACCOUNTING, "Invoices", created.json())
    duplicate = http.put(f"{API}/Invoices", params={"summarizeErrors": "false"}, json=body, headers=headers)
    assert duplicate.json()["Invoices"][0]["HasErrors"] is True
    validate(registry, ACCOUNTING, "Invoices", duplicate.json())
    refused = http.put(f"{API}/Invoices", json=body, headers=headers)
    assert refused.status_code == 400
    validate(registry, ACCOUNTING, "Error", refused.json())
