"""The Xero simulator over HTTP: authentication, tenants, limits, filters, paging, state and server mode."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from sentia_testkit.simulators.core import NOT_IMPLEMENTED
from sentia_testkit.simulators.server import SimulatorApp
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, Limits, XeroSimulator

ALL_SCOPES = "accounting.transactions accounting.reports.read accounting.contacts.read accounting.settings.read"
API = "/api.xro/2.0"
UK = "Sentia Spirits Ltd"


def basic(client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def simulator() -> XeroSimulator:
    return XeroSimulator(today=date(2026, 11, 27))


@pytest.fixture
def http(simulator: XeroSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=simulator.transport(), base_url="https://api.xero.com") as client:
        yield client


def token(http: httpx.Client, scope: str = ALL_SCOPES) -> str:
    answer = http.post(
        "https://identity.xero.com/connect/token",
        data={"grant_type": "client_credentials", "scope": scope},
        headers={"authorization": basic()},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.fixture
def headers(http: httpx.Client, simulator: XeroSimulator) -> dict[str, str]:
    return {"authorization": f"Bearer {token(http)}", "xero-tenant-id": simulator.tenant_named(UK).tenant_id}


def test_a_bad_or_expired_token_gets_xeros_401_body(http, headers, simulator):
    missing = http.get(f"{API}/Invoices", headers={"xero-tenant-id": headers["xero-tenant-id"]})
    assert missing.status_code == 401
    assert {k: missing.json()[k] for k in ("Title", "Status", "Detail")} == {
        "Title": "Unauthorized",
        "Status": 401,
        "Detail": "AuthenticationUnsuccessful",
    }
    assert http.get(f"{API}/Invoices", headers=headers).status_code == 200
    simulator.expire_tokens()
    assert http.get(f"{API}/Invoices", headers=headers).status_code == 401
    assert http.get("/connections", headers=headers).status_code == 401


def test_an_unknown_tenant_or_a_missing_scope_gets_403(http, headers, simulator):
    other = {**headers, "xero-tenant-id": "00000000-0000-0000-0000-000000000000"}
    assert http.get(f"{API}/Invoices", headers=other).json()["Detail"] == "AuthorizationUnsuccessful"
    read_only = {**headers, "authorization": f"Bearer {token(http, 'accounting.reports.read')}"}
    assert http.get(f"{API}/Invoices", headers=read_only).status_code == 403
    assert http.put(f"{API}/Invoices", headers=read_only, json={"Invoices": []}).status_code == 403


@pytest.mark.parametrize(
    ("form", "auth", "error"),
    [
        ({"grant_type": "client_credentials"}, None, "invalid_client"),
        ({"grant_type": "client_credentials"}, basic(secret="wrong"), "invalid_client"),
        ({"grant_type": "password"}, basic(), "unsupported_grant_type"),
        ({"grant_type": "refresh_token", "refresh_token": "unknown"}, basic(), "invalid_grant"),
        ({"grant_type": "refresh_token", "refresh_token": "x", "client_id": "someone-else"}, None, "invalid_client"),
        ({"grant_type": "authorization_code", "code": "x"}, "Basic !!!", "invalid_client"),
    ],
)
def test_the_token_endpoint_refuses_with_oauth_error_codes(http, form, auth, error):
    answer = http.post(
        "https://identity.xero.com/connect/token", data=form, headers={"authorization": auth} if auth else {}
    )
    assert (answer.status_code, answer.json()) == (400, {"error": error})


def test_connections_list_the_connected_organisations(http, headers, simulator):
    listed = http.get("/connections", headers={"authorization": headers["authorization"]}).json()
    assert [c["tenantName"] for c in listed] == [UK, "Sentia Spirits USA Inc."]
    assert {c["tenantType"] for c in listed} == {"ORGANISATION"}
    simulator.backend.disconnect(listed[1]["tenantId"])
    assert len(http.get("/Connections", headers={"authorization": headers["authorization"]}).json()) == 1
    refused = http.get("/connections", params={"authEventId": "x"}, headers={"authorization": headers["authorization"]})
    assert refused.status_code == 501


def test_calls_count_against_the_limits_and_a_429_says_which(simulator, http, headers):
    simulator.backend.limits = Limits(per_minute=2, per_day=100, app_per_minute=100)
    first = http.get(f"{API}/Accounts", headers=headers)
    assert (first.headers["x-minlimit-remaining"], first.headers["x-daylimit-remaining"]) == ("1", "99")
    http.get(f"{API}/Accounts", headers=headers)
    limited = http.get(f"{API}/Accounts", headers=headers)
    assert limited.status_code == 429
    assert (limited.headers["x-rate-limit-problem"], limited.headers["retry-after"]) == ("minute", "60")
    simulator.backend.limits = Limits(per_minute=100, per_day=2, app_per_minute=100)
    assert http.get(f"{API}/Accounts", headers=headers).headers["x-rate-limit-problem"] == "day"


def test_endpoints_parameters_and_filters_not_simulated_answer_501(http, headers):
    cases = [
        http.get(f"{API}/Items", headers=headers),
        http.get(f"{API}/Invoices", params={"createdByMyApp": "true"}, headers=headers),
        http.get(f"{API}/Invoices", params={"where": 'Reference.StartsWith("PO")'}, headers=headers),
        http.get(f"{API}/Invoices", params={"order": "BrandingThemeID"}, headers=headers),
        http.get(f"{API}/Reports/ExecutiveSummary", headers=headers),
        http.get(f"{API}/Reports/ProfitAndLoss", params={"trackingCategoryID": "x"}, headers=headers),
        http.get(f"{API}/Reports/ProfitAndLoss", params={"paymentsOnly": "true"}, headers=headers),
        http.get(f"{API}/Reports/BalanceSheet", params={"unknown": "1"}, headers=headers),
    ]
    assert [answer.status_code for answer in cases] == [501] * len(cases)
    assert all(answer.json()["error"] == NOT_IMPLEMENTED for answer in cases)
    assert "Reference.StartsWith" in cases[2].json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "x"}, "page and pageSize must be whole numbers"),
        ({"page": "0"}, "page and pageSize must be 1 or more"),
    ],
)
def test_bad_paging_is_a_validation_error(http, headers, params, message):
    answer = http.get(f"{API}/Invoices", params=params, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["Elements"][0]["ValidationErrors"][0]["Message"] == message


def test_invoice_filters_paging_and_the_summary_without_lines(http, headers, simulator):
    everything = http.get(f"{API}/Invoices", headers=headers).json()["Invoices"]
    assert all("LineItems" not in i for i in everything)
    assert all(i["Status"] != "DELETED" for i in everything)
    drafts = http.get(f"{API}/Invoices", params={"Statuses": "DRAFT", "page": "1"}, headers=headers).json()
    assert drafts["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 1, "itemCount": 2}
    assert all(i["LineItems"] for i in drafts["Invoices"])
    number = everything[0]["InvoiceNumber"]
    by_number = http.get(f"{API}/Invoices", params={"InvoiceNumbers": number}, headers=headers).json()["Invoices"]
    by_id = http.get(f"{API}/Invoices", params={"IDs": everything[0]["InvoiceID"]}, headers=headers).json()["Invoices"]
    assert [i["InvoiceNumber"] for i in by_number] == [i["InvoiceNumber"] for i in by_id] == [number]
    searched = http.get(f"{API}/Invoices", params={"searchTerm": "quote follow"}, headers=headers).json()["Invoices"]
    assert {i["Reference"] for i in searched} == {"Quote follow-up"}
    recent = http.get(f"{API}/Invoices", headers={**headers, "if-modified-since": "2026-11-20T00:00:00"}).json()
    assert 0 < len(recent["Invoices"]) < len(everything)


def test_contacts_exclude_archived_unless_asked_and_search_several_fields(http, headers):
    active = http.get(f"{API}/Contacts", headers=headers).json()["Contacts"]
    everyone = http.get(f"{API}/Contacts", params={"includeArchived": "true"}, headers=headers).json()["Contacts"]
    assert len(everyone) == len(active) + 1
    found = http.get(f"{API}/Contacts", params={"searchTerm": "WEBER"}, headers=headers).json()["Contacts"]
    assert [c["Name"] for c in found] == ["Getränke Weber GmbH"]
    ids = http.get(f"{API}/Contacts", params={"IDs": found[0]["ContactID"]}, headers=headers).json()["Contacts"]
    assert ids == found
    by_number = http.get(f"{API}/Contacts/{found[0]['ContactNumber']}", headers=headers).json()["Contacts"]
    assert by_number[0]["ContactID"] == found[0]["ContactID"]
    assert http.get(f"{API}/Contacts/unknown", headers=headers).status_code == 404


def test_created_invoices_appear_in_later_listings_and_reports(http, headers, simulator):
    tenant = simulator.tenant_named(UK)
    contact = next(c for c in tenant.contacts.values() if c["Name"] == "Highland Fine Drinks Ltd")
    before = http.get(
        f"{API}/Reports/ProfitAndLoss", params={"fromDate": "2026-11-01", "toDate": "2026-11-30"}, headers=headers
    ).json()
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact["ContactID"]},
        "Date": "2026-11-26",
        "DueDate": "2026-12-26",
        "Status": "AUTHORISED",
        "LineAmountTypes": "Inclusive",
        "LineItems": [
            {
                "Description": "Gin",
                "Quantity": 10,
                "UnitAmount": 12,
                "AccountCode": "200",
                "TaxType": "OUTPUT2",
                "DiscountRate": 10,
            }
        ],
    }
    created = http.post(f"{API}/Invoices", json={"Invoices": [invoice]}, headers=headers).json()["Invoices"][0]
    assert (created["StatusAttributeString"], created["Total"], created["TotalTax"], created["SubTotal"]) == (
        "OK",
        108.0,
        18.0,
        90.0,
    )
    listed = http.get(f"{API}/Invoices", params={"IDs": created["InvoiceID"]}, headers=headers).json()["Invoices"]
    assert listed[0]["InvoiceNumber"] == created["InvoiceNumber"]
    after = http.get(
        f"{API}/Reports/ProfitAndLoss", params={"fromDate": "2026-11-01", "toDate": "2026-11-30"}, headers=headers
    ).json()

    def income(report: dict) -> float:
        rows = [r for s in report["Reports"][0]["Rows"] if s["RowType"] == "Section" for r in s.get("Rows", [])]
        return float(next(r for r in rows if r["Cells"][0]["Value"] == "Total Trading Income")["Cells"][1]["Value"])

    assert round(income(after) - income(before), 2) == 90.0


def test_summarized_errors_reject_the_whole_request_with_a_validation_exception(http, headers, simulator):
    bad = {"Type": "ACCREC", "Contact": {"ContactID": "00000000-0000-0000-0000-000000000000"}, "LineItems": []}
    answer = http.put(f"{API}/Invoices", json={"Invoices": [bad]}, headers=headers)
    assert answer.status_code == 400
    body = answer.json()
    assert (body["Type"], body["ErrorNumber"]) == ("ValidationException", 10)
    assert [e["Message"] for e in body["Elements"][0]["ValidationErrors"]] == [
        "The Contact with ContactID 00000000-0000-0000-0000-000000000000 could not be found",
        "At least one line item must be specified",
    ]
    assert http.put(f"{API}/Invoices", content=b"{", headers=headers).status_code == 400
    assert http.put(f"{API}/Invoices", json={"Invoices": []}, headers=headers).status_code == 400
    long_key = {**headers, "idempotency-key": "k" * 129}
    assert http.put(f"{API}/Invoices", json={"Invoices": [bad]}, headers=long_key).status_code == 400


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Type": "ACCRECCREDIT"}, "Invoice Type must be ACCREC or ACCPAY"),
        ({"Status": "PAID"}, "Invoice not of valid status for creation: PAID"),
        ({"CurrencyCode": "JPY"}, "The currency 'JPY' is not enabled for this organisation."),
        ({"LineAmountTypes": "Gross"}, "LineAmountTypes 'Gross' is not valid"),
        ({"InvoiceNumber": "INV-0001"}, "Invoice # must be unique."),
        ({"Date": "31/12/2026"}, "Date must be a date in the form YYYY-MM-DD"),
        ({"Contact": {}}, "A Contact must be specified for this type of transaction"),
        ({"LineItems": [{"UnitAmount": 1, "AccountCode": "200"}]}, "Description or ItemCode must be specified"),
        ({"LineItems": [{"Description": "x", "UnitAmount": 1}]}, "Account code must be specified"),
        ({"LineItems": [{"Description": "x", "UnitAmount": 1, "AccountCode": "299"}]}, "has been archived, or deleted"),
        (
            {"LineItems": [{"Description": "x", "UnitAmount": 1, "AccountCode": "200", "TaxType": "VAT99"}]},
            "The TaxType code 'VAT99' does not exist",
        ),
        ({"LineItems": [{"Description": "x", "UnitAmount": "lots", "AccountCode": "200"}]}, "must be numbers"),
        ({"LineItems": ["not an object"]}, "Description or ItemCode must be specified"),
    ],
)
def test_each_invoice_problem_comes_back_on_the_invoice_with_summarize_errors_false(
    http, headers, simulator, change, message
):
    tenant = simulator.tenant_named(UK)
    contact = next(c for c in tenant.contacts.values() if c["ContactStatus"] == "ACTIVE")
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact["ContactID"]},
        "Status": "SUBMITTED",
        "LineItems": [{"Description": "Gin", "UnitAmount": 10, "AccountCode": "200"}],
        **change,
    }
    answer = http.put(
        f"{API}/Invoices", params={"summarizeErrors": "false"}, json={"Invoices": [invoice]}, headers=headers
    )
    assert answer.status_code == 200
    echoed = answer.json()["Invoices"][0]
    assert (echoed["HasErrors"], echoed["StatusAttributeString"]) == (True, "ERROR")
    assert any(message in e["Message"] for e in echoed["ValidationErrors"]), echoed["ValidationErrors"]


def test_archived_contacts_cannot_be_invoiced_and_non_objects_are_refused(http, headers, simulator):
    tenant = simulator.tenant_named(UK)
    archived = next(c for c in tenant.contacts.values() if c["ContactStatus"] == "ARCHIVED")
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": archived["ContactID"]},
        "LineItems": [{"Description": "Gin", "UnitAmount": 10}],
    }
    answer = http.put(
        f"{API}/Invoices", params={"summarizeErrors": "false"}, json={"Invoices": [invoice, 7]}, headers=headers
    ).json()["Invoices"]
    assert "is archived and cannot be used on new transactions" in answer[0]["ValidationErrors"][0]["Message"]
    assert answer[1]["ValidationErrors"] == [{"Message": "Each invoice must be a JSON object"}]


def test_an_idempotency_key_replays_the_first_answer(http, headers, simulator):
    tenant = simulator.tenant_named(UK)
    contact = next(c for c in tenant.contacts.values() if c["Name"] == "Cave Lumière SARL")
    invoice = {
        "Type": "ACCPAY",
        "Contact": {"ContactID": contact["ContactID"]},
        "InvoiceNumber": "CL-1",
        "LineItems": [{"Description": "Samples", "UnitAmount": 10, "AccountCode": "310"}],
    }
    keyed = {**headers, "idempotency-key": "bill-cl-1"}
    first = http.put(f"{API}/Invoices", json={"Invoices": [invoice]}, headers=keyed).json()
    second = http.put(f"{API}/Invoices", json={"Invoices": [invoice]}, headers=keyed).json()
    assert first == second
    assert sum(1 for i in tenant.invoices.values() if i["InvoiceNumber"] == "CL-1") == 1


def test_only_approved_sales_invoices_with_an_email_address_are_emailed(http, headers, simulator):
    tenant = simulator.tenant_named(UK)
    draft = next(i for i in tenant.invoices.values() if i["Status"] == "DRAFT")
    authorised = next(i for i in tenant.invoices.values() if i["Status"] == "AUTHORISED" and i["Type"] == "ACCREC")
    assert http.post(f"{API}/Invoices/{draft['InvoiceID']}/Email", json={}, headers=headers).status_code == 400
    assert http.post(f"{API}/Invoices/{authorised['InvoiceID']}/Email", json={}, headers=headers).status_code == 204
    tenant.contacts[authorised["Contact"]["ContactID"]]["EmailAddress"] = ""
    no_address = http.post(f"{API}/Invoices/{authorised['InvoiceID']}/Email", json={}, headers=headers)
    assert no_address.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "The contact has no email address"
    unknown = "00000000-0000-0000-0000-000000000000"
    assert http.post(f"{API}/Invoices/{unknown}/Email", json={}, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("ProfitAndLoss", {"fromDate": "2026-13-01"}, "fromDate must be a date in the form YYYY-MM-DD"),
        ("ProfitAndLoss", {"periods": "12"}, "periods must be between 1 and 11"),
        ("BalanceSheet", {"timeframe": "WEEK"}, "timeframe must be MONTH, QUARTER or YEAR"),
        ("BudgetSummary", {"timeframe": "2"}, "timeframe must be 1 (month), 3 (quarter) or 12 (year)"),
        ("BudgetSummary", {"periods": "many"}, "periods must be a whole number"),
        ("AgedReceivablesByContact", {}, "contactId is required"),
        ("AgedPayablesByContact", {"contactId": "00000000-0000-0000-0000-000000000000"}, "could not be found"),
    ],
)
def test_report_parameters_xero_would_refuse_are_400s(http, headers, name, params, message):
    answer = http.get(f"{API}/Reports/{name}", params=params, headers=headers)
    assert answer.status_code == 400
    assert message in answer.json()["Elements"][0]["ValidationErrors"][0]["Message"]


def test_reports_balance_and_follow_the_books(http, headers, simulator):
    def report(name: str, **params: str) -> dict:
        answer = http.get(f"{API}/Reports/{name}", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["Reports"][0]

    def values(rep: dict, label: str) -> list[str]:
        for section in rep["Rows"]:
            for row in section.get("Rows", []):
                if row["Cells"][0]["Value"] == label:
                    return [cell["Value"] for cell in row["Cells"][1:]]
        raise AssertionError(f"no {label} line")

    sheet = report("BalanceSheet", date="2026-10-31", periods="2", timeframe="QUARTER")
    assert [c["Value"] for c in sheet["Rows"][0]["Cells"]][1:] == ["31 Oct 2026", "31 Jul 2026", "30 Apr 2026"]
    assert values(sheet, "Net Assets") == values(sheet, "Total Equity")
    trial = report("TrialBalance", date="2026-10-31")
    debit, credit = values(trial, "Total")[:2]
    assert debit == credit
    profit = report("ProfitAndLoss", fromDate="2026-10-01", toDate="2026-10-31", periods="1", timeframe="YEAR")
    assert [c["Value"] for c in profit["Rows"][0]["Cells"]][1:] == [
        "1 Oct 2026 to 31 Oct 2026",
        "1 Oct 2025 to 31 Oct 2025",
    ]
    budget = report("BudgetSummary", date="2026-01-15", periods="2", timeframe="3")
    assert [c["Value"] for c in budget["Rows"][0]["Cells"]] == ["Account", "Jan-26", "Apr-26"]
    bank = report("BankSummary", fromDate="2026-10-01", toDate="2026-10-31")
    opening, received, spent, closing = (float(v) for v in values(bank, "Total"))
    assert round(opening + received - spent, 2) == closing
    debtor = next(c for c in simulator.tenant_named(UK).contacts.values() if c["Name"] == "Getränke Weber GmbH")
    aged = report("AgedReceivablesByContact", contactId=debtor["ContactID"], date="2026-11-27", fromDate="2026-01-01")
    assert aged["ReportTitles"][:2] == ["Invoices", "Getränke Weber GmbH"]
    assert [c["Value"] for c in aged["Rows"][0]["Cells"]] == [
        "Date",
        "Number",
        "Due Date",
        "",
        "Total",
        "Paid",
        "Credited",
        "Due",
    ]
    supplier = next(c for c in simulator.tenant_named(UK).contacts.values() if c["Name"] == "Cotswold Glassworks Ltd")
    report("AgedPayablesByContact", contactId=supplier["ContactID"])
    assert report("ProfitAndLoss")["ReportType"] == "ProfitAndLoss"  # defaults: this month to date


def test_other_endpoints_answer_from_state(http, headers):
    accounts = http.get(f"{API}/Accounts", params={"where": 'Type=="BANK"', "order": "Code"}, headers=headers).json()
    assert [a["Code"] for a in accounts["Accounts"]] == ["090", "091", "092", "093"]
    organisation = http.get(f"{API}/Organisation", headers=headers).json()["Organisations"][0]
    assert (organisation["BaseCurrency"], organisation["CountryCode"]) == ("GBP", "GB")
    payments = http.get(
        f"{API}/Payments", params={"where": 'PaymentType=="ACCPAYPAYMENT"', "page": "1"}, headers=headers
    ).json()
    assert payments["Payments"] and {p["PaymentType"] for p in payments["Payments"]} == {"ACCPAYPAYMENT"}
    spend = http.get(f"{API}/BankTransactions", params={"where": 'Type=="SPEND-TRANSFER"'}, headers=headers).json()
    assert spend["BankTransactions"] and "pagination" not in spend


def test_reset_restores_the_seed_and_unknown_names_and_folders_are_clear_errors(simulator, tmp_path: Path):
    tenant = simulator.tenant_named(UK)
    tenant.invoices.clear()
    simulator.faults.server_error()
    simulator.reset()
    assert simulator.tenant_named(UK).invoices and simulator.faults.pending() == 0
    with pytest.raises(KeyError, match="no organisation named 'Nobody'"):
        simulator.tenant_named("Nobody")
    with pytest.raises(FileNotFoundError, match="no Xero seed data"):
        XeroSimulator(fixtures=tmp_path)


@pytest.mark.anyio
async def test_the_simulator_serves_over_http_mounted_under_xero(simulator):
    app = SimulatorApp({"xero": simulator})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8900") as client:
        issued = await client.post(
            "/xero/connect/token", data={"grant_type": "client_credentials"}, headers={"authorization": basic()}
        )
        bearer = {"authorization": f"Bearer {issued.json()['access_token']}"}
        connections = await client.get("/xero/connections", headers=bearer)
        tenant = connections.json()[0]["tenantId"]
        invoices = await client.get(
            "/xero/api.xro/2.0/Invoices",
            params={"page": "1", "pageSize": "3"},
            headers={**bearer, "xero-tenant-id": tenant},
        )
    assert invoices.status_code == 200 and len(invoices.json()["Invoices"]) == 3
    assert invoices.headers["x-minlimit-remaining"] == "59"
