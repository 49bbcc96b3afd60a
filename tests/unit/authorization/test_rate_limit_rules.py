"""Which limits a tool call counts against, how they are configured, and how a limited call is reported."""

from __future__ import annotations

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage
from pydantic import ValidationError

from sentia_server.auth.principal import AuthMethod, Principal, Role
from sentia_server.security.rate_limits import (
    AppliedLimit,
    RateLimited,
    RetryAfterMiddleware,
    ToolRateLimiter,
    check_rate_limit,
    limits_for_call,
)

pytestmark = pytest.mark.anyio

ALICE = Principal(subject="alice", role=Role.MANAGER, tenant="acme", auth_method=AuthMethod.API_KEY)


def test_defaults(make_settings):
    settings = make_settings()
    assert settings.rate_limit_per_principal == "120/minute"
    assert settings.rate_limit_ai_tools == "10/minute"
    assert settings.rate_limit_write_tools == "30/minute"
    assert settings.rate_limit_tool_overrides == {}


def test_limits_are_read_from_the_environment(make_settings, monkeypatch):
    monkeypatch.setenv("SENTIA_RATE_LIMIT_PER_PRINCIPAL", "50/hour")
    monkeypatch.setenv("SENTIA_RATE_LIMIT_TOOL_OVERRIDES", '{"xero-get-invoices": "5 per minute"}')
    settings = make_settings()
    assert settings.rate_limit_per_principal == "50/hour"
    assert settings.rate_limit_tool_overrides == {"xero-get-invoices": "5 per minute"}


@pytest.mark.parametrize("value", ["lots", "10/fortnight", "", "ten/minute"])
def test_a_limit_that_does_not_parse_is_refused(make_settings, value):
    with pytest.raises(ValidationError) as raised:
        make_settings(rate_limit_ai_tools=value)
    assert f"{value!r} is not a rate limit; write it like '120/minute' or '1000/day'" in str(raised.value)


def test_an_override_for_an_unknown_tool_is_refused(make_settings):
    with pytest.raises(ValidationError, match="rate limits name tools this server does not have: xero-get-all"):
        make_settings(rate_limit_tool_overrides={"xero-get-all": "5/minute", "list-tools": "5/minute"})


def test_check_rate_limit_returns_the_text():
    assert check_rate_limit("3/second") == "3/second"


def _described(limits: list[AppliedLimit]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(str(limit.item), limit.setting, limit.key) for limit in limits]


def test_a_read_tool_counts_only_against_the_callers_limit(make_settings):
    limits = limits_for_call(
        "xero-get-invoices", category="xero", read_only=True, principal=ALICE, settings=make_settings()
    )
    assert _described(limits) == [("120 per 1 minute", "SENTIA_RATE_LIMIT_PER_PRINCIPAL", ("caller", "acme", "alice"))]


def test_an_ai_tool_also_counts_against_the_ai_limit(make_settings):
    limits = limits_for_call(
        "openai-forecasting", category="ai", read_only=True, principal=ALICE, settings=make_settings()
    )
    assert _described(limits)[1] == (
        "10 per 1 minute",
        "SENTIA_RATE_LIMIT_AI_TOOLS",
        ("tool", "openai-forecasting", "acme", "alice"),
    )
    assert limits[1].scope == "calls of tool 'openai-forecasting' per caller"


def test_a_write_tool_also_counts_against_the_write_limit(make_settings):
    limits = limits_for_call(
        "xero-create-invoice", category="xero", read_only=False, principal=ALICE, settings=make_settings()
    )
    assert _described(limits)[1][:2] == ("30 per 1 minute", "SENTIA_RATE_LIMIT_WRITE_TOOLS")


def test_an_override_wins_over_the_category_limits(make_settings):
    settings = make_settings(
        rate_limit_tool_overrides={"openai-forecasting": "2/hour", "xero-get-invoices": "7/minute"}
    )
    ai = limits_for_call("openai-forecasting", category="ai", read_only=True, principal=ALICE, settings=settings)
    read = limits_for_call("xero-get-invoices", category="xero", read_only=True, principal=ALICE, settings=settings)
    assert _described(ai)[1][:2] == ("2 per 1 hour", "SENTIA_RATE_LIMIT_TOOL_OVERRIDES")
    assert _described(read)[1][:2] == ("7 per 1 minute", "SENTIA_RATE_LIMIT_TOOL_OVERRIDES")


def test_the_message_names_the_limit_its_setting_and_when_to_retry():
    limit = AppliedLimit(parse("10/minute"), "calls of tool 'openai-forecasting' per caller", "SENTIA_X", ("k",))
    error = RateLimited("openai-forecasting", limit, 41.2)
    assert str(error) == (
        "rate limit exceeded for tool 'openai-forecasting': at most 10 per 1 minute calls of tool "
        "'openai-forecasting' per caller (SENTIA_X); retry in 42 s"
    )
    assert error.retry_after == 42
    assert RateLimited("t", limit, 0.01).retry_after == 1


async def test_the_limiter_refuses_the_call_over_the_limit():
    limiter = ToolRateLimiter()
    limits = [AppliedLimit(parse("2/minute"), "calls per caller", "SENTIA_X", ("caller", "acme", "alice"))]
    await limiter.check("list-tools", limits)
    await limiter.check("list-tools", limits)
    with pytest.raises(RateLimited) as raised:
        await limiter.check("list-tools", limits)
    assert 1 <= raised.value.retry_after <= 60  # when the sliding window's weighted count drops below the limit
    other = [AppliedLimit(parse("2/minute"), "calls per caller", "SENTIA_X", ("caller", "acme", "bob"))]
    await limiter.check("list-tools", other)  # another caller has its own count
    await limiter.aclose()


async def test_shared_storage_is_used_when_given():
    storage = MemoryStorage()
    first, second = ToolRateLimiter(storage), ToolRateLimiter(storage)
    limits = [AppliedLimit(parse("1/minute"), "calls per caller", "SENTIA_X", ("caller", "acme", "alice"))]
    await first.check("list-tools", limits)
    with pytest.raises(RateLimited):
        await second.check("list-tools", limits)


class BrokenStorage(MemoryStorage):
    """A shared store that does not answer, as Redis does when it is down."""

    async def acquire_sliding_window_entry(self, *args: object, **kwargs: object) -> bool:
        raise ConnectionError("redis went away")

    async def acquire_entry(self, *args: object, **kwargs: object) -> bool:
        raise ConnectionError("redis went away")


async def test_limits_still_hold_in_process_when_the_shared_store_is_down():
    closed: list[bool] = []

    async def close() -> None:
        closed.append(True)

    limiter = ToolRateLimiter(BrokenStorage(), on_close=close)
    limits = [AppliedLimit(parse("1/minute"), "calls per caller", "SENTIA_X", ("caller", "acme", "alice"))]
    await limiter.check("list-tools", limits)
    with pytest.raises(RateLimited):
        await limiter.check("list-tools", limits)
    await limiter.aclose()
    assert closed == [True]


async def test_the_retry_after_middleware_passes_other_scopes_untouched():
    seen: list[str] = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    async def nothing():
        return {}

    async def ignore(message):
        raise AssertionError("nothing is sent")

    await RetryAfterMiddleware(app)({"type": "lifespan"}, nothing, ignore)
    assert seen == ["lifespan"]
