"""Unleashed request signing: every request carries its API id and an HMAC-SHA256 signature of its query string.

https://apidocs.unleashedsoftware.com/AuthenticationHelp: the signature is the base64 HMAC-SHA256 of the query
string only (no path, no leading `?`; the empty string when there is none), keyed with the API key; it is sent in
`api-auth-signature` with the API id in `api-auth-id` and the integration's name in `client-type`. The query string
signed is the one on the wire, percent-encoding included, so the signature always matches what Unleashed receives.
A wrong signature gets 403 Forbidden. The key itself is never sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

import httpx


def signature(query: str, api_key: str) -> str:
    """base64(HMAC-SHA256(key=api_key, message=query)) of a query string without its `?`."""
    digest = hmac.new(api_key.encode(), query.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def query_of(request: httpx.Request) -> str:
    """The request's query string exactly as it is sent (percent-encoded, without `?`)."""
    return request.url.query.decode("ascii")


class SignatureAuth:
    """The `Auth` of the Unleashed client: signs each request as it is about to be sent. Unleashed credentials do
    not expire, so a refresh after a 401 signs the request again with the same key (one retry, then the 401
    stands)."""

    def __init__(self, *, api_id: str, api_key: str, client_type: str) -> None:
        self._api_id = api_id
        self._api_key = api_key
        self._client_type = client_type

    async def headers(self, request: httpx.Request, *, refresh: bool) -> Mapping[str, str]:
        return {
            "api-auth-id": self._api_id,
            "api-auth-signature": signature(query_of(request), self._api_key),
            "client-type": self._client_type,
        }
