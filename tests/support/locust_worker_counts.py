"""A locustfile add-on (`-f locustfile.py,this.py`) that proves who made the requests of a distributed run: each
worker reports its running request count with its stats, and the master writes the last count of every worker to
$LOAD_WORKER_COUNTS as JSON when it quits."""

from __future__ import annotations

import json
import os
from typing import Any

from locust import events
from locust.runners import MasterRunner

_sent = {"requests": 0}
_by_worker: dict[str, int] = {}


@events.request.add_listener
def _count(**_kwargs: Any) -> None:
    _sent["requests"] += 1


@events.report_to_master.add_listener
def _report(client_id: str, data: dict[str, Any]) -> None:
    data["worker_requests"] = _sent["requests"]


@events.worker_report.add_listener
def _receive(client_id: str, data: dict[str, Any]) -> None:
    if "worker_requests" in data:
        _by_worker[client_id] = data["worker_requests"]


@events.quitting.add_listener
def _write(environment: Any, **_kwargs: Any) -> None:
    if isinstance(environment.runner, MasterRunner):
        with open(os.environ["LOAD_WORKER_COUNTS"], "w") as handle:
            json.dump(_by_worker, handle)
