"""Vendor faults on the way to a model: each ends in success after our retries, or in a tool error naming the
vendor, the HTTP status and what to do. The SDKs' own retries are off, so every retry is visible here."""

from __future__ import annotations

import pytest
from integration.vendors.ai.conftest import anthropic_settings, openai_settings, replace_provider, structured, text

from sentia_server.ai.providers import provider
from sentia_testkit.simulators.core import Fault

pytestmark = pytest.mark.anyio

LINE = {"optimization_type": "capacity_planning", "processes": [{"name": "Bottling", "cycle_time_minutes": 0.5}]}
MARKET = {
    "company": {
        "name": "Sentia Spirits",
        "products": [{"name": "Gin", "category": "gin", "price": 34, "currency": "GBP"}],
    },
    "competitors": [
        {"name": "Hedgerow", "products": [{"name": "Gin", "category": "gin", "price": 30, "currency": "GBP"}]}
    ],
}


async def openai_call(call):
    return await call("openai-operational-optimization", LINE)


async def claude_call(call):
    return await call("claude-competitive-analysis", MARKET)


async def test_openai_429_with_retry_after_is_retried(call, openai_sim):
    openai_sim.rate_limit("chat.completions", retry_after=0.001)
    structured(await openai_call(call))
    assert len(list(openai_sim.requests_to("chat.completions"))) == 2


async def test_openai_5xx_is_retried(call, openai_sim):
    openai_sim.server_error("chat.completions", status=503)
    structured(await openai_call(call))
    assert len(list(openai_sim.requests_to("chat.completions"))) == 2


async def test_openai_5xx_that_persists_is_a_tool_error_after_three_attempts(call, openai_sim, runtime):
    openai_sim.server_error("chat.completions", status=500, times=3)
    result = await openai_call(call)
    assert result.is_error
    assert text(result).endswith("openai: had a server error (HTTP 500); try again later")
    assert len(list(openai_sim.requests_to("chat.completions"))) == 3


async def test_openai_429_that_persists_names_the_rate_limit(call, openai_sim):
    openai_sim.rate_limit("chat.completions", retry_after=0.001, times=3)
    result = await openai_call(call)
    assert result.is_error
    assert "openai: rate limit exceeded (HTTP 429); try again in 0 s" in text(result)


async def test_openai_timeout_is_retried_then_named(call, openai_sim):
    openai_sim.faults.timeout("chat.completions")
    structured(await openai_call(call))
    openai_sim.faults.timeout("chat.completions", times=3)
    result = await openai_call(call)
    assert result.is_error
    assert text(result).endswith(
        "openai: did not answer within 120 s; the vendor is slow or unreachable; try again later"
    )


async def test_openai_malformed_body_is_a_clear_error(call, openai_sim):
    openai_sim.faults.malformed("chat.completions")
    result = await openai_call(call)
    assert result.is_error
    assert "openai: answered with a body that is not a valid chat completion (HTTP 200)" in text(result)


async def test_openai_body_of_the_wrong_shape_is_a_clear_error(call, openai_sim):
    fault = Fault(status=200, headers={"content-type": "application/json"}, body=b'{"object": "chat.completion"}')
    openai_sim.faults.add("chat.completions", fault)
    result = await openai_call(call)
    assert result.is_error
    assert "openai: answered with a body that is not a valid chat completion (HTTP 200)" in text(result)


async def test_openai_rejecting_the_key_names_the_setting_without_showing_the_key(call, runtime):
    await replace_provider(runtime, "openai", openai_settings(api_key="sk-proj-wrong-key-0000000000000000"))
    result = await openai_call(call)
    assert result.is_error
    message = text(result)
    assert "openai: rejected the API key: Incorrect API key provided: sk-proj-**********0000." in message
    assert message.endswith(
        "(HTTP 401); check SENTIA_OPENAI__API_KEY (and SENTIA_OPENAI__ORGANIZATION and __PROJECT when set)"
    )
    assert "sk-proj-wrong-key-0000000000000000" not in message


async def test_openai_refusing_a_parameter_for_the_model_says_which(call, runtime):
    await replace_provider(runtime, "openai", openai_settings(temperature=0.3))
    result = await openai_call(call)
    assert result.is_error
    assert "openai: refused the request: Unsupported value: 'temperature' does not support 0.3 with this model" in text(
        result
    )
    assert "(HTTP 400); check SENTIA_OPENAI__MODEL, __MAX_TOKENS and __TEMPERATURE" in text(result)


async def test_openai_unknown_model_names_the_setting(call, runtime):
    await replace_provider(runtime, "openai", openai_settings(model="gpt-nonexistent"))
    result = await openai_call(call)
    assert "openai: does not know the model or endpoint: The model `gpt-nonexistent` does not exist" in text(result)
    assert "(HTTP 404); check SENTIA_OPENAI__MODEL and SENTIA_OPENAI__BASE_URL" in text(result)


async def test_claude_overloaded_529_and_429_are_retried(call, anthropic_sim):
    anthropic_sim.overloaded("messages")
    anthropic_sim.rate_limit("messages", retry_after=0.001)
    structured(await claude_call(call))
    assert len(list(anthropic_sim.requests_to("messages"))) == 3


async def test_claude_api_error_that_persists_is_a_tool_error(call, anthropic_sim):
    anthropic_sim.server_error("messages", times=3)
    result = await claude_call(call)
    assert text(result).endswith("anthropic: had a server error (HTTP 500); try again later")


async def test_claude_timeout_and_malformed_body_are_named(call, anthropic_sim):
    anthropic_sim.faults.timeout("messages", times=3)
    result = await claude_call(call)
    assert text(result).endswith(
        "anthropic: did not answer within 120 s; the vendor is slow or unreachable; try again later"
    )
    anthropic_sim.faults.malformed("messages")
    result = await claude_call(call)
    assert "anthropic: answered with a body that is not a valid message (HTTP 200)" in text(result)


async def test_claude_rejecting_the_key_names_the_setting(call, runtime):
    await replace_provider(runtime, "anthropic", anthropic_settings(api_key="sk-ant-api03-wrong"))
    result = await claude_call(call)
    assert result.is_error
    assert text(result).endswith(
        "anthropic: rejected the API key: invalid x-api-key (HTTP 401); check SENTIA_ANTHROPIC__API_KEY"
    )


async def test_claude_unknown_model_names_the_setting(call, runtime):
    await replace_provider(runtime, "anthropic", anthropic_settings(model="claude-nonexistent"))
    result = await claude_call(call)
    assert "anthropic: does not know the model or endpoint: model: claude-nonexistent (HTTP 404)" in text(result)


async def test_claude_effort_setting_is_sent_as_output_config(call, runtime, anthropic_sim):
    await replace_provider(runtime, "anthropic", anthropic_settings(effort="low"))
    structured(await claude_call(call))
    import json

    body = json.loads(next(anthropic_sim.requests_to("messages")).content)
    assert body["output_config"] == {"effort": "low"}
    assert "temperature" not in body


async def test_a_call_waits_for_a_free_slot_at_most_one_timeout(call, runtime):
    await replace_provider(runtime, "openai", openai_settings(max_concurrent_calls=1, timeout=0.05))
    chosen = provider(runtime, "openai")
    await chosen.semaphore.acquire()
    try:
        result = await openai_call(call)
    finally:
        chosen.semaphore.release()
    assert result.is_error
    assert text(result).endswith(
        "openai: all 1 model-call slots of this server stayed busy for 0.05 s; try again shortly, or raise "
        "SENTIA_OPENAI__MAX_CONCURRENT_CALLS"
    )
    structured(await openai_call(call))
