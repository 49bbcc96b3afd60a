"""Errors in Unleashed's own shape: a JSON body whose `Description` says what went wrong (400, 401, 403, 404),
and 501 for what the simulator does not implement."""

from __future__ import annotations

import httpx

from sentia_testkit.simulators.core import NOT_IMPLEMENTED, json_response


def unauthorized() -> httpx.Response:
    """No `api-auth-id`, or one no account has."""
    return json_response(401, {"Description": "Unauthorized"})


def forbidden() -> httpx.Response:
    """A missing or wrong `api-auth-signature`: Unleashed answers 403 Forbidden."""
    return json_response(403, {"Description": "Forbidden"})


def bad_request(description: str) -> httpx.Response:
    return json_response(400, {"Description": description})


def not_found(what: str) -> httpx.Response:
    return json_response(404, {"Description": f"{what} not found"})


def not_implemented(detail: str) -> httpx.Response:
    return json_response(501, {"error": NOT_IMPLEMENTED, "vendor": "unleashed", "detail": detail})
