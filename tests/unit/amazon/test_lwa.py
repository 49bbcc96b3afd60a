"""Login with Amazon: the refresh-token grant, token caching and renewal, and refusals that say what to check."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from sentia_server.integrations.amazon.lwa import LwaCredentials, LwaTokenSource
from sentia_server.integrations.http import VendorError
from sentia_testkit.simulators.amazon import SellingPartnerSimulator

pytestmark = pytest.mark.anyio


def credentials(simulator: SellingPartnerSimulator, **changes: str) -> LwaCredentials:
    values = {**simulator.credentials, **changes}
    return LwaCredentials(
        values["lwa_client_id"],
        SecretStr(values["lwa_client_secret"]),
        SecretStr(values["refresh_token"]),
        "https://api.amazon.com/auth/o2/token",
    )


async def test_the_refresh_token_grant_is_posted_as_a_form_and_the_token_cached(sp_simulator):
    clock = [0.0]
    source = LwaTokenSource(
        "amazon", credentials(sp_simulator), transport=sp_simulator.transport(), clock=lambda: clock[0]
    )
    try:
        first = await source.token()
        assert await source.token() == first
        clock[0] = 3600 - 59  # within a minute of expiry: renewed before use
        renewed = await source.token()
        forced = await source.token(refresh=True)
    finally:
        await source.aclose()
    assert len({first, renewed, forced}) == 3
    request = next(sp_simulator.requests_to("lwa-token"))
    assert request.url == "https://api.amazon.com/auth/o2/token"
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    form = httpx.QueryParams(request.content.decode())
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == sp_simulator.credentials["refresh_token"]
    assert form["client_id"] == sp_simulator.credentials["lwa_client_id"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"lwa_client_secret": "wrong"},
            "amazon: Login with Amazon refused the token request (invalid_client: Client authentication failed) "
            "(HTTP 401); check SENTIA_AMAZON__* client id, client secret and refresh token, or re-authorise the app",
        ),
        (
            {"refresh_token": "Atzr|unknown"},
            "amazon: Login with Amazon refused the token request (invalid_grant: The request has an invalid grant "
            "parameter : refresh_token) (HTTP 400); check SENTIA_AMAZON__* client id, client secret and refresh "
            "token, or re-authorise the app",
        ),
    ],
)
async def test_refused_grants_name_the_settings_to_check(sp_simulator, change, expected):
    source = LwaTokenSource("amazon", credentials(sp_simulator, **change), transport=sp_simulator.transport())
    try:
        with pytest.raises(VendorError) as raised:
            await source.token()
    finally:
        await source.aclose()
    assert str(raised.value) == expected
    assert "wrong" not in str(raised.value) and "Atzr" not in str(raised.value)


async def test_an_answer_without_a_token_or_with_another_grant_is_an_error(sp_simulator):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>maintenance</html>")

    source = LwaTokenSource("amazon", credentials(sp_simulator), transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(
            VendorError, match=r"^amazon: Login with Amazon answered without an access token \(HTTP 200\)"
        ):
            await source.token()
    finally:
        await source.aclose()
    async with httpx.AsyncClient(transport=sp_simulator.transport()) as client:
        answer = await client.post("https://api.amazon.com/auth/o2/token", data={"grant_type": "client_credentials"})
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_grant_type"


async def test_a_token_url_with_a_path_prefix_is_kept_for_server_mode(sp_simulator):
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"access_token": "Atza|x", "expires_in": 3600, "token_type": "bearer"})

    creds = credentials(sp_simulator)
    prefixed = LwaCredentials(
        creds.client_id, creds.client_secret, creds.refresh_token, "http://127.0.0.1:8900/amazon/auth/o2/token"
    )
    source = LwaTokenSource("amazon", prefixed, transport=httpx.MockTransport(handler))
    try:
        assert await source.token() == "Atza|x"
    finally:
        await source.aclose()
    assert seen == ["http://127.0.0.1:8900/amazon/auth/o2/token"]
