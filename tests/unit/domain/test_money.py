"""Money: exact decimal amounts in ISO 4217 currencies, and arithmetic that refuses to mix currencies."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from unit.domain.helpers import rejection

from sentia_server.domain import CurrencyMismatch, Money
from sentia_server.domain.currencies import ISO_4217_CODES


def money(amount: str, currency: str = "GBP") -> Money:
    return Money(amount=Decimal(amount), currency=currency)


@pytest.mark.parametrize(
    ("data", "amount", "currency"),
    [
        ({"amount": "12.50", "currency": "GBP"}, Decimal("12.50"), "GBP"),
        ({"amount": 12.5, "currency": "eur"}, Decimal("12.5"), "EUR"),
        ({"amount": 0.1, "currency": "USD"}, Decimal("0.1"), "USD"),
        ({"amount": 1500, "currency": "JPY"}, Decimal(1500), "JPY"),
        ({"amount": "-3.20", "currency": " chf "}, Decimal("-3.20"), "CHF"),
    ],
)
def test_valid_money_keeps_the_exact_decimal_and_the_upper_case_code(data, amount, currency):
    parsed = Money.model_validate(data)
    assert (parsed.amount, parsed.currency) == (amount, currency)
    assert isinstance(parsed.amount, Decimal)


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        ({"amount": "1", "currency": "XYZ"}, "currency 'XYZ' is not an ISO 4217 currency code"),
        ({"amount": "1", "currency": "POUND"}, "currency must be a three-letter ISO 4217 code such as GBP"),
        ({"amount": "1", "currency": "G1P"}, "currency must be a three-letter ISO 4217 code"),
        ({"amount": "1", "currency": "ÉUR"}, "currency must be a three-letter ISO 4217 code"),
        ({"amount": True, "currency": "GBP"}, "a number is expected, not true or false"),
        ({"amount": float("nan"), "currency": "GBP"}, "a number must be finite (not NaN or infinity)"),
        ({"amount": float("inf"), "currency": "GBP"}, "a number must be finite (not NaN or infinity)"),
        ({"amount": "Infinity", "currency": "GBP"}, "Input should be a finite number"),
        ({"amount": "twelve", "currency": "GBP"}, "Input should be a valid decimal"),
        ({"amount": "1", "currency": "GBP", "rate": 1}, "Extra inputs are not permitted"),
        ({"currency": "GBP"}, "Field required"),
    ],
)
def test_invalid_money_is_rejected_naming_the_rule(data, rule):
    assert rule in rejection(Money, data)


def test_the_committed_currency_list_holds_the_codes_sentia_trades_in_and_recent_additions():
    assert {"GBP", "EUR", "USD", "XCG", "ZWG"} <= ISO_4217_CODES
    assert len(ISO_4217_CODES) == 183 and all(len(code) == 3 and code.isupper() for code in ISO_4217_CODES)


def test_same_currency_arithmetic_is_exact():
    assert money("0.10") + money("0.20") == money("0.30")
    assert money("10.00") - money("2.55") == money("7.45")
    assert money("1.25") * 3 == money("3.75") == 3 * money("1.25")
    assert money("2.50") * Decimal("1.5") == money("3.750")
    assert -money("4.00") == money("-4.00")
    assert Money.total([money("1.10"), money("2.20")], currency="GBP") == money("3.30")
    assert Money.total([], currency="EUR") == Money.zero("EUR") == money("0", "EUR")
    assert money("1") < money("2") <= money("2") and money("3") > money("2") >= money("2")
    assert str(money("12.50")) == "GBP 12.50"


@pytest.mark.parametrize(
    ("operation", "verb"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "subtract"),
        (lambda a, b: a < b, "compare"),
        (lambda a, b: a <= b, "compare"),
        (lambda a, b: a > b, "compare"),
        (lambda a, b: a >= b, "compare"),
    ],
)
def test_arithmetic_refuses_to_mix_currencies(operation, verb):
    with pytest.raises(CurrencyMismatch) as refused:
        operation(money("10.00"), money("5.00", "EUR"))
    assert str(refused.value) == (
        f"cannot {verb} GBP 10.00 and EUR 5.00: amounts in different currencies do not mix; convert one of them first"
    )


def test_a_total_refuses_an_amount_in_another_currency():
    with pytest.raises(CurrencyMismatch, match=re.escape("cannot add GBP 1.00 and USD 2.00")):
        Money.total([money("1.00"), money("2.00", "USD")], currency="GBP")


@pytest.mark.parametrize("factor", [1.5, True, "2"])
def test_money_is_multiplied_by_exact_numbers_only(factor):
    with pytest.raises(TypeError, match=r"money is multiplied by a Decimal or an int, not (float|bool|str)"):
        money("1.00") * factor


def test_money_only_adds_to_money():
    with pytest.raises(TypeError, match=re.escape("cannot add GBP 1.00 and 5: both must be Money")):
        money("1.00") + 5


def test_money_is_immutable():
    amount = money("1.00")
    with pytest.raises(ValueError, match="frozen"):
        amount.amount = Decimal(2)
