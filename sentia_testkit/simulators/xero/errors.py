"""Errors in Xero's own shapes: the identity layer's problem details (401/403), the Accounting API's
ValidationException (400), the OAuth token endpoint's `error` codes, and 429 with Xero's rate-limit headers."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from sentia_testkit.simulators.core import NOT_IMPLEMENTED, json_response


def _problem(status: int, title: str, detail: str) -> httpx.Response:
    body: dict[str, Any] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return json_response(status, body)


def unauthorized() -> httpx.Response:
    """A missing, unknown or expired access token."""
    return _problem(401, "Unauthorized", "AuthenticationUnsuccessful")


def forbidden() -> httpx.Response:
    """A token that may not reach the organisation named in Xero-Tenant-Id (or none was named)."""
    return _problem(403, "Forbidden", "AuthorizationUnsuccessful")


def not_found() -> httpx.Response:
    return httpx.Response(
        404,
        text="The resource you're looking for cannot be found",
        headers={"content-type": "text/html; charset=utf-8"},
    )


def validation_exception(elements: list[dict[str, Any]]) -> httpx.Response:
    """400 ValidationException: each element is the rejected item with its `ValidationErrors`."""
    body = {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": elements,
    }
    return json_response(400, body)


def bad_request(message: str) -> httpx.Response:
    """A 400 about the request itself (a malformed parameter), with Xero's ErrorNumber 10 shape."""
    return validation_exception([{"ValidationErrors": [{"Message": message}]}])


def consent_page_error(error: str) -> httpx.Response:
    """The consent page's own error page, shown instead of redirecting an unknown client or redirect URI."""
    return httpx.Response(
        400,
        text=f"<html><body><h1>Sorry, something went wrong</h1><p>Error code: {error}</p></body></html>",
        headers={"content-type": "text/html; charset=utf-8"},
    )


def token_error(error: str, status: int = 400) -> httpx.Response:
    return json_response(status, {"error": error})


def rate_limited(problem: str, retry_after: int, remaining: dict[str, str]) -> httpx.Response:
    headers = {"Retry-After": str(retry_after), "X-Rate-Limit-Problem": problem, **remaining}
    return httpx.Response(429, headers=headers)


def not_implemented(detail: str) -> httpx.Response:
    return json_response(501, {"error": NOT_IMPLEMENTED, "vendor": "xero", "detail": detail})
