"""`@pytest.mark.exclusive`: under pytest-xdist, a marked test runs while no other worker runs a test.

Benchmarks, load tests and anything else that measures the machine read noise when another worker's test shares the
cores. Every test takes a shared turn; an exclusive test takes it alone, after the tests already running finish. A
turnstile in front of the shared lock stops new tests from starting while an exclusive one waits, so a busy worker
cannot starve it.

The locks are `flock` locks on two files in the temporary directory, named after the rootdir so that every worker of
a run (and nothing else) shares them; the kernel drops them with the process that holds them, so a crashed worker
leaves nothing locked. Outside xdist, and where `fcntl` does not exist, tests run as they always do.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest


def lock_paths(rootdir: Path, directory: Path | None = None) -> tuple[Path, Path]:
    """The turnstile and the lock that every worker testing `rootdir` shares."""
    digest = hashlib.sha256(str(rootdir.resolve()).encode()).hexdigest()[:16]
    base = (directory or Path(tempfile.gettempdir())) / f"sentia-pytest-{digest}"
    return base.with_suffix(".turnstile"), base.with_suffix(".lock")


def is_xdist_worker(config: pytest.Config) -> bool:
    """True in a pytest-xdist worker process (not in a pytest it started, which inherits its environment)."""
    return hasattr(config, "workerinput")


@contextmanager
def turn(turnstile: Path, lock: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold a shared turn (any number of holders) or an exclusive one (no other holder) for the block."""
    if sys.platform == "win32":  # no flock: tests there run without turns
        yield
        return
    import fcntl

    with ExitStack() as files:
        gate = files.enter_context(turnstile.open("a"))
        held = files.enter_context(lock.open("a"))
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(held, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        finally:
            if not exclusive:
                # A shared holder lets the next test through at once; an exclusive one keeps the gate shut.
                fcntl.flock(gate, fcntl.LOCK_UN)
        yield
    # Closing the files released both locks.
