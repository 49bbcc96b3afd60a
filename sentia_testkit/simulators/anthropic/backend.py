"""The Anthropic simulator's state, seeded from `fixtures/anthropic/`: the organisation's workspaces with their API
keys and per-minute request limits, the model catalogue and API versions, token usage per workspace and model, and
the queue of canned messages tests line up. One method per operation; HTTP lives in routes.py."""

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

FIXTURES_DIR = seed_dir("anthropic")


@dataclass(frozen=True)
class ApiKey:
    secret: str
    name: str
    workspace_id: str


@dataclass
class Workspace:
    id: str
    name: str
    requests_per_minute: int
    usage: dict[str, ModelUsage] = field(default_factory=dict)
    recent_requests: deque[float] = field(default_factory=deque)


@dataclass(frozen=True)
class QueuedMessage:
    """A canned answer, served in order before any answer derived from the request: `tool_input` becomes a
    `tool_use` block of the requested tool, `text` a text block."""

    text: str | None = None
    tool_input: dict[str, Any] | None = None
    stop_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


class AnthropicBackend:
    def __init__(self, *, fixtures: Path = FIXTURES_DIR, clock: Callable[[], float] = time.time) -> None:
        self._fixtures = fixtures
        self._clock = clock
        self.organization: dict[str, str] = {}
        self.workspaces: dict[str, Workspace] = {}
        self.keys: dict[str, ApiKey] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.aliases: dict[str, str] = {}
        self.api_versions: tuple[str, ...] = ()
        self.queue: deque[QueuedMessage] = deque()
        self.reset()

    def reset(self) -> None:
        """Back to the seed: no usage, nothing queued."""
        seed = json.loads((self._fixtures / "organization.json").read_text())
        self.organization = dict(seed["organization"])
        self.workspaces.clear()
        self.keys.clear()
        for entry in seed["workspaces"]:
            workspace = Workspace(entry["id"], entry["name"], int(entry["rate_limits"]["requests_per_minute"]))
            self.workspaces[workspace.id] = workspace
            for key in entry["keys"]:
                self.keys[key["secret"]] = ApiKey(key["secret"], key["name"], workspace.id)
        catalogue = json.loads((self._fixtures / "models.json").read_text())
        self.models = {model["id"]: model for model in catalogue["models"]}
        self.aliases = dict(catalogue["aliases"])
        self.api_versions = tuple(catalogue["api_versions"])
        self.queue.clear()

    def authenticate(self, secret: str) -> ApiKey | None:
        return self.keys.get(secret)

    def model(self, name: str) -> dict[str, Any] | None:
        return self.models.get(self.aliases.get(name, name))

    def enqueue(self, message: QueuedMessage) -> None:
        self.queue.append(message)

    def next_queued(self) -> QueuedMessage | None:
        return self.queue.popleft() if self.queue else None

    def count_request(self, workspace_id: str) -> RequestWindow:
        """Count one request against the workspace's per-minute limit, unless the window is full."""
        owner = self.workspaces[workspace_id]
        return count_request(owner.recent_requests, owner.requests_per_minute, self._clock())

    def record_usage(self, workspace_id: str, model: str, input_tokens: int, output_tokens: int) -> None:
        add_usage(self.workspaces[workspace_id].usage, model, input_tokens, output_tokens)
