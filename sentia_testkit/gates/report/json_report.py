"""The machine-readable report: everything the terminal and HTML views show."""

from __future__ import annotations

import json

from sentia_testkit.gates.model import GateRun


def render(run: GateRun) -> str:
    return json.dumps(run.to_dict(), indent=2, default=str) + "\n"
