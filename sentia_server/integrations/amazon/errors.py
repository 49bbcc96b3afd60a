"""Amazon's error bodies turned into messages a caller can act on.

SP-API answers `{"errors": [{"code", "message", "details"}]}` (https://developer-docs.amazon.com/sp-api/docs/
response-format); Amazon Ads answers `{"code", "details"}` or `{"code", "message"}`.
"""

from __future__ import annotations

from typing import Any

import httpx

from sentia_server.integrations.http import VendorError

_HINTS: dict[int, str] = {
    400: "correct the request as the message says",
    401: "check the configured credentials",
    403: "the seller has not granted this app the role the operation needs, or the token was refused",
    404: "check the identifiers",
    409: "the resource changed meanwhile; read it again and retry",
    413: "ask for less data at once",
    415: "the request's content type was refused",
    422: "correct the request as the message says",
}


def sp_api_errors(body: Any) -> list[dict[str, str]]:
    """The `errors` entries of an SP-API body that has them, else an empty list."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return []
    return [
        {key: str(entry[key]) for key in ("code", "message", "details") if entry.get(key)}
        for entry in body["errors"]
        if isinstance(entry, dict)
    ]


def describe_sp_api_errors(errors: list[dict[str, str]]) -> str:
    parts = []
    for error in errors:
        text = f"{error.get('code', 'Error')}: {error.get('message', 'no message')}"
        parts.append(f"{text} ({error['details']})" if error.get("details") else text)
    return "; ".join(parts)


def response_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def sp_api_error(vendor: str, operation: str, response: httpx.Response) -> VendorError:
    """A refusal of `operation`, with Amazon's own code and message."""
    status = response.status_code
    errors = sp_api_errors(response_body(response))
    described = describe_sp_api_errors(errors) if errors else response.text.strip()[:300] or "(empty body)"
    if status >= 500:
        return VendorError(
            vendor, f"{operation} failed: {described}", status=status, hint="try again later", retryable=True
        )
    return VendorError(vendor, f"{operation} refused: {described}", status=status, hint=_HINTS.get(status))


def ads_error(vendor: str, operation: str, response: httpx.Response) -> VendorError:
    """A refusal of an Amazon Ads `operation`, with its `code` and `details`/`message`."""
    status = response.status_code
    body = response_body(response)
    if isinstance(body, dict) and body.get("code"):
        text = f"{body['code']}: {body.get('details') or body.get('message') or 'no details'}"
    else:
        text = response.text.strip()[:300] or "(empty body)"
    if status >= 500:
        return VendorError(vendor, f"{operation} failed: {text}", status=status, hint="try again later", retryable=True)
    return VendorError(vendor, f"{operation} refused: {text}", status=status, hint=_HINTS.get(status))
