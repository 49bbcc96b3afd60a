"""Connecting a Xero organisation through the consent page, end to end on both backends: the HTTP app in process
(lifespan running), the Xero simulator as identity service and API, the tokens stored encrypted, used by a tool
call over MCP, and refreshed (rotating the refresh token) when they expire."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import httpx2
import pytest
from integration.vendors.xero.conftest import UK, US
from integration.vendors.xero.helpers import SCOPES, Clock
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr
from sqlalchemy import select
from starlette.applications import Starlette

from sentia_server.app import create_app
from sentia_server.auth.principal import Role
from sentia_server.config import Settings
from sentia_server.integrations.http import RetryPolicy, VendorNotConfigured
from sentia_server.integrations.settings import XeroSettings
from sentia_server.routes import oauth
from sentia_server.runtime import Runtime
from sentia_server.storage.tables import VendorToken
from sentia_server.vendor_tokens import xero_client_factory
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, XeroSimulator

pytestmark = pytest.mark.anyio

BASE_URL = "http://127.0.0.1:3001"
KEYS = f"k1:{base64.b64encode(bytes(range(32))).decode()}"
AUTHORIZE = "/oauth/xero/authorize"
CALLBACK = "/oauth/xero/callback"


@dataclass
class Harness:
    app: Starlette
    client: httpx.AsyncClient
    runtime: Runtime
    simulator: XeroSimulator
    admin: str
    viewer: str

    def bearer(self, token: str | None = None) -> dict[str, str]:
        return {"authorization": f"Bearer {token or self.admin}"}

    async def start(self, **headers: str) -> str:
        """Authorize as the admin; the consent page URL."""
        answer = await self.client.get(AUTHORIZE, headers={**self.bearer(), **headers})
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    async def consent(self, url: str) -> str:
        """The browser at the (simulated) consent page: where it is sent back to."""
        async with httpx.AsyncClient(transport=self.simulator.transport()) as browser:
            answer = await browser.get(url)
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(f"{BASE_URL}{CALLBACK}?")
        return location

    async def connect(self, **headers: str) -> httpx.Response:
        return await self.client.get(await self.consent(await self.start()), headers=headers)

    def update_settings(self, **changes: Any) -> None:
        self.runtime.settings = self.runtime.settings.model_copy(update=changes)

    async def stored_row(self) -> VendorToken:
        async with self.runtime.database.session() as session:
            return (await session.scalars(select(VendorToken))).one()


@pytest.fixture
def xero_settings() -> XeroSettings:
    return XeroSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, auth_flow="authorization_code", scopes=SCOPES)


@pytest.fixture
async def harness(
    backend_settings: Settings, xero_settings: XeroSettings, simulator: XeroSimulator, clock: Clock
) -> AsyncIterator[Harness]:
    settings = backend_settings.model_copy(update={"encryption_keys": SecretStr(KEYS), "xero": xero_settings})
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    runtime.vendors.transports["xero"] = simulator.transport()

    async def skip(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    fast = RetryPolicy(base_delay=0.001, statuses=frozenset({500, 502, 503, 504}))
    async with app.router.lifespan_context(app):
        runtime.vendors.get("xero", xero_client_factory(runtime, retry=fast, sleep=skip, clock=clock))
        admin = await runtime.api_keys.create(role=Role.ADMIN, tenant="acme")
        viewer = await runtime.api_keys.create(role=Role.VIEWER, tenant="acme")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
            yield Harness(app, client, runtime, simulator, admin.token, viewer.token)


async def call_tool(harness: Harness, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One tool call through the official MCP client, over the app's Streamable HTTP endpoint."""
    async with (
        httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=harness.app), base_url=BASE_URL, headers=harness.bearer()
        ) as http,
        Client(streamable_http_client(f"{BASE_URL}/mcp", http_client=http)) as client,
    ):
        result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def last_bearer(simulator: XeroSimulator, route: str) -> str:
    return list(simulator.requests_to(route))[-1].headers["authorization"].removeprefix("Bearer ")


async def test_an_admin_connects_xero_and_the_tools_use_and_refresh_the_stored_tokens(
    harness: Harness, simulator: XeroSimulator, clock: Clock
):
    consent_url = await harness.start()
    sent = parse_qs(urlsplit(consent_url).query)
    assert consent_url.startswith("https://login.xero.com/identity/connect/authorize?")
    assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) == 43
    assert sent["redirect_uri"] == [f"{BASE_URL}{CALLBACK}"] and sent["client_id"] == [CLIENT_ID]
    assert sent["scope"][0].split()[0] == "offline_access"

    answer = await harness.client.get(await harness.consent(consent_url))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "status": "connected",
        "organisations": [
            {"tenant_id": simulator.tenant_named(UK).tenant_id, "tenant_name": UK},
            {"tenant_id": simulator.tenant_named(US).tenant_id, "tenant_name": US},
        ],
    }
    exchange = next(r for r in simulator.requests_to("token") if b"grant_type=authorization_code" in r.content)
    assert b"code_verifier=" in exchange.content
    (audited,) = await harness.runtime.audit.recent(action="oauth.xero.connect")
    assert (audited.actor, audited.tenant, audited.target) == (
        f"api-key:{harness.admin.split('_')[1]}",
        "acme",
        f"xero:{CLIENT_ID}",
    )

    row = await harness.stored_row()
    (access,) = simulator.backend.access_tokens
    (refresh,) = simulator.backend.refresh_tokens
    assert (row.vendor, row.account_key, row.tenant, row.key_id, row.version) == ("xero", CLIENT_ID, "acme", "k1", 1)
    at_rest = " ".join(str(value) for value in vars(row).values())
    assert access not in at_rest and refresh not in at_rest
    assert row.access_token.startswith("v1.k1.") and str(row.refresh_token).startswith("v1.k1.")

    uk = simulator.tenant_named(UK).tenant_id
    contacts = await call_tool(harness, "xero-get-contacts", {"tenant_id": uk, "page_size": 2})
    assert len(contacts["contacts"]) == 2
    assert last_bearer(simulator, "getContacts") == access

    clock.advance(1800)  # the access token has expired, for the server and for Xero
    invoices = await call_tool(harness, "xero-get-invoices", {"tenant_id": uk, "page_size": 2})
    assert invoices["invoices"]
    (new_refresh,) = simulator.backend.refresh_tokens
    assert new_refresh != refresh  # rotated: the old one is spent
    refreshed = await harness.stored_row()
    assert refreshed.version == 2 and refreshed.refresh_token != row.refresh_token
    at_rest = " ".join(str(value) for value in vars(refreshed).values())
    assert new_refresh not in at_rest and last_bearer(simulator, "getInvoices") not in at_rest
    assert last_bearer(simulator, "getInvoices") != access
    grants = [r for r in simulator.requests_to("token") if b"grant_type=refresh_token" in r.content]
    assert len(grants) == 1 and refresh.encode() in grants[0].content


async def test_the_callback_answers_a_page_to_a_browser(harness: Harness):
    answer = await harness.connect(accept="text/html,application/xhtml+xml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "<h1>Xero connected</h1>" in answer.text and f"<li>{UK} (" in answer.text


async def test_authorize_can_answer_the_consent_url_for_curl(harness: Harness, monkeypatch: pytest.MonkeyPatch):
    ttls: list[float] = []
    cache_set = harness.runtime.cache.set

    async def recording_set(key: str, value: bytes, ttl_seconds: float) -> None:
        ttls.append(ttl_seconds)
        await cache_set(key, value, ttl_seconds)

    monkeypatch.setattr(harness.runtime.cache, "set", recording_set)
    answer = await harness.client.get(AUTHORIZE, headers={**harness.bearer(), "accept": "application/json"})
    assert answer.status_code == 200
    assert answer.json()["authorization_url"].startswith("https://login.xero.com/identity/connect/authorize?")
    assert answer.json()["expires_in"] == 600 and ttls == [600]
    assert answer.headers["cache-control"] == "no-store"


async def test_authorize_needs_an_admin(harness: Harness):
    anonymous = await harness.client.get(AUTHORIZE)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.json()["error"] == "invalid_token"
    unknown = await harness.client.get(AUTHORIZE, headers={"authorization": "Bearer sk_live_unknown"})
    assert unknown.status_code == 401
    assert unknown.json()["error_description"] == "the credential is unknown, expired or revoked"
    basic = await harness.client.get(AUTHORIZE, headers={"authorization": "Basic YWRtaW46YWRtaW4="})
    assert basic.status_code == 401
    viewer = await harness.client.get(AUTHORIZE, headers=harness.bearer(harness.viewer))
    assert viewer.status_code == 403
    assert viewer.headers["www-authenticate"].startswith('Bearer error="insufficient_scope", scope="admin"')
    assert viewer.json() == {
        "error": "insufficient_scope",
        "error_description": "connecting a Xero organisation needs the admin role; this credential has viewer",
    }


async def test_a_state_is_single_use_and_unknown_states_are_refused(harness: Harness):
    callback_url = await harness.consent(await harness.start())
    assert (await harness.client.get(callback_url)).status_code == 200
    reused = await harness.client.get(callback_url)
    assert reused.status_code == 400
    assert reused.json() == {
        "error": "invalid_state",
        "error_description": "the state is missing, unknown, expired (it lasts 10 minutes) or already used; "
        "start again at /oauth/xero/authorize",
    }
    for query in ({"code": "x", "state": "forged"}, {"code": "x"}):
        refused = await harness.client.get(CALLBACK, params=query)
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid_state")


async def test_a_refused_consent_is_a_clear_400_and_spends_the_state(harness: Harness, simulator: XeroSimulator):
    simulator.refuse_consent()
    callback_url = await harness.consent(await harness.start())
    assert "error=access_denied" in callback_url
    refused = await harness.client.get(callback_url)
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "access_denied",
        "error_description": "Xero did not authorise the connection (the user refused access); "
        "start again at /oauth/xero/authorize",
    }
    state = parse_qs(urlsplit(callback_url).query)["state"][0]
    later = await harness.client.get(CALLBACK, params={"code": "x", "state": state})
    assert later.json()["error"] == "invalid_state"

    odd = await harness.client.get(CALLBACK, params={"error": "<script>"}, headers={"accept": "text/html"})
    assert odd.status_code == 400 and odd.headers["content-type"].startswith("text/html")
    assert "<script>" not in odd.text and "Error: unknown_error" in odd.text
    other = await harness.client.get(CALLBACK, params={"error": "invalid_scope"})
    assert "(Xero answered invalid_scope)" in other.json()["error_description"]


async def test_a_callback_without_a_code_or_with_a_bad_one_says_so(harness: Harness):
    callback_url = await harness.consent(await harness.start())
    state = parse_qs(urlsplit(callback_url).query)["state"][0]
    missing = await harness.client.get(CALLBACK, params={"state": state})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")

    callback_url = await harness.consent(await harness.start())
    state = parse_qs(urlsplit(callback_url).query)["state"][0]
    bad = await harness.client.get(CALLBACK, params={"state": state, "code": "not-issued"})
    assert bad.status_code == 502
    assert bad.json()["error"] == "token_exchange_failed"
    assert "refused the authorization_code grant (invalid_grant)" in bad.json()["error_description"]


async def test_a_tampered_state_entry_is_refused(harness: Harness):
    callback_url = await harness.consent(await harness.start())
    state = parse_qs(urlsplit(callback_url).query)["state"][0]
    await harness.runtime.cache.set(oauth.state_cache_key(state), b"v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 600)
    assert (await harness.client.get(callback_url)).json()["error"] == "invalid_state"


async def test_connections_failing_after_the_exchange_keep_the_tokens(harness: Harness, simulator: XeroSimulator):
    callback_url = await harness.consent(await harness.start())
    simulator.faults.server_error("getConnections", status=503, times=3)
    answer = await harness.client.get(callback_url)
    assert answer.status_code == 502
    assert answer.json()["error"] == "connections_failed"
    assert answer.json()["error_description"].startswith(
        "the authorisation is stored, but listing the connected organisations failed: xero:"
    )
    assert (await harness.stored_row()).version == 1


async def test_authorize_refuses_when_the_server_cannot_connect_xero(harness: Harness, xero_settings: XeroSettings):
    harness.update_settings(xero=xero_settings.model_copy(update={"auth_flow": "client_credentials"}))
    wrong_flow = await harness.client.get(AUTHORIZE, headers=harness.bearer())
    assert wrong_flow.status_code == 409 and wrong_flow.json()["error"] == "wrong_auth_flow"
    assert "set it to authorization_code" in wrong_flow.json()["error_description"]

    harness.update_settings(xero=xero_settings.model_copy(update={"client_secret": None}))
    unconfigured = await harness.client.get(AUTHORIZE, headers=harness.bearer())
    assert unconfigured.status_code == 503
    assert unconfigured.json()["error_description"] == "Xero is not configured: set SENTIA_XERO__CLIENT_SECRET"

    harness.update_settings(xero=xero_settings, encryption_keys=None)
    keyless = await harness.client.get(AUTHORIZE, headers=harness.bearer())
    assert keyless.status_code == 503
    assert keyless.json()["error_description"].startswith("set SENTIA_ENCRYPTION_KEYS: the tokens Xero issues")


async def test_the_callback_refuses_when_keys_or_the_client_went_away(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
):
    callback_url = await harness.consent(await harness.start())
    harness.update_settings(encryption_keys=None)
    assert (await harness.client.get(callback_url)).json()["error"] == "invalid_state"

    harness.update_settings(encryption_keys=SecretStr(KEYS))
    callback_url = await harness.consent(await harness.start())

    def unconfigured(_runtime: Runtime) -> None:
        raise VendorNotConfigured("xero", ["SENTIA_XERO__CLIENT_ID"])

    monkeypatch.setattr(oauth, "xero_client", unconfigured)
    answer = await harness.client.get(callback_url)
    assert answer.status_code == 503
    assert answer.json()["error_description"] == "xero: not configured; set SENTIA_XERO__CLIENT_ID"


async def test_tools_say_how_to_connect_when_no_key_or_no_consent_exists(
    backend_settings: Settings, xero_settings: XeroSettings, simulator: XeroSimulator
):
    settings = backend_settings.model_copy(update={"xero": xero_settings})
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    runtime.vendors.transports["xero"] = simulator.transport()
    async with app.router.lifespan_context(app):
        admin = await runtime.api_keys.create(role=Role.ADMIN, tenant="acme")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
            harness = Harness(app, client, runtime, simulator, admin.token, admin.token)
            keyless = await call_tool_text(harness, "xero-get-contacts", {})
            assert keyless.endswith(
                "xero: not configured; set SENTIA_ENCRYPTION_KEYS (the authorization code flow keeps Xero's refresh "
                "tokens encrypted)"
            )
            harness.update_settings(encryption_keys=SecretStr(KEYS))
            unconsented = await call_tool_text(harness, "xero-get-contacts", {})
            assert "has not been authorised for this server yet; complete the Xero consent flow" in unconsented


async def call_tool_text(harness: Harness, tool: str, arguments: dict[str, Any]) -> str:
    async with (
        httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=harness.app), base_url=BASE_URL, headers=harness.bearer()
        ) as http,
        Client(streamable_http_client(f"{BASE_URL}/mcp", http_client=http)) as client,
    ):
        result = await client.call_tool(tool, arguments)
    assert result.is_error
    return "".join(getattr(item, "text", "") for item in result.content)
