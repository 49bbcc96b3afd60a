"""The `sentia` pytest plugin (entry point `pytest11`). Thin: markers, options and fixture declarations only."""

from __future__ import annotations

import pytest

MARKERS = {
    "unit": "fast tests of one module, no network and no services",
    "integration": "tests against real services (PostgreSQL, Redis) or several modules together",
    "e2e": "tests of the running server through its public interfaces (stdio, HTTP)",
    "security": "tests of authentication, authorization and hostile input",
    "performance": "benchmarks and load tests",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, help_text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {help_text}")
