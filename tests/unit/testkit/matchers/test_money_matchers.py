"""IsMoney and IsCurrency: values that must match and values that must not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from sentia_server.domain import Money
from sentia_testkit.matchers import IsCurrency, IsMoney


class Price(BaseModel):
    amount: Decimal
    currency: str


MATCHING: list[tuple[Any, Any]] = [
    (Money(amount=Decimal("12.50"), currency="GBP"), IsMoney()),
    ({"amount": "12.50", "currency": "GBP"}, IsMoney("12.5", currency="GBP")),
    ({"amount": 12.5, "currency": "gbp"}, IsMoney(Decimal("12.50"), currency="GBP")),
    ({"amount": 0.3, "currency": "EUR"}, IsMoney(0.3)),
    ({"amount": "0", "currency": "USD"}, IsMoney(ge=0, lt="0.01")),
    ({"amount": "-5", "currency": "USD"}, IsMoney(gt=-6, le=-5)),
    ({"amount": "12.500", "currency": "GBP"}, IsMoney(places=2)),
    ({"amount": "1200", "currency": "JPY"}, IsMoney(places=0)),
    (Price(amount=Decimal("3.10"), currency="CHF"), IsMoney("3.1", currency="CHF")),
    ("GBP", IsCurrency()),
    ("HRK", IsCurrency()),
    ("EUR", IsCurrency("GBP", "EUR")),
]

NOT_MATCHING: list[tuple[Any, Any, list[str]]] = [
    ("12.50 GBP", IsMoney(), ["expected Money or a dict with amount and currency, not str"]),
    ({"amount": "1", "currency": "GBX"}, IsMoney(), ["currency: currency 'GBX' is not an ISO 4217 currency code"]),
    ({"amount": "NaN", "currency": "GBP"}, IsMoney(), ["amount: "]),
    ({"amount": True, "currency": "GBP"}, IsMoney(), ["amount: a number is expected, not true or false"]),
    ({"amount": "1"}, IsMoney(), ["currency: required field is missing"]),
    ({"amount": 0.1 + 0.2, "currency": "GBP"}, IsMoney("0.3"), ["amount: expected 0.3, got 0.30000000000000004"]),
    ({"amount": "1", "currency": "EUR"}, IsMoney(currency="GBP"), ["currency: expected GBP, got EUR"]),
    ({"amount": "1", "currency": "EUR"}, IsMoney(ge=2), ["amount: must be >= 2, got 1"]),
    ({"amount": "2", "currency": "EUR"}, IsMoney(gt=2), ["amount: must be > 2, got 2"]),
    ({"amount": "3", "currency": "EUR"}, IsMoney(le="2.99"), ["amount: must be <= 2.99, got 3"]),
    ({"amount": "3", "currency": "EUR"}, IsMoney(lt=3, ge=4), ["amount: must be >= 4, got 3", "amount: must be < 3"]),
    ({"amount": "1.005", "currency": "GBP"}, IsMoney(places=2), ["amount: has 3 decimal places, at most 2"]),
    (Price(amount=Decimal(1), currency="XXY"), IsMoney(), ["currency: currency 'XXY' is not an ISO 4217"]),
    ("gbp", IsCurrency(), ["'gbp' is not an ISO 4217 currency code (codes are upper case)"]),
    ("ABC", IsCurrency(), ["'ABC' is not an ISO 4217 currency code"]),
    (826, IsCurrency(), ["a currency code is text, not int"]),
    ("USD", IsCurrency("GBP", "EUR"), ["USD is not one of EUR, GBP"]),
]


@pytest.mark.parametrize(("value", "matcher"), MATCHING)
def test_matches(value: Any, matcher: Any):
    assert value == matcher


@pytest.mark.parametrize(("value", "matcher", "problems"), NOT_MATCHING)
def test_does_not_match(value: Any, matcher: Any, problems: list[str]):
    assert value != matcher
    explained = matcher.explain()
    assert len(explained) == len(problems), explained
    for line, expected in zip(explained, problems, strict=True):
        assert line.startswith(expected), (line, expected)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: IsMoney(currency="XYZ"), "currency 'XYZ' is not an ISO 4217 currency code"),
        (lambda: IsMoney(ge="lots"), "ge must be a finite number"),
        (lambda: IsMoney(amount=float("inf")), "amount must be a finite number"),
        (lambda: IsMoney(places=-1), "places must be a whole number 0 or more"),
        (lambda: IsMoney(places=True), "places must be a whole number 0 or more"),
        (lambda: IsMoney(ge=[1]), "ge must be a finite number"),
        (lambda: IsCurrency("GBP", "EURO"), "'EURO' is not an ISO 4217 currency code"),
    ],
)
def test_a_wrong_option_is_refused_when_the_matcher_is_made(make: Any, message: str):
    with pytest.raises(TypeError, match=message):
        make()
