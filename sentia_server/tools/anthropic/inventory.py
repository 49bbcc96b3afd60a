"""claude-inventory-optimization: safety stock, reorder points, order quantities, days of cover and ABC classes
computed from a Shopify shop's stock and the demand in its orders (or items the caller passes), and Claude's
recommendations."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sentia_server.ai import periods
from sentia_server.ai.figures.inventory import DemandItem, InventoryFigures, Policy, inventory_figures
from sentia_server.ai.narrative import Narrative
from sentia_server.ai.sources.shopify import shopify_demand, shopify_stock
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.anthropic.common import VENDOR, Context, claude_tool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolInput

NAME = "claude-inventory-optimization"
HORIZON_DAYS = {"1_month": 30, "3_months": 91, "6_months": 182, "12_months": 365}
Goal = Literal["minimize_costs", "maximize_service_level", "optimize_turnover", "reduce_waste", "improve_cash_flow"]


class InventoryItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/ -]*$", description="The item's SKU."
    )
    name: str | None = Field(description="The item's name.", default=None, max_length=200)
    on_hand: float = Field(ge=0, le=1e9, description="Units in stock now.")
    daily_demand: list[float] = Field(
        min_length=7, max_length=730, description="Units demanded each day, oldest first, zeros included."
    )
    unit_cost: Decimal | None = Field(
        description="What one unit costs (for EOQ, stock value and ABC by value).", default=None, ge=0, le=1_000_000
    )
    lead_time_days: float | None = Field(default=None, gt=0, le=365, description="Overrides lead_time_days.")

    @model_validator(mode="after")
    def _non_negative(self) -> InventoryItemIn:
        if any(value < 0 for value in self.daily_demand):
            raise ValueError("daily_demand cannot be negative")
        return self


class InventoryInput(ToolInput):
    shop: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
        description="The Shopify shop (uk or usa) whose stock and orders to use; or pass items.",
    )
    demand_days: int = Field(default=90, ge=14, le=365, description="With shop: days of orders that define demand.")
    items: list[InventoryItemIn] | None = Field(
        description="Items to optimise instead of reading Shopify.", default=None, min_length=1, max_length=500
    )
    lead_time_days: float | None = Field(
        default=None, gt=0, le=365, description="Supplier lead time in days, for items without their own."
    )
    unit_costs: dict[str, Decimal] = Field(
        default_factory=dict, max_length=2000, description="With shop: unit cost by SKU, for EOQ, value and ABC."
    )
    service_level: float = Field(default=0.95, ge=0.8, le=0.99, description="Chance of not running out in a cycle.")
    ordering_cost: Decimal | None = Field(default=None, ge=0, le=1_000_000, description="Cost of placing one order.")
    holding_cost_rate: float | None = Field(
        default=None, gt=0, le=1, description="Yearly holding cost as a fraction of unit cost, e.g. 0.25."
    )
    optimization_goals: list[Goal] = Field(
        description="What the stock policy should favour.", min_length=1, max_length=5
    )
    forecast_horizon: Literal["1_month", "3_months", "6_months", "12_months"] = Field(
        default="3_months", description="The horizon of demand and suggested orders."
    )
    include_abc: bool = Field(default=True, description="Classify items A, B and C by yearly consumption.")
    max_orders: int = Field(default=5000, ge=1, le=20_000, description="With shop: read at most this many orders.")
    context: Context

    @model_validator(mode="after")
    def _consistent(self) -> InventoryInput:
        if (self.shop is None) == (self.items is None):
            raise ValueError("pass either shop (read Shopify) or items, not both")
        if self.shop is not None and self.lead_time_days is None:
            raise ValueError("lead_time_days is needed with shop: Shopify does not know supplier lead times")
        if self.items is not None:
            if any(item.lead_time_days is None for item in self.items) and self.lead_time_days is None:
                raise ValueError("every item needs lead_time_days, or give lead_time_days for all")
            skus = [item.sku for item in self.items]
            if len(skus) != len(set(skus)):
                raise ValueError("items has a SKU twice")
        if self.unit_costs and self.shop is None:
            raise ValueError("unit_costs go with shop; items carry their own unit_cost")
        return self

    def lead_time(self, own: float | None) -> float:
        """An item's lead time: its own, else the one for all (the validator makes sure there is one)."""
        chosen = own if own is not None else self.lead_time_days
        if chosen is None:
            raise ToolError(f"{NAME}: lead_time_days is missing")
        return chosen


class InventoryResult(AiResult):
    source: Literal["shopify", "provided"]
    figures: InventoryFigures
    analysis: Narrative


async def _shopify_items(
    params: InventoryInput, shop: str, ctx: ToolContext, sources: list[str], notes: list[str]
) -> list[DemandItem]:
    start, end = periods.last_days(params.demand_days, periods.utc_today())
    stock = await shopify_stock(ctx, shop)
    demand, pull, unmatched = await shopify_demand(ctx, shop, start, end, max_orders=params.max_orders)
    sources.append(f"stock: Shopify inventory of shop {stock.shop}, summed over {', '.join(stock.locations)}")
    sources.append(pull.source(start, end))
    if not stock.complete:
        notes.append("the shop has more inventory levels than one analysis reads; some SKUs are missing")
    if not pull.complete:
        notes.append("max_orders stopped the reading of orders early: demand is understated")
    if unmatched:
        notes.append(f"{unmatched} units sold on lines without a SKU could not be matched to stock")
    if stock.untracked_or_without_sku:
        notes.append(f"{stock.untracked_or_without_sku} inventory levels without tracking or SKU were left out")
    days = params.demand_days
    items = []
    for sku, level in sorted(stock.levels.items()):
        items.append(
            DemandItem(
                sku=sku,
                name=level.name,
                on_hand=float(level.on_hand),
                daily_demand=demand.get(sku, [0.0] * days),
                unit_cost=params.unit_costs.get(sku),
                lead_time_days=params.lead_time(None),
            )
        )
    sold_unstocked = sorted(set(demand) - set(stock.levels))
    if sold_unstocked:
        notes.append(f"sold but not in the shop's tracked stock: {', '.join(sold_unstocked[:20])}")
    return items


@claude_tool(NAME, "Claude: inventory optimisation")
async def optimize_inventory(params: InventoryInput, ctx: ToolContext) -> InventoryResult:
    """Optimise stock: for each SKU the server computes average daily demand and its spread, safety stock for the
    service level, reorder point, days of cover, demand over the horizon, a suggested order, EOQ (with costs) and
    ABC classes, from a Shopify shop's stock and the demand in its orders (lead time from you), or from items you
    pass; Claude writes the recommendations for your goals."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    sources: list[str] = []
    notes: list[str] = []
    if params.shop is not None:
        items = await _shopify_items(params, params.shop, ctx, sources, notes)
    else:
        items = [
            DemandItem(
                sku=item.sku,
                name=item.name,
                on_hand=item.on_hand,
                daily_demand=item.daily_demand,
                unit_cost=item.unit_cost,
                lead_time_days=params.lead_time(item.lead_time_days),
            )
            for item in params.items or []
        ]
        sources.append(f"{len(items)} items passed by the caller")
    if not items:
        raise ToolError(f"{NAME}: shop {params.shop} has no tracked stock with SKUs; nothing to optimise")
    policy = Policy(
        service_level=params.service_level,
        horizon_days=HORIZON_DAYS[params.forecast_horizon],
        ordering_cost=params.ordering_cost,
        holding_rate=params.holding_cost_rate,
    )
    figures = inventory_figures(items, policy, include_abc=params.include_abc)
    answer = await ai.write(
        Narrative,
        task="Recommend how to manage this stock for the goals given: what to reorder now, what is overstocked, "
        "where safety stock or order quantities should change, and how the ABC classes should be handled.",
        options={"goals": params.optimization_goals, "horizon": params.forecast_horizon},
        data=figures,
        material=params.context,
    )
    return InventoryResult(
        source="shopify" if params.shop is not None else "provided",
        figures=figures,
        analysis=answer.value,
        usage=answer.usage,
        sources=sources,
        notes=notes,
    )
