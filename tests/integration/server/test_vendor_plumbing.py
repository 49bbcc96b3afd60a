"""The plumbing every vendor tool uses: configured-or-not clients, shared rate limits, vendor errors as tool errors."""

from __future__ import annotations

import httpx
import pytest
from pydantic import Field

from sentia_server.auth.permissions import Permission
from sentia_server.integrations.http import RateLimiter, VendorError, VendorHttpClient, VendorNotConfigured
from sentia_server.integrations.settings import OpenAISettings
from sentia_server.tools import system
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup, ToolInput, ToolOutput, ToolRegistry
from sentia_testkit.simulators import Simulator, SimulatorRequest, json_response

pytestmark = pytest.mark.anyio


class Quotes(Simulator):
    vendor = "openai"

    def __init__(self) -> None:
        super().__init__()

        @self.route("GET", "/v1/models", name="models")
        def models(request: SimulatorRequest) -> httpx.Response:
            return json_response(200, {"data": [{"id": "gpt-test"}]})


class ModelsInput(ToolInput):
    limit: int = Field(default=10, ge=1)


class ModelsOutput(ToolOutput):
    models: list[str]


def build_client(settings: OpenAISettings, transport: httpx.AsyncBaseTransport | None, limiter: RateLimiter):
    return VendorHttpClient("openai", settings.base_url, transport=transport, rate_limiter=limiter)


def models_registry() -> ToolRegistry:
    group = ToolGroup(ToolCategory.SYSTEM, permissions={"test-list-models": Permission.TOOLS_LIST})

    @group.tool("test-list-models", title="Models", read_only=True, open_world=True)
    async def list_models(params: ModelsInput, ctx: ToolContext) -> ModelsOutput:
        """Lists the vendor's models (test tool)."""
        client = ctx.runtime.vendors.get("openai", build_client)
        body = await client.request_json("GET", "/models")
        return ModelsOutput(models=[model["id"] for model in body["data"]][: params.limit])

    return ToolRegistry([system.group, group])


async def test_an_unconfigured_vendor_names_the_settings_to_set(runtime):
    with pytest.raises(VendorNotConfigured, match=r"openai: not configured; set SENTIA_OPENAI__API_KEY"):
        runtime.vendors.get("openai", build_client)


@pytest.fixture
def configured(runtime):
    runtime.vendors._settings = runtime.settings.model_copy(
        update={"openai": OpenAISettings(api_key="sk-test", base_url="https://api.openai.test/v1")}
    )
    simulator = Quotes()
    runtime.vendors.transports["openai"] = simulator.transport()
    return simulator


async def test_a_vendor_tool_answers_from_the_simulator(principal, connect, runtime, configured):
    async with connect(principal(), registry=models_registry()) as client:
        result = await client.call_tool("test-list-models", {})
    assert result.structured_content == {"models": ["gpt-test"]}
    assert runtime.vendors.get("openai", build_client) is runtime.vendors.get("openai", build_client)


async def test_a_vendor_failure_is_a_tool_error_naming_vendor_status_and_what_to_do(
    principal, connect, runtime, configured
):
    configured.faults.server_error("models", status=503, times=5)
    async with connect(principal(), registry=models_registry()) as client:
        result = await client.call_tool("test-list-models", {})
    assert result.is_error
    assert result.content[0].text.endswith("openai: had a server error (HTTP 503); try again later")
    rows = await runtime.tool_log.recent()
    assert (rows[0].status, rows[0].error_class) == ("error", "VendorError")


async def test_rate_limits_are_shared_through_redis(redis_url, redis_key_prefix):
    from limits import parse

    first = RateLimiter.shared(redis_url, redis_key_prefix.rstrip(":"), max_wait=0.01)
    second = RateLimiter.shared(redis_url, redis_key_prefix.rstrip(":"), max_wait=0.01)
    limit = (parse("1/minute"),)
    try:
        await first.acquire("xero", "acme", limit)
        with pytest.raises(VendorError, match="client-side rate limit"):
            await second.acquire("xero", "acme", limit)
    finally:
        await first.aclose()
        await second.aclose()


async def test_rate_limits_survive_a_redis_outage():
    from limits import parse
    from support.processes import free_port

    limiter = RateLimiter.shared(f"redis://127.0.0.1:{free_port()}/0", "x", max_wait=0.01)
    try:
        await limiter.acquire("xero", "acme", (parse("1/minute"),))
        with pytest.raises(VendorError, match="client-side rate limit"):
            await limiter.acquire("xero", "acme", (parse("1/minute"),))
    finally:
        await limiter.aclose()
