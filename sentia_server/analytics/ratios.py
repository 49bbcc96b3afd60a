"""Liquidity and profitability ratios. A ratio whose denominator is zero is undefined (None), never infinity."""

from __future__ import annotations

from decimal import Decimal


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return numerator / denominator


def current_ratio(current_assets: Decimal, current_liabilities: Decimal) -> Decimal | None:
    """Current assets over current liabilities: can the business meet what falls due within a year."""
    return ratio(current_assets, current_liabilities)


def quick_ratio(current_assets: Decimal, inventory: Decimal, current_liabilities: Decimal) -> Decimal | None:
    """Like the current ratio without inventory, which may not turn into cash quickly."""
    return ratio(current_assets - inventory, current_liabilities)


def margin(profit: Decimal, revenue: Decimal) -> Decimal | None:
    """Profit as a fraction of revenue (0.25 is a 25% margin); undefined without revenue."""
    if revenue <= 0:
        return None
    return profit / revenue
