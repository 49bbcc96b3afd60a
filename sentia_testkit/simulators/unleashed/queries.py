"""The filters each simulated list endpoint accepts, as Unleashed documents them, and how they select records.

A filter's text is parsed first (a bad value is Unleashed's 400 with a Description); a filter the simulator does
not know is not silently ignored: routes.py answers 501 for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sentia_testkit.simulators.unleashed.records import Record


class BadFilter(Exception):
    """A filter value Unleashed would refuse; the message is the 400's Description."""


def text(value: str) -> str:
    return value


def boolean(value: str) -> bool:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise BadFilter(f"'{value}' is not a valid boolean value; use true or false")


def day(value: str) -> date:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"'{value}' is not a valid date; use the ISO format YYYY-MM-DD") from None


def moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"'{value}' is not a valid date; use the ISO format YYYY-MM-DD") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def listing(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


Test = Callable[[Record, Any], bool]


@dataclass(frozen=True)
class Filter:
    parse: Callable[[str], Any]
    test: Test | None = None
    """None: the filter shapes the answer (handled by the route), it does not select records."""


def starts(name: str) -> Test:
    return lambda record, value: str(_get(record, name) or "").lower().startswith(value.lower())


def equals(name: str) -> Test:
    return lambda record, value: str(_get(record, name) or "").lower() == value.lower()


def one_of(name: str) -> Test:
    return lambda record, values: str(_get(record, name) or "").lower() in {v.lower() for v in values}


def on_or_after(name: str) -> Test:
    def test(record: Record, value: date | datetime) -> bool:
        when = _when(record, name)
        return when is not None and when >= _start(value)

    return test


def on_or_before(name: str) -> Test:
    def test(record: Record, value: date | datetime) -> bool:
        when = _when(record, name)
        return when is not None and when <= _end(value)

    return test


def _get(record: Record, dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _when(record: Record, name: str) -> datetime | None:
    value = _get(record, name)
    return value if isinstance(value, datetime) else None


def _start(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min, tzinfo=UTC)


def _end(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.max, tzinfo=UTC)


def _contains_code_or_description(record: Record, value: str) -> bool:
    term = value.lower()
    return term in record["ProductCode"].lower() or term in str(record.get("ProductDescription") or "").lower()


def _customer_contains(record: Record, value: str) -> bool:
    """`customer` is case-sensitive, as documented."""
    return value in record["CustomerCode"] or value in record["CustomerName"]


@dataclass(frozen=True)
class Table:
    """One list endpoint: its filters, the filter that overrides all others, its order and default selection."""

    filters: Mapping[str, Filter]
    order: Callable[[Record], Any]
    overriding: str | None = None
    default: Callable[[Record, Mapping[str, Any]], bool] = lambda record, params: True
    orders: Mapping[str, Callable[[Record], Any]] = field(default_factory=dict)
    supersedes: Mapping[str, str] = field(default_factory=dict)
    """A filter that, when given, makes another one ignored (a custom status over the status)."""

    def select(self, records: list[Record], params: Mapping[str, Any]) -> list[Record]:
        if self.overriding is not None and self.overriding in params:
            name = self.overriding
            check = self.filters[name].test
            return [r for r in records if check is not None and check(r, params[name])]
        chosen = [r for r in records if self.default(r, params)]
        ignored = {other for name, other in self.supersedes.items() if name in params}
        for name, value in params.items():
            check = self.filters[name].test
            if check is not None and name not in ignored:
                chosen = [r for r in chosen if check(r, value)]
        order = self.orders.get(str(params.get("orderBy", "")), self.order)
        return sorted(chosen, key=order)


def _active_unless(flag: str) -> Callable[[Record, Mapping[str, Any]], bool]:
    return lambda record, params: bool(params.get(flag, False)) or not record.get("Obsolete", False)


def _not_excluded(record: Record, params: Mapping[str, Any]) -> bool:
    if params.get("excludeAssembled") and record["IsAssembledProduct"]:
        return False
    if params.get("excludeComponents") and record["IsComponent"]:
        return False
    return _active_unless("includeObsolete")(record, params)


_BY_MODIFIED = {"LastModifiedOn": lambda r: r["LastModifiedOn"], "CreatedOn": lambda r: r["CreatedOn"]}

PRODUCTS = Table(
    filters={
        "productCode": Filter(text, starts("ProductCode")),
        "productDescription": Filter(text, starts("ProductDescription")),
        "product": Filter(text, _contains_code_or_description),
        "productGroup": Filter(text, equals("ProductGroup.GroupName")),
        "productId": Filter(listing, one_of("Guid")),
        "modifiedSince": Filter(moment, on_or_after("LastModifiedOn")),
        "includeObsolete": Filter(boolean),
        "excludeAssembled": Filter(boolean),
        "excludeComponents": Filter(boolean),
        "includeAttributes": Filter(boolean),
        "orderBy": Filter(text),
    },
    order=lambda r: r["ProductCode"],
    default=_not_excluded,
    orders=_BY_MODIFIED,
)

BILLS_OF_MATERIALS = Table(
    filters={"productGuid": Filter(text, starts("Product.Guid")), "includeObsolete": Filter(boolean)},
    order=lambda r: r["BillNumber"],
    default=_active_unless("includeObsolete"),
)

STOCK_ON_HAND = Table(
    filters={
        "warehouseCode": Filter(text),
        "warehouseName": Filter(text),
        "asAtDate": Filter(day),
        "isAssembled": Filter(boolean),
        "productId": Filter(listing, one_of("ProductGuid")),
        "modifiedSince": Filter(moment, on_or_after("LastModifiedOn")),
    },
    order=lambda r: r["ProductCode"],
)

WAREHOUSES = Table(filters={}, order=lambda r: r["WarehouseCode"])

ASSEMBLIES = Table(
    filters={
        "assemblyNumber": Filter(text, equals("AssemblyNumber")),
        "assemblyStatus": Filter(listing, one_of("AssemblyStatus")),
        "customAssemblyStatus": Filter(listing, one_of("CustomAssemblyStatus")),
        "startDate": Filter(day, on_or_after("CreatedOn")),
        "endDate": Filter(day, on_or_before("CreatedOn")),
        "modifiedSince": Filter(moment, on_or_after("LastModifiedOn")),
    },
    order=lambda r: r["AssemblyNumber"],
    overriding="assemblyNumber",
    supersedes={"customAssemblyStatus": "assemblyStatus"},
)

_ORDER_FILTERS = {
    "orderNumber": Filter(text, equals("OrderNumber")),
    "orderStatus": Filter(listing, one_of("OrderStatus")),
    "customOrderStatus": Filter(listing, one_of("CustomOrderStatus")),
    "startDate": Filter(day, on_or_after("OrderDate")),
    "endDate": Filter(day, on_or_before("OrderDate")),
    "completedAfter": Filter(day, on_or_after("CompletedDate")),
    "completedBefore": Filter(day, on_or_before("CompletedDate")),
    "modifiedSince": Filter(moment, on_or_after("LastModifiedOn")),
    "warehouseCode": Filter(text, equals("Warehouse.WarehouseCode")),
}

PURCHASE_ORDERS = Table(
    filters={
        **_ORDER_FILTERS,
        "supplierCode": Filter(text, starts("Supplier.SupplierCode")),
        "supplierId": Filter(listing, one_of("Supplier.Guid")),
    },
    order=lambda r: r["OrderNumber"],
    overriding="orderNumber",
    supersedes={"customOrderStatus": "orderStatus"},
)


def _not_deleted_unless_asked(record: Record, params: Mapping[str, Any]) -> bool:
    """Sales orders: with no orderStatus filter, Deleted orders are left out."""
    return "orderStatus" in params or record["OrderStatus"] != "Deleted"


SALES_ORDERS = Table(
    filters={
        **_ORDER_FILTERS,
        "customerCode": Filter(text, starts("Customer.CustomerCode")),
        "customerId": Filter(listing, one_of("Customer.Guid")),
    },
    order=lambda r: r["OrderNumber"],
    overriding="orderNumber",
    supersedes={"customOrderStatus": "orderStatus"},
    default=_not_deleted_unless_asked,
)

SUPPLIERS = Table(
    filters={
        "supplierCode": Filter(text, starts("SupplierCode")),
        "contactEmail": Filter(text, starts("Email")),
        "modifiedSince": Filter(moment, on_or_after("LastModifiedOn")),
    },
    order=lambda r: r["SupplierCode"],
)

CUSTOMERS = Table(
    filters={
        "customerCode": Filter(text, starts("CustomerCode")),
        "customerName": Filter(text, starts("CustomerName")),
        "customer": Filter(text, _customer_contains),
        "contactEmail": Filter(text, starts("Email")),
        "currency": Filter(text, equals("Currency.CurrencyCode")),
        "customerType": Filter(text, equals("CustomerType")),
        "modifiedSince": Filter(moment, on_or_after("LastModifiedOn")),
        "includeObsolete": Filter(boolean),
        "includeAllContacts": Filter(boolean),
        "orderBy": Filter(text),
    },
    order=lambda r: r["CustomerCode"],
    default=_active_unless("includeObsolete"),
    orders=_BY_MODIFIED,
)
