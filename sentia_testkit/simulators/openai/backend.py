"""The OpenAI simulator's state, seeded from `fixtures/openai/`: organisations with their projects and API keys,
the model catalogue, each organisation's request window (for its requests-per-minute limit) and token usage per
model, and the queue of canned completions tests line up. One method per operation; HTTP lives in routes.py."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentia_testkit.simulators.model_api import ModelUsage, RequestWindow, add_usage, count_request
from sentia_testkit.simulators.seed_data import seed_dir

FIXTURES_DIR = seed_dir("openai")


@dataclass(frozen=True)
class ApiKey:
    secret: str
    name: str
    organization_id: str
    project_id: str


@dataclass
class Organization:
    id: str
    name: str
    projects: dict[str, str]
    """Project id -> name."""
    requests_per_minute: int
    usage: dict[str, ModelUsage] = field(default_factory=dict)
    recent_requests: deque[float] = field(default_factory=deque)


@dataclass(frozen=True)
class QueuedCompletion:
    """A canned answer: served, in order, before any answer derived from the request."""

    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class OpenAIBackend:
    def __init__(self, *, fixtures: Path = FIXTURES_DIR, clock: Callable[[], float] = time.time) -> None:
        self._fixtures = fixtures
        self._clock = clock
        self.organizations: dict[str, Organization] = {}
        self.keys: dict[str, ApiKey] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.queue: deque[QueuedCompletion] = deque()
        self.reset()

    def reset(self) -> None:
        """Back to the seed: no usage, nothing queued."""
        seed = json.loads((self._fixtures / "organizations.json").read_text())
        self.organizations.clear()
        self.keys.clear()
        for entry in seed["organizations"]:
            organization = Organization(
                id=entry["id"],
                name=entry["name"],
                projects={project["id"]: project["name"] for project in entry["projects"]},
                requests_per_minute=int(entry["rate_limits"]["requests_per_minute"]),
            )
            self.organizations[organization.id] = organization
            for project in entry["projects"]:
                for key in project["keys"]:
                    self.keys[key["secret"]] = ApiKey(key["secret"], key["name"], organization.id, project["id"])
        catalogue = json.loads((self._fixtures / "models.json").read_text())
        self.models = {model["id"]: model for model in catalogue["models"]}
        self.queue.clear()

    def authenticate(self, secret: str) -> ApiKey | None:
        return self.keys.get(secret)

    def model(self, model_id: str) -> dict[str, Any] | None:
        return self.models.get(model_id)

    def enqueue(self, completion: QueuedCompletion) -> None:
        self.queue.append(completion)

    def next_queued(self) -> QueuedCompletion | None:
        return self.queue.popleft() if self.queue else None

    def count_request(self, organization_id: str) -> RequestWindow:
        """Count one request against the organisation's per-minute limit, unless the window is full."""
        owner = self.organizations[organization_id]
        return count_request(owner.recent_requests, owner.requests_per_minute, self._clock())

    def record_usage(self, organization_id: str, model: str, input_tokens: int, output_tokens: int) -> None:
        add_usage(self.organizations[organization_id].usage, model, input_tokens, output_tokens)
