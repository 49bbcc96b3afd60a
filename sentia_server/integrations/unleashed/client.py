"""The Unleashed API client: signed requests, path pagination, typed reads of the resources the tools use.

Lists are paged by path, `/{Resource}/{page}`, with `pageSize` up to 1000 (default 200) and a `Pagination` block
(NumberOfItems, PageSize, PageNumber, NumberOfPages) beside the `Items` of each answer
(https://apidocs.unleashedsoftware.com/Pagination). One item is read by its GUID, `/{Resource}/{guid}`.

Unleashed counts every call against the account's monthly quota and answers 429 when it throttles; it publishes
no per-minute figure, so the client keeps to 40 calls a minute per account (the figure the previous server used)
and waits out a 429's Retry-After before trying again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from sentia_server.integrations.http import RateLimiter, RetryPolicy, VendorHttpClient, rate_limits
from sentia_server.integrations.settings import UnleashedSettings
from sentia_server.integrations.unleashed.auth import SignatureAuth
from sentia_server.integrations.unleashed.dates import iso_date, iso_moment
from sentia_server.integrations.unleashed.errors import VENDOR, not_json, status_error, unexpected
from sentia_server.integrations.unleashed.models import (
    Assembly,
    BillOfMaterials,
    Company,
    Customer,
    Pagination,
    Product,
    PurchaseOrder,
    SalesOrder,
    StockOnHand,
    Supplier,
    Warehouse,
)

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 200
ACCOUNT_LIMITS = ("40/minute",)
DEFAULT_MAX_PAGES = 20

ItemT = TypeVar("ItemT", bound=BaseModel)
FilterValue = str | int | bool | date | datetime | Sequence[str] | None


@dataclass(frozen=True)
class Resource(Generic[ItemT]):
    """One Unleashed list resource: its path and the model of its items."""

    path: str
    model: type[ItemT]
    adapter: TypeAdapter[list[ItemT]]


PRODUCTS = Resource("Products", Product, TypeAdapter(list[Product]))
BILLS_OF_MATERIALS = Resource("BillOfMaterials", BillOfMaterials, TypeAdapter(list[BillOfMaterials]))
STOCK_ON_HAND = Resource("StockOnHand", StockOnHand, TypeAdapter(list[StockOnHand]))
WAREHOUSES = Resource("Warehouses", Warehouse, TypeAdapter(list[Warehouse]))
ASSEMBLIES = Resource("Assemblies", Assembly, TypeAdapter(list[Assembly]))
PURCHASE_ORDERS = Resource("PurchaseOrders", PurchaseOrder, TypeAdapter(list[PurchaseOrder]))
SALES_ORDERS = Resource("SalesOrders", SalesOrder, TypeAdapter(list[SalesOrder]))
SUPPLIERS = Resource("Suppliers", Supplier, TypeAdapter(list[Supplier]))
CUSTOMERS = Resource("Customers", Customer, TypeAdapter(list[Customer]))
COMPANIES = Resource("Companies", Company, TypeAdapter(list[Company]))


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    """One page of a list, with Unleashed's own count of the items and pages matching."""

    items: list[ItemT]
    page: int
    page_size: int
    number_of_items: int
    number_of_pages: int

    @property
    def has_more(self) -> bool:
        return self.page < self.number_of_pages


def encode_filters(filters: Mapping[str, FilterValue]) -> dict[str, str]:
    """Filters as Unleashed reads them: booleans `true`/`false`, ISO dates, lists comma-separated; None left out."""
    encoded: dict[str, str] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, datetime):
            encoded[name] = iso_moment(value)
        elif isinstance(value, date):
            encoded[name] = iso_date(value)
        elif isinstance(value, str | int):
            encoded[name] = str(value)
        else:
            encoded[name] = ",".join(value)
    return encoded


class UnleashedClient:
    def __init__(self, http: VendorHttpClient, *, account: str) -> None:
        self.http = http
        self._account = account

    async def aclose(self) -> None:
        await self.http.aclose()

    async def page(
        self,
        resource: Resource[ItemT],
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        filters: Mapping[str, FilterValue] | None = None,
    ) -> Page[ItemT]:
        """`GET /{Resource}/{page}?pageSize=...&<filters>`."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
        params = {"pageSize": str(page_size), **encode_filters(filters or {})}
        response = await self._get(f"/{resource.path}/{page}", params, f"{resource.path} request")
        body = _object(response)
        items = _parse(resource.adapter, body.get("Items"), resource.path, response)
        info = _parse(TypeAdapter(Pagination), body.get("Pagination"), f"the {resource.path} pagination", response)
        return Page(items, info.page_number, info.page_size, info.number_of_items, info.number_of_pages)

    async def one(
        self, resource: Resource[ItemT], guid: str, *, filters: Mapping[str, FilterValue] | None = None
    ) -> ItemT | None:
        """`GET /{Resource}/{guid}`; None when Unleashed has no such item."""
        params = encode_filters(filters or {})
        response = await self._get(f"/{resource.path}/{guid}", params, f"{resource.path} request", missing_ok=True)
        if response.status_code == 404:
            return None
        body = _object(response)
        if isinstance(body.get("Items"), list):  # some resources wrap a single item in a list answer
            found = _parse(resource.adapter, body["Items"], resource.path, response)
            return found[0] if found else None
        return _parse(TypeAdapter(resource.model), body, resource.path, response)

    async def page_or_one(
        self,
        resource: Resource[ItemT],
        guid: str | None,
        *,
        page: int,
        page_size: int,
        filters: Mapping[str, FilterValue],
        guid_filters: Mapping[str, FilterValue] | None = None,
    ) -> Page[ItemT]:
        """The item `guid` as a page of one (or of none, when Unleashed has no such item) if a guid is given, else
        the page of items matching `filters`: the two ways every list tool finds what it reports on."""
        if guid is None:
            return await self.page(resource, page=page, page_size=page_size, filters=filters)
        one = await self.one(resource, guid, filters=guid_filters)
        items = [one] if one is not None else []
        return Page(items, 1, page_size, len(items), 1 if items else 0)

    async def everything(
        self,
        resource: Resource[ItemT],
        *,
        filters: Mapping[str, FilterValue] | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> tuple[list[ItemT], bool]:
        """Every item, page by page of 1000, up to `max_pages`; the flag says whether all were read."""

        async def fetch(number: int) -> Page[ItemT]:
            return await self.page(resource, page=number, page_size=MAX_PAGE_SIZE, filters=filters)

        return await all_pages(fetch, max_pages)

    async def warehouses(self) -> list[Warehouse]:
        """Every warehouse: `GET /Warehouses`, which Unleashed documents as one unpaged list."""
        response = await self._get("/Warehouses", {}, "Warehouses request")
        return _parse(WAREHOUSES.adapter, _object(response).get("Items"), "Warehouses", response)

    async def company(self) -> Company:
        """The company the credentials belong to: its name and base currency (`GET /Companies`)."""
        response = await self._get("/Companies", {}, "Companies request")
        companies = _parse(COMPANIES.adapter, _object(response).get("Items"), "Companies", response)
        if not companies:
            raise unexpected("no company", response)
        return companies[0]

    async def _get(
        self, path: str, params: Mapping[str, str], what: str, *, missing_ok: bool = False
    ) -> httpx.Response:
        expected = frozenset({200, 400, 401, 403} | ({404} if missing_ok else set()))
        response = await self.http.request("GET", path, tenant=self._account, params=params, expected=expected)
        if response.status_code in (400, 401, 403):
            raise status_error(response, what)
        return response


async def all_pages(fetch: Callable[[int], Awaitable[Page[ItemT]]], max_pages: int) -> tuple[list[ItemT], bool]:
    """Pages 1, 2, ... until the last or `max_pages`; the flag says whether the last page was reached."""
    items: list[ItemT] = []
    number = 1
    while True:
        found = await fetch(number)
        items.extend(found.items)
        if not found.has_more:
            return items, True
        if number >= max_pages:
            return items, False
        number += 1


def _object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise not_json(response) from None
    if not isinstance(body, dict):
        raise unexpected("a body that is not a JSON object", response)
    return body


ParsedT = TypeVar("ParsedT")


def _parse(adapter: TypeAdapter[ParsedT], data: Any, what: str, response: httpx.Response) -> ParsedT:
    try:
        return adapter.validate_python(data)
    except ValidationError:
        raise unexpected(what, response) from None


def account_key(api_id: str) -> str:
    """A stable, non-secret key for the account's rate limits and circuit breaker (the API id is a credential)."""
    return "unleashed-" + hashlib.sha256(api_id.encode()).hexdigest()[:16]


def build_unleashed_client(
    settings: UnleashedSettings,
    transport: httpx.AsyncBaseTransport | None,
    rate_limiter: RateLimiter,
    *,
    retry: RetryPolicy | None = None,
) -> UnleashedClient:
    """The client the tools use, from the vendor settings (see `sentia_server.vendors`)."""
    api_id = settings.api_id or ""
    api_key = settings.api_key.get_secret_value() if settings.api_key else ""
    http = VendorHttpClient(
        VENDOR,
        settings.base_url,
        auth=SignatureAuth(api_id=api_id, api_key=api_key, client_type=settings.client_type),
        transport=transport,
        retry=retry or RetryPolicy(),
        limits=rate_limits(*ACCOUNT_LIMITS),
        rate_limiter=rate_limiter,
        headers={"content-type": "application/json"},
    )
    return UnleashedClient(http, account=account_key(api_id))
