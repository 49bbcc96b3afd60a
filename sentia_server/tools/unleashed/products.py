"""unleashed-get-products: the product catalogue, paged, with bills of materials, costing and stock levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from sentia_server.cache import CacheTier
from sentia_server.integrations.unleashed import BILLS_OF_MATERIALS, PRODUCTS, Page, UnleashedClient
from sentia_server.integrations.unleashed.models import BillOfMaterials, Product
from sentia_server.tools.context import ToolContext
from sentia_server.tools.paging import PageInfo, fit_to_budget
from sentia_server.tools.registry import ToolInput, ToolOutput
from sentia_server.tools.unleashed.common import (
    Code,
    Guid,
    ModifiedSince,
    PageNumber,
    PageSize,
    ProductRefOut,
    group,
    money,
    number,
    page_info,
    product_ref,
    unleashed_client,
)

MAX_BOM_PAGES = 5


class ProductsInput(ToolInput):
    product_guid: Guid | None = Field(
        default=None, description="Only this product (its Unleashed Guid); the other filters are then ignored."
    )
    product_code: Code | None = Field(default=None, description="Products whose code starts with this.")
    product_description: Code | None = Field(default=None, description="Products whose description starts with this.")
    search: Code | None = Field(default=None, description="Products whose code or description contains this text.")
    product_group: Code | None = Field(
        default=None, description="Products of this product group (its exact name; sub-groups are not included)."
    )
    exclude_assembled: bool = Field(default=False, description="Leave out assembled (manufactured) products.")
    exclude_components: bool = Field(default=False, description="Leave out component products (raw materials).")
    include_obsolete: bool = Field(default=False, description="Include obsolete products.")
    include_bill_of_materials: bool = Field(
        default=True, description="Add each assembled product's bill of materials: components, quantities, wastage."
    )
    include_costing: bool = Field(
        default=True, description="Add purchase and sell prices, average landed cost, last cost and gross margin."
    )
    include_attributes: bool = Field(default=False, description="Add the product's attribute set.")
    modified_since: ModifiedSince
    order_by: Literal["ProductCode", "LastModifiedOn", "CreatedOn"] = Field(
        default="ProductCode", description="Sort key."
    )
    page: PageNumber
    page_size: PageSize


class BomLineOut(ToolOutput):
    line_number: int | None
    component: ProductRefOut
    quantity: float = Field(description="Component quantity for one unit of the assembled product.")
    wastage_quantity: float | None


class BillOfMaterialsOut(ToolOutput):
    guid: str
    bill_number: str | None
    can_auto_assemble: bool
    obsolete: bool
    lines: list[BomLineOut]


class CostingOut(ToolOutput):
    default_purchase_price: float | None
    default_sell_price: float | None
    average_landed_cost: float | None
    last_cost: float | None
    gross_margin_percent: float | None = Field(
        description="(sell price - average landed cost) / sell price x 100, when both are known."
    )


class ProductSupplierOut(ToolOutput):
    code: str | None
    name: str | None
    supplier_product_code: str | None
    supplier_price: float | None


class ProductOut(ToolOutput):
    guid: str
    code: str
    description: str | None
    group: str | None
    unit_of_measure: str | None
    barcode: str | None
    is_assembled: bool
    is_component: bool
    is_sellable: bool
    is_purchasable: bool
    obsolete: bool
    min_stock_alert_level: float | None
    max_stock_alert_level: float | None
    reorder_point: float | None
    minimum_order_quantity: float | None
    supplier: ProductSupplierOut | None
    costing: CostingOut | None = None
    bill_of_materials: BillOfMaterialsOut | None = Field(
        default=None, description="For assembled products, when include_bill_of_materials is set."
    )
    attributes: dict[str, Any] | None = None
    last_modified: str | None


class ProductList(ToolOutput):
    products: list[ProductOut]
    page: PageInfo
    total_matching: int
    notes: list[str]


def _margin(product: Product) -> float | None:
    sell, cost = product.default_sell_price, product.average_land_price
    if sell is None or cost is None or sell <= 0:
        return None
    return float(round((sell - cost) / sell * Decimal(100), 1))


def _bom_out(bill: BillOfMaterials) -> BillOfMaterialsOut:
    return BillOfMaterialsOut(
        guid=bill.guid,
        bill_number=bill.bill_number,
        can_auto_assemble=bill.can_auto_assemble,
        obsolete=bill.obsolete,
        lines=[
            BomLineOut(
                line_number=line.line_number,
                component=product_ref(line.product),
                quantity=number(line.quantity) or 0.0,
                wastage_quantity=number(line.wastage_quantity),
            )
            for line in bill.bill_of_materials_lines
        ],
    )


def product_out(product: Product, params: ProductsInput, bill: BillOfMaterials | None) -> ProductOut:
    supplier = product.supplier
    return ProductOut(
        guid=product.guid,
        code=product.product_code,
        description=product.product_description,
        group=product.product_group.group_name if product.product_group else None,
        unit_of_measure=product.unit_of_measure.name if product.unit_of_measure else None,
        barcode=product.barcode,
        is_assembled=product.is_assembled_product,
        is_component=product.is_component,
        is_sellable=product.is_sellable,
        is_purchasable=product.is_purchasable,
        obsolete=product.obsolete,
        min_stock_alert_level=number(product.min_stock_alert_level),
        max_stock_alert_level=number(product.max_stock_alert_level),
        reorder_point=number(product.re_order_point),
        minimum_order_quantity=number(product.minimum_order_quantity),
        supplier=None
        if supplier is None
        else ProductSupplierOut(
            code=supplier.supplier_code,
            name=supplier.supplier_name,
            supplier_product_code=supplier.supplier_product_code,
            supplier_price=money(supplier.supplier_product_price),
        ),
        costing=CostingOut(
            default_purchase_price=money(product.default_purchase_price),
            default_sell_price=money(product.default_sell_price),
            average_landed_cost=number(product.average_land_price),
            last_cost=number(product.last_cost),
            gross_margin_percent=_margin(product),
        )
        if params.include_costing
        else None,
        bill_of_materials=_bom_out(bill) if bill is not None and params.include_bill_of_materials else None,
        attributes=product.attribute_set if params.include_attributes else None,
        last_modified=product.last_modified_on.isoformat() if product.last_modified_on else None,
    )


async def bills_for(
    client: UnleashedClient, products: list[Product], *, single: bool
) -> tuple[dict[str, BillOfMaterials], list[str]]:
    """The bills of materials of the assembled products among `products`, by product Guid."""
    assembled = [p for p in products if p.is_assembled_product]
    if not assembled:
        return {}, []
    notes = []
    if single:
        found = await client.page(
            BILLS_OF_MATERIALS, filters={"productGuid": assembled[0].guid, "includeObsolete": True}
        )
        bills = found.items
    else:
        bills, complete = await client.everything(
            BILLS_OF_MATERIALS, filters={"includeObsolete": True}, max_pages=MAX_BOM_PAGES
        )
        if not complete:
            notes.append(f"only the first {MAX_BOM_PAGES * 1000} bills of materials were read; some may be missing")
    by_product = {bill.product.guid: bill for bill in bills if bill.product.guid}
    missing = [p.product_code for p in assembled if p.guid not in by_product]
    if missing:
        notes.append(f"no bill of materials in Unleashed for: {', '.join(missing)}")
    return by_product, notes


@group.tool(
    "unleashed-get-products",
    title="Unleashed products",
    cache_tier=CacheTier.MEDIUM,
    read_only=True,
    open_world=True,
)
async def get_products(params: ProductsInput, ctx: ToolContext) -> ProductList:
    """List products (finished goods and raw materials) by code, description, group or change time, one page at a
    time, with each assembled product's bill of materials, costing and stock alert levels."""
    client = unleashed_client(ctx)
    if params.product_guid is not None:
        product = await client.one(
            PRODUCTS, params.product_guid, filters={"includeAttributes": params.include_attributes or None}
        )
        items = [product] if product is not None else []
        found: Page[Product] = Page(items, 1, params.page_size, len(items), 1 if items else 0)
    else:
        found = await client.page(
            PRODUCTS,
            page=params.page,
            page_size=params.page_size,
            filters={
                "productCode": params.product_code,
                "productDescription": params.product_description,
                "product": params.search,
                "productGroup": params.product_group,
                "excludeAssembled": params.exclude_assembled or None,
                "excludeComponents": params.exclude_components or None,
                "includeObsolete": params.include_obsolete or None,
                "includeAttributes": params.include_attributes or None,
                "modifiedSince": params.modified_since,
                "orderBy": None if params.order_by == "ProductCode" else params.order_by,
            },
        )
    bills: dict[str, BillOfMaterials] = {}
    notes: list[str] = []
    if params.include_bill_of_materials:
        bills, notes = await bills_for(client, found.items, single=params.product_guid is not None)
    products = [product_out(p, params, bills.get(p.guid)) for p in found.items]
    kept, reason = fit_to_budget(products, ctx.runtime.settings.tool_response_budget_bytes)
    return ProductList(
        products=kept, page=page_info(found, len(kept), reason), total_matching=found.number_of_items, notes=notes
    )
