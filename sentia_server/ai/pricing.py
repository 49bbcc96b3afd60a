"""The cost of a model call from its token counts and the per-model prices in the settings. A model without a
configured price costs 0 with a note saying so: a price is never guessed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sentia_server.integrations.settings import ModelPrice

MILLION = Decimal(1_000_000)
MICRO_DOLLAR = Decimal("0.000001")


@dataclass(frozen=True)
class Cost:
    usd: Decimal
    price_known: bool
    note: str | None = None


def price_of(prices: Mapping[str, ModelPrice], *models: str) -> ModelPrice | None:
    """The price of the first of `models` (the model asked for, then the snapshot that answered) that has one."""
    for model in models:
        if model in prices:
            return prices[model]
    return None


def cost_of(
    prices: Mapping[str, ModelPrice], vendor: str, requested: str, answered: str, input_tokens: int, output_tokens: int
) -> Cost:
    price = price_of(prices, requested, answered)
    if price is None:
        return Cost(
            Decimal(0),
            price_known=False,
            note=f"no price is configured for model {requested!r}, so the cost is recorded as 0 (unknown); "
            f"set SENTIA_{vendor.upper()}__PRICES",
        )
    usd = (input_tokens * price.input_per_million + output_tokens * price.output_per_million) / MILLION
    return Cost(usd.quantize(MICRO_DOLLAR), price_known=True)
