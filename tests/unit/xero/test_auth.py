"""OAuth 2.0 against the simulated identity service: custom connections and standard apps with PKCE."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from sentia_server.integrations.http import VendorError, VendorHttpClient
from sentia_server.integrations.xero.auth import (
    RENEWAL_AFTER_401_SECONDS,
    AuthorizationCodeAuth,
    ClientCredentialsAuth,
    InMemoryTokenStore,
    TokenSet,
    authorization_url,
    client_credentials_token,
    exchange_code,
    pkce_pair,
    refresh_tokens,
)
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.anyio
REDIRECT = "https://sentia.example/xero/callback"


def request() -> httpx.Request:
    return httpx.Request("GET", "https://api.xero.com/connections")


async def test_client_credentials_use_basic_auth_and_last_thirty_minutes(identity, simulator, clock):
    tokens = await client_credentials_token(
        identity, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scopes="accounting.reports.read", clock=clock
    )
    sent = next(simulator.requests_to("token"))
    assert (
        sent.headers["authorization"] == "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    )
    assert parse_qs(sent.content.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["accounting.reports.read"],
    }
    assert tokens.expires_at == clock.now + 1800
    assert tokens.refresh_token is None and tokens.scope == "accounting.reports.read"
    assert "access_token" not in repr(tokens) and tokens.access_token not in repr(tokens)


async def test_a_custom_connection_token_is_reused_then_renewed_before_expiry_and_after_a_401(
    identity, simulator, clock
):
    auth = ClientCredentialsAuth(identity, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scopes="", clock=clock)
    first = await auth.headers(request(), refresh=False)
    assert await auth.headers(request(), refresh=False) == first
    clock.advance(1800 - 100)  # inside the renewal margin
    second = await auth.headers(request(), refresh=False)
    assert second != first
    # A 401 right after a renewal (another call already renewed it, or the token is refused outright) reuses it...
    assert await auth.headers(request(), refresh=True) == second
    # ...while a 401 on an older token renews it.
    clock.advance(RENEWAL_AFTER_401_SECONDS)
    third = await auth.headers(request(), refresh=True)
    assert third != second
    assert len(list(simulator.requests_to("token"))) == 3


@pytest.mark.parametrize(
    ("client_id", "secret", "scopes", "expected"),
    [
        (
            CLIENT_ID,
            "wrong",
            "",
            "refused the client_credentials grant (invalid_client) (HTTP 400); check SENTIA_XERO__",
        ),
        (CLIENT_ID, CLIENT_SECRET, "payroll.employees", "(invalid_scope) (HTTP 400); request only scopes the app was"),
    ],
)
async def test_refused_grants_say_why_without_the_secret(identity, client_id, secret, scopes, expected):
    with pytest.raises(VendorError, match=r".*") as caught:
        await client_credentials_token(identity, client_id=client_id, client_secret=secret, scopes=scopes)
    assert expected in str(caught.value)
    assert secret not in str(caught.value)


async def test_a_token_answer_without_an_access_token_is_a_clear_error():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"token_type": "Bearer"}))
    http = VendorHttpClient("xero", "https://identity.xero.com", transport=transport)
    try:
        with pytest.raises(VendorError, match="answered the client_credentials grant without an access token"):
            await client_credentials_token(http, client_id="a", client_secret="b", scopes="")
    finally:
        await http.aclose()


async def test_an_unknown_error_code_and_a_missing_lifetime_are_handled():
    answers = iter(
        [
            httpx.Response(401, json={"error": "temporarily_unavailable"}),
            httpx.Response(200, json={"access_token": "t"}),
        ]
    )
    http = VendorHttpClient("xero", "https://identity.xero.com", transport=httpx.MockTransport(lambda r: next(answers)))
    try:
        with pytest.raises(VendorError, match=r"\(temporarily_unavailable\) \(HTTP 401\); check the Xero app settings"):
            await client_credentials_token(http, client_id="a", client_secret="b", scopes="")
        tokens = await client_credentials_token(http, client_id="a", client_secret="b", scopes="", clock=lambda: 10.0)
        assert tokens.expires_at == 1810.0
    finally:
        await http.aclose()


def test_the_consent_url_asks_for_offline_access_with_an_s256_challenge():
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert challenge == base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    url = authorization_url(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT,
        scopes="accounting.transactions offline_access",
        state="s1",
        code_challenge=challenge,
    )
    parsed = urlparse(url)
    query = {key: values[0] for key, values in parse_qs(parsed.query).items()}
    assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == "https://login.xero.com/identity/connect/authorize"
    assert query == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "offline_access accounting.transactions",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


async def test_a_standard_app_exchanges_its_code_and_rotates_refresh_tokens(identity, simulator, clock):
    verifier, challenge = pkce_pair()
    code = simulator.authorize(
        code_challenge=challenge, redirect_uri=REDIRECT, scope="offline_access accounting.transactions"
    )
    tokens = await exchange_code(
        identity,
        client_id=CLIENT_ID,
        client_secret=None,
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
        clock=clock,
    )
    form = parse_qs(next(simulator.requests_to("token")).content.decode())
    assert form["client_id"] == [CLIENT_ID] and form["code_verifier"] == [verifier]  # PKCE: no secret, id in the form
    assert tokens.refresh_token is not None
    rotated = await refresh_tokens(
        identity, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=tokens.refresh_token
    )
    assert rotated.refresh_token not in (None, tokens.refresh_token)
    with pytest.raises(VendorError, match=r"\(invalid_grant\).*connect the Xero organisation again"):
        await refresh_tokens(
            identity, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=tokens.refresh_token
        )


async def test_a_code_is_used_once_and_needs_the_matching_verifier(identity, simulator):
    verifier, challenge = pkce_pair()
    code = simulator.authorize(code_challenge=challenge, redirect_uri=REDIRECT, scope="accounting.transactions")
    with pytest.raises(VendorError, match="invalid_grant"):
        await exchange_code(
            identity, client_id=CLIENT_ID, client_secret=None, code=code, redirect_uri=REDIRECT, code_verifier="x" * 50
        )
    with pytest.raises(VendorError, match="invalid_grant"):  # spent by the failed attempt
        await exchange_code(
            identity, client_id=CLIENT_ID, client_secret=None, code=code, redirect_uri=REDIRECT, code_verifier=verifier
        )


async def test_stored_tokens_are_refreshed_before_expiry_and_after_a_401_and_the_new_set_is_saved(
    identity, simulator, clock
):
    issued = simulator.backend.issue_access("accounting.transactions", refresh=True)
    store = InMemoryTokenStore()
    obtained = clock.now - 60
    await store.save(
        CLIENT_ID, TokenSet(issued["access_token"], obtained + 1800, issued["refresh_token"], "", obtained)
    )
    auth = AuthorizationCodeAuth(
        identity, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, store=store, key=CLIENT_ID, clock=clock
    )
    assert await auth.headers(request(), refresh=False) == {"authorization": f"Bearer {issued['access_token']}"}
    refreshed = await auth.headers(request(), refresh=True)
    saved = await store.load(CLIENT_ID)
    assert saved is not None and refreshed == {"authorization": f"Bearer {saved.access_token}"}
    assert saved.refresh_token != issued["refresh_token"]
    clock.advance(1800)
    assert await auth.headers(request(), refresh=False) != refreshed


async def test_a_standard_app_without_stored_tokens_says_to_authorise(identity, clock):
    store = InMemoryTokenStore()
    auth = AuthorizationCodeAuth(
        identity, client_id=CLIENT_ID, client_secret=None, store=store, key=CLIENT_ID, clock=clock
    )
    with pytest.raises(VendorError, match="not been authorised for this server yet; complete the Xero consent flow"):
        await auth.headers(request(), refresh=False)
    await store.save(CLIENT_ID, TokenSet("old", clock.now - 1))
    with pytest.raises(VendorError, match="no refresh token is stored; connect the Xero organisation again"):
        await auth.headers(request(), refresh=False)


async def test_a_refresh_answer_without_a_new_refresh_token_keeps_the_old_one():
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"access_token": "new", "expires_in": 1800}))
    http = VendorHttpClient("xero", "https://identity.xero.com", transport=transport)
    try:
        tokens = await refresh_tokens(http, client_id="a", client_secret=None, refresh_token="keep-me")
    finally:
        await http.aclose()
    assert (tokens.access_token, tokens.refresh_token) == ("new", "keep-me")
