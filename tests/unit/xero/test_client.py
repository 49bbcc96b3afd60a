"""The Xero client against the simulator: tenants, paging, limits, 429s, errors and invoice creation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sentia_server.integrations.http import RateLimiter, VendorError, VendorHttpClient
from sentia_server.integrations.xero import XeroClient, build_xero_client
from sentia_server.integrations.xero.client import CONCURRENT_CALLS_PER_TENANT
from sentia_testkit.simulators import Fault
from sentia_testkit.simulators.xero import Limits, XeroSimulator

pytestmark = pytest.mark.anyio
UK, US = "Sentia Spirits Ltd", "Sentia Spirits USA Inc."


def tenant_id(simulator: XeroSimulator, name: str = UK) -> str:
    return simulator.tenant_named(name).tenant_id


async def test_connections_are_read_once_and_a_tenant_is_required_when_several_exist(client, simulator):
    connections = await client.connections()
    assert sorted(c.tenant_name for c in connections) == [UK, US]
    await client.connections()
    assert len(list(simulator.requests_to("getConnections"))) == 1
    with pytest.raises(VendorError) as caught:
        await client.tenant(None)
    message = str(caught.value)
    assert message.startswith("xero: 2 organisations are connected, so tenant_id is required; pass tenant_id, one of:")
    assert f"{tenant_id(simulator)} ({UK})" in message and f"({US})" in message
    assert (await client.tenant(tenant_id(simulator).upper())).tenant_name == UK


async def test_the_only_connection_is_used_and_an_unknown_tenant_is_looked_up_again(client, simulator):
    simulator.backend.disconnect(tenant_id(simulator, US))
    assert (await client.tenant(None)).tenant_name == UK
    with pytest.raises(VendorError, match=r"tenant_id 00000000-0000-0000-0000-000000000000 is not a connected"):
        await client.tenant("00000000-0000-0000-0000-000000000000")
    assert len(list(simulator.requests_to("getConnections"))) == 2  # the cache was refreshed once
    simulator.backend.disconnect(tenant_id(simulator, UK))
    await client.connections(refresh=True)
    with pytest.raises(VendorError, match="no organisation is connected to this app"):
        await client.tenant(None)


async def test_pages_carry_xero_pagination_and_every_call_names_the_tenant(client, simulator):
    uk = tenant_id(simulator)
    first = await client.invoices(uk, where='Type=="ACCREC"', statuses=["PAID"], page=1, page_size=100)
    assert len(first.items) == 100 and first.has_more and first.item_count is not None and first.item_count > 100
    last = await client.invoices(uk, where='Type=="ACCREC"', statuses=["PAID"], page=2, page_size=100)
    assert not last.has_more and len(last.items) == first.item_count - 100
    sent = next(iter(simulator.requests_to("getInvoices")))
    assert sent.headers["xero-tenant-id"] == uk
    assert dict(sent.url.params) == {"where": 'Type=="ACCREC"', "Statuses": "PAID", "page": "1", "pageSize": "100"}


async def test_modified_since_is_sent_as_if_modified_since(client, simulator):
    uk = tenant_id(simulator)
    page = await client.contacts(uk, modified_since=datetime(2030, 1, 1, tzinfo=UTC), page=1)
    assert page.items == [] and not page.has_more
    assert next(iter(simulator.requests_to("getContacts"))).headers["if-modified-since"] == "2030-01-01T00:00:00"


async def test_a_page_without_pagination_has_more_when_full(simulator, settings):
    body = {"Invoices": [{"InvoiceID": "a", "Type": "ACCREC", "Status": "PAID", "Contact": {"ContactID": "c"}}]}
    answers = {"/connections": [{"id": "1", "tenantId": "t"}]}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            return httpx.Response(200, json={"access_token": "x", "expires_in": 1800})
        return httpx.Response(200, json=answers.get(request.url.path, body))

    client = build_xero_client(settings, httpx.MockTransport(handle), RateLimiter())
    try:
        assert (await client.invoices("t", page=1, page_size=1)).has_more
        assert not (await client.invoices("t", page=1, page_size=2)).has_more
    finally:
        await client.aclose()


async def test_a_minute_429_is_retried_after_retry_after_and_its_limit_recorded(client, simulator, sleeps):
    uk = tenant_id(simulator)
    simulator.rate_limit("getAccounts", problem="minute", retry_after=3, times=2)
    accounts = await client.accounts(uk)
    assert any(a.code == "090" for a in accounts)
    assert sleeps.waits == [3.0, 3.0]
    state = client.rate_limit_state(uk)
    assert (state.minute_remaining, state.day_remaining, state.app_minute_remaining) == (59, 4999, 9999)


async def test_a_429_that_persists_or_asks_for_too_long_a_wait_is_a_clear_error(client, simulator, sleeps):
    uk = tenant_id(simulator)
    simulator.rate_limit("getAccounts", problem="appminute", retry_after=1, times=3)
    with pytest.raises(VendorError, match=r"app-wide limit of 10 000 calls a minute\) \(HTTP 429\); try again in 1 s"):
        await client.accounts(uk)
    simulator.rate_limit("getAccounts", problem="minute", retry_after=120)
    with pytest.raises(VendorError, match=r"per-organisation limit of 60 calls a minute.*try again in 120 s"):
        await client.accounts(uk)
    simulator.faults.add("getAccounts", Fault(status=429))  # no Retry-After and no problem header
    with pytest.raises(VendorError, match=r"limit of 60 calls a minute.*try again later"):
        await client.accounts(uk)


async def test_the_daily_limit_is_not_retried_and_blocks_the_tenant_until_it_resets(client, simulator, sleeps, clock):
    uk, us = tenant_id(simulator), tenant_id(simulator, US)
    simulator.rate_limit("getAccounts", problem="day", retry_after=3600)
    with pytest.raises(VendorError, match=r"limit of 5000 calls a day.*try again in 3600 s"):
        await client.accounts(uk)
    calls = len(simulator.requests)
    with pytest.raises(VendorError, match="limit of 5000 calls a day"):
        await client.accounts(uk)
    assert len(simulator.requests) == calls  # refused without calling Xero
    assert await client.accounts(us)  # other organisations are not affected
    clock.advance(3601)
    assert await client.accounts(uk)
    assert sleeps.waits == []


async def test_when_xero_says_no_calls_remain_this_minute_the_next_call_waits(clock, sleeps, settings):
    simulator = XeroSimulator(clock=clock, limits=Limits(per_minute=2))
    client = build_xero_client(
        settings, simulator.transport(), RateLimiter(), sleep=sleeps, max_rate_limit_wait=90, clock=clock
    )
    try:
        uk = tenant_id(simulator)
        await client.accounts(uk)
        await client.accounts(uk)
        assert client.rate_limit_state(uk).minute_remaining == 0
        await client.accounts(uk)
        assert sleeps.waits == [60.0]
        client._max_wait = 10
        await client.accounts(uk)
        with pytest.raises(VendorError, match=r"per-organisation limit of 60 calls a minute.*try again in 60 s"):
            await client.accounts(uk)
    finally:
        await client.aclose()


async def test_the_simulator_limit_answers_429_which_the_client_waits_out(clock, sleeps, settings):
    simulator = XeroSimulator(clock=clock, limits=Limits(per_minute=1, per_day=10))
    client = build_xero_client(
        settings, simulator.transport(), RateLimiter(), sleep=sleeps, max_rate_limit_wait=90, clock=clock
    )
    try:
        uk = tenant_id(simulator)
        await client.accounts(uk)
        client.rate_limit_state(uk).minute_remaining = None  # as if the header had been lost
        await client.accounts(uk)
        assert sleeps.waits == [60.0]
    finally:
        await client.aclose()


async def test_at_most_five_calls_per_organisation_are_in_flight(simulator, settings):
    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return simulator.handle(request)

    client = build_xero_client(settings, httpx.MockTransport(slow), RateLimiter())
    try:
        uk = tenant_id(simulator)
        await client.connections()
        peak = 0
        await asyncio.gather(*(client.accounts(uk) for _ in range(12)))
    finally:
        await client.aclose()
    assert peak == CONCURRENT_CALLS_PER_TENANT


async def test_a_400_carries_xero_messages_and_a_404_contact_is_none(client, simulator):
    uk = tenant_id(simulator)
    with pytest.raises(
        VendorError, match=r"refused the ProfitAndLoss report: fromDate must not be after toDate \(HTTP 400\)"
    ):
        await client.report(uk, "ProfitAndLoss", {"fromDate": "2026-02-01", "toDate": "2026-01-01", "periods": None})
    assert await client.contact(uk, "00000000-0000-0000-0000-000000000000") is None
    simulator.faults.server_error("getContact", status=503, times=3)
    with pytest.raises(VendorError, match=r"had a server error \(HTTP 503\)"):
        await client.contact(uk, "00000000-0000-0000-0000-000000000000")


async def test_report_booleans_are_sent_as_xero_expects(client, simulator):
    uk = tenant_id(simulator)
    report = await client.report(uk, "BalanceSheet", {"date": "2026-10-31", "standardLayout": True})
    assert report.report_type == "BalanceSheet"
    assert dict(next(iter(simulator.requests_to("getReport"))).url.params) == {
        "date": "2026-10-31",
        "standardLayout": "true",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"trunc', "returned a body that is not valid JSON"),
        (b"[1, 2]", "returned a body that is not a JSON object in an unexpected shape"),
        (b'{"Invoices": [{"Type": "ACCREC"}]}', "returned Invoices in an unexpected shape"),
        (b'{"Organisations": []}', "returned the organisation in an unexpected shape"),
        (b'{"Reports": []}', "returned the BankSummary report in an unexpected shape"),
        (b'{"Invoices": []}', "returned the new invoice in an unexpected shape"),
    ],
)
async def test_bodies_xero_would_not_send_are_clear_errors(simulator, settings, body, message):
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path in ("/connect/token", "/connections"):
            return simulator.handle(request)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    client = build_xero_client(settings, httpx.MockTransport(handle), RateLimiter())
    calls = {
        "Invoices": lambda t: client.invoices(t),
        "organisation": lambda t: client.organisation(t),
        "BankSummary": lambda t: client.report(t, "BankSummary", {}),
        "new invoice": lambda t: client.create_invoice(t, {}, idempotency_key=None),
    }
    run = next((call for key, call in calls.items() if key in message), calls["Invoices"])
    try:
        with pytest.raises(VendorError, match=message):
            await run(tenant_id(simulator))
    finally:
        await client.aclose()


async def test_an_invoice_is_created_with_its_idempotency_key_and_emailed(client, simulator):
    uk = tenant_id(simulator)
    contact = next(c for c in simulator.tenants[uk].contacts.values() if c["Name"] == "Cave Lumière SARL")
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact["ContactID"]},
        "LineItems": [
            {"Description": "Gin", "Quantity": 2, "UnitAmount": 100, "AccountCode": "200", "TaxType": "ZERORATEDOUTPUT"}
        ],
        "Status": "AUTHORISED",
        "DueDate": "2026-12-31",
        "CurrencyCode": "EUR",
    }
    created = await client.create_invoice(uk, invoice, idempotency_key="order-1001")
    again = await client.create_invoice(uk, invoice, idempotency_key="order-1001")
    assert created.invoice_id == again.invoice_id and created.total == 200 and created.currency_code == "EUR"
    sent = next(iter(simulator.requests_to("createInvoices")))
    assert (sent.headers["idempotency-key"], dict(sent.url.params)) == ("order-1001", {"summarizeErrors": "false"})
    await client.email_invoice(uk, created.invoice_id, idempotency_key="order-1001")
    assert simulator.tenants[uk].emailed == [created.invoice_id]
    assert next(iter(simulator.requests_to("emailInvoice"))).headers["idempotency-key"] == "order-1001-email"


async def test_per_invoice_validation_errors_are_surfaced_verbatim(client, simulator):
    uk = tenant_id(simulator)
    invoice = {
        "Type": "ACCREC",
        "Contact": {"ContactID": "00000000-0000-0000-0000-000000000001"},
        "LineItems": [{"Description": "Gin", "UnitAmount": 5, "AccountCode": "999"}],
        "Status": "AUTHORISED",
    }
    with pytest.raises(VendorError) as caught:
        await client.create_invoice(uk, invoice, idempotency_key=None)
    assert str(caught.value) == (
        "xero: refused the invoice: The Contact with ContactID 00000000-0000-0000-0000-000000000001 could not be "
        "found; Account code '999' is not a valid code for this document.; Due Date is required for an AUTHORISED "
        "invoice; correct the request and try again"
    )


async def test_the_organisation_is_cached(client, simulator):
    uk = tenant_id(simulator)
    assert (await client.organisation(uk)).base_currency == "GBP"
    assert (await client.organisation(uk)).financial_year_end_month == 12
    assert len(list(simulator.requests_to("getOrganisations"))) == 1


async def test_client_pieces_close_cleanly():
    api = VendorHttpClient("xero", "https://api.xero.com")
    identity = VendorHttpClient("xero", "https://identity.xero.com")
    client = XeroClient(api=api, identity=identity)
    await client.aclose()
    assert client.rate_limit_state("t").minute_remaining is None


async def test_reading_every_page_stops_at_the_cap_and_says_the_list_was_not_finished():
    from sentia_server.integrations.xero.client import Page
    from sentia_server.integrations.xero.figures import MAX_PAGES, all_pages

    asked: list[int] = []

    async def endless(number: int) -> Page[Any]:
        asked.append(number)
        return Page(items=[number], page=number, page_size=1, has_more=True)

    items, complete = await all_pages(endless)
    assert (items, complete) == (list(range(1, MAX_PAGES + 1)), False)
    assert asked == items


async def test_remaining_call_headers_that_are_not_numbers_are_ignored(simulator, settings):
    def handle(request: httpx.Request) -> httpx.Response:
        answer = simulator.handle(request)
        if request.url.path.startswith("/api.xro"):
            answer.headers["x-minlimit-remaining"] = "plenty"
        return answer

    client = build_xero_client(settings, httpx.MockTransport(handle), RateLimiter())
    try:
        uk = tenant_id(simulator)
        await client.accounts(uk)
        state = client.rate_limit_state(uk)
        assert (state.minute_remaining, state.day_remaining) == (None, 4999)
    finally:
        await client.aclose()
