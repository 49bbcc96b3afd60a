"""The simulator base: routing, the 501 for endpoints not simulated, fault queues, the request log, server mode."""

from __future__ import annotations

import httpx
import pytest

from sentia_testkit.simulators import Fault, Simulator, SimulatorRequest, json_response
from sentia_testkit.simulators.core import NOT_IMPLEMENTED
from sentia_testkit.simulators.server import SimulatorApp

pytestmark = pytest.mark.anyio


class Orders(Simulator):
    vendor = "orders"

    def __init__(self) -> None:
        super().__init__()
        self.stock = {"A-1": 5}

        @self.route("GET", "/stock/{sku}", name="get-stock")
        def get_stock(request: SimulatorRequest) -> httpx.Response:
            sku = request.params["sku"]
            if sku not in self.stock:
                return json_response(404, {"error": f"unknown sku {sku}"})
            return json_response(200, {"sku": sku, "on_hand": self.stock[sku], "page": request.query.get("page")})

        @self.route("POST", "/stock/{sku}", name="set-stock")
        def set_stock(request: SimulatorRequest) -> httpx.Response:
            self.stock[request.params["sku"]] = request.json()["on_hand"]
            return json_response(201, {"ok": True})

        @self.route("GET", "/files/{name:path}", name="get-file")
        def get_file(request: SimulatorRequest) -> httpx.Response:
            return json_response(200, {"name": request.params["name"]})


async def test_routes_answer_from_state_through_an_httpx_transport():
    simulator = Orders()
    async with httpx.AsyncClient(transport=simulator.transport(), base_url="https://orders.example") as client:
        assert (await client.post("/stock/B-2", json={"on_hand": 7})).status_code == 201
        answer = await client.get("/stock/B-2", params={"page": "2"})
        nested = await client.get("/files/a/b/c.csv")
    assert answer.json() == {"sku": "B-2", "on_hand": 7, "page": "2"}
    assert nested.json() == {"name": "a/b/c.csv"}
    assert [request.url.path for request in simulator.requests_to("get-stock")] == ["/stock/B-2"]


async def test_endpoints_not_simulated_answer_501_saying_so():
    simulator = Orders()
    async with httpx.AsyncClient(transport=simulator.transport(), base_url="https://orders.example") as client:
        answer = await client.delete("/stock/A-1")
    assert answer.status_code == 501
    assert answer.json() == {"error": NOT_IMPLEMENTED, "vendor": "orders", "method": "DELETE", "path": "/stock/A-1"}


async def test_faults_are_consumed_in_order_then_normal_answers_resume():
    simulator = Orders()
    simulator.faults.rate_limit("get-stock", retry_after=2)
    simulator.faults.server_error("get-stock", status=502)
    simulator.faults.malformed("get-stock")
    async with httpx.AsyncClient(transport=simulator.transport(), base_url="https://orders.example") as client:
        limited = await client.get("/stock/A-1")
        failed = await client.get("/stock/A-1")
        malformed = await client.get("/stock/A-1")
        normal = await client.get("/stock/A-1")
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert failed.status_code == 502
    assert malformed.status_code == 200
    with pytest.raises(ValueError, match=r"Expecting|Unterminated"):
        malformed.json()
    assert normal.json()["on_hand"] == 5
    assert simulator.faults.pending() == 0


async def test_a_timeout_fault_raises_like_a_real_timeout_in_process():
    simulator = Orders()
    simulator.faults.timeout()
    async with httpx.AsyncClient(transport=simulator.transport(), base_url="https://orders.example") as client:
        with pytest.raises(httpx.ReadTimeout, match="simulated timeout of orders"):
            await client.get("/stock/A-1")
        assert (await client.get("/stock/A-1")).status_code == 200


async def test_faults_for_every_route_and_reset():
    simulator = Orders()
    simulator.faults.add("*", Fault(status=418, times=2))
    simulator.reset()
    assert simulator.faults.pending() == 0
    assert simulator.requests == []


async def test_server_mode_mounts_each_simulator_under_its_vendor_name():
    simulator = Orders()
    simulator.faults.timeout("get-file", delay=0.01)
    app = SimulatorApp({"orders": simulator})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        index = await client.get("/")
        answer = await client.get("/orders/stock/A-1", params={"page": "3"})
        created = await client.post("/orders/stock/C-3", json={"on_hand": 1})
        slow = await client.get("/orders/files/x")
        unknown = await client.get("/nobody/x")
    assert index.json()["simulators"] == ["orders"]
    assert answer.json() == {"sku": "A-1", "on_hand": 5, "page": "3"}
    assert created.status_code == 201
    assert simulator.stock["C-3"] == 1
    assert slow.status_code == 504
    assert unknown.status_code == 404
