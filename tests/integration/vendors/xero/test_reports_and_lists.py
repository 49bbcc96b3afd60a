"""Reports, invoices, contacts and bank transactions through MCP, answered by the simulator."""

from __future__ import annotations

from datetime import date

import pytest
from integration.vendors.xero.helpers import sent_params, structured, text

pytestmark = pytest.mark.anyio


async def test_a_profit_and_loss_with_comparison_periods_comes_back_structured(call, xero, uk):
    arguments = {
        "tenant_id": uk,
        "report": "ProfitAndLoss",
        "from_date": "2026-10-01",
        "to_date": "2026-10-31",
        "periods": 2,
        "timeframe": "MONTH",
        "standard_layout": True,
    }
    report = structured(await call("xero-get-financial-reports", arguments))
    assert report["tenant"] == {"tenant_id": uk, "tenant_name": "Sentia Spirits Ltd"}
    assert (
        report["columns"] == ["1 Oct 2026 to 31 Oct 2026", "1 Sept 2026 to 30 Sept 2026", "1 Aug 2026 to 31 Aug 2026"]
        or len(report["columns"]) == 3
    )
    titles = [section["title"] for section in report["sections"]]
    assert titles[:2] == ["Trading Income", "Cost of Sales"]
    net = next(line for s in report["sections"] for line in s["lines"] if line["label"] == "Net Profit")
    assert len(net["amounts"]) == 3 and all(isinstance(value, float) for value in net["amounts"])
    assert sent_params(xero, "getReport") == [
        {
            "fromDate": "2026-10-01",
            "toDate": "2026-10-31",
            "periods": "2",
            "timeframe": "MONTH",
            "standardLayout": "true",
        }
    ]
    assert report["parameters"]["periods"] == 2


async def test_budget_timeframes_are_sent_in_months_and_aged_reports_take_a_contact(call, xero, uk):
    budget = structured(
        await call(
            "xero-get-financial-reports",
            {
                "tenant_id": uk,
                "report": "BudgetSummary",
                "report_date": "2026-01-01",
                "periods": 4,
                "timeframe": "QUARTER",
            },
        )
    )
    assert budget["columns"] == ["Jan-26", "Apr-26", "Jul-26", "Oct-26"]
    assert sent_params(xero, "getReport")[0]["timeframe"] == "3"
    debtor = next(
        c for c in xero.tenant_named("Sentia Spirits Ltd").contacts.values() if c["Name"] == "Getränke Weber GmbH"
    )
    aged = structured(
        await call(
            "xero-get-financial-reports",
            {
                "tenant_id": uk,
                "report": "AgedReceivablesByContact",
                "contact_id": debtor["ContactID"],
                "report_date": "2026-11-27",
            },
        )
    )
    assert aged["columns"] == ["Number", "Due Date", "", "Total", "Paid", "Credited", "Due"]
    assert aged["sections"][0]["lines"][-1]["label"] == "Total"


async def test_report_arguments_that_do_not_apply_are_a_tool_error_naming_them(call, xero, uk):
    result = await call("xero-get-financial-reports", {"tenant_id": uk, "report": "TrialBalance", "periods": 2})
    assert result.is_error
    assert "periods: not an argument of the TrialBalance report, which takes payments_only, report_date" in text(result)
    assert list(xero.requests_to("getReport")) == []


async def test_without_tenant_id_the_error_lists_the_connected_organisations(call, xero, uk, clock):
    result = await call("xero-get-financial-reports", {"report": "BalanceSheet"})
    assert result.is_error
    assert "xero: 2 organisations are connected, so tenant_id is required" in text(result)
    assert f"{uk} (Sentia Spirits Ltd)" in text(result)
    xero.backend.disconnect(xero.tenant_named("Sentia Spirits USA Inc.").tenant_id)
    clock.advance(301)  # the connections are cached for five minutes
    only = structured(await call("xero-get-financial-reports", {"report": "TrialBalance", "report_date": "2026-10-31"}))
    assert only["tenant"]["tenant_name"] == "Sentia Spirits Ltd"


async def test_invoices_are_filtered_sorted_and_paged_with_a_next_page_hint(call, xero, uk):
    arguments = {
        "tenant_id": uk,
        "date_from": "2026-01-01",
        "date_to": "2026-06-30",
        "min_total": 1000,
        "sort_by": "Total",
        "sort_order": "ASC",
        "page_size": 20,
        "include_line_items": True,
        "include_payments": True,
        "as_of": "2026-11-27",
    }
    first = structured(await call("xero-get-invoices", arguments))
    assert first["page"] == {
        "returned": 20,
        "has_more": True,
        "next_cursor": None,
        "next_page": 2,
        "truncated": False,
        "truncated_reason": None,
    }
    totals = [invoice["total"] for invoice in first["invoices"]]
    assert totals == sorted(totals) and min(totals) >= 1000
    assert all("2026-01-01" <= invoice["invoice_date"] <= "2026-06-30" for invoice in first["invoices"])
    assert all(invoice["line_items"] and invoice["payments"] is not None for invoice in first["invoices"])
    assert sent_params(xero, "getInvoices")[0] == {
        "where": 'Type=="ACCREC" AND Date>=DateTime(2026, 01, 01) AND Date<=DateTime(2026, 06, 30) AND Total>=1000',
        "order": "Total ASC",
        "Statuses": "AUTHORISED,PAID",
        "page": "1",
        "pageSize": "20",
    }
    last_page = -(-first["total_matching"] // 20)
    last = structured(await call("xero-get-invoices", {**arguments, "page": last_page}))
    assert last["page"]["has_more"] is False and last["page"]["next_page"] is None


async def test_overdue_invoices_carry_days_overdue_and_an_ageing_of_everything_owed(call, xero, uk):
    result = structured(
        await call(
            "xero-get-invoices",
            {"tenant_id": uk, "overdue_only": True, "as_of": "2026-11-27", "include_ageing": True, "page_size": 100},
        )
    )
    invoices = result["invoices"]
    assert invoices and all(i["status"] == "AUTHORISED" and i["amount_due"] > 0 for i in invoices)
    assert all(i["due_date"] < "2026-11-27" and i["days_overdue"] >= 1 for i in invoices)
    ageing = result["ageing"]
    assert ageing["complete"] and ageing["base_currency"] == "GBP" and ageing["as_of"] == "2026-11-27"
    assert ageing["base_currency_buckets"][0] == {
        "label": "current",
        "min_days_overdue": 0,
        "max_days_overdue": 0,
        "amount": 0.0,
        "count": 0,
    }
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    owed = [
        i
        for i in tenant.invoices.values()
        if i["Type"] == "ACCREC"
        and i["Status"] == "AUTHORISED"
        and i["AmountDue"] > 0
        and i["DueDate"] < date(2026, 11, 27)
    ]
    expected = sum(i["AmountDue"] / i["CurrencyRate"] for i in owed)
    assert ageing["base_currency_total"] == pytest.approx(float(expected), abs=0.02)
    assert ageing["invoices_considered"] == len(owed)
    assert {c["currency"] for c in ageing["by_currency"]} <= {"GBP", "EUR", "USD"}
    assert ageing["largest_balances"][0]["overdue"] >= ageing["largest_balances"][-1]["overdue"]


async def test_ageing_of_bills_without_an_approved_status_says_nothing_is_owed(call, xero, uk):
    result = structured(
        await call(
            "xero-get-invoices",
            {"tenant_id": uk, "invoice_type": "ACCPAY", "statuses": ["PAID"], "include_ageing": True},
        )
    )
    assert result["ageing"]["invoices_considered"] == 0
    assert result["ageing"]["notes"] == [
        "no AUTHORISED status among the filters, so nothing is owed on the matching invoices"
    ]
    refused = await call("xero-get-invoices", {"tenant_id": uk, "overdue_only": True, "statuses": ["PAID"]})
    assert refused.is_error and "overdue_only needs AUTHORISED among the statuses" in text(refused)


async def test_invoice_search_numbers_contact_and_changes_since(call, xero, uk):
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    contact = next(c for c in tenant.contacts.values() if c["Name"] == "Coastline Hotels Group plc")
    drafts = structured(
        await call("xero-get-invoices", {"tenant_id": uk, "statuses": ["DRAFT"], "contact_id": contact["ContactID"]})
    )
    assert [i["contact_name"] for i in drafts["invoices"]] == ["Coastline Hotels Group plc"]
    named = structured(
        await call(
            "xero-get-invoices",
            {
                "tenant_id": uk,
                "invoice_numbers": ["INV-0001", "INV-0002"],
                "contact_name": "The Botanist's Arms Ltd",
                "search_term": "PO",
                "invoice_type": None,
            },
        )
    )
    assert [i["invoice_number"] for i in named["invoices"]] == ["INV-0001"]
    recent = structured(
        await call(
            "xero-get-invoices",
            {
                "tenant_id": uk,
                "modified_since": "2026-11-20T00:00:00Z",
                "due_date_from": "2026-11-01",
                "due_date_to": "2027-03-01",
            },
        )
    )
    assert recent["invoices"] and all(i["updated_at"] >= "2026-11-20" for i in recent["invoices"])


async def test_a_response_over_the_budget_is_trimmed_and_says_so(call, runtime, xero, uk):
    runtime.settings = runtime.settings.model_copy(update={"tool_response_budget_bytes": 10_000})
    result = structured(
        await call("xero-get-invoices", {"tenant_id": uk, "page_size": 100, "include_line_items": True})
    )
    page = result["page"]
    assert page["truncated"] and page["returned"] == len(result["invoices"]) < 100
    assert "left out to stay within the 10000 byte response budget" in page["truncated_reason"]


async def test_contacts_by_type_status_search_name_and_email_with_balances(call, xero, uk):
    customers = structured(
        await call(
            "xero-get-contacts", {"tenant_id": uk, "contact_type": "customers", "sort_order": "DESC", "page_size": 5}
        )
    )
    assert all(c["is_customer"] for c in customers["contacts"])
    assert customers["page"]["has_more"] is True and customers["total_matching"] > 5
    names = [c["name"] for c in customers["contacts"]]
    assert names == sorted(names, key=str.casefold, reverse=True)
    weber = structured(await call("xero-get-contacts", {"tenant_id": uk, "search_term": "weber"}))["contacts"][0]
    assert weber["addresses"][0]["city"] == "Hamburg" and weber["groups"] == ["EU distributors"]
    assert weber["balances"]["receivable_outstanding"] >= weber["balances"]["receivable_overdue"] >= 0
    bare = structured(
        await call(
            "xero-get-contacts",
            {
                "tenant_id": uk,
                "contact_type": "suppliers",
                "email": "sales@cotswoldglass.co.uk",
                "include_addresses": False,
                "include_phones": False,
                "include_groups": False,
                "include_balances": False,
            },
        )
    )["contacts"]
    assert [(c["name"], c["addresses"], c["phones"], c["groups"], c["balances"]) for c in bare] == [
        ("Cotswold Glassworks Ltd", None, None, None, None)
    ]
    archived = structured(await call("xero-get-contacts", {"tenant_id": uk, "statuses": ["ARCHIVED"]}))["contacts"]
    assert [c["name"] for c in archived] == ["Marylebone Fine Foods Ltd"]
    every = structured(
        await call(
            "xero-get-contacts",
            {"tenant_id": uk, "name": "Marylebone Fine Foods Ltd", "statuses": ["ACTIVE", "ARCHIVED", "GDPRREQUEST"]},
        )
    )
    assert len(every["contacts"]) == 1
    assert sent_params(xero, "getContacts")[-1] == {
        "where": 'Name=="Marylebone Fine Foods Ltd"',
        "order": "Name ASC",
        "includeArchived": "true",
        "page": "1",
        "pageSize": "50",
    }


async def test_bank_transactions_by_account_code_type_and_reconciliation_with_page_totals(call, xero, uk):
    result = structured(
        await call(
            "xero-get-bank-transactions",
            {
                "tenant_id": uk,
                "bank_account_code": "090",
                "types": ["SPEND"],
                "reconciled": "unreconciled",
                "date_from": "2025-01-01",
                "date_to": "2026-10-31",
                "min_total": 10,
                "max_total": 100000,
                "sort_by": "Total",
                "include_line_items": True,
            },
        )
    )
    transactions = result["transactions"]
    assert transactions and all(t["bank_account_code"] == "090" and t["type"] == "SPEND" for t in transactions)
    assert all(not t["is_reconciled"] and t["line_items"] for t in transactions)
    totals = result["page_totals"]
    assert totals == [
        {
            "currency": "GBP",
            "received": 0.0,
            "spent": pytest.approx(sum(t["total"] for t in transactions)),
            "net": pytest.approx(-sum(t["total"] for t in transactions)),
            "count": len(transactions),
        }
    ]
    where = sent_params(xero, "getBankTransactions")[0]["where"]
    assert where.startswith('Status=="AUTHORISED" AND BankAccount.AccountID==Guid("')
    assert 'Type=="SPEND" AND IsReconciled==false' in where


async def test_bank_transactions_by_contact_reference_and_status(call, xero, uk):
    tenant = xero.tenant_named("Sentia Spirits Ltd")
    weber = next(c for c in tenant.contacts.values() if c["Name"] == "Getränke Weber GmbH")
    found = structured(
        await call(
            "xero-get-bank-transactions",
            {
                "tenant_id": uk,
                "contact_id": weber["ContactID"],
                "reference": "ProWein sample sales",
                "reconciled": "reconciled",
            },
        )
    )
    assert [(t["currency_code"], t["total"]) for t in found["transactions"]] == [("EUR", 1850.0)]
    deleted = structured(
        await call(
            "xero-get-bank-transactions", {"tenant_id": uk, "statuses": ["DELETED"], "types": ["SPEND", "RECEIVE"]}
        )
    )
    assert [t["reference"] for t in deleted["transactions"]] == ["Entered twice"]
    account = next(a for a in tenant.accounts.values() if a["Code"] == "091")
    savings = structured(
        await call("xero-get-bank-transactions", {"tenant_id": uk, "bank_account_id": account["AccountID"]})
    )
    assert {t["type"] for t in savings["transactions"]} == {"RECEIVE-TRANSFER"}


async def test_an_unknown_bank_account_code_is_a_tool_error_listing_the_accounts(call, xero, uk):
    result = await call("xero-get-bank-transactions", {"tenant_id": uk, "bank_account_code": "999"})
    assert result.is_error
    assert "has no bank account with code 999; bank accounts: 090 (Business Current Account), 091" in text(result)
