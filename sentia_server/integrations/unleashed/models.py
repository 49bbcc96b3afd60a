"""The Unleashed resources the tools read, as typed models under Unleashed's own (PascalCase) field names.

Field lists follow https://apidocs.unleashedsoftware.com (Products, BillOfMaterials, StockOnHand, Warehouses,
Assemblies, PurchaseOrders, SalesOrders, Suppliers, Customers). Fields the tools do not use are ignored, and
everything Unleashed may leave out is optional, so a new field or an absent one never breaks a read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from sentia_server.integrations.unleashed.dates import UnleashedDate


class UnleashedModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="ignore", frozen=True)


class Pagination(UnleashedModel):
    """The `Pagination` block of every list answer."""

    number_of_items: int
    page_size: int
    page_number: int
    number_of_pages: int


class ProductRef(UnleashedModel):
    guid: str | None = None
    product_code: str
    product_description: str | None = None


class WarehouseRef(UnleashedModel):
    guid: str | None = None
    warehouse_code: str
    warehouse_name: str | None = None


class SupplierRef(UnleashedModel):
    guid: str | None = None
    supplier_code: str | None = None
    supplier_name: str | None = None


class CustomerRef(UnleashedModel):
    guid: str | None = None
    customer_code: str | None = None
    customer_name: str | None = None


class Currency(UnleashedModel):
    currency_code: str
    description: str | None = None


class UnitOfMeasure(UnleashedModel):
    guid: str | None = None
    name: str


class ProductGroup(UnleashedModel):
    guid: str | None = None
    group_name: str


class ProductSupplier(UnleashedModel):
    """A product's default supplier and its terms for the product."""

    guid: str | None = None
    supplier_code: str | None = None
    supplier_name: str | None = None
    supplier_product_code: str | None = None
    supplier_product_description: str | None = None
    supplier_product_price: Decimal | None = None


class Product(UnleashedModel):
    guid: str
    product_code: str
    product_description: str | None = None
    barcode: str | None = None
    pack_size: Decimal | None = None
    unit_of_measure: UnitOfMeasure | None = None
    product_group: ProductGroup | None = None
    default_purchase_price: Decimal | None = None
    default_sell_price: Decimal | None = None
    average_land_price: Decimal | None = None
    last_cost: Decimal | None = None
    min_stock_alert_level: Decimal | None = None
    max_stock_alert_level: Decimal | None = None
    re_order_point: Decimal | None = None
    minimum_order_quantity: Decimal | None = None
    obsolete: bool = False
    is_assembled_product: bool = False
    is_component: bool = False
    is_sellable: bool = True
    is_purchasable: bool = True
    never_diminishing: bool = False
    supplier: ProductSupplier | None = None
    attribute_set: dict[str, Any] | None = None
    created_on: UnleashedDate = None
    last_modified_on: UnleashedDate = None


class BillOfMaterialsLine(UnleashedModel):
    guid: str | None = None
    line_number: int | None = None
    product: ProductRef
    quantity: Decimal
    wastage_quantity: Decimal | None = None


class BillOfMaterials(UnleashedModel):
    guid: str
    bill_number: str | None = None
    product: ProductRef
    can_auto_assemble: bool = False
    can_auto_disassemble: bool = False
    obsolete: bool = False
    bill_of_materials_lines: list[BillOfMaterialsLine] = Field(default_factory=list)
    last_modified_on: UnleashedDate = None


class StockOnHand(UnleashedModel):
    """One product's stock in one warehouse (or across all, when no warehouse is named)."""

    guid: str | None = None
    product_guid: str
    product_code: str
    product_description: str | None = None
    product_group_name: str | None = None
    warehouse_id: str | None = None
    warehouse_code: str | None = None
    warehouse: str | None = None
    qty_on_hand: Decimal = Decimal(0)
    allocated_qty: Decimal = Decimal(0)
    available_qty: Decimal = Decimal(0)
    on_purchase: Decimal = Decimal(0)
    avg_cost: Decimal | None = None
    total_cost: Decimal | None = None
    days_since_last_sale: int | None = None
    last_modified_on: UnleashedDate = None


class Warehouse(UnleashedModel):
    guid: str
    warehouse_code: str
    warehouse_name: str
    is_default: bool = False
    obsolete: bool = False
    city: str | None = None
    region: str | None = None
    country: str | None = None
    post_code: str | None = None


class AssemblyLine(UnleashedModel):
    guid: str | None = None
    line_number: int | None = None
    product: ProductRef
    quantity: Decimal
    wastage_quantity: Decimal | None = None


class Assembly(UnleashedModel):
    """A production order: `Quantity` of `Product` assembled from the lines' components."""

    guid: str
    assembly_number: str
    assembly_status: str
    custom_assembly_status: str | None = None
    product: ProductRef
    quantity: Decimal
    assembly_date: UnleashedDate = None
    assemble_by: UnleashedDate = None
    estimated_start_date: UnleashedDate = None
    source_warehouse: WarehouseRef | None = None
    destination_warehouse: WarehouseRef | None = None
    assembly_lines: list[AssemblyLine] = Field(default_factory=list)
    comments: str | None = None
    created_on: UnleashedDate = None
    last_modified_on: UnleashedDate = None


class OrderLine(UnleashedModel):
    """What a purchase order line and a sales order line have in common."""

    guid: str | None = None
    line_number: int | None = None
    product: ProductRef
    order_quantity: Decimal
    unit_price: Decimal | None = None
    line_total: Decimal | None = None
    line_tax: Decimal | None = None


class Order(UnleashedModel):
    """What a purchase order and a sales order have in common: number, status, dates, warehouse and totals."""

    guid: str
    order_number: str
    order_status: str
    custom_order_status: str | None = None
    order_date: UnleashedDate = None
    required_date: UnleashedDate = None
    completed_date: UnleashedDate = None
    warehouse: WarehouseRef | None = None
    currency: Currency | None = None
    exchange_rate: Decimal | None = None
    sub_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    comments: str | None = None
    last_modified_on: UnleashedDate = None


class PurchaseOrderLine(OrderLine):
    receipt_quantity: Decimal | None = None
    delivery_date: UnleashedDate = None


class PurchaseOrder(Order):
    received_date: UnleashedDate = None
    supplier: SupplierRef
    supplier_ref: str | None = None
    purchase_order_lines: list[PurchaseOrderLine] = Field(default_factory=list)


class SalesOrderLine(OrderLine):
    average_landed_price_at_time_of_sale: Decimal | None = None


class SalesOrder(Order):
    customer: CustomerRef
    customer_ref: str | None = None
    sales_order_lines: list[SalesOrderLine] = Field(default_factory=list)


class Address(UnleashedModel):
    address_type: str | None = None
    street_address: str | None = None
    street_address2: str | None = None
    suburb: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    post_code: str | None = None


class Contact(UnleashedModel):
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None


class Supplier(UnleashedModel):
    guid: str
    supplier_code: str
    supplier_name: str
    email: str | None = None
    phone_number: str | None = None
    website: str | None = None
    currency: Currency | None = None
    payment_term: str | None = None
    gst_vat_number: str | None = Field(default=None, alias="GSTVATNumber")
    lead_time_days: int | None = None
    minimum_order_quantity: Decimal | None = None
    minimum_order_value: Decimal | None = None
    obsolete: bool = False
    notes: str | None = None
    addresses: list[Address] = Field(default_factory=list)
    created_on: UnleashedDate = None
    last_modified_on: UnleashedDate = None


class Customer(UnleashedModel):
    guid: str
    customer_code: str
    customer_name: str
    customer_type: str | None = None
    email: str | None = None
    phone_number: str | None = None
    website: str | None = None
    currency: Currency | None = None
    payment_term: str | None = None
    gst_vat_number: str | None = Field(default=None, alias="GSTVATNumber")
    sell_price_tier: str | None = None
    stop_credit: bool = False
    obsolete: bool = False
    contact_first_name: str | None = None
    contact_last_name: str | None = None
    addresses: list[Address] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    created_on: UnleashedDate = None
    last_modified_on: UnleashedDate = None


class Company(UnleashedModel):
    """The Unleashed company the API id belongs to (`GET /Companies`)."""

    guid: str | None = None
    company_name: str | None = None
    base_currency: Currency | None = None
    base_currency_code: str | None = None

    @property
    def currency_code(self) -> str | None:
        """The base currency, whichever of the two shapes Unleashed sent it in."""
        return self.base_currency.currency_code if self.base_currency else self.base_currency_code
