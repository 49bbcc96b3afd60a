"""One shop's GraphQL endpoint: POST /admin/api/{version}/graphql.json with `{"query", "variables"}`.

What can go wrong, and how each is told apart:
- HTTP 429 and 5xx are retried by the HTTP layer (honouring Retry-After); 401/402/403/404/423 are Shopify's
  answers about the credential or the shop and become errors that say which setting to check.
- HTTP 200 with top-level `errors`: a throttled query (`extensions.code == "THROTTLED"`) waits
  (requested - available) / restoreRate seconds and is sent again, a bounded number of times; any other GraphQL
  error fails the call with Shopify's messages and codes.
- `userErrors` in a mutation payload are the merchant-facing validation errors; `user_errors_message` renders
  them verbatim with their field paths, for the caller to fix the input.
https://shopify.dev/docs/api/admin-graphql#status_and_error_codes
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from sentia_server.integrations.http import VendorError, VendorHttpClient
from sentia_server.integrations.shopify.documents import Document
from sentia_server.integrations.shopify.throttle import CostBudget

VENDOR = "shopify"
_ANSWERS = frozenset({200, 400, 401, 402, 403, 404, 423})
Sleep = Callable[[float], Awaitable[None]]


class ShopGraphQL:
    """Sends documents to one shop; `budget` is that shop's query-cost estimate, shared by its clients."""

    def __init__(
        self,
        shop: str,
        http: VendorHttpClient,
        api_version: str,
        budget: CostBudget,
        *,
        settings_prefix: str,
        sleep: Sleep = asyncio.sleep,
        max_throttle_retries: int = 3,
        max_throttle_wait: float = 20.0,
    ) -> None:
        self.shop = shop
        self._http = http
        self._path = f"/admin/api/{api_version}/graphql.json"
        self._api_version = api_version
        self._budget = budget
        self._settings_prefix = settings_prefix
        self._sleep = sleep
        self._max_retries = max_throttle_retries
        self._max_wait = max_throttle_wait

    async def execute(self, document: Document, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a successful answer; VendorError for every failure, with what to do about it."""
        throttled = 0
        while True:
            wait = self._budget.wait_before(document.name)
            if wait > 0:
                await self._sleep(min(wait, self._max_wait))
            response = await self._http.request(
                "POST",
                self._path,
                tenant=self.shop,
                json_body={"query": document.text, "variables": dict(variables or {})},
                expected=_ANSWERS,
            )
            if response.status_code != 200:
                raise self._http_error(response)
            body = _json_body(response)
            extensions = body.get("extensions")
            self._budget.record(document.name, extensions)
            errors = body.get("errors")
            if errors:
                if _is_throttled(errors):
                    delay = self._budget.throttled_wait(extensions)
                    throttled += 1
                    if throttled <= self._max_retries and delay is not None and delay <= self._max_wait:
                        await self._sleep(delay)
                        continue
                    raise VendorError(
                        VENDOR,
                        f"shop {self.shop} throttled {document.name} {throttled} times (query cost limit)",
                        hint=f"try again in {delay or self._max_wait:.0f} s, or ask for fewer items",
                        retryable=True,
                    )
                raise self._graphql_error(document, errors)
            data = body.get("data")
            if not isinstance(data, dict):
                raise _malformed(response.status_code, "an answer without data")
            return data

    def _http_error(self, response: httpx.Response) -> VendorError:
        status = response.status_code
        detail = _errors_text(_json_body_or_none(response))
        prefix = self._settings_prefix
        if status == 401:
            return VendorError(
                VENDOR,
                f"shop {self.shop} rejected the access token: {detail}",
                status=status,
                hint=f"check {prefix}__ACCESS_TOKEN (or __CLIENT_ID and __CLIENT_SECRET) for this shop",
            )
        if status == 402:
            return VendorError(
                VENDOR,
                f"shop {self.shop} is frozen (payment required): {detail}",
                status=status,
                hint="the shop's Shopify plan is unpaid; the shop owner must settle it",
            )
        if status == 403:
            return VendorError(
                VENDOR,
                f"shop {self.shop} refused access: {detail}",
                status=status,
                hint="grant the app the access scopes it needs in the Shopify admin",
            )
        if status == 404:
            return VendorError(
                VENDOR,
                f"shop {self.shop} or API version {self._api_version} was not found: {detail}",
                status=status,
                hint=f"check {prefix}__SHOP_DOMAIN and SENTIA_SHOPIFY__API_VERSION",
            )
        if status == 423:
            return VendorError(
                VENDOR,
                f"shop {self.shop} is locked: {detail}",
                status=status,
                hint="Shopify has locked the shop; the shop owner must contact Shopify support",
            )
        return VendorError(
            VENDOR,
            f"shop {self.shop} rejected the request as malformed: {detail}",
            status=status,
            hint="this is a fault in Sentia's Shopify integration; report it with this message",
        )

    def _graphql_error(self, document: Document, errors: Any) -> VendorError:
        items = errors if isinstance(errors, list) else [errors]
        codes = [_code(item) for item in items]
        described = "; ".join(_describe(item) for item in items[:3])
        if len(items) > 3:
            described += f"; and {len(items) - 3} more"
        if "ACCESS_DENIED" in codes:
            hint = "grant the app the access scope named above in the Shopify admin"
        elif "INTERNAL_SERVER_ERROR" in codes:
            hint = "Shopify had an internal error; try again later"
        elif "MAX_COST_EXCEEDED" in codes:
            hint = "ask for fewer items per page"
        else:
            hint = "this is a fault in Sentia's Shopify integration; report it with this message"
        return VendorError(
            VENDOR,
            f"shop {self.shop} answered {document.name} with errors: {described}",
            hint=hint,
            retryable="INTERNAL_SERVER_ERROR" in codes,
        )


def user_errors_message(shop: str, mutation: str, errors: Sequence[Mapping[str, Any]]) -> str:
    """`userErrors` verbatim, each with its field path and code, e.g. `title: Title can't be blank`."""
    parts = []
    for error in errors:
        field = error.get("field")
        path = ".".join(str(part) for part in field) if isinstance(field, list) and field else "(input)"
        code = f" [{error['code']}]" if error.get("code") else ""
        parts.append(f"{path}: {error.get('message', 'invalid')}{code}")
    return f"shop {shop} refused {mutation}: " + "; ".join(parts)


def _is_throttled(errors: Any) -> bool:
    return isinstance(errors, list) and any(_code(item) == "THROTTLED" for item in errors)


def _code(item: Any) -> str | None:
    extensions = item.get("extensions") if isinstance(item, Mapping) else None
    code = extensions.get("code") if isinstance(extensions, Mapping) else None
    return str(code) if code is not None else None


def _describe(item: Any) -> str:
    if not isinstance(item, Mapping):
        return str(item)[:300]
    message = str(item.get("message", "unknown error")).strip().splitlines()[0][:300]
    path = item.get("path")
    where = f" at {'.'.join(str(part) for part in path)}" if isinstance(path, list) and path else ""
    code = _code(item)
    return f"{message}{where}" + (f" [{code}]" if code else "")


def _errors_text(body: Any) -> str:
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if isinstance(errors, str):
        return errors[:300]
    if errors:
        return json.dumps(errors)[:300]
    return "no reason given"


def _json_body_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise _malformed(response.status_code, "a body that is not valid JSON") from None
    if not isinstance(body, dict):
        raise _malformed(response.status_code, "a JSON body that is not an object")
    return body


def _malformed(status: int, what: str) -> VendorError:
    return VendorError(
        VENDOR,
        f"returned {what}",
        status=status,
        hint="Shopify may be having an incident; try again later",
        retryable=True,
    )
