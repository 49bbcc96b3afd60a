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

from sentia_testkit.simulators.seed_data import seed_dir

FIXTURES_DIR = seed_dir("openai")
WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class ApiKey:
    secret: str
    name: str
    organization_id: str
    project_id: str


@dataclass
class ModelUsage:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


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


@dataclass(frozen=True)
class RequestWindow:
    """The organisation's requests-per-minute window after counting a request (or refusing it)."""

    limit: int
    remaining: int
    reset_seconds: float
    allowed: bool


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
        organization = self.organizations[organization_id]
        now = self._clock()
        window = organization.recent_requests
        while window and now - window[0] >= WINDOW_SECONDS:
            window.popleft()
        limit = organization.requests_per_minute
        reset = WINDOW_SECONDS - (now - window[0]) if window else 0.0
        if len(window) >= limit:
            return RequestWindow(limit, 0, reset, allowed=False)
        window.append(now)
        return RequestWindow(limit, limit - len(window), WINDOW_SECONDS - (now - window[0]), allowed=True)

    def record_usage(self, organization_id: str, model: str, input_tokens: int, output_tokens: int) -> None:
        usage = self.organizations[organization_id].usage.setdefault(model, ModelUsage())
        usage.requests += 1
        usage.input_tokens += input_tokens
        usage.output_tokens += output_tokens
