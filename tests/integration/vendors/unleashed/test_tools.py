"""Every Unleashed tool through the MCP client against the simulator: schemas in tools/list, results, paging."""

from __future__ import annotations

import pytest
from integration.vendors.unleashed.helpers import registry, sent_params, structured
from mcp import MCPError

from sentia_server.auth.principal import Role

pytestmark = pytest.mark.anyio
TODAY = "2026-11-27"
TOOLS = {
    "unleashed-get-products": "inventory:read",
    "unleashed-get-inventory": "inventory:read",
    "unleashed-get-production-orders": "production:read",
    "unleashed-get-purchase-orders": "inventory:read",
    "unleashed-get-sales-orders": "inventory:read",
    "unleashed-get-suppliers": "inventory:read",
    "unleashed-get-customers": "inventory:read",
}


async def test_every_tool_is_listed_with_a_precise_schema(connect, principal, runtime):
    async with connect(principal(), registry=registry()) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(TOOLS) <= set(listed)
    for name in TOOLS:
        tool = listed[name]
        schema = tool.input_schema
        assert schema["additionalProperties"] is False
        assert tool.annotations is not None and tool.annotations.read_only_hint and tool.annotations.open_world_hint
        for field, spec in schema["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
        page_size = schema["properties"]["page_size"]
        assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (1, 1000, 200)
    statuses = listed["unleashed-get-sales-orders"].input_schema["properties"]["statuses"]
    assert "Backordered" in str(statuses)


async def test_products_come_with_bills_of_materials_and_costing(call, unleashed):
    result = structured(await call("unleashed-get-products", {"product_code": "SEN-", "page_size": 3}))
    assert result["total_matching"] == 7
    assert result["page"] == {
        "returned": 3,
        "has_more": True,
        "next_cursor": None,
        "next_page": 2,
        "truncated": False,
        "truncated_reason": None,
    }
    aromatic = result["products"][0]
    assert aromatic["code"] == "SEN-BITT-10"
    assert aromatic["bill_of_materials"]["bill_number"] == "BOM-0007"
    assert aromatic["bill_of_materials"]["lines"][0] == {
        "line_number": 1,
        "component": aromatic["bill_of_materials"]["lines"][0]["component"],
        "quantity": 0.048,
        "wastage_quantity": 0.001,
    }
    assert aromatic["costing"]["gross_margin_percent"] == round((8.5 - 2.71) / 8.5 * 100, 1)
    assert sent_params(unleashed, "Products")[0] == {"pageSize": "3", "productCode": "SEN-"}
    assert sent_params(unleashed, "BillOfMaterials")[0] == {"pageSize": "1000", "includeObsolete": "true"}


async def test_one_product_by_guid_with_attributes_and_a_component_without_bill(call, unleashed):
    orris = unleashed.account_named().product_by_code("BOT-ORRIS")
    result = structured(
        await call("unleashed-get-products", {"product_guid": orris["Guid"], "include_attributes": True})
    )
    (product,) = result["products"]
    assert (product["code"], product["bill_of_materials"], product["supplier"]["code"]) == (
        "BOT-ORRIS",
        None,
        "BOTANICA",
    )
    assert product["attributes"]["SetName"] == "Spirits & Mixers"
    gin = unleashed.account_named().product_by_code("SEN-OLDTOM-70")
    single = structured(await call("unleashed-get-products", {"product_guid": gin["Guid"], "include_costing": False}))
    assert single["products"][0]["bill_of_materials"]["obsolete"] is True
    assert single["products"][0]["costing"] is None
    missing = structured(await call("unleashed-get-products", {"product_guid": "00000000-0000-0000-0000-000000000000"}))
    assert (missing["products"], missing["total_matching"]) == ([], 0)


async def test_a_missing_bill_of_materials_is_noted(call, unleashed):
    account = unleashed.account_named()
    bill = next(b for b in account.bills_of_materials.values() if b["Product"]["ProductCode"] == "SEN-NAVY-70")
    del account.bills_of_materials[bill["Guid"]]
    result = structured(await call("unleashed-get-products", {"product_code": "SEN-NAVY"}))
    assert result["notes"] == ["no bill of materials in Unleashed for: SEN-NAVY-70"]


async def test_inventory_flags_low_negative_and_reorder_with_a_warehouse_breakdown(call, unleashed):
    result = structured(await call("unleashed-get-inventory", {"page_size": 1000}))
    lines = {line["product"]["code"]: line for line in result["stock"]}
    assert lines["PKG-CAP-CROWN"]["flags"]["negative"] is True
    navy = lines["SEN-NAVY-70"]
    assert (navy["on_hand"], navy["flags"]["low"], navy["low_stock_threshold"]) == (98.0, True, 120.0)
    assert [(w["warehouse_code"], w["on_hand"]) for w in navy["by_warehouse"]] == [("BOND", 60.0), ("MAIN", 38.0)]
    summary = result["summary"]
    assert summary["lines"] == 28  # every product with stock, the obsolete Old Tom gin included
    assert summary["negative_stock"] == 1
    assert sum(summary["abc_counts"].values()) == 28
    assert summary["top_by_value"][0] == "SEN-GIN-70"  # 1832 bottles at 7.42
    assert summary["total_value"] == round(sum(line["total_cost"] for line in result["stock"]), 2)


async def test_inventory_of_one_warehouse_only_low_with_a_threshold(call, unleashed):
    result = structured(
        await call(
            "unleashed-get-inventory",
            {"warehouse_code": "MAIN", "only": "low", "low_stock_threshold": 10, "as_at_date": "2026-11-26"},
        )
    )
    assert {line["product"]["code"] for line in result["stock"]} == {
        "BOT-ANGELICA",
        "BOT-CINCHONA",
        "BOT-ELDERFLOWER",
        "BOT-GENTIAN",
        "BOT-ORRIS",
        "PKG-CAP-CROWN",
        "SEN-NAVY-70",  # 38 on hand, 96 allocated to a backorder
        "SEN-TON-ELD-200",
    }
    assert all(line["warehouse_code"] == "MAIN" and line["by_warehouse"] is None for line in result["stock"])
    assert result["notes"] == ["only the low lines of this page are listed; next_page continues the scan"]
    assert sent_params(unleashed, "StockOnHand") == [
        {"pageSize": "200", "warehouseCode": "MAIN", "asAtDate": "2026-11-26"}
    ]


@pytest.mark.parametrize(
    ("only", "code"), [("negative", "PKG-CAP-CROWN"), ("low_or_negative", "PKG-CAP-CROWN"), ("over", None)]
)
async def test_inventory_keeps_only_the_flag_asked_for(call, unleashed, only, code):
    result = structured(
        await call("unleashed-get-inventory", {"warehouse_code": "MAIN", "only": only, "include_assemblable": True})
    )
    codes = [line["product"]["code"] for line in result["stock"]]
    assert (code in codes) if code else codes == []


async def test_production_orders_show_lines_and_which_are_late(call, unleashed):
    result = structured(await call("unleashed-get-production-orders", {"as_of": TODAY}))
    assemblies = {a["number"]: a for a in result["assemblies"]}
    assert (assemblies["ASM-00043"]["late"], assemblies["ASM-00043"]["days_late"]) == (True, 2)
    assert (assemblies["ASM-00046"]["days_late"], assemblies["ASM-00042"]["days_late"]) == (6, 1)
    assert assemblies["ASM-00045"]["late"] is False
    assert result["summary"] == {
        "by_status": {"Completed": 2, "Parked": 5},
        "by_custom_status": {"In Production": 1, "Quality Testing": 1, "Scheduled": 1},
        "late": 3,
        "units_parked": 360.0 + 480 + 240 + 2400 + 720,
    }
    late_only = structured(
        await call(
            "unleashed-get-production-orders",
            {"as_of": TODAY, "late_only": True, "include_lines": False, "statuses": ["Parked"]},
        )
    )
    assert [a["number"] for a in late_only["assemblies"]] == ["ASM-00043", "ASM-00046"]
    assert late_only["assemblies"][0]["lines"] is None
    by_guid = structured(
        await call("unleashed-get-production-orders", {"assembly_guid": assemblies["ASM-00044"]["guid"]})
    )
    assert [a["custom_status"] for a in by_guid["assemblies"]] == ["Quality Testing"]
    assert sent_params(unleashed, "Assemblies")[1] == {"pageSize": "200", "assemblyStatus": "Parked"}


async def test_purchase_orders_show_outstanding_lines_totals_and_overdue(call, unleashed):
    result = structured(await call("unleashed-get-purchase-orders", {"as_of": TODAY, "statuses": ["Placed", "Costed"]}))
    orders = {o["number"]: o for o in result["orders"]}
    assert set(orders) == {"PO-00000219", "PO-00000220", "PO-00000221", "PO-00000222"}
    assert (orders["PO-00000219"]["days_overdue"], orders["PO-00000219"]["custom_status"]) == (6, "Delayed")
    assert orders["PO-00000221"]["days_overdue"] is None
    assert orders["PO-00000219"]["lines"][0]["outstanding"] == 6.0
    assert result["summary"]["overdue"] == 2
    totals = {t["currency"]: t for t in result["summary"]["totals_by_currency"]}
    assert totals["USD"] == {"currency": "USD", "orders": 1, "sub_total": 780.0, "tax_total": 0.0, "total": 780.0}
    overdue = structured(
        await call(
            "unleashed-get-purchase-orders",
            {"as_of": TODAY, "overdue_only": True, "supplier_code": "BOT", "include_lines": False},
        )
    )
    assert [o["number"] for o in overdue["orders"]] == ["PO-00000219"]
    guid = orders["PO-00000222"]["guid"]
    assert [
        o["number"] for o in structured(await call("unleashed-get-purchase-orders", {"order_guid": guid}))["orders"]
    ] == ["PO-00000222"]


async def test_sales_orders_show_margins_totals_and_overdue(call, unleashed):
    result = structured(await call("unleashed-get-sales-orders", {"as_of": TODAY, "include_margin": True}))
    orders = {o["number"]: o for o in result["orders"]}
    assert "SO-00001280" not in orders
    tiki = orders["SO-00001291"]
    assert tiki["currency"] == "EUR" and tiki["margin"]["revenue"] == round(
        (120 * 20.5 + 24 * 25.8 + 480 * 1.1) / 1.172, 2
    )
    assert tiki["lines"][0]["margin"]["cost"] == round(120 * 7.42, 2)
    assert orders["SO-00001297"]["days_overdue"] is None and orders["SO-00001298"]["days_overdue"] is None
    assert result["summary"]["by_status"] == {"Completed": 2, "Placed": 2, "Backordered": 1, "Parked": 1}
    later = structured(
        await call("unleashed-get-sales-orders", {"as_of": "2026-12-05", "overdue_only": True, "include_lines": False})
    )
    assert [o["number"] for o in later["orders"]] == ["SO-00001295", "SO-00001297", "SO-00001298", "SO-00001299"]
    assert later["orders"][0]["margin"] is None and later["orders"][0]["lines"] is None
    weber = unleashed.account_named()
    guid = next(c["Guid"] for c in weber.customers.values() if c["CustomerCode"] == "WEBERGMBH")
    for_customer = structured(
        await call("unleashed-get-sales-orders", {"customer_guids": [guid], "statuses": ["Backordered"]})
    )
    assert [o["number"] for o in for_customer["orders"]] == ["SO-00001297"]
    one = structured(await call("unleashed-get-sales-orders", {"order_guid": for_customer["orders"][0]["guid"]}))
    assert one["total_matching"] == 1


async def test_suppliers_with_their_delivery_record(call, unleashed):
    result = structured(await call("unleashed-get-suppliers", {"include_performance": True}))
    suppliers = {s["code"]: s for s in result["suppliers"]}
    botanica = suppliers["BOTANICA"]["performance"]
    assert botanica == {
        "orders_received": 1,
        "received_on_time": 1,
        "on_time_percent": 100.0,
        "average_days_to_receive": 9.0,
        "open_orders": 1,
        "open_order_value": {"GBP": 1147.2},
    }
    assert suppliers["LEVANTE"]["performance"]["on_time_percent"] == 0.0
    assert suppliers["LEVANTE"]["tax_number"] == "ESA46123457"
    one = structured(await call("unleashed-get-suppliers", {"supplier_guid": suppliers["SEVERN"]["guid"]}))
    assert [s["name"] for s in one["suppliers"]] == ["Severn Glassworks Ltd"]


async def test_customers_with_contacts_and_order_history(call, unleashed):
    result = structured(
        await call(
            "unleashed-get-customers",
            {"include_order_history": True, "include_all_contacts": True, "currency": "EUR"},
        )
    )
    customers = {c["code"]: c for c in result["customers"]}
    assert set(customers) == {"TIKIAMS", "WEBERGMBH"}
    assert customers["TIKIAMS"]["order_history"] == {
        "orders": 1,
        "open_orders": 0,
        "first_order": "2026-11-05",
        "last_order": "2026-11-05",
        "completed_sales": {"EUR": 3607.2},
    }
    assert customers["WEBERGMBH"]["contacts"][0]["first_name"] == "Jürgen"
    one = structured(
        await call(
            "unleashed-get-customers", {"customer_guid": customers["WEBERGMBH"]["guid"], "order_by": "LastModifiedOn"}
        )
    )
    assert one["customers"][0]["primary_contact"] == "Jürgen Weber"
    assert one["customers"][0]["contacts"] is None


async def test_an_operator_may_read_and_a_viewer_may_not(call, unleashed):
    assert not (await call("unleashed-get-suppliers", {}, role=Role.OPERATOR)).is_error
    with pytest.raises(MCPError, match="requires permission 'inventory:read'"):
        await call("unleashed-get-suppliers", {}, role=Role.VIEWER)
