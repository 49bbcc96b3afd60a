"""An amount of money: an exact decimal in an ISO 4217 currency. Arithmetic never mixes currencies."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sentia_server.domain.currencies import ISO_4217_CODES
from sentia_server.domain.values import ExactDecimal


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies met in one calculation; convert one of them first."""


def _check_currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise ValueError(f"currency must be a three-letter ISO 4217 code such as GBP, EUR or USD, not {value!r}")
    if code not in ISO_4217_CODES:
        raise ValueError(f"currency {code!r} is not an ISO 4217 currency code")
    return code


CurrencyCode = Annotated[
    str,
    AfterValidator(_check_currency),
    Field(
        description="ISO 4217 currency code, e.g. GBP, EUR, USD (lower case is accepted and upper-cased).",
        json_schema_extra={"pattern": "^[A-Z]{3}$"},
    ),
]


class Money(BaseModel):
    """An amount in one currency. Add, subtract and compare only with the same currency; multiply by an exact
    number (Decimal or int), never a float."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: ExactDecimal = Field(
        description='The amount in the currency\'s main unit, as an exact decimal, e.g. "12.50" (a JSON number is '
        "read as the decimal it shows)."
    )
    currency: CurrencyCode

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=Decimal(0), currency=currency)

    @classmethod
    def total(cls, amounts: Iterable[Money], *, currency: str) -> Money:
        """The sum of `amounts` (0 when there are none); CurrencyMismatch if one is not in `currency`."""
        result = cls.zero(currency)
        for amount in amounts:
            result = result + amount
        return result

    def _same_currency(self, other: object, operation: str) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {operation} {self} and {other!r}: both must be Money")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot {operation} {self} and {other}: amounts in different currencies do not mix; "
                "convert one of them first"
            )

    def __add__(self, other: Money) -> Money:
        self._same_currency(other, "add")
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other, "subtract")
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def __neg__(self) -> Money:
        return Money(amount=-self.amount, currency=self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise TypeError(
                f"money is multiplied by a Decimal or an int, not {type(factor).__name__} "
                "(a float cannot hold most decimal amounts exactly)"
            )
        return Money(amount=self.amount * factor, currency=self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.currency} {self.amount}"
