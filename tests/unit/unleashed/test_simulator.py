"""The Unleashed simulator on its own: authentication as Unleashed checks it, path paging, filters, state and
faults, in process and as a server."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from sentia_testkit.simulators.server import SimulatorApp
from sentia_testkit.simulators.unleashed import API_ID, API_KEY, UnleashedSimulator, expected_signature
from sentia_testkit.simulators.unleashed.backend import FIXTURES_DIR

pytestmark = pytest.mark.anyio
BASE = "https://api.unleashedsoftware.com"


def signed(path: str, query: str = "", *, api_id: str = API_ID, key: str = API_KEY) -> httpx.Request:
    url = f"{BASE}{path}" + (f"?{query}" if query else "")
    headers = {
        "api-auth-id": api_id,
        "api-auth-signature": expected_signature(query, key),
        "client-type": "sentia/tests",
        "accept": "application/json",
    }
    return httpx.Request("GET", url, headers=headers)


def get(simulator: UnleashedSimulator, path: str, query: str = "", **options: Any) -> httpx.Response:
    return simulator.handle(signed(path, query, **options))


def items(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return list(response.json()["Items"])


@pytest.fixture
def simulator() -> UnleashedSimulator:
    return UnleashedSimulator()


def test_a_correctly_signed_request_is_answered_and_its_client_type_recorded(simulator):
    response = get(simulator, "/Warehouses")
    assert [w["WarehouseCode"] for w in items(response)] == ["BOND", "MAIN"]
    assert simulator.account_named().client_types == ["sentia/tests"]


def test_a_tampered_request_is_refused_with_unleashed_s_403(simulator):
    request = signed("/Customers", "customerCode=GIN")
    tampered = httpx.Request("GET", f"{BASE}/Customers?customerCode=WEB", headers=request.headers)
    response = simulator.handle(tampered)
    assert response.status_code == 403
    assert response.json() == {"Description": "Forbidden"}


def test_a_signature_made_with_another_key_or_missing_is_refused_with_403(simulator):
    assert get(simulator, "/Customers", key="guessed").status_code == 403
    unsigned = httpx.Request("GET", f"{BASE}/Customers", headers={"api-auth-id": API_ID})
    assert simulator.handle(unsigned).json() == {"Description": "Forbidden"}


def test_an_unknown_or_missing_api_id_is_refused_with_401(simulator):
    assert get(simulator, "/Products", api_id="nobody").status_code == 401
    response = simulator.handle(httpx.Request("GET", f"{BASE}/Products"))
    assert (response.status_code, response.json()) == (401, {"Description": "Unauthorized"})


def test_the_signature_covers_the_query_exactly_as_received(simulator):
    query = "customerName=Getr%C3%A4nke&pageSize=10"
    assert [c["CustomerCode"] for c in items(get(simulator, "/Customers", query))] == ["WEBERGMBH"]
    reencoded = signed("/Customers", query)
    again = httpx.Request("GET", f"{BASE}/Customers?customerName=Getränke&pageSize=10", headers=reencoded.headers)
    assert simulator.handle(again).status_code == 200  # httpx sends the same percent-encoded query


@pytest.mark.parametrize("path", ["/Products", "/Products/1", "/Products/Page/1"])
def test_the_first_page_is_reached_by_every_documented_path(simulator, path):
    body = get(simulator, path, "pageSize=4").json()
    assert body["Pagination"] == {"NumberOfItems": 27, "PageSize": 4, "PageNumber": 1, "NumberOfPages": 7}
    assert len(body["Items"]) == 4


def test_pages_are_cut_by_page_size_and_a_page_past_the_end_is_empty(simulator):
    last = get(simulator, "/Products/7", "pageSize=4").json()
    assert [p["ProductCode"] for p in last["Items"]] == ["SEN-TON-IND-200", "SPIRIT-NGS-96", "SUGAR-CANE"]
    assert get(simulator, "/Products/8", "pageSize=4").json()["Items"] == []


@pytest.mark.parametrize("size", ["0", "1001", "ten"])
def test_a_page_size_outside_1_to_1000_is_a_400(simulator, size):
    response = get(simulator, "/Products", f"pageSize={size}")
    assert response.status_code == 400
    assert response.json()["Description"] == "pageSize must be a whole number from 1 to 1000"


def test_a_filter_the_simulator_does_not_know_answers_501(simulator):
    response = get(simulator, "/Products", "colour=red")
    assert response.status_code == 501
    assert response.json()["detail"].startswith("filter 'colour' on /Products (simulated: pageSize, productCode")


def test_an_endpoint_not_simulated_answers_501(simulator):
    response = get(simulator, "/StockAdjustments")
    assert (response.status_code, response.json()["error"]) == (501, "not implemented by the simulator")


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("includeObsolete=maybe", "'maybe' is not a valid boolean value"),
        ("modifiedSince=soon", "'soon' is not a valid date"),
    ],
)
def test_a_bad_filter_value_is_a_400_with_a_description(simulator, query, detail):
    response = get(simulator, "/Products", query)
    assert response.status_code == 400
    assert response.json()["Description"].startswith(detail)


def test_one_record_is_read_by_guid_and_an_unknown_one_is_a_404(simulator):
    gin = simulator.account_named().product_by_code("SEN-GIN-70")
    body = get(simulator, f"/Products/{gin['Guid']}").json()
    assert (body["ProductCode"], body["AttributeSet"]) == ("SEN-GIN-70", None)
    assert body["LastModifiedOn"] == "/Date(1793613600000)/"
    missing = get(simulator, "/Products/00000000-0000-0000-0000-000000000000")
    assert (missing.status_code, missing.json()) == (404, {"Description": "Product not found"})
    assert get(simulator, "/Products/latest").status_code == 404


def test_products_are_filtered_as_documented(simulator):
    def codes(query: str) -> list[str]:
        return [p["ProductCode"] for p in items(get(simulator, "/Products", query))]

    assert codes("productCode=sen-gin") == ["SEN-GIN-70"]
    assert "SEN-OLDTOM-70" not in codes("productGroup=Gin")
    assert "SEN-OLDTOM-70" in codes("productGroup=Gin&includeObsolete=true")
    assert codes("product=Hibiscus") == ["SEN-PINK-70"]
    assert codes("excludeComponents=true&productGroup=Tonic") == ["SEN-TON-ELD-200", "SEN-TON-IND-200"]
    assert all(not c.startswith("SEN-") for c in codes("excludeAssembled=true"))
    assert codes("productDescription=Amber") == ["GLS-BTL-100"]
    assert codes("modifiedSince=2026-11-12T11:41:00") == ["SEN-TON-ELD-200"]
    assert codes("orderBy=LastModifiedOn")[-1] == "SEN-TON-ELD-200"
    with_attributes = items(get(simulator, "/Products", "productCode=SEN-GIN&includeAttributes=true"))
    assert with_attributes[0]["AttributeSet"]["SetName"] == "Spirits & Mixers"


def test_stock_is_per_warehouse_or_across_all_with_allocations_and_orders(simulator):
    main = {r["ProductCode"]: r for r in items(get(simulator, "/StockOnHand", "warehouseCode=MAIN&pageSize=1000"))}
    assert main["SEN-BITT-10"]["QtyOnHand"] == 64.0
    assert main["SEN-BITT-10"]["AllocatedQty"] == 48.0  # backordered sales order SO-00001297
    assert main["BOT-ORRIS"]["OnPurchase"] == 6.0  # placed purchase order PO-00000219
    assert main["PKG-CAP-CROWN"]["QtyOnHand"] == -120.0
    total = {r["ProductCode"]: r for r in items(get(simulator, "/StockOnHand", "pageSize=1000"))}
    assert total["SEN-GIN-70"]["QtyOnHand"] == 512.0 + 1320.0
    assert total["SEN-GIN-70"]["WarehouseCode"] is None
    by_name = items(get(simulator, "/StockOnHand", "warehouseName=avonmouth%20bonded%20warehouse"))
    assert {r["WarehouseCode"] for r in by_name} == {"BOND"}
    assert items(get(simulator, "/StockOnHand", "warehouseCode=NOWHERE")) == []


def test_stock_as_at_an_earlier_day_undoes_the_later_movements(simulator):
    before = {r["ProductCode"]: r for r in items(get(simulator, "/StockOnHand", "asAtDate=2026-11-01&pageSize=1000"))}
    # ASM-00041 made 600 on 4 Nov; SO-00001290 and SO-00001291 shipped 60 and 120 later.
    assert before["SEN-GIN-70"]["QtyOnHand"] == 1832.0 - 600 + 60 + 120
    # PO-00000214 received 4000 L on 3 Nov; assemblies since then used some.
    assert before["SPIRIT-NGS-96"]["QtyOnHand"] < 5490.0 - 4000 + 200


def test_assemblable_stock_counts_only_for_auto_assembly_bills(simulator):
    plain = {r["ProductCode"]: r for r in items(get(simulator, "/StockOnHand", "warehouseCode=MAIN&pageSize=1000"))}
    assembled = {
        r["ProductCode"]: r
        for r in items(get(simulator, "/StockOnHand", "warehouseCode=MAIN&isAssembled=true&pageSize=1000"))
    }
    assert assembled["SEN-TON-ELD-200"]["AvailableQty"] == plain["SEN-TON-ELD-200"]["AvailableQty"]
    # crown caps are negative in MAIN, so not one more Indian tonic can be assembled
    assert assembled["SEN-TON-IND-200"]["AvailableQty"] == plain["SEN-TON-IND-200"]["AvailableQty"]
    simulator.backend.set_stock(API_ID, "PKG-CAP-CROWN", "MAIN", 10_000)
    more = {
        r["ProductCode"]: r
        for r in items(get(simulator, "/StockOnHand", "warehouseCode=MAIN&isAssembled=true&pageSize=1000"))
    }
    assert more["SEN-TON-IND-200"]["AvailableQty"] > plain["SEN-TON-IND-200"]["AvailableQty"]


def test_assemblies_filter_by_status_custom_status_number_and_dates(simulator):
    def numbers(query: str) -> list[str]:
        return [a["AssemblyNumber"] for a in items(get(simulator, "/Assemblies", query))]

    assert numbers("assemblyStatus=Completed") == ["ASM-00041", "ASM-00042"]
    assert numbers("assemblyStatus=Completed&customAssemblyStatus=Quality%20Testing") == ["ASM-00044"]
    assert numbers("assemblyNumber=ASM-00046&assemblyStatus=Completed") == ["ASM-00046"]
    assert numbers("startDate=2026-11-24&endDate=2026-11-24") == ["ASM-00045"]
    (assembly,) = items(get(simulator, "/Assemblies", "assemblyNumber=ASM-00043"))
    assert assembly["AssembleBy"] == "/Date(1795564800000)/"
    assert [line["Product"]["ProductCode"] for line in assembly["AssemblyLines"]][:2] == [
        "SPIRIT-NGS-96",
        "BOT-JUNIPER",
    ]


def test_sales_orders_leave_deleted_ones_out_unless_asked(simulator):
    def numbers(query: str) -> list[str]:
        return [o["OrderNumber"] for o in items(get(simulator, "/SalesOrders", query))]

    assert "SO-00001280" not in numbers("")
    assert numbers("orderStatus=Deleted") == ["SO-00001280"]
    assert numbers("customerCode=tiki") == ["SO-00001291"]
    assert numbers("orderStatus=Placed,Backordered&warehouseCode=MAIN") == ["SO-00001297", "SO-00001298"]
    assert numbers("completedAfter=2026-11-07") == ["SO-00001291"]
    assert numbers("customOrderStatus=Awaiting%20Payment&orderStatus=Completed") == ["SO-00001299"]


def test_purchase_orders_suppliers_and_customers_filter_as_documented(simulator):
    assert [o["OrderNumber"] for o in items(get(simulator, "/PurchaseOrders", "supplierCode=SEV"))] == ["PO-00000221"]
    assert [s["SupplierCode"] for s in items(get(simulator, "/Suppliers", "contactEmail=sales@"))] == ["SEVERN"]
    customers = items(get(simulator, "/Customers", "customer=Gin&includeAllContacts=true"))
    assert [c["CustomerCode"] for c in customers] == ["GINPARLOUR"]
    assert customers[0]["Contacts"][0]["FirstName"] == "Hannah"
    assert [c["CustomerCode"] for c in items(get(simulator, "/Customers", "currency=usd"))] == ["BKLYNSPIRITS"]
    assert "OLDHARBOUR" in [c["CustomerCode"] for c in items(get(simulator, "/Customers", "includeObsolete=true"))]


def test_the_company_is_listed_and_takes_no_filters(simulator):
    assert items(get(simulator, "/Companies"))[0]["BaseCurrency"] == {"CurrencyCode": "GBP"}
    assert get(simulator, "/Companies", "pageSize=1").status_code == 501


def test_completing_an_assembly_moves_stock_and_reset_restores_the_seed(simulator):
    before = simulator.account_named().on_hand[(_guid(simulator, "SEN-BITT-10"), "MAIN")]
    done = simulator.backend.complete_assembly(API_ID, "ASM-00045", datetime(2026, 12, 1, tzinfo=UTC))
    assert done["AssemblyStatus"] == "Completed"
    assert simulator.account_named().on_hand[(_guid(simulator, "SEN-BITT-10"), "MAIN")] == before + 240
    with pytest.raises(ValueError, match="assembly ASM-00045 is Completed, only a parked one can be completed"):
        simulator.backend.complete_assembly(API_ID, "ASM-00045", datetime(2026, 12, 2, tzinfo=UTC))
    simulator.reset()
    assert simulator.account_named().on_hand[(_guid(simulator, "SEN-BITT-10"), "MAIN")] == Decimal(64)


def test_lookups_of_unknown_records_name_what_is_missing(simulator):
    account = simulator.account_named()
    for lookup, value in (
        (account.product_by_code, "NOPE"),
        (account.warehouse_by_code, "NOPE"),
        (account.assembly_by_number, "NOPE"),
    ):
        with pytest.raises(KeyError, match="NOPE"):
            lookup(value)
    with pytest.raises(KeyError, match="no account named 'Acme'"):
        simulator.account_named("Acme")


def test_each_account_has_its_own_state_keyed_by_api_id(tmp_path: Path):
    shutil.copy(FIXTURES_DIR / "sentia-spirits.json", tmp_path / "sentia-spirits.json")
    data = json.loads((FIXTURES_DIR / "sentia-spirits.json").read_text())
    data["account"].update(
        {"name": "Sentia Spirits USA", "api_id": "usa-id", "api_key": "usa-key", "base_currency": "USD"}
    )
    (tmp_path / "usa.json").write_text(json.dumps(data))
    simulator = UnleashedSimulator(fixtures=tmp_path)
    simulator.backend.set_stock("usa-id", "SEN-GIN-70", "MAIN", 7)
    usa = {
        r["ProductCode"]: r
        for r in items(
            get(simulator, "/StockOnHand", "warehouseCode=MAIN&pageSize=1000", api_id="usa-id", key="usa-key")
        )
    }
    uk = {r["ProductCode"]: r for r in items(get(simulator, "/StockOnHand", "warehouseCode=MAIN&pageSize=1000"))}
    assert (usa["SEN-GIN-70"]["QtyOnHand"], uk["SEN-GIN-70"]["QtyOnHand"]) == (7.0, 512.0)
    assert get(simulator, "/Warehouses", api_id="usa-id", key=API_KEY).status_code == 403
    assert items(get(simulator, "/Companies", api_id="usa-id", key="usa-key"))[0]["BaseCurrency"] == {
        "CurrencyCode": "USD"
    }


def test_faults_answer_instead_of_the_route(simulator):
    simulator.rate_limit("Products", retry_after=3)
    limited = get(simulator, "/Products")
    assert (limited.status_code, limited.headers["retry-after"], limited.json()) == (
        429,
        "3",
        {"Description": "Too Many Requests"},
    )
    assert get(simulator, "/Products").status_code == 200


def test_server_settings_point_the_server_at_the_mount(simulator):
    assert simulator.server_settings("http://127.0.0.1:8900/unleashed") == {
        "SENTIA_UNLEASHED__API_ID": API_ID,
        "SENTIA_UNLEASHED__API_KEY": API_KEY,
        "SENTIA_UNLEASHED__BASE_URL": "http://127.0.0.1:8900/unleashed",
    }


async def test_as_a_server_the_query_string_is_verified_as_received(simulator):
    app = SimulatorApp({"unleashed": simulator})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim") as http:
        query = "product=Rhubarb%20%26%20Hibiscus"
        request = signed("/Products", query)
        good = await http.get(f"/unleashed/Products?{query}", headers=dict(request.headers))
        bad = await http.get("/unleashed/Products?product=Gin", headers=dict(request.headers))
    assert [p["ProductCode"] for p in good.json()["Items"]] == ["SEN-PINK-70"]
    assert (bad.status_code, bad.json()) == (403, {"Description": "Forbidden"})


def _guid(simulator: UnleashedSimulator, code: str) -> str:
    return str(simulator.account_named().product_by_code(code)["Guid"])
