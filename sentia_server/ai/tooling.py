"""An AI tool's call of its model: the vendor's provider (checked before any data is fetched, so an unconfigured
vendor fails fast and costs nothing), then a prompt from the computed figures and a structured answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from sentia_server.ai.prompts import build_prompt
from sentia_server.ai.providers import AiProvider, Vendor, provider
from sentia_server.ai.structured import Answered, ask
from sentia_server.ai.usage import AiCaller, AiUsageReport
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolOutput

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class AiTool:
    ctx: ToolContext
    name: str
    provider: AiProvider

    @classmethod
    def start(cls, ctx: ToolContext, name: str, vendor: Vendor) -> AiTool:
        """VendorNotConfigured (naming the settings to set) when the vendor's key is not set."""
        return cls(ctx, name, provider(ctx.runtime, vendor))

    async def write(
        self,
        output: type[ModelT],
        *,
        task: str,
        options: Mapping[str, Any],
        data: BaseModel | Mapping[str, Any],
        material: str | None = None,
        check: Callable[[ModelT], str | None] | None = None,
    ) -> Answered[ModelT]:
        """The model's `output` about `data`; `check` finds problems the schema cannot express (they count as a
        structure violation, so the model gets one chance to fix them)."""
        caller = AiCaller(
            runtime=self.ctx.runtime,
            tool=self.name,
            tenant=self.ctx.principal.tenant,
            subject=self.ctx.principal.subject,
            request_id=self.ctx.request_id,
        )
        prompt = build_prompt(name=self.name, task=task, options=options, data=data, output=output, material=material)
        return await ask(self.provider, caller, prompt, output, check=check)


class AiResult(ToolOutput):
    """What every AI tool returns besides its figures and the model's words."""

    usage: AiUsageReport
    sources: list[str] = Field(description="Where each input of the figures came from.")
    notes: list[str] = Field(description="Caveats: what was left out or could not be computed, and why.")
