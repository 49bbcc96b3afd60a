"""Token usage and cost of one AI tool call: added up over its attempts, returned in the tool's result and
recorded in `ai_usage` whatever the outcome."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from pydantic import BaseModel, ConfigDict, Field

from sentia_server.ai.exchange import Answer
from sentia_server.ai.pricing import Cost, cost_of
from sentia_server.integrations.settings import AiModelSettings
from sentia_server.runtime import Runtime
from sentia_server.storage.ai_usage import AiUsageRecord, AiUsageRepository

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AiCaller:
    """Who asked, for which tool: what the usage record keeps besides the tokens."""

    runtime: Runtime
    tool: str
    tenant: str
    subject: str
    request_id: str | None


class AiUsageReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str
    model: str = Field(description="The model that answered (the vendor's name for it).")
    input_tokens: int = Field(description="Input tokens over every attempt.")
    output_tokens: int = Field(description="Output tokens over every attempt.")
    cost_usd: float = Field(description="Cost in US dollars from the configured price per model; 0 when unknown.")
    price_known: bool = Field(description="False when no price is configured for the model (cost_usd is then 0).")
    attempts: int = Field(description="Model calls made: 2 when the first answer did not match the structure.")
    note: str | None = None


@dataclass
class UsageTally:
    """Tokens of the attempts so far, for one provider and model."""

    provider: str
    settings: AiModelSettings
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    answered_model: str | None = None

    def add(self, answer: Answer) -> None:
        self.input_tokens += answer.input_tokens
        self.output_tokens += answer.output_tokens
        self.answered_model = answer.model

    def cost(self) -> Cost:
        return cost_of(
            self.settings.prices,
            self.provider,
            self.settings.model,
            self.model,
            self.input_tokens,
            self.output_tokens,
        )

    @property
    def model(self) -> str:
        return self.answered_model or self.settings.model

    def report(self) -> AiUsageReport:
        cost = self.cost()
        return AiUsageReport(
            provider=self.provider,
            model=self.model,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cost_usd=float(cost.usd),
            price_known=cost.price_known,
            attempts=self.attempts,
            note=cost.note,
        )


async def record_usage(caller: AiCaller, tally: UsageTally, outcome: str) -> None:
    """Write the call to `ai_usage`; a database outage is logged, not allowed to fail a call already paid for."""
    cost = tally.cost()
    caller.runtime.metrics.observe_ai_usage(
        tally.provider, tally.settings.model, tally.input_tokens, tally.output_tokens, float(cost.usd)
    )
    if not cost.price_known:
        log.warning("ai call priced at 0: no price configured", provider=tally.provider, model=tally.model)
    record = AiUsageRecord(
        tenant=caller.tenant,
        principal_subject=caller.subject,
        tool=caller.tool,
        provider=tally.provider,
        model=tally.model,
        input_tokens=tally.input_tokens,
        output_tokens=tally.output_tokens,
        cost_usd=cost.usd,
        attempts=tally.attempts,
        outcome=outcome,
        request_id=caller.request_id,
    )
    try:
        await AiUsageRepository(caller.runtime.database).record(record)
    except Exception as error:  # the usage table is unreachable: the answer still stands
        log.error("ai usage not recorded", tool=caller.tool, error_type=type(error).__name__)
