"""Error bodies in Shopify's own shapes: HTTP-level errors carry `{"errors": "..."}` (a string, or an object for a
bad request), GraphQL errors are `{"errors": [{"message", "locations"?, "path"?, "extensions": {"code"}}]}` with
HTTP 200, and the OAuth token endpoint answers RFC 6749 `{"error", "error_description"}`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from sentia_testkit.simulators.core import json_response
from sentia_testkit.simulators.shopify.cost import MAX_QUERY_COST

UNRECOGNIZED_LOGIN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
RATE_LIMITS_DOC = "https://shopify.dev/api/usage/limits#rate-limits"


def invalid_token() -> httpx.Response:
    """401 for a missing, unknown or expired X-Shopify-Access-Token."""
    return json_response(401, {"errors": UNRECOGNIZED_LOGIN})


def not_found() -> httpx.Response:
    """An unknown shop domain or API version."""
    return json_response(404, {"errors": "Not Found"})


def bad_request() -> httpx.Response:
    """A body that is not JSON, or JSON without a `query` string."""
    return json_response(400, {"errors": {"query": "Required parameter missing or invalid"}})


def unsupported_media_type() -> httpx.Response:
    return json_response(415, {"errors": "Unsupported Media Type: the body must be application/json"})


def graphql_errors(errors: Sequence[Mapping[str, Any]], cost: dict[str, Any] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"errors": list(errors)}
    if cost is not None:
        body["extensions"] = {"cost": cost}
    return json_response(200, body)


def throttled(requested: int, status: dict[str, float]) -> httpx.Response:
    """THROTTLED: the requested cost exceeds what the bucket holds; no data, the cost says how long to wait."""
    return graphql_errors(
        [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC}}],
        {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": status},
    )


def max_cost_exceeded(requested: int) -> httpx.Response:
    message = (
        f"Query cost is {requested}, which exceeds the single query max cost limit ({MAX_QUERY_COST}).\n\n"
        f"See {RATE_LIMITS_DOC} for more information on how the cost of a query is calculated.\n\n"
        "To query larger amounts of data with fewer limits, bulk operations should be used instead."
    )
    extensions = {
        "code": "MAX_COST_EXCEEDED",
        "cost": requested,
        "maxCost": MAX_QUERY_COST,
        "documentation": RATE_LIMITS_DOC,
    }
    return graphql_errors([{"message": message, "extensions": extensions}])


def oauth_error(error: str, description: str) -> httpx.Response:
    return json_response(400, {"error": error, "error_description": description})
