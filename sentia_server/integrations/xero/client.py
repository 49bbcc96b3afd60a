"""The Xero Accounting API client: tenants, paged reads, reports and invoice creation, within Xero's limits.

Limits (https://developer.xero.com/documentation/guides/oauth2/limits/): per organisation 60 calls a minute,
5000 a day and 5 in flight at once; per app 10 000 calls a minute. They are kept client-side (the shared
RateLimiter and a semaphore per organisation), the `X-MinLimit-Remaining` / `X-DayLimit-Remaining` /
`X-AppMinLimit-Remaining` headers of every answer are recorded, and a 429 is retried after its `Retry-After`
unless `X-Rate-Limit-Problem` says the daily limit is spent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from sentia_server.integrations.http import (
    RateLimiter,
    RetryPolicy,
    VendorError,
    VendorHttpClient,
    rate_limits,
    retry_after_seconds,
)
from sentia_server.integrations.settings import XeroSettings
from sentia_server.integrations.xero.auth import (
    AuthorizationCodeAuth,
    ClientCredentialsAuth,
    InMemoryTokenStore,
    TokenStore,
)
from sentia_server.integrations.xero.dates import http_date
from sentia_server.integrations.xero.errors import VENDOR, bad_request, rejected_items
from sentia_server.integrations.xero.models import (
    Account,
    BankTransaction,
    Connection,
    Contact,
    Invoice,
    Organisation,
    Pagination,
    Payment,
    Report,
)

API = "/api.xro/2.0"
CONNECTIONS_PATH = "/connections"
TENANT_LIMITS = ("60/minute", "5000/day")
APP_LIMITS = ("10000/minute",)
CONCURRENT_CALLS_PER_TENANT = 5
CONNECTIONS_TTL_SECONDS = 300.0
MAX_PAGE_SIZE = 100
_APP_KEY = "_app"
_LIMIT_NAMES = {
    "minute": "per-organisation limit of 60 calls a minute",
    "day": "per-organisation limit of 5000 calls a day",
    "appminute": "app-wide limit of 10 000 calls a minute",
}

ItemT = TypeVar("ItemT", bound=BaseModel)
_CONNECTIONS = TypeAdapter(list[Connection])
_INVOICES = TypeAdapter(list[Invoice])
_CONTACTS = TypeAdapter(list[Contact])
_BANK_TRANSACTIONS = TypeAdapter(list[BankTransaction])
_PAYMENTS = TypeAdapter(list[Payment])
_ACCOUNTS = TypeAdapter(list[Account])
_ORGANISATIONS = TypeAdapter(list[Organisation])
_REPORTS = TypeAdapter(list[Report])
_PAGINATION = TypeAdapter(Pagination)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    """One page of a list endpoint. `item_count` is Xero's total when it sends pagination, else None."""

    items: list[ItemT]
    page: int
    page_size: int
    has_more: bool
    item_count: int | None = None


@dataclass
class RateLimitState:
    """What Xero last said about an organisation's remaining calls."""

    minute_remaining: int | None = None
    day_remaining: int | None = None
    app_minute_remaining: int | None = None
    observed_at: float = 0.0
    blocked_until: float = 0.0


def _header_int(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _wait_text(seconds: float) -> str:
    return f"try again in {max(seconds, 1):.0f} s"


class XeroClient:
    def __init__(
        self,
        *,
        api: VendorHttpClient,
        identity: VendorHttpClient,
        rate_limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_rate_limit_wait: float = 60.0,
    ) -> None:
        self.api = api
        self.identity = identity
        self._rate_limiter = rate_limiter
        self._app_limits = rate_limits(*APP_LIMITS)
        self._clock = clock
        self._sleep = sleep
        self._max_wait = max_rate_limit_wait
        self._states: dict[str, RateLimitState] = {}
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._connections: tuple[float, list[Connection]] | None = None
        self._organisations: dict[str, tuple[float, Organisation]] = {}

    async def aclose(self) -> None:
        await self.api.aclose()
        await self.identity.aclose()

    def rate_limit_state(self, tenant_id: str) -> RateLimitState:
        return self._states.setdefault(tenant_id, RateLimitState())

    # Tenants

    async def connections(self, *, refresh: bool = False) -> list[Connection]:
        """The organisations this app may reach, cached for a few minutes."""
        now = self._clock()
        if not refresh and self._connections is not None and now - self._connections[0] < CONNECTIONS_TTL_SECONDS:
            return self._connections[1]
        response = await self.api.request("GET", CONNECTIONS_PATH, tenant="connections")
        connections = _parse(_CONNECTIONS, _json(response), "the connections list", response)
        self._connections = (now, connections)
        return connections

    async def tenant(self, tenant_id: str | None) -> Connection:
        """The organisation to call: `tenant_id`, or the only connected one when it is omitted."""
        connections = await self.connections()
        if tenant_id is None:
            if len(connections) == 1:
                return connections[0]
            if not connections:
                raise VendorError(
                    VENDOR,
                    "no organisation is connected to this app",
                    hint="connect a Xero organisation to the app (for a custom connection, in the developer portal)",
                )
            raise VendorError(
                VENDOR,
                f"{len(connections)} organisations are connected, so tenant_id is required",
                hint=f"pass tenant_id, one of: {_listing(connections)}",
            )
        for attempt in range(2):
            for connection in connections:
                if connection.tenant_id.lower() == tenant_id.lower():
                    return connection
            if attempt == 0:
                connections = await self.connections(refresh=True)
        raise VendorError(
            VENDOR,
            f"tenant_id {tenant_id} is not a connected organisation",
            hint=f"use one of: {_listing(connections) or 'none is connected'}",
        )

    # Reads

    async def invoices(
        self,
        tenant_id: str,
        *,
        where: str | None = None,
        order: str | None = None,
        statuses: list[str] | None = None,
        contact_ids: list[str] | None = None,
        ids: list[str] | None = None,
        invoice_numbers: list[str] | None = None,
        search_term: str | None = None,
        modified_since: datetime | None = None,
        page: int = 1,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Page[Invoice]:
        """GET Invoices: the `Statuses`, `ContactIDs`, `IDs` and `InvoiceNumbers` parameters are Xero's optimised
        filters and are used instead of `where` conditions on those fields.
        https://developer.xero.com/documentation/api/accounting/invoices#optimised-use-of-the-where-filter"""
        params = _params(
            where=where,
            order=order,
            Statuses=",".join(statuses) if statuses else None,
            ContactIDs=",".join(contact_ids) if contact_ids else None,
            IDs=",".join(ids) if ids else None,
            InvoiceNumbers=",".join(invoice_numbers) if invoice_numbers else None,
            searchTerm=search_term,
            page=page,
            pageSize=page_size,
        )
        return await self._page(tenant_id, "Invoices", _INVOICES, params, modified_since, page, page_size)

    async def contacts(
        self,
        tenant_id: str,
        *,
        where: str | None = None,
        order: str | None = None,
        include_archived: bool = False,
        search_term: str | None = None,
        modified_since: datetime | None = None,
        page: int = 1,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Page[Contact]:
        params = _params(
            where=where,
            order=order,
            includeArchived="true" if include_archived else None,
            searchTerm=search_term,
            page=page,
            pageSize=page_size,
        )
        return await self._page(tenant_id, "Contacts", _CONTACTS, params, modified_since, page, page_size)

    async def contact(self, tenant_id: str, contact_id: str) -> Contact | None:
        """One contact, or None when Xero has no contact with that id."""
        try:
            response = await self._call("GET", f"{API}/Contacts/{contact_id}", tenant_id, what="contact request")
        except VendorError as error:
            if error.status == 404:
                return None
            raise
        contacts = _parse(_CONTACTS, _object(response).get("Contacts"), "the contact", response)
        return contacts[0] if contacts else None

    async def bank_transactions(
        self,
        tenant_id: str,
        *,
        where: str | None = None,
        order: str | None = None,
        modified_since: datetime | None = None,
        page: int = 1,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Page[BankTransaction]:
        params = _params(where=where, order=order, page=page, pageSize=page_size)
        return await self._page(
            tenant_id, "BankTransactions", _BANK_TRANSACTIONS, params, modified_since, page, page_size
        )

    async def payments(
        self,
        tenant_id: str,
        *,
        where: str | None = None,
        order: str | None = None,
        page: int = 1,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Page[Payment]:
        params = _params(where=where, order=order, page=page, pageSize=page_size)
        return await self._page(tenant_id, "Payments", _PAYMENTS, params, None, page, page_size)

    async def accounts(self, tenant_id: str, *, where: str | None = None) -> list[Account]:
        response = await self._call(
            "GET", f"{API}/Accounts", tenant_id, params=_params(where=where), what="accounts request"
        )
        return _parse(_ACCOUNTS, _object(response).get("Accounts"), "the accounts", response)

    async def organisation(self, tenant_id: str) -> Organisation:
        """The organisation's settings (base currency, financial year), cached like the connections."""
        cached = self._organisations.get(tenant_id)
        now = self._clock()
        if cached is not None and now - cached[0] < CONNECTIONS_TTL_SECONDS:
            return cached[1]
        response = await self._call("GET", f"{API}/Organisation", tenant_id, what="organisation request")
        organisations = _parse(_ORGANISATIONS, _object(response).get("Organisations"), "the organisation", response)
        if not organisations:
            raise _unexpected("the organisation", response)
        self._organisations[tenant_id] = (now, organisations[0])
        return organisations[0]

    async def report(self, tenant_id: str, name: str, params: Mapping[str, str | int | bool | None]) -> Report:
        """GET Reports/{name}; booleans are sent as `true`/`false` as Xero expects."""
        cleaned = {
            key: ("true" if value else "false") if isinstance(value, bool) else value
            for key, value in params.items()
            if value is not None
        }
        response = await self._call("GET", f"{API}/Reports/{name}", tenant_id, params=cleaned, what=f"{name} report")
        reports = _parse(_REPORTS, _object(response).get("Reports"), f"the {name} report", response)
        if not reports:
            raise _unexpected(f"the {name} report", response)
        return reports[0]

    # Writes

    async def create_invoice(
        self, tenant_id: str, invoice: Mapping[str, Any], *, idempotency_key: str | None
    ) -> Invoice:
        """PUT Invoices with `summarizeErrors=false`, so that Xero answers 200 with the invoice's own validation
        errors; a request Xero cannot read at all still gets a 400 ValidationException. With an idempotency key a
        retried request returns the first result instead of creating a second invoice."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = await self._call(
            "PUT",
            f"{API}/Invoices",
            tenant_id,
            params={"summarizeErrors": "false"},
            json_body={"Invoices": [dict(invoice)]},
            headers=headers,
            what="invoice",
        )
        answered = _object(response).get("Invoices")
        if not isinstance(answered, list) or not answered or not isinstance(answered[0], dict):
            raise _unexpected("the new invoice", response)
        first = answered[0]
        errors = first.get("ValidationErrors") or []
        if first.get("HasErrors") or errors:  # an invoice Xero refused is echoed back, without the created fields
            messages = [e["Message"] for e in errors if isinstance(e, dict) and isinstance(e.get("Message"), str)]
            raise rejected_items("invoice", messages)
        return _parse(_INVOICES, [first], "the new invoice", response)[0]

    async def email_invoice(self, tenant_id: str, invoice_id: str, *, idempotency_key: str | None) -> None:
        """POST Invoices/{id}/Email: Xero emails the invoice to the contact's address."""
        headers = {"Idempotency-Key": f"{idempotency_key}-email"} if idempotency_key else None
        await self._call(
            "POST", f"{API}/Invoices/{invoice_id}/Email", tenant_id, json_body={}, headers=headers, what="email request"
        )

    # Plumbing

    async def _page(
        self,
        tenant_id: str,
        endpoint: str,
        adapter: TypeAdapter[list[ItemT]],
        params: dict[str, str | int],
        modified_since: datetime | None,
        page: int,
        page_size: int,
    ) -> Page[ItemT]:
        headers = {"If-Modified-Since": http_date(modified_since)} if modified_since is not None else None
        response = await self._call(
            "GET", f"{API}/{endpoint}", tenant_id, params=params, headers=headers, what=f"{endpoint} request"
        )
        body = _object(response)
        items = _parse(adapter, body.get(endpoint), endpoint, response)
        pagination = body.get("pagination")
        if isinstance(pagination, dict):
            info = _parse(_PAGINATION, pagination, f"the {endpoint} pagination", response)
            return Page(items, page, page_size, info.page < info.page_count, info.item_count)
        return Page(items, page, page_size, len(items) >= page_size)

    async def _call(
        self,
        method: str,
        path: str,
        tenant_id: str,
        *,
        what: str,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One Accounting API call for one organisation, inside its limits."""
        state = self.rate_limit_state(tenant_id)
        await self._respect(tenant_id, state)
        if self._rate_limiter is not None:
            await self._rate_limiter.acquire(VENDOR, _APP_KEY, self._app_limits)
        semaphore = self._semaphores.setdefault(tenant_id, asyncio.Semaphore(CONCURRENT_CALLS_PER_TENANT))
        sent = {"xero-tenant-id": tenant_id, **(headers or {})}
        attempt = 0
        async with semaphore:
            while True:
                attempt += 1
                response = await self.api.request(
                    method,
                    path,
                    tenant=tenant_id,
                    params=params,
                    json_body=json_body,
                    headers=sent,
                    expected=frozenset({200, 204, 400, 429}),
                )
                self._observe(state, response)
                if response.status_code == 400:
                    raise bad_request(response, what)
                if response.status_code != 429:
                    return response
                problem = response.headers.get("x-rate-limit-problem", "minute").lower()
                wait = retry_after_seconds(response)
                if problem == "day" and wait is not None:
                    state.blocked_until = self._clock() + wait
                if problem == "day" or wait is None or wait > self._max_wait or attempt == 3:
                    raise _rate_limited(tenant_id, problem, wait)
                await self._sleep(wait)

    async def _respect(self, tenant_id: str, state: RateLimitState) -> None:
        """Do not call an organisation Xero has said is out of calls."""
        now = self._clock()
        if state.blocked_until > now:
            raise _rate_limited(tenant_id, "day", state.blocked_until - now)
        if state.minute_remaining == 0 and now - state.observed_at < 60:
            wait = 60 - (now - state.observed_at)
            if wait > self._max_wait:
                raise _rate_limited(tenant_id, "minute", wait)
            await self._sleep(wait)
            state.minute_remaining = None

    def _observe(self, state: RateLimitState, response: httpx.Response) -> None:
        minute = _header_int(response, "x-minlimit-remaining")
        day = _header_int(response, "x-daylimit-remaining")
        app = _header_int(response, "x-appminlimit-remaining")
        if minute is None and day is None and app is None:
            return
        state.minute_remaining, state.day_remaining, state.app_minute_remaining = minute, day, app
        state.observed_at = self._clock()


def _rate_limited(tenant_id: str, problem: str, wait: float | None) -> VendorError:
    limit = _LIMIT_NAMES.get(problem, f"{problem} limit")
    return VendorError(
        VENDOR,
        f"rate limit reached for organisation {tenant_id} ({limit})",
        status=429,
        hint=_wait_text(wait) if wait is not None else "try again later",
        retryable=True,
    )


def _listing(connections: list[Connection]) -> str:
    return ", ".join(f"{c.tenant_id} ({c.tenant_name})" for c in connections)


def _params(**values: str | int | None) -> dict[str, str | int]:
    return {key: value for key, value in values.items() if value is not None}


def _unexpected(what: str, response: httpx.Response) -> VendorError:
    return VendorError(
        VENDOR,
        f"returned {what} in an unexpected shape",
        status=response.status_code,
        hint="the API may have changed or be having an incident; try again later",
        retryable=True,
    )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise VendorError(
            VENDOR,
            "returned a body that is not valid JSON",
            status=response.status_code,
            hint="Xero may be having an incident; try again later",
            retryable=True,
        ) from None


def _object(response: httpx.Response) -> dict[str, Any]:
    body = _json(response)
    if not isinstance(body, dict):
        raise _unexpected("a body that is not a JSON object", response)
    return body


ParsedT = TypeVar("ParsedT")


def _parse(adapter: TypeAdapter[ParsedT], data: Any, what: str, response: httpx.Response) -> ParsedT:
    try:
        return adapter.validate_python(data)
    except ValidationError:
        raise _unexpected(what, response) from None


def build_xero_client(
    settings: XeroSettings,
    transport: httpx.AsyncBaseTransport | None,
    rate_limiter: RateLimiter,
    *,
    token_store: TokenStore | None = None,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    max_rate_limit_wait: float = 60.0,
    clock: Callable[[], float] | None = None,
) -> XeroClient:
    """The client the tools use, from the vendor settings (see `sentia_server.vendors`). A standard app reads its
    tokens from `token_store`; until the server wires its encrypted database store that is process memory.
    `clock` (Unix time) replaces both the token clock and the rate-limit clock, for tests."""
    policy = retry or RetryPolicy(statuses=frozenset({500, 502, 503, 504}))
    identity = VendorHttpClient(VENDOR, settings.identity_base_url, transport=transport, retry=policy)
    client_id = settings.client_id or ""
    secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
    auth: ClientCredentialsAuth | AuthorizationCodeAuth
    if settings.auth_flow == "client_credentials":
        auth = ClientCredentialsAuth(
            identity, client_id=client_id, client_secret=secret, scopes=settings.scopes, clock=clock or time.time
        )
    else:
        auth = AuthorizationCodeAuth(
            identity,
            client_id=client_id,
            client_secret=secret or None,
            store=token_store or InMemoryTokenStore(),
            key=client_id,
            clock=clock or time.time,
        )
    api = VendorHttpClient(
        VENDOR,
        settings.api_base_url,
        auth=auth,
        transport=transport,
        retry=policy,
        limits=rate_limits(*TENANT_LIMITS),
        rate_limiter=rate_limiter,
    )
    return XeroClient(
        api=api,
        identity=identity,
        rate_limiter=rate_limiter,
        clock=clock or time.monotonic,
        sleep=sleep,
        max_rate_limit_wait=max_rate_limit_wait,
    )
