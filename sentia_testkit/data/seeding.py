"""Seeds for the `sentia_faker` fixture: one session seed (from `--sentia-seed` or random), and from it one seed
per test, so a failing test reproduces with the same data when run alone or in any order."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

SEED_OPTION = "--sentia-seed"


def session_seed(chosen: int | None) -> int:
    """The seed the user chose, or a fresh random one."""
    return chosen if chosen is not None else secrets.randbelow(2**32)


def seed_for_test(session: int, nodeid: str) -> int:
    """A seed for one test, derived from the session seed and the test's id."""
    digest = hashlib.sha256(f"{session}:{nodeid}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class SeedNote:
    """How to get a test's data again: shown in its report when it fails."""

    session: int
    test: int

    def __str__(self) -> str:
        return f"faker seed {self.test} (session seed {self.session}); rerun with {SEED_OPTION}={self.session}"
