"""MCP prompts: ready-made requests that point the model at the tools holding the figures it needs.

`manufacturing-analysis` analyses one metric over a timeframe; `working-capital-optimization` plans how to bring
the cash conversion cycle down to a target. Prompt arguments are strings (MCP); a bad one is refused with an
invalid-params error naming the argument and the rule.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.prompts.base import Message, Prompt, UserMessage
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, InputRequiredResult
from pydantic import Field

DEFAULT_TIMEFRAME = "the last 12 full months"
MAX_CCC_DAYS = 365.0

GROUND_RULES = (
    "Work only from figures the Sentia tools return. Name the tool and the period behind every number you give, "
    "say plainly when data is missing or a tool refuses, and never fill a gap with an estimate presented as fact. "
    "Start with list-tools to see which tools your role may call; if a tool fails, system-status says which vendors "
    "are configured."
)

# Which tools hold the data for a metric, by words that name it. A metric matching none gets every pointer.
METRIC_TOOLS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("quality", "defect", "inspection", "yield", "pass rate", "reject", "lot"),
        "quality-records-list: inspections filtered by product_sku, work_order, lot_number, result and "
        "inspected_from/inspected_to; its `matching` block gives pass and fail counts and the pass rate for the "
        "whole filter, so compare it period by period and SKU by SKU before reading individual records.",
    ),
    (
        ("cash", "working capital", "ccc", "conversion", "receivable", "payable", "debtor", "creditor", "dso", "dpo"),
        "manufacturing-working-capital: working capital and the cash conversion cycle (DSO, DIO, DPO) with each "
        "input's source, the cash a day off each lever releases, and compare_with_previous_period for the trend; "
        "xero-analytics with analysis=receivables_aging (who owes what, how late) and cash_flow_trend (money in and "
        "out per month).",
    ),
    (
        ("revenue", "sales", "order", "demand", "forecast", "channel", "customer"),
        "xero-analytics with analysis=forecast (monthly revenue with prediction intervals) and xero-get-invoices "
        "(ACCREC) for invoiced sales; shopify-get-orders and shopify-get-analytics for the web shops; "
        "amazon-get-orders and amazon-get-reports for the marketplace.",
    ),
    (
        ("margin", "profit", "cost", "expense", "price", "ratio"),
        "xero-analytics with analysis=financial_ratios (current and quick ratios, gross and net margin) and "
        "xero-get-financial-reports (ProfitAndLoss, BalanceSheet) for the lines behind them.",
    ),
    (
        ("inventory", "stock", "reorder", "dio", "warehouse"),
        "shopify-get-inventory and amazon-get-inventory for stock by channel, the inventory line of "
        "manufacturing-working-capital (days inventory outstanding, valued from the books), and any tool of the "
        "manufacturing or unleashed category that list-tools shows for stock and production.",
    ),
)


def invalid(argument: str, rule: str) -> MCPError:
    return MCPError(code=INVALID_PARAMS, message=f"invalid argument '{argument}': {rule}")


def checked_text(argument: str, value: str | None, max_length: int, *, required: bool = False) -> str | None:
    """`value` trimmed; None when it is absent or blank and not required."""
    value = (value or "").strip()
    if not value:
        if required:
            raise invalid(argument, "must not be blank")
        return None
    if len(value) > max_length:
        raise invalid(argument, f"must be at most {max_length} characters, not {len(value)}")
    return value


def checked_days(argument: str, value: str | None) -> float | None:
    """A number of days between -365 and 365, from its text; None when absent or blank."""
    text = (value or "").strip().removesuffix("days").removesuffix("d").strip()
    if not text:
        return None
    try:
        days = float(text)
    except ValueError:
        raise invalid(argument, f"must be a number of days, e.g. 62.5, not {value!r}") from None
    if not -MAX_CCC_DAYS <= days <= MAX_CCC_DAYS:
        raise invalid(argument, f"must be between -{MAX_CCC_DAYS:g} and {MAX_CCC_DAYS:g} days, not {days:g}")
    return days


def tools_for(metric: str) -> list[str]:
    wanted = metric.casefold()
    matched = [pointer for words, pointer in METRIC_TOOLS if any(word in wanted for word in words)]
    return matched or [pointer for _, pointer in METRIC_TOOLS]


def manufacturing_analysis(
    metric: Annotated[
        str, Field(description="What to analyse, e.g. 'quality pass rate', 'cash conversion cycle', 'gin revenue'.")
    ],
    timeframe: Annotated[
        str | None, Field(description=f"The period to cover, e.g. 'Q3 2026'; default: {DEFAULT_TIMEFRAME}.")
    ] = None,
    context: Annotated[
        str | None, Field(description="Anything the analysis should take into account, e.g. a product launch.")
    ] = None,
) -> list[UserMessage]:
    """Analyse one manufacturing or business metric over a timeframe from Sentia's own systems: its current value,
    its trend, what drives it and what to do about it."""
    subject = checked_text("metric", metric, 200, required=True)
    period = checked_text("timeframe", timeframe, 100) or DEFAULT_TIMEFRAME
    background = checked_text("context", context, 2000)
    pointers = "\n".join(f"- {pointer}" for pointer in tools_for(subject or ""))
    sections = [
        f"Analyse {subject} for Sentia, a maker of botanical spirits and mixers selling in the UK, the EU and the "
        f"US, over {period}.",
        GROUND_RULES,
        f"Where the figures are:\n{pointers}",
        "Report, in this order:\n"
        f"1. The value of {subject} over {period}, with the tool and period each figure came from.\n"
        "2. Its trend: compare with the period before and, where the tools allow, by product, channel or market.\n"
        "3. What drives it, naming the records or lines that show it.\n"
        "4. Three actions, each with the figure it should move and by how much, and how to check it worked.\n"
        "5. What data was missing or refused, and which tool or setting would supply it.",
    ]
    if background:
        sections.append(f"Take into account: {background}")
    return [UserMessage("\n\n".join(sections))]


def working_capital_optimization(
    *,
    current_ccc: Annotated[
        str | None,
        Field(description="The current cycle in days, if known, e.g. '101'; otherwise it is computed from the books."),
    ] = None,
    target_ccc: Annotated[str, Field(description="The cash conversion cycle to reach, in days, e.g. '45'.")],
    constraints: Annotated[
        str | None,
        Field(description="Limits the plan must respect, e.g. 'keep 6 weeks of gin stock before December'."),
    ] = None,
) -> list[UserMessage]:
    """Plan how to bring the cash conversion cycle to a target: which lever (collecting sooner, holding less
    stock, paying later) releases how much cash, within the stated constraints."""
    target = checked_days("target_ccc", target_ccc)
    if target is None:
        raise invalid("target_ccc", "must not be blank")
    current = checked_days("current_ccc", current_ccc)
    limits = checked_text("constraints", constraints, 2000)
    steps = [
        f"1. Call manufacturing-working-capital with target_ccc_days={target:g} and compare_with_previous_period=true. "
        "It gives the cycle (DSO + DIO - DPO) with each input's source and period, the cash one day off each lever "
        "releases, and the cash that closing the whole gap through each lever would release.",
        "2. Receivables: xero-analytics with analysis=receivables_aging, and xero-get-invoices (ACCREC, overdue "
        "only) for the customers whose late payment lengthens DSO most.",
        "3. Payables: xero-get-invoices (ACCPAY) for what is owed to which suppliers and when it falls due.",
        "4. Inventory: the stock tools list-tools shows (Shopify, Amazon, and the manufacturing and unleashed "
        "categories) for slow-moving SKUs; keep seasonal peaks such as the Christmas gin season covered.",
        "5. Propose a plan per lever: the days it takes off, the cash it releases (from the per-day figures of step "
        "1), the risk (supplier relations, stock-outs, customer terms) and the order to do it in.",
    ]
    if current is None:
        position = f"Bring Sentia's cash conversion cycle to {target:g} days. The current cycle comes from step 1."
    elif current <= target:
        position = (
            f"Sentia's cash conversion cycle is {current:g} days, already at or below the target of {target:g} days: "
            "confirm it with step 1, then look for cash to release without lengthening it."
        )
    else:
        position = (
            f"Bring Sentia's cash conversion cycle from {current:g} to {target:g} days, a gap of "
            f"{current - target:g} days. Check the current figure with step 1 and say if it differs."
        )
    sections = [position, GROUND_RULES, "\n".join(steps)]
    if limits:
        sections.append(f"The plan must respect: {limits}")
    return [UserMessage("\n\n".join(sections))]


class CheckedPrompt(Prompt):
    """A prompt that refuses missing required arguments with an invalid-params error naming them (the SDK's own
    check surfaces as an internal error)."""

    async def render(
        self, arguments: dict[str, Any] | None, context: Context[Any, Any]
    ) -> list[Message] | InputRequiredResult:
        given = {name for name, value in (arguments or {}).items() if value is not None}
        missing = [
            argument.name for argument in self.arguments or [] if argument.required and argument.name not in given
        ]
        if missing:
            raise invalid(missing[0], "is required")
        return await super().render(arguments, context)


def register_prompts(server: MCPServer) -> None:
    """Add the prompts to `server` (they need no runtime: they only point at tools)."""
    server.add_prompt(
        CheckedPrompt.from_function(
            manufacturing_analysis, name="manufacturing-analysis", title="Manufacturing analysis"
        )
    )
    server.add_prompt(
        CheckedPrompt.from_function(
            working_capital_optimization,
            name="working-capital-optimization",
            title="Working capital optimization",
        )
    )
