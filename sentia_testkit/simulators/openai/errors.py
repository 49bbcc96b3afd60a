"""Errors in OpenAI's own shape: `{"error": {"message", "type", "param", "code"}}` with the status OpenAI uses
(https://platform.openai.com/docs/guides/error-codes), and an `x-request-id` on every answer."""

from __future__ import annotations

import httpx

from sentia_testkit.simulators.core import NOT_IMPLEMENTED, json_response


def error(
    status: int,
    message: str,
    *,
    kind: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return json_response(status, body, headers)


def missing_key() -> httpx.Response:
    return error(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer "
        "auth (i.e. Authorization: Bearer YOUR_KEY).",
    )


def invalid_key(secret: str) -> httpx.Response:
    masked = f"{secret[:8]}{'*' * 10}{secret[-4:]}" if len(secret) > 12 else "***"
    return error(
        401,
        f"Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )


def mismatched(header: str, code: str) -> httpx.Response:
    return error(401, f"{header} header should match the one of the API key", code=code)


def model_not_found(model: str) -> httpx.Response:
    return error(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
        param="model",
    )


def bad_request(message: str, *, param: str | None = None, code: str | None = None) -> httpx.Response:
    return error(400, message, param=param, code=code)


def unsupported_parameter(param: str, instead: str) -> httpx.Response:
    message = f"Unsupported parameter: '{param}' is not supported with this model. Use '{instead}' instead."
    return bad_request(message, param=param, code="unsupported_parameter")


def unsupported_value(param: str, value: object) -> httpx.Response:
    return bad_request(
        f"Unsupported value: '{param}' does not support {value} with this model. Only the default (1) value is "
        "supported.",
        param=param,
        code="unsupported_value",
    )


def rate_limited(retry_after: float) -> tuple[int, dict[str, str], bytes]:
    """A 429 for the request-per-minute limit: status, headers and body, for a fault."""
    response = error(
        429,
        "Rate limit reached for requests per minute (RPM). Please try again later.",
        kind="requests",
        code="rate_limit_exceeded",
        headers={"retry-after": f"{retry_after:g}", "x-ratelimit-remaining-requests": "0"},
    )
    return response.status_code, dict(response.headers), response.content


def server_error(status: int) -> tuple[int, dict[str, str], bytes]:
    message = (
        "The engine is currently overloaded, please try again later."
        if status == 503
        else "The server had an error while processing your request. Sorry about that!"
    )
    response = error(status, message, kind="server_error")
    return response.status_code, dict(response.headers), response.content


def not_implemented(detail: str) -> httpx.Response:
    return json_response(501, {"error": NOT_IMPLEMENTED, "vendor": "openai", "detail": detail})
