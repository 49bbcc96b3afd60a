"""The committed seed data of the Amazon simulators (`fixtures/amazon/*.json` at the repository root)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sentia_testkit.simulators.seed_data import seed_dir

FIXTURES_DIR = seed_dir("amazon")


def load_seed(name: str, directory: Path | None = None) -> dict[str, Any]:
    """`name`.json from `directory` (default: the repository's fixtures/amazon), with a clear error when absent."""
    path = (directory or FIXTURES_DIR) / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"Amazon simulator seed {path} not found; pass seed_dir= pointing at fixtures/amazon")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
