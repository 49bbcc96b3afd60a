"""Structured answers: validated against the tool's model, one retry with what was wrong, a clear error after a
second violation, cut-off and refused answers named as such, and usage with cost recorded for every outcome."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from integration.vendors.ai.conftest import anthropic_settings, openai_settings, replace_provider, structured, text

from sentia_server.storage.ai_usage import AiUsageRepository

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["embedded", "postgresql+redis"])
def backend_settings(request, make_settings):
    """Usage records are written on both backends (SQLite, and PostgreSQL with Redis rate limits)."""
    if request.param == "embedded":
        return make_settings()
    return make_settings(
        database_url=request.getfixturevalue("postgres_url"),
        redis_url=request.getfixturevalue("redis_url"),
        cache_key_prefix=request.getfixturevalue("redis_key_prefix"),
        auto_migrate=True,
    )


LINE = {
    "optimization_type": "bottleneck_analysis",
    "processes": [
        {"name": "Distillation", "cycle_time_minutes": 2.0},
        {"name": "Bottling", "cycle_time_minutes": 0.5, "parallel_stations": 2},
    ],
}
MARKET = {
    "company": {
        "name": "Sentia Spirits",
        "products": [{"name": "Gin 70cl", "category": "gin", "price": 34, "currency": "GBP"}],
    },
    "competitors": [
        {
            "name": "Hedgerow Gin Co",
            "products": [{"name": "Gin 70cl", "category": "gin", "price": 30, "currency": "GBP"}],
        }
    ],
}
HALF_ANSWER = {"summary": "Bottling outpaces distillation."}


async def usage_rows(runtime):
    return await AiUsageRepository(runtime.database).recent()


async def test_a_schema_violation_twice_is_a_clear_tool_error_and_both_attempts_are_recorded(call, openai_sim, runtime):
    openai_sim.queue_completion(json_body=HALF_ANSWER, prompt_tokens=1000, completion_tokens=200)
    openai_sim.queue_completion(json_body=HALF_ANSWER, prompt_tokens=1200, completion_tokens=200)
    result = await call("openai-operational-optimization", LINE)
    assert result.is_error
    assert text(result).endswith(
        "openai: the model's answer did not match the expected structure twice: findings: Field required; "
        "recommendations: Field required; risks: Field required; data_gaps: Field required; try again; if it keeps "
        "happening, set SENTIA_OPENAI__MODEL to a model that follows JSON schemas reliably"
    )
    [row] = await usage_rows(runtime)
    assert (row.tool, row.provider, row.model) == ("openai-operational-optimization", "openai", "gpt-5.4-mini")
    assert (row.attempts, row.outcome, row.input_tokens, row.output_tokens) == (2, "schema_violation", 2200, 400)
    assert row.cost_usd == Decimal("0.003450")  # 2200 * 0.75 / 1e6 + 400 * 4.50 / 1e6
    assert (row.tenant, row.principal_subject) == ("acme", "tester")
    assert await AiUsageRepository(runtime.database).recent(tenant="another") == []


async def test_one_violation_is_corrected_by_the_second_answer(call, openai_sim, runtime):
    openai_sim.queue_completion("The bottleneck is distillation.")
    result = structured(await call("openai-operational-optimization", LINE))
    assert result["usage"]["attempts"] == 2
    assert result["figures"]["bottleneck"] == "Distillation"
    second = json.loads(list(openai_sim.requests_to("chat.completions"))[1].content)
    assert second["messages"][-1]["role"] == "user"
    assert second["messages"][-1]["content"].startswith(
        "Your answer did not match the expected structure: the answer is not JSON"
    )
    [row] = await usage_rows(runtime)
    assert (row.attempts, row.outcome) == (2, "success")


async def test_claude_gets_its_wrong_tool_call_back_as_an_error_result_and_corrects_it(call, anthropic_sim):
    anthropic_sim.queue_completion(tool_input={"summary": 42})
    result = structured(await call("claude-competitive-analysis", MARKET))
    assert result["usage"]["attempts"] == 2
    second = json.loads(list(anthropic_sim.requests_to("messages"))[1].content)
    assert second["messages"][1]["content"][0]["type"] == "tool_use"
    feedback = second["messages"][2]["content"][0]
    assert (feedback["type"], feedback["is_error"]) == ("tool_result", True)
    assert feedback["content"].startswith("Your answer did not match the expected structure: summary: Input should be")


async def test_claude_violating_twice_is_a_clear_tool_error(call, anthropic_sim, runtime):
    anthropic_sim.queue_completion(tool_input={"summary": 42})
    anthropic_sim.queue_completion(tool_input={"summary": 42})
    result = await call("claude-competitive-analysis", MARKET)
    assert result.is_error
    assert "anthropic: the model's answer did not match the expected structure twice: summary: " in text(result)
    [row] = await usage_rows(runtime)
    assert (row.attempts, row.outcome, row.provider) == (2, "schema_violation", "anthropic")


async def test_claude_answering_without_the_tool_is_asked_again(call, anthropic_sim):
    anthropic_sim.queue_completion("Sentia is priced above Hedgerow.")
    result = structured(await call("claude-competitive-analysis", MARKET))
    assert result["usage"]["attempts"] == 2
    second = json.loads(list(anthropic_sim.requests_to("messages"))[1].content)
    assert second["messages"][2]["content"].startswith(
        "Your answer did not match the expected structure: the answer did not call the tool"
    )


@pytest.mark.parametrize(
    ("vendor", "tool", "arguments", "queue", "message", "outcome"),
    [
        (
            "openai",
            "openai-operational-optimization",
            LINE,
            {"content": '{"summary": "Bott', "finish_reason": "length"},
            "openai: the model's answer was cut off at the output limit of 4096 tokens; raise "
            "SENTIA_OPENAI__MAX_TOKENS, or ask about less data at once",
            "truncated",
        ),
        (
            "openai",
            "openai-operational-optimization",
            LINE,
            {"refusal": "I can't help with that."},
            "openai: the model declined to answer: I can't help with that.; rephrase the request or the data passed; "
            "nothing was recorded as an answer",
            "refused",
        ),
        (
            "anthropic",
            "claude-competitive-analysis",
            MARKET,
            {"text": "", "stop_reason": "max_tokens"},
            "anthropic: the model's answer was cut off at the output limit of 4096 tokens",
            "truncated",
        ),
        (
            "anthropic",
            "claude-competitive-analysis",
            MARKET,
            {"text": "This request looks unsafe.", "stop_reason": "refusal"},
            "anthropic: the model declined to answer: This request looks unsafe.",
            "refused",
        ),
    ],
)
async def test_cut_off_and_refused_answers_are_named(
    call, openai_sim, anthropic_sim, runtime, vendor, tool, arguments, queue, message, outcome
):
    simulator = openai_sim if vendor == "openai" else anthropic_sim
    simulator.queue_completion(**queue)
    result = await call(tool, arguments)
    assert result.is_error
    assert message in text(result)
    [row] = await usage_rows(runtime)
    assert (row.outcome, row.attempts) == (outcome, 1)


async def test_a_model_without_a_price_costs_zero_with_a_note(call, runtime):
    await replace_provider(runtime, "anthropic", anthropic_settings(prices={}))
    usage = structured(await call("claude-competitive-analysis", MARKET))["usage"]
    assert (usage["cost_usd"], usage["price_known"]) == (0.0, False)
    assert usage["note"] == (
        "no price is configured for model 'claude-sonnet-4-6', so the cost is recorded as 0 (unknown); "
        "set SENTIA_ANTHROPIC__PRICES"
    )
    [row] = await usage_rows(runtime)
    assert (row.cost_usd, row.outcome) == (Decimal(0), "success")
    assert row.input_tokens > 0 and row.output_tokens > 0


async def test_usage_and_cost_are_returned_from_the_vendors_token_counts(call, openai_sim):
    openai_sim.queue_completion(
        json_body={
            "summary": "Distillation limits the line.",
            "findings": [{"title": "Bottleneck", "detail": "Distillation makes 30 units an hour."}],
            "recommendations": [
                {
                    "action": "Add a still",
                    "rationale": "Doubles the slowest step.",
                    "priority": "high",
                    "timeframe": "this_year",
                }
            ],
            "risks": [],
            "data_gaps": [],
        },
        prompt_tokens=2000,
        completion_tokens=500,
    )
    result = structured(await call("openai-operational-optimization", LINE))
    assert result["usage"] == {
        "provider": "openai",
        "model": "gpt-5.4-mini",
        "input_tokens": 2000,
        "output_tokens": 500,
        "cost_usd": 0.00375,
        "price_known": True,
        "attempts": 1,
        "note": None,
    }
    assert result["analysis"]["recommendations"][0]["action"] == "Add a still"
    assert openai_sim.usage()["gpt-5.4-mini"].input_tokens == 2000


async def test_the_request_carries_the_model_settings_and_the_strict_schema(call, openai_sim, runtime):
    await replace_provider(runtime, "openai", openai_settings(model="gpt-4.1-mini", temperature=0.2, max_tokens=1000))
    structured(await call("openai-operational-optimization", LINE))
    [request] = openai_sim.requests_to("chat.completions")
    body = json.loads(request.content)
    assert (body["model"], body["temperature"], body["max_completion_tokens"]) == ("gpt-4.1-mini", 0.2, 1000)
    schema = body["response_format"]["json_schema"]
    assert (schema["name"], schema["strict"]) == ("openai_operational_optimization", True)
    assert schema["schema"]["additionalProperties"] is False
    assert request.headers["openai-organization"] == "org-SentiaSpiritsLtd7Q2x"
    assert '"bottleneck": "Distillation"' in body["messages"][1]["content"]


async def test_a_vendor_failure_after_a_paid_answer_still_records_its_tokens(call, openai_sim, runtime):
    openai_sim.queue_completion(json_body=HALF_ANSWER, prompt_tokens=900, completion_tokens=100)
    serve = openai_sim.backend.next_queued

    def serve_then_fail():  # the first (wrong) answer is served; the retry meets 502s
        answer = serve()
        openai_sim.server_error("chat.completions", status=502, times=3)
        return answer

    openai_sim.backend.next_queued = serve_then_fail
    result = await call("openai-operational-optimization", LINE)
    assert text(result).endswith("openai: had a server error (HTTP 502); try again later")
    [row] = await usage_rows(runtime)
    assert (row.attempts, row.outcome, row.input_tokens, row.output_tokens) == (2, "vendor_error", 900, 100)
