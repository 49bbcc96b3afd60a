"""The Unleashed simulator's state: one account per API id, seeded from `fixtures/unleashed/*.json`.

Each account holds its warehouses, products, bills of materials, assemblies, purchase and sales orders, suppliers
and customers as Unleashed records. Stock on hand is kept per product and warehouse; what is allocated, on
purchase and available is computed from the open orders and parked assemblies, as Unleashed does, and stock as at
an earlier date is the current stock with the later movements (receipts, completed assemblies and sales) undone.
One method per business operation; the HTTP mapping lives in routes.py, the error shapes in errors.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sentia_testkit.simulators.seed_data import seed_dir
from sentia_testkit.simulators.unleashed.records import ZERO, Record, decimal, guid, moment, money

FIXTURES_DIR = seed_dir("unleashed")
OPEN_PURCHASE_STATUSES = frozenset({"Placed", "Costed"})
ALLOCATING_SALES_STATUSES = frozenset({"Placed", "Backordered"})
Movement = tuple[datetime, str, str, Decimal]
"""When, product GUID, warehouse code, signed quantity."""


@dataclass
class Account:
    """One Unleashed company: its API credentials and its records by GUID."""

    api_id: str
    api_key: str
    name: str
    base_currency: str
    warehouses: dict[str, Record] = field(default_factory=dict)
    products: dict[str, Record] = field(default_factory=dict)
    bills_of_materials: dict[str, Record] = field(default_factory=dict)
    assemblies: dict[str, Record] = field(default_factory=dict)
    purchase_orders: dict[str, Record] = field(default_factory=dict)
    sales_orders: dict[str, Record] = field(default_factory=dict)
    suppliers: dict[str, Record] = field(default_factory=dict)
    customers: dict[str, Record] = field(default_factory=dict)
    on_hand: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    """(product GUID, warehouse code) → quantity on hand now."""
    stock_details: dict[tuple[str, str], Record] = field(default_factory=dict)
    client_types: list[str] = field(default_factory=list)

    def product_by_code(self, code: str) -> Record:
        for product in self.products.values():
            if product["ProductCode"] == code:
                return product
        raise KeyError(f"no product {code!r} in account {self.name!r}")

    def warehouse_by_code(self, code: str) -> Record:
        for warehouse in self.warehouses.values():
            if warehouse["WarehouseCode"] == code:
                return warehouse
        raise KeyError(f"no warehouse {code!r} in account {self.name!r}")

    def assembly_by_number(self, number: str) -> Record:
        for assembly in self.assemblies.values():
            if assembly["AssemblyNumber"] == number:
                return assembly
        raise KeyError(f"no assembly {number!r} in account {self.name!r}")


def _ref(record: Record, *names: str) -> Record:
    return {"Guid": record["Guid"], **{name: record.get(name) for name in names}}


def product_ref(product: Record) -> Record:
    return _ref(product, "ProductCode", "ProductDescription")


def warehouse_ref(warehouse: Record) -> Record:
    return _ref(warehouse, "WarehouseCode", "WarehouseName")


def _address(values: dict[str, Any], kind: str) -> Record:
    return {
        "AddressType": kind,
        "StreetAddress": values.get("street"),
        "City": values.get("city"),
        "Region": values.get("region"),
        "PostCode": values.get("post_code"),
        "Country": values.get("country"),
    }


class Seeder:
    """Turns one fixture file into an Account with Unleashed-shaped records."""

    def __init__(self, data: dict[str, Any]) -> None:
        info = data["account"]
        self.data = data
        self.account = Account(
            api_id=info["api_id"], api_key=info["api_key"], name=info["name"], base_currency=info["base_currency"]
        )
        self.created = moment(info["created"])

    def _id(self, kind: str, key: str) -> str:
        return guid(self.account.api_id, kind, key)

    def build(self) -> Account:
        for method in (
            self._warehouses,
            self._suppliers,
            self._products,
            self._bills,
            self._stock,
            self._assemblies,
            self._customers,
            self._purchase_orders,
            self._sales_orders,
        ):
            method()
        return self.account

    def _warehouses(self) -> None:
        for item in self.data["warehouses"]:
            record = {
                "Guid": self._id("warehouse", item["code"]),
                "WarehouseCode": item["code"],
                "WarehouseName": item["name"],
                "IsDefault": item["is_default"],
                "Obsolete": False,
                "City": item.get("city"),
                "Region": item.get("region"),
                "Country": item.get("country"),
                "PostCode": item.get("post_code"),
            }
            self.account.warehouses[record["Guid"]] = record

    def _suppliers(self) -> None:
        for item in self.data["suppliers"]:
            record = {
                "Guid": self._id("supplier", item["code"]),
                "SupplierCode": item["code"],
                "SupplierName": item["name"],
                "Email": item.get("email"),
                "PhoneNumber": item.get("phone"),
                "Currency": {"CurrencyCode": item["currency"]},
                "PaymentTerm": item.get("payment_term"),
                "GSTVATNumber": item.get("vat"),
                "LeadTimeDays": item.get("lead_time_days"),
                "MinimumOrderValue": None
                if item.get("minimum_order_value") is None
                else money(item["minimum_order_value"]),
                "Obsolete": item.get("obsolete", False),
                "Addresses": [_address(item["address"], "Postal")],
                "CreatedOn": self.created,
                "LastModifiedOn": moment(item["modified"]),
            }
            self.account.suppliers[record["Guid"]] = record

    def _products(self) -> None:
        suppliers = {record["SupplierCode"]: record for record in self.account.suppliers.values()}
        for item in self.data["products"]:
            supplier = suppliers.get(item.get("supplier", ""))
            record: Record = {
                "Guid": self._id("product", item["code"]),
                "ProductCode": item["code"],
                "ProductDescription": item["description"],
                "Barcode": item.get("barcode"),
                "UnitOfMeasure": {"Guid": self._id("unit", item["unit"]), "Name": item["unit"]},
                "ProductGroup": {"Guid": self._id("group", item["group"]), "GroupName": item["group"]},
                "DefaultPurchasePrice": _optional_money(item.get("purchase_price")),
                "DefaultSellPrice": _optional_money(item.get("sell_price")),
                "AverageLandPrice": _optional_decimal(item.get("average_land_price")),
                "LastCost": _optional_decimal(item.get("last_cost")),
                "MinStockAlertLevel": _optional_decimal(item.get("min_stock")),
                "MaxStockAlertLevel": _optional_decimal(item.get("max_stock")),
                "ReOrderPoint": _optional_decimal(item.get("reorder_point")),
                "MinimumOrderQuantity": _optional_decimal(item.get("minimum_order_quantity")),
                "Obsolete": item.get("obsolete", False),
                "IsAssembledProduct": item["assembled"],
                "IsComponent": item["component"],
                "IsSellable": item["sellable"],
                "IsPurchasable": item["purchasable"],
                "NeverDiminishing": False,
                "Supplier": None
                if supplier is None
                else {
                    "Guid": supplier["Guid"],
                    "SupplierCode": supplier["SupplierCode"],
                    "SupplierName": supplier["SupplierName"],
                    "SupplierProductCode": item.get("supplier_product_code"),
                    "SupplierProductPrice": _optional_money(item.get("purchase_price")),
                },
                "AttributeSet": {"SetName": "Spirits & Mixers", "Attributes": _attributes(item)},
                "CreatedOn": self.created,
                "LastModifiedOn": moment(item["modified"]),
            }
            self.account.products[record["Guid"]] = record

    def _bills(self) -> None:
        for item in self.data["bills_of_materials"]:
            product = self.account.product_by_code(item["product"])
            lines = [
                {
                    "Guid": self._id("bom-line", f"{item['bill_number']}/{number}"),
                    "LineNumber": number,
                    "Product": product_ref(self.account.product_by_code(code)),
                    "Quantity": decimal(quantity),
                    "WastageQuantity": decimal(wastage),
                }
                for number, (code, quantity, wastage) in enumerate(item["lines"], start=1)
            ]
            record = {
                "Guid": self._id("bom", item["bill_number"]),
                "BillNumber": item["bill_number"],
                "Product": product_ref(product),
                "CanAutoAssemble": item.get("can_auto_assemble", False),
                "CanAutoDisassemble": False,
                "Obsolete": item.get("obsolete", False),
                "BillOfMaterialsLines": lines,
                "LastModifiedOn": product["LastModifiedOn"],
            }
            self.account.bills_of_materials[record["Guid"]] = record

    def _stock(self) -> None:
        for item in self.data["stock"]:
            product = self.account.product_by_code(item["product"])
            key = (product["Guid"], item["warehouse"])
            self.account.on_hand[key] = decimal(item["on_hand"])
            self.account.stock_details[key] = {
                "DaysSinceLastSale": item.get("days_since_last_sale"),
                "LastModifiedOn": moment(item["modified"]),
            }

    def _assemblies(self) -> None:
        bills = {bill["Product"]["Guid"]: bill for bill in self.account.bills_of_materials.values()}
        for item in self.data["assemblies"]:
            product = self.account.product_by_code(item["product"])
            quantity = decimal(item["quantity"])
            bill = bills[product["Guid"]]
            lines = [
                {
                    "Guid": self._id("assembly-line", f"{item['number']}/{line['LineNumber']}"),
                    "LineNumber": line["LineNumber"],
                    "Product": line["Product"],
                    "Quantity": decimal(line["Quantity"] * quantity),
                    "WastageQuantity": decimal(line["WastageQuantity"] * quantity),
                }
                for line in bill["BillOfMaterialsLines"]
            ]
            record = {
                "Guid": self._id("assembly", item["number"]),
                "AssemblyNumber": item["number"],
                "AssemblyStatus": item["status"],
                "CustomAssemblyStatus": item.get("custom_status"),
                "Product": product_ref(product),
                "Quantity": quantity,
                "AssemblyDate": moment(item["assembly_date"]),
                "AssembleBy": moment(item["assemble_by"]),
                "EstimatedStartDate": moment(item.get("estimated_start")),
                "SourceWarehouse": warehouse_ref(self.account.warehouse_by_code(item["source"])),
                "DestinationWarehouse": warehouse_ref(self.account.warehouse_by_code(item["destination"])),
                "AssemblyLines": lines,
                "Comments": item.get("comments"),
                "CreatedOn": moment(item["created"]),
                "LastModifiedOn": moment(item["modified"]),
            }
            self.account.assemblies[record["Guid"]] = record

    def _customers(self) -> None:
        for item in self.data["customers"]:
            first, last = item["contact"]
            record = {
                "Guid": self._id("customer", item["code"]),
                "CustomerCode": item["code"],
                "CustomerName": item["name"],
                "CustomerType": item.get("type"),
                "Email": item.get("email"),
                "PhoneNumber": item.get("phone"),
                "Currency": {"CurrencyCode": item["currency"]},
                "PaymentTerm": item.get("payment_term"),
                "GSTVATNumber": item.get("vat"),
                "SellPriceTier": item.get("tier"),
                "StopCredit": False,
                "Obsolete": item.get("obsolete", False),
                "ContactFirstName": first,
                "ContactLastName": last,
                "Addresses": [_address(item["address"], "Postal"), _address(item["address"], "Physical")],
                "_Contacts": [
                    {
                        "FirstName": first,
                        "LastName": last,
                        "EmailAddress": item.get("email"),
                        "PhoneNumber": item.get("phone"),
                    }
                ],
                "CreatedOn": self.created,
                "LastModifiedOn": moment(item["modified"]),
            }
            self.account.customers[record["Guid"]] = record

    def _purchase_orders(self) -> None:
        suppliers = {record["SupplierCode"]: record for record in self.account.suppliers.values()}
        for item in self.data["purchase_orders"]:
            supplier = suppliers[item["supplier"]]
            tax_rate = Decimal(str(item["tax_rate"]))
            lines: list[Record] = []
            for number, (code, quantity, price, received) in enumerate(item["lines"], start=1):
                total = money(Decimal(str(quantity)) * Decimal(str(price)))
                lines.append(
                    {
                        "Guid": self._id("po-line", f"{item['number']}/{number}"),
                        "LineNumber": number,
                        "Product": product_ref(self.account.product_by_code(code)),
                        "OrderQuantity": decimal(quantity),
                        "ReceiptQuantity": decimal(received),
                        "UnitPrice": decimal(price),
                        "LineTotal": total,
                        "LineTax": money(total * tax_rate),
                        "DeliveryDate": moment(item["required_date"]),
                    }
                )
            sub_total = sum((line["LineTotal"] for line in lines), ZERO)
            tax_total = sum((line["LineTax"] for line in lines), ZERO)
            record = {
                "Guid": self._id("purchase-order", item["number"]),
                "OrderNumber": item["number"],
                "OrderStatus": item["status"],
                "CustomOrderStatus": item.get("custom_status"),
                "OrderDate": moment(item["order_date"]),
                "RequiredDate": moment(item["required_date"]),
                "ReceivedDate": moment(item.get("received_date")),
                "CompletedDate": moment(item.get("completed_date")),
                "Supplier": _ref(supplier, "SupplierCode", "SupplierName"),
                "SupplierRef": item.get("supplier_ref"),
                "Warehouse": warehouse_ref(self.account.warehouse_by_code(item["warehouse"])),
                "Currency": supplier["Currency"],
                "ExchangeRate": decimal(item.get("exchange_rate", 1)),
                "SubTotal": sub_total,
                "TaxTotal": tax_total,
                "Total": sub_total + tax_total,
                "Comments": item.get("comments"),
                "PurchaseOrderLines": lines,
                "LastModifiedOn": moment(item["modified"]),
            }
            self.account.purchase_orders[record["Guid"]] = record

    def _sales_orders(self) -> None:
        customers = {record["CustomerCode"]: record for record in self.account.customers.values()}
        for item in self.data["sales_orders"]:
            customer = customers[item["customer"]]
            tax_rate = Decimal(str(item["tax_rate"]))
            lines = []
            for number, (code, quantity, price) in enumerate(item["lines"], start=1):
                product = self.account.product_by_code(code)
                total = money(Decimal(str(quantity)) * Decimal(str(price)))
                lines.append(
                    {
                        "Guid": self._id("so-line", f"{item['number']}/{number}"),
                        "LineNumber": number,
                        "Product": product_ref(product),
                        "OrderQuantity": decimal(quantity),
                        "UnitPrice": decimal(price),
                        "LineTotal": total,
                        "LineTax": money(total * tax_rate),
                        "AverageLandedPriceAtTimeOfSale": product["AverageLandPrice"],
                    }
                )
            sub_total = sum((line["LineTotal"] for line in lines), ZERO)
            tax_total = sum((line["LineTax"] for line in lines), ZERO)
            record = {
                "Guid": self._id("sales-order", item["number"]),
                "OrderNumber": item["number"],
                "OrderStatus": item["status"],
                "CustomOrderStatus": item.get("custom_status"),
                "OrderDate": moment(item["order_date"]),
                "RequiredDate": moment(item["required_date"]),
                "CompletedDate": moment(item.get("completed_date")),
                "Customer": _ref(customer, "CustomerCode", "CustomerName"),
                "CustomerRef": item.get("customer_ref"),
                "Warehouse": warehouse_ref(self.account.warehouse_by_code(item["warehouse"])),
                "Currency": customer["Currency"],
                "ExchangeRate": decimal(item.get("exchange_rate", 1)),
                "SubTotal": sub_total,
                "TaxTotal": tax_total,
                "Total": sub_total + tax_total,
                "Comments": item.get("comments"),
                "SalesOrderLines": lines,
                "LastModifiedOn": moment(item["modified"]),
            }
            self.account.sales_orders[record["Guid"]] = record


def _at(warehouse: Record, code: str) -> bool:
    return bool(warehouse["WarehouseCode"] == code)


def _quantity_of(lines: list[Record], product_guid: str, name: str) -> Decimal:
    return sum((line[name] for line in lines if line["Product"]["Guid"] == product_guid), ZERO)


def _optional_money(value: Any) -> Decimal | None:
    return None if value is None else money(value)


def _optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else decimal(value)


def _attributes(item: dict[str, Any]) -> list[Record]:
    attributes = [{"Name": "Category", "Value": item["group"]}]
    if item.get("barcode"):
        attributes.append({"Name": "Duty", "Value": "Spirits duty" if item["group"] in ("Gin", "Bitters") else "None"})
    return attributes


class UnleashedBackend:
    def __init__(self, *, fixtures: Path = FIXTURES_DIR) -> None:
        self.fixtures = fixtures
        self.accounts: dict[str, Account] = {}
        self.reset()

    def reset(self) -> None:
        """Every account back to its seed data."""
        self.accounts = {}
        for path in sorted(self.fixtures.glob("*.json")):
            account = Seeder(json.loads(path.read_text(encoding="utf-8"))).build()
            self.accounts[account.api_id] = account

    def account(self, api_id: str) -> Account | None:
        return self.accounts.get(api_id)

    def account_named(self, name: str) -> Account:
        for account in self.accounts.values():
            if account.name == name:
                return account
        raise KeyError(f"no account named {name!r}; known: {[a.name for a in self.accounts.values()]}")

    def company(self, account: Account) -> Record:
        """The account's company record, as `GET /Companies` lists it."""
        return {
            "Guid": guid(account.api_id, "company"),
            "CompanyName": account.name,
            "BaseCurrency": {"CurrencyCode": account.base_currency},
        }

    # Stock

    def stock_on_hand(
        self, account: Account, *, warehouse_code: str | None, as_at: date | None, assembled: bool
    ) -> list[Record]:
        """StockOnHand rows: per product in `warehouse_code`, or per product across all warehouses when it is
        None. Products that never had stock in scope are left out, as Unleashed leaves them out."""
        codes = [warehouse_code] if warehouse_code else [w["WarehouseCode"] for w in account.warehouses.values()]
        on_hand = dict(account.on_hand)
        if as_at is not None:
            for _when, product_guid, code, quantity in self._movements_after(account, as_at):
                key = (product_guid, code)
                on_hand[key] = on_hand.get(key, ZERO) - quantity
        rows = []
        for product in sorted(account.products.values(), key=lambda p: p["ProductCode"]):
            keys = [(product["Guid"], code) for code in codes if (product["Guid"], code) in on_hand]
            if not keys:
                continue
            quantity = sum((on_hand[key] for key in keys), ZERO)
            allocated = sum((self.allocated(account, product["Guid"], code) for _, code in keys), ZERO)
            available = quantity - allocated
            if assembled:
                available += sum((self.assemblable(account, product["Guid"], code) for _, code in keys), ZERO)
            average = product.get("AverageLandPrice") or ZERO
            details = [account.stock_details.get(key, {}) for key in keys]
            modified = [d["LastModifiedOn"] for d in details if d.get("LastModifiedOn") is not None]
            days = [d["DaysSinceLastSale"] for d in details if d.get("DaysSinceLastSale") is not None]
            warehouse = account.warehouse_by_code(warehouse_code) if warehouse_code else None
            rows.append(
                {
                    "Guid": product["Guid"],
                    "ProductGuid": product["Guid"],
                    "ProductCode": product["ProductCode"],
                    "ProductDescription": product["ProductDescription"],
                    "ProductGroupName": product["ProductGroup"]["GroupName"],
                    "WarehouseId": warehouse["Guid"] if warehouse else None,
                    "WarehouseCode": warehouse["WarehouseCode"] if warehouse else None,
                    "Warehouse": warehouse["WarehouseName"] if warehouse else None,
                    "QtyOnHand": quantity,
                    "AllocatedQty": allocated,
                    "AvailableQty": available,
                    "OnPurchase": sum((self.on_purchase(account, product["Guid"], code) for _, code in keys), ZERO),
                    "AvgCost": average,
                    "TotalCost": money(quantity * average),
                    "DaysSinceLastSale": min(days) if days else None,
                    "LastModifiedOn": max(modified) if modified else None,
                }
            )
        return rows

    def allocated(self, account: Account, product_guid: str, warehouse_code: str) -> Decimal:
        """Ordered on placed or backordered sales orders, plus components of parked assemblies."""
        total = ZERO
        for order in account.sales_orders.values():
            if order["OrderStatus"] in ALLOCATING_SALES_STATUSES and _at(order["Warehouse"], warehouse_code):
                total += _quantity_of(order["SalesOrderLines"], product_guid, "OrderQuantity")
        for assembly in account.assemblies.values():
            if assembly["AssemblyStatus"] == "Parked" and _at(assembly["SourceWarehouse"], warehouse_code):
                total += _quantity_of(assembly["AssemblyLines"], product_guid, "Quantity")
        return total

    def on_purchase(self, account: Account, product_guid: str, warehouse_code: str) -> Decimal:
        """Ordered on placed or costed purchase orders and not yet receipted."""
        total = ZERO
        for order in account.purchase_orders.values():
            if order["OrderStatus"] in OPEN_PURCHASE_STATUSES and order["Warehouse"]["WarehouseCode"] == warehouse_code:
                for line in order["PurchaseOrderLines"]:
                    if line["Product"]["Guid"] == product_guid:
                        total += line["OrderQuantity"] - (line["ReceiptQuantity"] or ZERO)
        return total

    def assemblable(self, account: Account, product_guid: str, warehouse_code: str) -> Decimal:
        """Units an auto-assembly bill of materials could make from the components available in the warehouse."""
        for bill in account.bills_of_materials.values():
            if bill["Product"]["Guid"] == product_guid and bill["CanAutoAssemble"] and not bill["Obsolete"]:
                counts = []
                for line in bill["BillOfMaterialsLines"]:
                    component = line["Product"]["Guid"]
                    free = account.on_hand.get((component, warehouse_code), ZERO) - self.allocated(
                        account, component, warehouse_code
                    )
                    need = line["Quantity"] + (line["WastageQuantity"] or ZERO)
                    counts.append(max(free, ZERO) // need if need > 0 else ZERO)
                return min(counts) if counts else ZERO
        return ZERO

    def _movements_after(self, account: Account, day: date) -> list[Movement]:
        """Stock movements dated after `day`: receipts, completed assemblies (both sides) and completed sales."""
        start = datetime.combine(day, datetime.max.time(), tzinfo=UTC)
        moves: list[Movement] = []
        for order in account.purchase_orders.values():
            received = order.get("ReceivedDate")
            if received is not None and received > start:
                code = order["Warehouse"]["WarehouseCode"]
                moves += [
                    (received, line["Product"]["Guid"], code, line["ReceiptQuantity"] or ZERO)
                    for line in order["PurchaseOrderLines"]
                ]
        for assembly in account.assemblies.values():
            done = assembly.get("AssemblyDate")
            if assembly["AssemblyStatus"] == "Completed" and done is not None and done > start:
                moves.append(
                    (
                        done,
                        assembly["Product"]["Guid"],
                        assembly["DestinationWarehouse"]["WarehouseCode"],
                        assembly["Quantity"],
                    )
                )
                source = assembly["SourceWarehouse"]["WarehouseCode"]
                moves += [
                    (done, line["Product"]["Guid"], source, -(line["Quantity"] + (line["WastageQuantity"] or ZERO)))
                    for line in assembly["AssemblyLines"]
                ]
        for order in account.sales_orders.values():
            done = order.get("CompletedDate")
            if order["OrderStatus"] == "Completed" and done is not None and done > start:
                code = order["Warehouse"]["WarehouseCode"]
                lines = order["SalesOrderLines"]
                moves += [(done, line["Product"]["Guid"], code, -line["OrderQuantity"]) for line in lines]
        return moves

    # Changes a test can make, as the Unleashed web app would

    def set_stock(self, api_id: str, product_code: str, warehouse_code: str, quantity: Decimal | int | str) -> None:
        account = self.accounts[api_id]
        product = account.product_by_code(product_code)
        account.on_hand[(product["Guid"], warehouse_code)] = decimal(quantity)

    def complete_assembly(self, api_id: str, number: str, when: datetime) -> Record:
        """Complete a parked assembly: its components leave the source warehouse, the product enters the
        destination."""
        account = self.accounts[api_id]
        assembly = account.assembly_by_number(number)
        if assembly["AssemblyStatus"] != "Parked":
            raise ValueError(f"assembly {number} is {assembly['AssemblyStatus']}, only a parked one can be completed")
        source = assembly["SourceWarehouse"]["WarehouseCode"]
        for line in assembly["AssemblyLines"]:
            key = (line["Product"]["Guid"], source)
            account.on_hand[key] = account.on_hand.get(key, ZERO) - line["Quantity"] - (line["WastageQuantity"] or ZERO)
        key = (assembly["Product"]["Guid"], assembly["DestinationWarehouse"]["WarehouseCode"])
        account.on_hand[key] = account.on_hand.get(key, ZERO) + assembly["Quantity"]
        assembly.update(
            {"AssemblyStatus": "Completed", "CustomAssemblyStatus": None, "AssemblyDate": when, "LastModifiedOn": when}
        )
        return assembly
