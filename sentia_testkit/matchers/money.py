"""Matchers for money and currencies: amounts compared as exact decimals, currencies checked against ISO 4217."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from sentia_server.domain import Money
from sentia_server.domain.currencies import ISO_4217_CODES
from sentia_testkit.matchers._explained import ExplainedMatcher, Problem
from sentia_testkit.matchers.domain import as_decimal, validation_problems

Number = Decimal | int | float | str


def _bound(name: str, value: Number | None) -> Decimal | None:
    if value is None:
        return None
    number = as_decimal(value)
    if number is None:
        raise TypeError(f"IsMoney: {name} must be a finite number (Decimal, int, float or numeric text), not {value!r}")
    return number


class IsCurrency(ExplainedMatcher[str]):
    """An ISO 4217 currency code in upper case, e.g. "GBP"; `IsCurrency("GBP", "EUR")` allows only those."""

    def __init__(self, *allowed: str) -> None:
        unknown = [code for code in allowed if code not in ISO_4217_CODES]
        if unknown:
            raise TypeError(f"IsCurrency: {', '.join(map(repr, unknown))} is not an ISO 4217 currency code")
        self.allowed = frozenset(allowed)
        super().__init__(*allowed)

    def check(self, other: Any) -> list[Problem]:
        if not isinstance(other, str):
            return [Problem("", f"a currency code is text, not {type(other).__name__}")]
        if other not in ISO_4217_CODES:
            hint = " (codes are upper case)" if other.upper() in ISO_4217_CODES else ""
            return [Problem("", f"{other!r} is not an ISO 4217 currency code{hint}")]
        if self.allowed and other not in self.allowed:
            return [Problem("", f"{other} is not one of {', '.join(sorted(self.allowed))}")]
        return []


class IsMoney(ExplainedMatcher[Any]):
    """A `Money` or a `{"amount", "currency"}` dict that validates as one, optionally with an exact `amount`, a
    `currency`, bounds (`ge`, `gt`, `le`, `lt`) and at most `places` decimal places. Amounts are compared as
    exact decimals: a float is read as the decimal it shows, so 0.1 + 0.2 is not 0.3."""

    def __init__(
        self,
        amount: Number | None = None,
        *,
        currency: str | None = None,
        ge: Number | None = None,
        gt: Number | None = None,
        le: Number | None = None,
        lt: Number | None = None,
        places: int | None = None,
    ) -> None:
        if currency is not None and currency not in ISO_4217_CODES:
            raise TypeError(f"IsMoney: currency {currency!r} is not an ISO 4217 currency code")
        if places is not None and (isinstance(places, bool) or not isinstance(places, int) or places < 0):
            raise TypeError(f"IsMoney: places must be a whole number 0 or more, not {places!r}")
        self.amount = _bound("amount", amount)
        self.currency = currency
        self.bounds = {
            name: number
            for name, number in (
                ("ge", _bound("ge", ge)),
                ("gt", _bound("gt", gt)),
                ("le", _bound("le", le)),
                ("lt", _bound("lt", lt)),
            )
            if number is not None
        }
        self.places = places
        given = {"currency": currency, "ge": ge, "gt": gt, "le": le, "lt": lt, "places": places}
        super().__init__(*([] if amount is None else [amount]), **{k: v for k, v in given.items() if v is not None})

    def check(self, other: Any) -> list[Problem]:
        if isinstance(other, BaseModel) and not isinstance(other, Money):
            other = other.model_dump()
        if not isinstance(other, Money | dict):
            return [Problem("", f"expected Money or a dict with amount and currency, not {type(other).__name__}")]
        try:
            money = other if isinstance(other, Money) else Money.model_validate(other)
        except ValidationError as refused:
            return validation_problems(refused)
        problems = []
        if self.currency is not None and money.currency != self.currency:
            problems.append(Problem("currency", f"expected {self.currency}, got {money.currency}"))
        if self.amount is not None and money.amount != self.amount:
            problems.append(Problem("amount", f"expected {self.amount}, got {money.amount}"))
        rules = {
            "ge": (">=", Decimal.__ge__),
            "gt": (">", Decimal.__gt__),
            "le": ("<=", Decimal.__le__),
            "lt": ("<", Decimal.__lt__),
        }
        for name, limit in self.bounds.items():
            symbol, holds = rules[name]
            if not holds(money.amount, limit):
                problems.append(Problem("amount", f"must be {symbol} {limit}, got {money.amount}"))
        exponent = money.amount.normalize().as_tuple().exponent
        if self.places is not None and isinstance(exponent, int) and -exponent > self.places:
            problems.append(
                Problem("amount", f"has {-exponent} decimal places, at most {self.places} allowed: {money.amount}")
            )
        return problems
