"""How Unleashed checks a request: the base64 HMAC-SHA256 of the query string as received (without `?`), keyed
with the account's API key, must equal the `api-auth-signature` header
(https://apidocs.unleashedsoftware.com/AuthenticationHelp)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def expected_signature(query: str, api_key: str) -> str:
    return base64.b64encode(hmac.new(api_key.encode(), query.encode(), hashlib.sha256).digest()).decode()


def signature_matches(query: str, api_key: str, signature: str | None) -> bool:
    return signature is not None and hmac.compare_digest(expected_signature(query, api_key), signature)
