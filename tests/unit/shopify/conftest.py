"""Helpers for the Shopify unit tests: a simulator and a raw GraphQL caller for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sentia_testkit.simulators.shopify import ShopifySimulator

UK_TOKEN = "shpat_simulated-uk-admin-token"
UK_URL = "https://sentia-uk.myshopify.com/admin/api/2026-10/graphql.json"


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def simulator(clock: Clock) -> ShopifySimulator:
    return ShopifySimulator(clock=clock)


GraphQL = Callable[..., httpx.Response]


@pytest.fixture
def graphql(simulator: ShopifySimulator) -> GraphQL:
    """`graphql(query, variables, token=..., url=...)`: one POST to the simulator, in process."""

    def post(
        query: str, variables: dict[str, Any] | None = None, *, token: str = UK_TOKEN, url: str = UK_URL
    ) -> httpx.Response:
        with httpx.Client(transport=simulator.transport()) as client:
            return client.post(
                url, json={"query": query, "variables": variables or {}}, headers={"X-Shopify-Access-Token": token}
            )

    return post
