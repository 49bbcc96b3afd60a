"""Edge shapes of Unleashed answers: error bodies without a Description, orders without landed costs or exchange
rates, and the simulator's own date form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from sentia_server.integrations.unleashed.errors import description, status_error
from sentia_server.integrations.unleashed.models import SalesOrder
from sentia_server.tools.unleashed.sales_orders import SalesOrdersInput, margin_of, sales_order_out
from sentia_testkit.simulators.unleashed import API_ID, UnleashedSimulator
from sentia_testkit.simulators.unleashed.records import dotnet


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(400, text="<html>Bad Request</html>"), None),
        (httpx.Response(400, json=["no", "object"]), None),
        (httpx.Response(400, json={"Description": "  "}), None),
        (httpx.Response(400, json={"description": "Invalid warehouse code"}), "Invalid warehouse code"),
        (httpx.Response(400, json={"Message": "The request is invalid."}), "The request is invalid."),
    ],
)
def test_the_description_is_read_from_any_error_body_that_has_one(response, expected):
    assert description(response) == expected


def test_a_400_without_a_description_still_says_what_was_refused():
    error = status_error(httpx.Response(400, text=""), "Products request")
    assert (
        str(error)
        == "unleashed: refused the Products request: no reason given (HTTP 400); correct the filters and try again"
    )


def test_an_order_without_landed_costs_or_exchange_rate_has_no_margin():
    order = SalesOrder.model_validate(
        {
            "Guid": "o1",
            "OrderNumber": "SO-1",
            "OrderStatus": "Placed",
            "Customer": {"CustomerCode": "C1"},
            "SalesOrderLines": [{"Product": {"ProductCode": "SEN-GIN-70"}, "OrderQuantity": 2, "LineTotal": 35}],
        }
    )
    out = sales_order_out(order, date(2026, 11, 27), SalesOrdersInput(include_margin=True))
    assert out.margin is None
    assert out.lines is not None and out.lines[0].margin is None
    assert out.exchange_rate is None and out.currency is None


def test_a_margin_on_no_revenue_has_no_percentage():
    assert margin_of(revenue=Decimal(0), cost=Decimal(5)).margin_percent is None


def test_the_simulator_writes_a_day_as_midnight_utc_and_lists_its_accounts():
    assert dotnet(date(1970, 1, 2)) == "/Date(86400000)/"
    assert list(UnleashedSimulator().accounts) == [API_ID]
