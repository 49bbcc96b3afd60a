"""One handler per simulated Unleashed resource, answering `GET /{Resource}`, `/{Resource}/{page}`,
`/{Resource}/Page/{page}` and `/{Resource}/{guid}` as Unleashed does.

Every request is authenticated first: an unknown or missing `api-auth-id` gets 401, and a signature that does not
match the HMAC-SHA256 of the query string as received gets Unleashed's 403. Lists answer `{"Pagination": {...},
"Items": [...]}`; a filter outside what is simulated answers 501, a bad filter value 400 with a Description.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from sentia_testkit.simulators.core import Simulator, SimulatorRequest, json_response
from sentia_testkit.simulators.unleashed import errors, queries
from sentia_testkit.simulators.unleashed.backend import Account, UnleashedBackend
from sentia_testkit.simulators.unleashed.records import Record, to_json
from sentia_testkit.simulators.unleashed.signature import signature_matches

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 200
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

Params = dict[str, Any]


@dataclass(frozen=True)
class Resource:
    name: str
    singular: str
    table: queries.Table
    records: Callable[[UnleashedBackend, Account, Params], list[Record]]
    render: Callable[[Record, Params], Record] = lambda record, params: record


def _stock(backend: UnleashedBackend, account: Account, params: Params) -> list[Record]:
    code = params.get("warehouseCode")
    if "warehouseName" in params:
        names = {w["WarehouseName"].lower(): w["WarehouseCode"] for w in account.warehouses.values()}
        code = names.get(str(params["warehouseName"]).lower(), "")
    if code is not None and code not in {w["WarehouseCode"] for w in account.warehouses.values()}:
        return []
    return backend.stock_on_hand(
        account, warehouse_code=code, as_at=params.get("asAtDate"), assembled=bool(params.get("isAssembled"))
    )


def _product(record: Record, params: Params) -> Record:
    return {**record, "AttributeSet": record["AttributeSet"] if params.get("includeAttributes") else None}


def _customer(record: Record, params: Params) -> Record:
    return {**record, "Contacts": record["_Contacts"] if params.get("includeAllContacts") else []}


RESOURCES = (
    Resource("Products", "Product", queries.PRODUCTS, lambda b, a, p: list(a.products.values()), _product),
    Resource(
        "BillOfMaterials",
        "Bill of materials",
        queries.BILLS_OF_MATERIALS,
        lambda b, a, p: list(a.bills_of_materials.values()),
    ),
    Resource("StockOnHand", "Stock on hand", queries.STOCK_ON_HAND, _stock),
    Resource("Warehouses", "Warehouse", queries.WAREHOUSES, lambda b, a, p: list(a.warehouses.values())),
    Resource("Assemblies", "Assembly", queries.ASSEMBLIES, lambda b, a, p: list(a.assemblies.values())),
    Resource(
        "PurchaseOrders", "Purchase order", queries.PURCHASE_ORDERS, lambda b, a, p: list(a.purchase_orders.values())
    ),
    Resource("SalesOrders", "Sales order", queries.SALES_ORDERS, lambda b, a, p: list(a.sales_orders.values())),
    Resource("Suppliers", "Supplier", queries.SUPPLIERS, lambda b, a, p: list(a.suppliers.values())),
    Resource("Customers", "Customer", queries.CUSTOMERS, lambda b, a, p: list(a.customers.values()), _customer),
)


def authenticate(backend: UnleashedBackend, request: SimulatorRequest) -> Account | httpx.Response:
    """The account whose API id the request names and whose key signed its query string, or the refusal."""
    account = backend.account(request.headers.get("api-auth-id", ""))
    if account is None:
        return errors.unauthorized()
    query = request.request.url.query.decode("ascii")
    if not signature_matches(query, account.api_key, request.headers.get("api-auth-signature")):
        return errors.forbidden()
    client_type = request.headers.get("client-type")
    if client_type:
        account.client_types.append(client_type)
    return account


def _params(resource: Resource, request: SimulatorRequest) -> tuple[Params, int] | httpx.Response:
    """The parsed filters and the page size, or the answer refusing them."""
    parsed: Params = {}
    page_size = DEFAULT_PAGE_SIZE
    for name, value in request.query.multi_items():
        if name == "pageSize":
            if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
                return errors.bad_request(f"pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}")
            page_size = int(value)
            continue
        spec = resource.table.filters.get(name)
        if spec is None:
            known = ", ".join(["pageSize", *resource.table.filters])
            return errors.not_implemented(f"filter {name!r} on /{resource.name} (simulated: {known})")
        try:
            parsed[name] = spec.parse(value)
        except queries.BadFilter as problem:
            return errors.bad_request(str(problem))
    return parsed, page_size


def _handler(backend: UnleashedBackend, resource: Resource) -> Callable[[SimulatorRequest], httpx.Response]:
    def handle(request: SimulatorRequest) -> httpx.Response:
        account = authenticate(backend, request)
        if isinstance(account, httpx.Response):
            return account
        checked = _params(resource, request)
        if isinstance(checked, httpx.Response):
            return checked
        params, page_size = checked
        key = request.params.get("key") or request.params.get("page") or "1"
        records = resource.records(backend, account, params)
        if GUID.match(key):
            for record in records:
                if str(record.get("Guid", "")).lower() == key.lower():
                    return json_response(200, to_json(resource.render(record, params)))
            return errors.not_found(resource.singular)
        if not key.isdigit() or int(key) < 1:
            return errors.not_found(resource.singular)
        page = int(key)
        chosen = resource.table.select(records, params)
        items = chosen[(page - 1) * page_size : page * page_size]
        pagination = {
            "NumberOfItems": len(chosen),
            "PageSize": page_size,
            "PageNumber": page,
            "NumberOfPages": math.ceil(len(chosen) / page_size),
        }
        return json_response(
            200, {"Pagination": pagination, "Items": [to_json(resource.render(r, params)) for r in items]}
        )

    return handle


def _companies(backend: UnleashedBackend) -> Callable[[SimulatorRequest], httpx.Response]:
    def handle(request: SimulatorRequest) -> httpx.Response:
        account = authenticate(backend, request)
        if isinstance(account, httpx.Response):
            return account
        if request.query:
            return errors.not_implemented(f"filters on /Companies: {', '.join(request.query.keys())}")
        return json_response(200, {"Items": [to_json(backend.company(account))]})

    return handle


def register_routes(simulator: Simulator, backend: UnleashedBackend) -> None:
    """Each resource's routes share the resource's name, so `faults.add("Products", ...)` covers all of them."""
    for resource in RESOURCES:
        handler = _handler(backend, resource)
        for path in (f"/{resource.name}", f"/{resource.name}/{{key}}", f"/{resource.name}/Page/{{page}}"):
            simulator.route("GET", path, resource.name)(handler)
    simulator.route("GET", "/Companies", "Companies")(_companies(backend))
