"""Where the simulators' seed data lives: `fixtures/<vendor>/` in the repository, shipped inside the package as
`sentia_testkit/simulators/seed/<vendor>/` (a link to `fixtures/` in the source tree, real files in the wheel), so
that an installed testkit seeds its simulators the same way."""

from __future__ import annotations

from pathlib import Path

SEED_ROOT = Path(__file__).resolve().parent / "seed"


def seed_dir(vendor: str) -> Path:
    return SEED_ROOT / vendor
