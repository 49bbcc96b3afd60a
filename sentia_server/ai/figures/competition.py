"""Price positioning and market structure from the prices and shares a caller passes.

Per category and currency: our average price, the competitors' average, minimum and maximum; price index = ours /
competitors' average * 100 (premium above 110, discount below 90, parity between); prices per litre when sizes are
given. Shares: rank, and revenue = share * market size when the size is given. Concentration: the
Herfindahl-Hirschman index Σ (share in %)² over the known shares (below 1500 unconcentrated, 1500-2500 moderately,
above 2500 highly concentrated, the US merger guidelines' bands).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.tools.registry import ToolOutput


class PricedProduct(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="e.g. 'London Dry Gin 70cl'.")
    category: str = Field(min_length=1, max_length=60, description="Products are compared within a category.")
    price: Decimal = Field(gt=0, le=1_000_000, description="Shelf price, including tax as sold.")
    currency: str = Field(description="ISO 4217 code of the price.", pattern=r"^[A-Z]{3}$")
    size_ml: int | None = Field(default=None, ge=1, le=100_000, description="Bottle size, for price per litre.")


class CompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="The company's name.", min_length=1, max_length=100)
    market_share: float | None = Field(default=None, ge=0, le=1, description="Share of the market, 0-1.")
    products: list[PricedProduct] = Field(
        description="Products with their shelf prices.", default_factory=list, max_length=200
    )
    strengths: list[str] = Field(description="Strengths, one a line.", default_factory=list, max_length=20)
    weaknesses: list[str] = Field(description="Weaknesses, one a line.", default_factory=list, max_length=20)


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description="The segment, e.g. 'premium gin', 'no- and low-alcohol'.", min_length=1, max_length=100
    )
    size: Decimal | None = Field(default=None, ge=0, le=1e13, description="In the market's currency.")
    growth_rate: float | None = Field(default=None, ge=-1, le=10, description="Yearly, 0.05 is +5%.")


class MarketIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: Decimal | None = Field(default=None, ge=0, le=1e13, description="Yearly market value.")
    currency: str | None = Field(description="ISO 4217 code of the market's size.", default=None, pattern=r"^[A-Z]{3}$")
    growth_rate: float | None = Field(default=None, ge=-1, le=10, description="Yearly, 0.05 is +5%.")
    segments: list[SegmentIn] = Field(description="The market's segments.", default_factory=list, max_length=30)


class PricePosition(ToolOutput):
    category: str
    currency: str
    our_average_price: float
    competitor_average_price: float
    competitor_min_price: float
    competitor_max_price: float
    competitors_compared: int
    price_index: float = Field(description="Ours / competitors' average * 100.")
    position: Literal["premium", "parity", "discount"]
    our_price_per_litre: float | None
    competitor_price_per_litre: float | None


class MarketShare(ToolOutput):
    name: str
    market_share: float
    rank: int
    revenue_estimate: float | None = Field(description="market_share * market size, when the size is given.")


class CompetitionFigures(ToolOutput):
    price_positions: list[PricePosition]
    categories_without_comparison: list[str]
    shares: list[MarketShare]
    known_share_total: float | None
    hhi: float | None = Field(description="Herfindahl-Hirschman index of the known shares.")
    concentration: Literal["unconcentrated", "moderately_concentrated", "highly_concentrated"] | None
    market_size: float | None
    market_growth_rate: float | None
    segments_by_size: list[str]


def _per_litre(products: list[PricedProduct]) -> float | None:
    sized = [float(p.price) * 1000 / p.size_ml for p in products if p.size_ml]
    return round(sum(sized) / len(sized), 2) if sized else None


def _mean(products: list[PricedProduct]) -> float:
    return float(sum(product.price for product in products) / len(products))


def competition_figures(
    company: CompanyIn, competitors: list[CompanyIn], market: MarketIn | None
) -> CompetitionFigures:
    ours: dict[tuple[str, str], list[PricedProduct]] = defaultdict(list)
    theirs: dict[tuple[str, str], list[PricedProduct]] = defaultdict(list)
    rivals: dict[tuple[str, str], set[str]] = defaultdict(set)
    for product in company.products:
        ours[(product.category.lower(), product.currency)].append(product)
    for competitor in competitors:
        for product in competitor.products:
            key = (product.category.lower(), product.currency)
            theirs[key].append(product)
            rivals[key].add(competitor.name)
    positions = []
    alone = []
    for key in sorted(ours):
        if key not in theirs:
            alone.append(f"{ours[key][0].category} ({key[1]})")
            continue
        our_price, their_price = _mean(ours[key]), _mean(theirs[key])
        index = our_price / their_price * 100
        positions.append(
            PricePosition(
                category=ours[key][0].category,
                currency=key[1],
                our_average_price=round(our_price, 2),
                competitor_average_price=round(their_price, 2),
                competitor_min_price=float(min(p.price for p in theirs[key])),
                competitor_max_price=float(max(p.price for p in theirs[key])),
                competitors_compared=len(rivals[key]),
                price_index=round(index, 1),
                position="premium" if index > 110 else "discount" if index < 90 else "parity",
                our_price_per_litre=_per_litre(ours[key]),
                competitor_price_per_litre=_per_litre(theirs[key]),
            )
        )
    known = [(c.name, c.market_share) for c in [company, *competitors] if c.market_share is not None]
    size = market.size if market is not None else None
    ranked = sorted(known, key=lambda item: (-item[1], item[0]))
    shares = [
        MarketShare(
            name=name,
            market_share=share,
            rank=rank,
            revenue_estimate=None if size is None else round(float(size) * share, 2),
        )
        for rank, (name, share) in enumerate(ranked, start=1)
    ]
    hhi = round(sum((share * 100) ** 2 for _, share in known), 1) if known else None
    segments = sorted(market.segments if market else [], key=lambda s: -(s.size or 0))
    return CompetitionFigures(
        price_positions=positions,
        categories_without_comparison=alone,
        shares=shares,
        known_share_total=round(sum(share for _, share in known), 4) if known else None,
        hhi=hhi,
        concentration=(
            None
            if hhi is None
            else "unconcentrated"
            if hhi < 1500
            else "moderately_concentrated"
            if hhi <= 2500
            else "highly_concentrated"
        ),
        market_size=None if size is None else float(size),
        market_growth_rate=None if market is None else market.growth_rate,
        segments_by_size=[segment.name for segment in segments],
    )
