"""Locust users for a server's plain HTTP side: JSON endpoints (health, metrics) and a Prometheus scraper."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from locust import FastHttpUser, constant_pacing, task

from sentia_testkit.load.options import bearer_headers

EXCERPT = 200


@dataclass(frozen=True)
class Endpoint:
    """A GET endpoint answering 200 with JSON; `authenticated` ones get the bearer credential."""

    path: str
    weight: int = 1
    authenticated: bool = False


def json_problem(status: int, text: str) -> str | None:
    """None for a 200 with a JSON body, else what is wrong with the response."""
    if status != 200:
        return f"HTTP {status}: {text[:EXCERPT]}" if status else f"no response: {text[:EXCERPT]}"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"not JSON ({error.msg}): {text[:EXCERPT]!r}"
    return None


def prometheus_problem(status: int, text: str) -> str | None:
    """None for a 200 in the Prometheus text format (it has `# TYPE` lines), else what is wrong."""
    if status != 200:
        return f"HTTP {status}: {text[:EXCERPT]}" if status else f"no response: {text[:EXCERPT]}"
    if "# TYPE " not in text:
        return f"not the Prometheus text format: {text[:EXCERPT]!r}"
    return None


def _text(response: Any) -> str:
    return str(response.text if response.text is not None else response.error or "")


class RestUser(FastHttpUser):
    """GETs one of `endpoints` per task, chosen by weight, as a dashboard or a load balancer would."""

    abstract = True
    token: ClassVar[str | None] = None
    endpoints: ClassVar[Sequence[Endpoint]] = (Endpoint("/health", weight=3), Endpoint("/health/ready"))

    @task
    def get_an_endpoint(self) -> None:
        endpoint = random.choices(self.endpoints, weights=[item.weight for item in self.endpoints])[0]  # noqa: S311
        headers = bearer_headers(self.environment, self.token) if endpoint.authenticated else {}
        with self.client.get(endpoint.path, headers=headers, name=endpoint.path, catch_response=True) as response:
            problem = json_problem(response.status_code, _text(response))
            if problem is None:
                response.success()
            else:
                response.failure(problem)


class MetricsScraper(FastHttpUser):
    """One Prometheus scraper (`fixed_count = 1`) reading `metrics_path` every `wait_time` (15 s by default)."""

    abstract = True
    fixed_count = 1
    wait_time = constant_pacing(15)
    token: ClassVar[str | None] = None
    metrics_path: ClassVar[str] = "/metrics"

    @task
    def scrape(self) -> None:
        headers = bearer_headers(self.environment, self.token)
        with self.client.get(self.metrics_path, headers=headers, name=self.metrics_path, catch_response=True) as resp:
            problem = prometheus_problem(resp.status_code, _text(resp))
            if problem is None:
                resp.success()
            else:
                resp.failure(problem)
