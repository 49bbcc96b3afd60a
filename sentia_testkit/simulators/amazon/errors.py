"""Errors in Amazon's own shapes: SP-API `{"errors": [{"code", "message", "details"}]}` and Amazon Ads
`{"code", "details"}`."""

from __future__ import annotations

import httpx

from sentia_testkit.simulators.core import NOT_IMPLEMENTED, json_response


def sp_error(
    status: int, code: str, message: str, details: str = "", headers: dict[str, str] | None = None
) -> httpx.Response:
    return json_response(status, {"errors": [{"code": code, "message": message, "details": details}]}, headers)


def sp_invalid(message: str) -> httpx.Response:
    return sp_error(400, "InvalidInput", message)


def sp_not_found(message: str) -> httpx.Response:
    return sp_error(404, "NotFound", message)


def sp_not_implemented(what: str) -> httpx.Response:
    return sp_error(501, "NotImplemented", f"{what} is {NOT_IMPLEMENTED}")


def ads_error(status: int, code: str, details: str) -> httpx.Response:
    return json_response(status, {"code": code, "details": details})


def ads_not_implemented(what: str) -> httpx.Response:
    return ads_error(501, "NOT_IMPLEMENTED", f"{what} is {NOT_IMPLEMENTED}")
