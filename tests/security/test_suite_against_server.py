"""The testkit's security suite run against our own server, in process: the HTTP app with its lifespan, reached by
the official MCP client over streamable HTTP (httpx2's ASGI transport), every vendor pointed at its simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette
from support.http import INITIALIZE, JWT_SECRET, MCP_HEADERS

from sentia_server.app import create_app
from sentia_server.auth.permissions import rbac_matrix
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.integrations.http import RateLimiter, RetryPolicy
from sentia_server.integrations.settings import (
    AmazonAdsSettings,
    AmazonSellingPartnerSettings,
    AnthropicSettings,
    OpenAISettings,
    ShopifySettings,
    UnleashedSettings,
    XeroSettings,
)
from sentia_server.integrations.shopify import ShopifyClient
from sentia_server.mcp import default_registry
from sentia_server.runtime import Runtime
from sentia_server.tools.amazon import advertising, reports
from sentia_testkit.security import (
    JwtTarget,
    ProbeOptions,
    RestRoute,
    bearer_sender,
    check_cors,
    check_jwt_attacks,
    check_rbac_matrix,
    check_security_headers,
    check_weak_secrets_refused,
    probe_mcp,
    probe_rest,
)
from sentia_testkit.security import http_client as security_client
from sentia_testkit.simulators.amazon import AdsSimulator, SellingPartnerSimulator
from sentia_testkit.simulators.anthropic import API_KEY as ANTHROPIC_KEY
from sentia_testkit.simulators.anthropic import AnthropicSimulator
from sentia_testkit.simulators.core import Simulator
from sentia_testkit.simulators.openai import API_KEY as OPENAI_KEY
from sentia_testkit.simulators.openai import ORGANIZATION, PROJECT, OpenAISimulator
from sentia_testkit.simulators.shopify import ShopifySimulator
from sentia_testkit.simulators.unleashed import API_ID as UNLEASHED_ID
from sentia_testkit.simulators.unleashed import API_KEY as UNLEASHED_KEY
from sentia_testkit.simulators.unleashed import UnleashedSimulator
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, XeroSimulator

pytestmark = pytest.mark.anyio

BASE_URL = "http://127.0.0.1:3001"
UNLIMITED = "1000000/minute"


class FakeClock:
    """Seconds that move only when someone sleeps, so Shopify's cost-based waits take no real time."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Target:
    app: Starlette
    runtime: Runtime
    settings: Settings
    keys: dict[Role, str]
    simulators: list[Simulator]

    def http(self) -> httpx.AsyncClient:
        """An HTTP client of the app, as the admin."""
        return security_client(
            self.app, base_url=BASE_URL, headers={"authorization": f"Bearer {self.keys[Role.ADMIN]}"}
        )

    @asynccontextmanager
    async def mcp(self, role: Role = Role.ADMIN) -> AsyncIterator[Client]:
        async with (
            httpx2.AsyncClient(
                transport=httpx2.ASGITransport(app=self.app),
                base_url=BASE_URL,
                headers={"authorization": f"Bearer {self.keys[role]}"},
            ) as http,
            Client(streamable_http_client(f"{BASE_URL}/mcp", http_client=http)) as client,
        ):
            yield client


async def no_wait(_limiter: RateLimiter, _vendor: str, _tenant: str, _limits: Any) -> None:
    """Client-side vendor rate limits are politeness towards real vendors; the probe's thousands of calls to the
    simulators would otherwise wait for minutes."""


def point_vendors_at_simulators(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[Simulator]:
    """Every vendor of the runtime answered by its simulator, with retries and report polls that do not wait."""
    monkeypatch.setattr(RetryPolicy, "delay", lambda _self, _attempt, after: 0.001)
    monkeypatch.setattr(RateLimiter, "acquire", no_wait)
    for module in (reports, advertising):
        monkeypatch.setattr(module, "REPORT_POLL_FIRST_DELAY", 0.001)
    xero, shopify, unleashed = XeroSimulator(), ShopifySimulator(clock=(clock := FakeClock())), UnleashedSimulator()
    amazon, ads, openai, anthropic = SellingPartnerSimulator(), AdsSimulator(), OpenAISimulator(), AnthropicSimulator()
    runtime.vendors._settings = runtime.settings.model_copy(
        update={
            "xero": XeroSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
            "shopify": ShopifySettings(
                shops={
                    "uk": {"shop_domain": "sentia-uk.myshopify.com", "access_token": "shpat_simulated-uk-admin-token"}
                }
            ),
            "unleashed": UnleashedSettings(api_id=UNLEASHED_ID, api_key=UNLEASHED_KEY),
            "amazon": AmazonSellingPartnerSettings(**amazon.credentials, region="eu"),
            "amazon_ads": AmazonAdsSettings(**ads.credentials, region="eu"),
            "openai": OpenAISettings(
                api_key=OPENAI_KEY, base_url="https://api.openai.test/v1", organization=ORGANIZATION, project=PROJECT
            ),
            "anthropic": AnthropicSettings(api_key=ANTHROPIC_KEY, base_url="https://api.anthropic.test"),
        }
    )
    simulators: dict[str, Simulator] = {
        "xero": xero,
        "shopify": shopify,
        "unleashed": unleashed,
        "amazon": amazon,
        "amazon_ads": ads,
        "openai": openai,
        "anthropic": anthropic,
    }
    runtime.vendors.transports.update({name: sim.transport() for name, sim in simulators.items()})
    runtime.vendors.get(
        "shopify",
        lambda settings, transport, limiter: ShopifyClient(
            settings, transport, limiter, sleep=clock.sleep, clock=clock
        ),
    )
    return list(simulators.values())


@pytest.fixture
async def target(make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Target]:
    settings = make_settings(
        jwt_secret=JWT_SECRET,
        rate_limit_per_principal=UNLIMITED,
        rate_limit_ai_tools=UNLIMITED,
        rate_limit_write_tools=UNLIMITED,
        auth_lockout_attempts=1000,
    )
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    async with app.router.lifespan_context(app):
        keys = {role: (await runtime.api_keys.create(role=role, tenant="acme")).token for role in Role}
        simulators = point_vendors_at_simulators(runtime, monkeypatch)
        yield Target(app, runtime, settings, keys, simulators)


# The probe sends this many payloads of each corpus into every free-text argument of every tool, and the whole corpus
# into tools that pass text on to a vendor (URL paths, query strings, GraphQL search) or to the database.
PER_CATEGORY = 2
FULL_CORPUS = ("shopify-get-products", "unleashed-get-products")


DATABASE_QUERY = "database-query"


@pytest.mark.timeout(600)
async def test_no_payload_breaks_a_tool_or_reaches_a_vendor_unencoded(target):
    options = ProbeOptions(per_category=PER_CATEGORY, full_corpus=FULL_CORPUS, simulators=target.simulators)
    async with target.mcp() as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        report = await probe_mcp(client, options, tools=listed - {DATABASE_QUERY})
    assert listed == {spec.name for spec in default_registry()}
    report.raise_for_findings(min_probes=5000)
    reached = {type(simulator).__name__ for simulator in target.simulators if simulator.requests}
    assert len(reached) == len(target.simulators), f"the probe reached only {sorted(reached)}"


@pytest.mark.timeout(600)
async def test_no_payload_breaks_the_database_query_tool(target):
    async with target.mcp() as client:
        report = await probe_mcp(client, ProbeOptions(per_category=0), tools={DATABASE_QUERY})
    report.raise_for_findings(min_probes=300)


async def test_no_payload_in_a_json_rpc_body_breaks_the_mcp_endpoint(target):
    body = {**INITIALIZE, "id": 2, "method": "tools/call", "params": {"name": "list-tools", "arguments": {}}}
    routes = [
        RestRoute("POST", "/mcp", INITIALIZE, headers=MCP_HEADERS),
        RestRoute(
            "POST",
            "/mcp",
            {**body, "params": {"name": "list-tools", "arguments": {"category": "xero"}}},
            headers={**MCP_HEADERS, "mcp-protocol-version": "2025-06-18"},
        ),
    ]
    async with target.http() as client:
        report = await probe_rest(client, routes, ProbeOptions(per_category=PER_CATEGORY))
    report.raise_for_findings(min_probes=100)


@pytest.fixture
def rsa_key_files(tmp_path) -> tuple[bytes, Any]:
    """An RS256 key pair: the private PEM, and the path of the public PEM for SENTIA_JWT_PUBLIC_KEY_FILE."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = tmp_path / "jwt-public.pem"
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private, public


async def test_every_forged_jwt_is_refused(make_settings, rsa_key_files):
    private, public = rsa_key_files
    settings = make_settings(jwt_secret=JWT_SECRET, jwt_public_key_file=public, auth_lockout_attempts=1000)
    app = create_app(settings)
    claims = {"sub": "security-suite", "role": "admin", "tenant": "acme"}
    jwt_target = JwtTarget(
        settings.jwt_issuer, settings.jwt_audience, claims=claims, secret=JWT_SECRET, public_key_pem=public.read_bytes()
    )
    rs_target = JwtTarget(
        settings.jwt_issuer,
        settings.jwt_audience,
        claims=claims,
        private_key_pem=private,
        public_key_pem=public.read_bytes(),
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):
        send = bearer_sender(client, "POST", "/mcp", json=INITIALIZE, headers=MCP_HEADERS)
        for signing in (jwt_target, rs_target):
            report = await check_jwt_attacks(send, signing)
            report.raise_for_findings(min_probes=14)


def test_a_weak_jwt_secret_stops_the_server_at_start_up(make_settings):
    check_weak_secrets_refused(lambda secret: make_settings(jwt_secret=secret)).raise_for_findings()
    assert make_settings(jwt_secret=JWT_SECRET).jwt_secret is not None  # a strong secret is accepted


async def test_security_headers_on_every_kind_of_answer(target):
    async with target.http() as client:
        paths = ["/health", "/health/ready", "/mcp", "/no-such-route"]
        report = await check_security_headers(client, paths, https=True)
    report.raise_for_findings(min_probes=len(paths))


async def test_cors_allows_no_foreign_origin(target):
    async with target.http() as client:
        report = await check_cors(client, ["/mcp", "/health"])
    report.raise_for_findings(min_probes=8)


async def test_rbac_matrix_covers_every_tool_and_role(make_settings):
    settings = make_settings(
        jwt_secret=JWT_SECRET,
        rate_limit_per_principal=UNLIMITED,
        rate_limit_ai_tools=UNLIMITED,
        rate_limit_write_tools=UNLIMITED,
    )
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    by_tool = rbac_matrix()
    expected = {role.value: {tool: row[role.value] for tool, row in by_tool.items()} for role in Role}
    assert set(by_tool) == {spec.name for spec in default_registry()}
    async with app.router.lifespan_context(app):
        keys = {role: (await runtime.api_keys.create(role=role, tenant="acme")).token for role in Role}
        target = Target(app, runtime, settings, keys, [])
        report = await check_rbac_matrix(lambda role: target.mcp(Role(role)), expected)
    report.raise_for_findings(min_probes=len(by_tool) * len(Role))
