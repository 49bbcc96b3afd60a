"""Request signing as Unleashed documents it, checked against signatures computed here with hmac/hashlib/base64."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx
import pytest

from sentia_server.integrations.unleashed.auth import SignatureAuth, query_of, signature
from sentia_testkit.simulators.unleashed import expected_signature

pytestmark = pytest.mark.anyio
KEY = "sentia-simulator-unleashed-api-key-not-a-real-secret"


def reference(message: str, key: str) -> str:
    """base64(HMAC-SHA256(key, message)), written out independently of the code under test."""
    return base64.b64encode(hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()).decode()


@pytest.mark.parametrize(
    "query",
    [
        "customerCode=ACME",
        "",
        "pageSize=200&product=Rhubarb+%26+Hibiscus&customerName=Getr%C3%A4nke%20Weber",
    ],
    ids=["query", "empty", "url-encoded"],
)
def test_the_signature_is_the_base64_hmac_sha256_of_the_query_string(query):
    assert signature(query, KEY) == reference(query, KEY)
    assert expected_signature(query, KEY) == reference(query, KEY)


def test_the_empty_query_matches_the_published_hmac_sha256_vector():
    """HMAC-SHA256 with key "key" over the empty message is 5d5d1395...07d0 (hex), here in base64."""
    assert signature("", "key") == "XV0TlWPJW1lnub2ajJsjOp3ttFByeUzSMtwbdIMmB9A="


async def test_a_request_is_signed_over_its_query_as_sent_without_the_question_mark():
    auth = SignatureAuth(api_id="my-id", api_key=KEY, client_type="sentia/sentia-mcp-server")
    request = httpx.Request("GET", "https://api.unleashedsoftware.com/Products/1", params={"product": "Gin & Tonic"})
    headers = await auth.headers(request, refresh=False)
    assert query_of(request) == "product=Gin+%26+Tonic"
    assert headers == {
        "api-auth-id": "my-id",
        "api-auth-signature": reference("product=Gin+%26+Tonic", KEY),
        "client-type": "sentia/sentia-mcp-server",
    }
    assert KEY not in str(request.url)


async def test_a_request_without_a_query_is_signed_over_the_empty_string():
    auth = SignatureAuth(api_id="my-id", api_key=KEY, client_type="c/t")
    headers = await auth.headers(httpx.Request("GET", "https://x.test/Warehouses"), refresh=True)
    assert headers["api-auth-signature"] == reference("", KEY)
