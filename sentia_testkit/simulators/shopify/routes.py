"""The Shopify simulator: the GraphQL Admin API endpoint and the client-credentials token endpoint of each shop.

A shop is addressed by its domain, as on Shopify (`https://sentia-uk.myshopify.com/admin/api/2026-10/graphql.json`),
or, when several shops share one simulator server, by a path prefix
(`http://127.0.0.1:8900/shopify/sentia-uk.myshopify.com/admin/api/2026-10/graphql.json`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    execute,
    parse,
    validate,
)

from sentia_testkit.simulators.core import Simulator, SimulatorRequest, json_response
from sentia_testkit.simulators.shopify import errors
from sentia_testkit.simulators.shopify.backend import ShopifyBackend, ShopState
from sentia_testkit.simulators.shopify.cost import MAX_QUERY_COST, operation_cost
from sentia_testkit.simulators.shopify.resolvers import RequestContext, bind
from sentia_testkit.simulators.shopify.schema import API_VERSIONS, admin_schema


class ShopifySimulator(Simulator):
    """Every shop of the seed data behind one simulator. `backend` holds the state; `faults` injects failures on
    the routes `graphql` and `access_token`."""

    vendor = "shopify"

    def __init__(
        self,
        seed_dir: Path | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.backend = ShopifyBackend(seed_dir, clock=clock, now=now)
        self.schema: GraphQLSchema = bind(admin_schema())
        for prefix in ("", "/{shop_domain}"):
            self.route("POST", prefix + "/admin/api/{version}/graphql.json", name="graphql")(self.graphql)
            self.route("POST", prefix + "/admin/oauth/access_token", name="access_token")(self.access_token)

    def reset(self) -> None:
        super().reset()
        self.backend.reset()

    def _shop(self, request: SimulatorRequest) -> ShopState | None:
        domain = request.params.get("shop_domain") or request.request.url.host
        return self.backend.shops.get(domain)

    # POST /admin/api/{version}/graphql.json

    def graphql(self, request: SimulatorRequest) -> httpx.Response:
        state = self._shop(request)
        if state is None or request.params["version"] not in API_VERSIONS:
            return errors.not_found()
        if not self.backend.authenticate(state, request.headers.get("x-shopify-access-token")):
            return errors.invalid_token()
        if "json" not in request.headers.get("content-type", ""):
            return errors.unsupported_media_type()
        try:
            body = request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return errors.bad_request()
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return errors.bad_request()
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            return errors.bad_request()
        return self._run(state, body["query"], variables, body.get("operationName"))

    def _run(self, state: ShopState, source: str, variables: dict[str, Any], operation_name: Any) -> httpx.Response:
        try:
            document = parse(source)
        except GraphQLError as error:
            return errors.graphql_errors([error.formatted])
        problems = validate(self.schema, document)
        if problems:
            return errors.graphql_errors([problem.formatted for problem in problems])
        operation = _operation(document, operation_name if isinstance(operation_name, str) else None)
        if operation is None:
            return errors.graphql_errors([{"message": "An operation name is required when a document has several"}])
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        requested = operation_cost(self.schema, operation, fragments, variables)
        if requested > MAX_QUERY_COST:
            return errors.max_cost_exceeded(requested)
        if not state.bucket.take(requested):
            return errors.throttled(requested, state.bucket.status())
        result = execute(
            self.schema,
            document,
            context_value=RequestContext(self.backend, state),
            variable_values=variables,
            operation_name=operation.name.value if operation.name else None,
        )
        if not isinstance(result, ExecutionResult):
            raise TypeError("the simulator's resolvers are synchronous; execution must not return an awaitable")
        actual = operation_cost(self.schema, operation, fragments, variables, result.data or {})
        state.bucket.refund(requested - actual)
        cost = {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": state.bucket.status()}
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        body["extensions"] = {"cost": cost}
        return json_response(200, body)

    # POST /admin/oauth/access_token

    def access_token(self, request: SimulatorRequest) -> httpx.Response:
        """The client credentials grant (form-encoded `grant_type=client_credentials&client_id&client_secret`)."""
        state = self._shop(request)
        if state is None:
            return errors.not_found()
        form = httpx.QueryParams(request.request.content.decode("utf-8", "replace"))
        if form.get("grant_type") != "client_credentials":
            return errors.oauth_error("unsupported_grant_type", "The grant_type must be client_credentials.")
        issued = self.backend.issue_token(state, form.get("client_id", ""), form.get("client_secret", ""))
        if issued is None:
            return errors.oauth_error(
                "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret."
            )
        return json_response(200, issued)

    # Conveniences for tests

    def base_url(self, shop: str) -> str:
        """The HTTPS origin of a shop, as the server would call it (`https://sentia-uk.myshopify.com`)."""
        return f"https://{self.backend.shop(shop).domain}"

    def server_settings(self, url: str) -> dict[str, str]:
        """SENTIA_* settings that point the server at this simulator served at `url` (e.g.
        http://127.0.0.1:8900/shopify): every shop by its short name, the first with its static Admin API token and
        the others through the client credentials grant, so that both ways of authenticating are exercised."""
        settings = {"SENTIA_SHOPIFY__BASE_URL": f"{url.rstrip('/')}/{{shop_domain}}"}
        for index, state in enumerate(self.backend.shops.values()):
            prefix = f"SENTIA_SHOPIFY__SHOPS__{state.key.upper()}"
            settings[f"{prefix}__SHOP_DOMAIN"] = state.domain
            if index == 0:
                settings[f"{prefix}__ACCESS_TOKEN"] = state.access_token
            else:
                settings[f"{prefix}__CLIENT_ID"] = state.client_id
                settings[f"{prefix}__CLIENT_SECRET"] = state.client_secret
        return settings


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        return next((op for op in operations if op.name is not None and op.name.value == name), None)
    return operations[0] if len(operations) == 1 else None
