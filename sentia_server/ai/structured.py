"""Asking a model for a structured answer: one call, validated against a pydantic model; when the answer does not
match, one more call that says what was wrong; a second mismatch is a clear error. Usage and cost are recorded
whatever the outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from sentia_server.ai.exchange import Answer, Prompt
from sentia_server.ai.providers import AiProvider
from sentia_server.ai.schema import describe_violation
from sentia_server.ai.transport import calling_tenant
from sentia_server.ai.usage import AiCaller, AiUsageReport, UsageTally, record_usage
from sentia_server.integrations.http import VendorError

MAX_ATTEMPTS = 2
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Answered(Generic[ModelT]):
    value: ModelT
    usage: AiUsageReport


async def ask(
    provider: AiProvider,
    caller: AiCaller,
    prompt: Prompt,
    output: type[ModelT],
    *,
    check: Callable[[ModelT], str | None] | None = None,
) -> Answered[ModelT]:
    """The model's answer as an `output`, which `check` (when given) also accepts; VendorError naming the vendor
    when there is none to give."""
    tally = UsageTally(provider.vendor, provider.settings)
    outcome = "vendor_error"
    problems: list[str] = []
    try:
        async with provider.slot():
            exchange = provider.exchange(prompt)
            while tally.attempts < MAX_ATTEMPTS:
                tally.attempts += 1
                with calling_tenant(caller.tenant):
                    answer = await exchange.send()
                tally.add(answer)
                if answer.stop != "complete":
                    outcome = answer.stop
                    raise _stopped(provider, answer)
                problem = answer.problem
                if problem is None:
                    try:
                        value = output.model_validate(answer.data)
                    except ValidationError as error:
                        problem = describe_violation(error)
                    else:
                        problem = check(value) if check is not None else None
                        if problem is None:
                            outcome = "success"
                            return Answered(value, tally.report())
                problems.append(problem)
                exchange.correct(answer, f"Your answer did not match the expected structure: {problem}.")
            outcome = "schema_violation"
            raise VendorError(
                provider.vendor,
                f"the model's answer did not match the expected structure twice: {problems[-1]}",
                hint=f"try again; if it keeps happening, set SENTIA_{provider.vendor.upper()}__MODEL to a model that "
                "follows JSON schemas reliably",
            )
    finally:
        if tally.attempts:
            await record_usage(caller, tally, outcome)


def _stopped(provider: AiProvider, answer: Answer) -> VendorError:
    setting = f"SENTIA_{provider.vendor.upper()}"
    if answer.stop == "truncated":
        return VendorError(
            provider.vendor,
            f"the model's answer was cut off at the output limit of {provider.settings.max_tokens} tokens",
            hint=f"raise {setting}__MAX_TOKENS, or ask about less data at once",
        )
    reason = f": {answer.detail[:300]}" if answer.detail else ""
    return VendorError(
        provider.vendor,
        f"the model declined to answer{reason}",
        hint="rephrase the request or the data passed; nothing was recorded as an answer",
    )
