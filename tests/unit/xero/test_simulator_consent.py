"""The simulator's consent page (GET /identity/connect/authorize): approve, refuse, and Xero's error answers."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sentia_server.integrations.xero.auth import pkce_pair
from sentia_testkit.simulators.xero import CLIENT_ID, CLIENT_SECRET, XeroSimulator

CONSENT = "https://login.xero.com/identity/connect/authorize"
REDIRECT = "https://sentia.example/oauth/xero/callback"


@pytest.fixture
def simulator() -> XeroSimulator:
    return XeroSimulator()


@pytest.fixture
def browser(simulator: XeroSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=simulator.transport()) as client:
        yield client


def consent_query(challenge: str = "c" * 43, **changes: str | None) -> dict[str, str]:
    query: dict[str, str | None] = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "offline_access accounting.transactions",
        "state": "s-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **changes,
    }
    return {key: value for key, value in query.items() if value is not None}


def sent_back(answer: httpx.Response) -> tuple[str, dict[str, str]]:
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    return (
        f"{location.scheme}://{location.netloc}{location.path}",
        {key: values[0] for key, values in parse_qs(location.query).items()},
    )


def test_an_approved_consent_sends_back_a_code_the_token_endpoint_redeems_with_the_verifier(browser, simulator):
    verifier, challenge = pkce_pair()
    target, answer = sent_back(browser.get(CONSENT, params=consent_query(challenge)))
    assert target == REDIRECT
    assert answer["state"] == "s-123" and answer["scope"] == "offline_access accounting.transactions"
    form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT}
    redeemed = browser.post(
        "https://identity.xero.com/connect/token",
        data={**form, "code_verifier": verifier},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert redeemed.status_code == 200 and redeemed.json()["refresh_token"]


def test_a_refused_consent_sends_back_access_denied_once(browser, simulator):
    simulator.refuse_consent()
    assert sent_back(browser.get(CONSENT, params=consent_query()))[1] == {"error": "access_denied", "state": "s-123"}
    assert "code" in sent_back(browser.get(CONSENT, params=consent_query()))[1]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"scope": "accounting.everything"}, "invalid_scope"),
        ({"scope": None}, "invalid_scope"),
    ],
)
def test_a_bad_request_is_sent_back_with_an_oauth_error(browser, changes: dict[str, str | None], error: str):
    assert sent_back(browser.get(CONSENT, params=consent_query(**changes)))[1] == {"error": error, "state": "s-123"}


def test_the_state_is_optional_and_a_redirect_uri_with_a_query_keeps_it(browser):
    answer = browser.get(CONSENT, params=consent_query(state=None, redirect_uri=f"{REDIRECT}?app=1"))
    target, query = sent_back(answer)
    assert target == REDIRECT and query["app"] == "1" and "state" not in query and query["code"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [({"client_id": "someone-else"}, "unauthorized_client"), ({"redirect_uri": None}, "invalid_request")],
)
def test_an_unknown_client_or_no_redirect_uri_gets_an_error_page_not_a_redirect(
    browser, changes: dict[str, str | None], error: str
):
    answer = browser.get(CONSENT, params=consent_query(**changes))
    assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/html")
    assert f"Error code: {error}" in answer.text


def test_server_settings_point_the_consent_page_at_the_simulator(simulator):
    settings = simulator.server_settings("http://127.0.0.1:8900/xero/")
    assert settings["SENTIA_XERO__AUTHORIZE_URL"] == "http://127.0.0.1:8900/xero/identity/connect/authorize"
