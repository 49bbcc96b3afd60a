"""Vendors' last known states, recorded from the calls the shared HTTP layer really makes."""

from __future__ import annotations

import gc
import time
from datetime import datetime

import httpx
import pytest

from sentia_server.integrations.health import (
    LastError,
    VendorState,
    VendorStateBook,
    forget,
    observe,
    record_outcome,
)
from sentia_server.integrations.http import CircuitBreaker, RetryPolicy, VendorError, VendorHttpClient
from sentia_testkit.simulators import Simulator, SimulatorRequest, json_response

pytestmark = pytest.mark.anyio
FAST = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.01)


class Ledger(Simulator):
    vendor = "ledger"

    def __init__(self) -> None:
        super().__init__()

        @self.route("GET", "/accounts", name="accounts")
        def accounts(request: SimulatorRequest) -> httpx.Response:
            return json_response(200, {"accounts": []})


@pytest.fixture
def book():
    observed = observe(VendorStateBook())
    yield observed
    forget(observed)


def ledger_client(transport: httpx.AsyncBaseTransport) -> VendorHttpClient:
    return VendorHttpClient("ledger", "https://ledger.example", transport=transport, retry=FAST)


def test_an_unconfigured_vendor_is_reported_as_such_whatever_was_recorded():
    book = VendorStateBook()
    book.record("xero", CircuitBreaker())
    assert book.state("xero", configured=False) == VendorState("xero", "not_configured")


def test_a_configured_vendor_never_called_is_unknown():
    assert VendorStateBook().states({"xero": True, "shopify": False}) == (
        VendorState("xero", "unknown"),
        VendorState("shopify", "not_configured"),
    )


@pytest.mark.parametrize(
    ("status", "degraded"),
    [(500, True), (503, True), (429, True), (401, True), (403, True), (404, False), (400, False), (422, False)],
)
def test_which_answers_count_as_vendor_trouble(status, degraded):
    book = VendorStateBook()
    book.record("xero", CircuitBreaker(), VendorError("xero", "refused", status=status))
    state = book.state("xero", configured=True)
    assert state.status == ("degraded" if degraded else "ok")
    assert (state.last_error is not None) is degraded
    assert (state.last_success_at is not None) is not degraded


def test_a_success_after_a_failure_makes_the_vendor_ok_and_keeps_the_last_error():
    book, breaker = VendorStateBook(), CircuitBreaker()
    book.record("xero", breaker, VendorError("xero", "had a server error", status=502))
    book.record("xero", breaker)
    state = book.state("xero", configured=True)
    assert (state.status, state.circuit, state.last_error) == ("ok", "closed", LastError("VendorError", 502))
    assert state.last_success_at is not None and state.last_failure_at is not None
    assert state.last_success_at >= state.last_failure_at


def test_the_transport_error_behind_a_vendor_error_is_named():
    book = VendorStateBook()
    try:
        try:
            raise httpx.ConnectError("connection refused to https://ledger.example/api?key=secret")
        except httpx.ConnectError:
            raise VendorError("ledger", "could not be reached (ConnectError)") from None
    except VendorError as error:
        book.record("ledger", CircuitBreaker(), error)
    assert book.state("ledger", configured=True).last_error == LastError("ConnectError", None)


def test_an_open_circuit_is_degraded_then_half_open_once_the_reset_time_passed():
    book = VendorStateBook()
    closed, tripped = CircuitBreaker(), CircuitBreaker(threshold=1, reset_after=60)
    book.record("xero", closed)
    book.record("xero", tripped)
    tripped.record_failure(time.monotonic())
    assert (book.state("xero", configured=True).status, book.state("xero", configured=True).circuit) == (
        "degraded",
        "open",
    )
    tripped.opened_at = time.monotonic() - 61
    assert book.state("xero", configured=True).circuit == "half_open"
    assert book.state("xero", configured=True).status == "degraded"
    tripped.record_success()
    assert book.state("xero", configured=True).circuit == "closed"


def test_breakers_of_clients_that_are_gone_are_not_kept():
    book = VendorStateBook()
    breaker = CircuitBreaker(threshold=1)
    book.record("xero", breaker)
    breaker.record_failure(time.monotonic())
    assert book.state("xero", configured=True).circuit == "open"
    del breaker
    gc.collect()
    assert book.state("xero", configured=True).circuit == "closed"


def test_as_dict_names_times_in_iso_format_and_nothing_else():
    book = VendorStateBook()
    book.record("xero", CircuitBreaker(), VendorError("xero", "secret message", status=503, hint="see https://x"))
    body = book.state("xero", configured=True).as_dict()
    assert body["status"] == "degraded"
    assert body["last_success_at"] is None
    assert datetime.fromisoformat(str(body["last_failure_at"])).tzinfo is not None
    assert body["last_error"] == {"type": "VendorError", "status": 503}
    assert "secret" not in repr(body)
    assert VendorState("xero", "unknown").as_dict() == {
        "status": "unknown",
        "circuit": None,
        "last_success_at": None,
        "last_failure_at": None,
        "last_error": None,
    }


def test_outcomes_reach_every_observing_book_until_it_is_forgotten():
    first, second = observe(VendorStateBook()), observe(VendorStateBook())
    try:
        record_outcome("xero", CircuitBreaker())
        forget(second)
        record_outcome("shopify", CircuitBreaker())
        assert first.state("shopify", configured=True).status == "ok"
        assert second.state("xero", configured=True).status == "ok"
        assert second.state("shopify", configured=True).status == "unknown"
    finally:
        forget(first)


async def test_the_http_layer_records_successes_and_failures_from_the_simulator(book):
    simulator = Ledger()
    vendor = ledger_client(simulator.transport())
    try:
        await vendor.request_json("GET", "/accounts")
        assert book.state("ledger", configured=True).status == "ok"
        simulator.faults.server_error("accounts", status=503, times=2)
        with pytest.raises(VendorError):
            await vendor.request_json("GET", "/accounts")
        state = book.state("ledger", configured=True)
        assert (state.status, state.last_error) == ("degraded", LastError("VendorError", 503))
        simulator.faults.timeout("accounts", times=2)
        with pytest.raises(VendorError):
            await vendor.request_json("GET", "/accounts")
        assert book.state("ledger", configured=True).last_error == LastError("ReadTimeout", None)
    finally:
        await vendor.aclose()


async def test_the_http_layer_reports_an_open_circuit_and_an_unreachable_vendor(book):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    vendor = ledger_client(httpx.MockTransport(refuse))
    try:
        for _ in range(5):
            with pytest.raises(VendorError, match="could not be reached"):
                await vendor.request("GET", "/accounts")
        with pytest.raises(VendorError, match="temporarily not called"):
            await vendor.request("GET", "/accounts")
    finally:
        await vendor.aclose()
    state = book.state("ledger", configured=True)
    assert (state.status, state.circuit, state.last_error) == ("degraded", "open", LastError("ConnectError", None))
    assert "secret" not in repr(state)
