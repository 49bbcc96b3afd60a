"""Errors in Anthropic's own shape: `{"type": "error", "error": {"type", "message"}, "request_id"}` with the
status Anthropic uses for each type (https://docs.anthropic.com/en/api/errors)."""

from __future__ import annotations

import uuid

import httpx

from sentia_testkit.simulators.core import NOT_IMPLEMENTED, json_response

STATUS_OF = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "overloaded_error": 529,
}


def request_id() -> str:
    return f"req_{uuid.uuid4().hex[:24]}"


def error(kind: str, message: str, *, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id()}
    return json_response(STATUS_OF[kind], body, headers)


def authentication(message: str = "invalid x-api-key") -> httpx.Response:
    return error("authentication_error", message)


def invalid(message: str) -> httpx.Response:
    return error("invalid_request_error", message)


def not_found(message: str) -> httpx.Response:
    return error("not_found_error", message)


def rate_limited(retry_after: float) -> tuple[int, dict[str, str], bytes]:
    """A 429 for the requests-per-minute limit: status, headers and body, for a fault."""
    response = error(
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of requests per minute. For details, "
        "refer to: https://docs.claude.com/en/api/rate-limits.",
        headers={"retry-after": f"{retry_after:g}", "anthropic-ratelimit-requests-remaining": "0"},
    )
    return response.status_code, dict(response.headers), response.content


def server_error(kind: str) -> tuple[int, dict[str, str], bytes]:
    """An `api_error` (500) or `overloaded_error` (529): status, headers and body, for a fault."""
    message = "Overloaded" if kind == "overloaded_error" else "Internal server error"
    response = error(kind, message)
    return response.status_code, dict(response.headers), response.content


def not_implemented(detail: str) -> httpx.Response:
    return json_response(501, {"error": NOT_IMPLEMENTED, "vendor": "anthropic", "detail": detail})
