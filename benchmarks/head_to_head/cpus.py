"""Where the processes of a head-to-head run: the servers on one CPU, the client on the others.

The vCPUs of a cloud machine need not be equally fast. On the 2-vCPU machine of docs/performance.md, a CPU-bound loop
pinned to one vCPU ran 15 to 30% faster than on the other, for minutes at a time, and two copies of the same server
loaded side by side differed by up to 1.5x in CPU time per call. Left to the scheduler, each server of a round lands
on either vCPU, and the ratio measures that lottery as much as the servers. Pinned, both servers run on the same
CPU and the client never competes with them for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    """The CPUs the servers and the client are started on; None leaves a side to the scheduler."""

    server: frozenset[int] | None
    client: frozenset[int] | None

    @classmethod
    def unpinned(cls) -> Placement:
        return cls(None, None)

    @classmethod
    def choose(cls, server_cpu: str) -> Placement:
        """`server_cpu` is "auto" (the highest CPU this process may use, when it may use at least two), "none", or a
        CPU number; the client gets every other CPU this process may use."""
        if server_cpu == "none" or not hasattr(os, "sched_getaffinity"):  # pinning is Linux-only
            return cls.unpinned()
        available = frozenset(os.sched_getaffinity(0))
        if server_cpu == "auto":
            if len(available) < 2:
                return cls.unpinned()
            cpu = max(available)
        else:
            cpu = int(server_cpu)
            if cpu not in available:
                raise ValueError(f"CPU {cpu} is not one this process may run on: {sorted(available)}")
            if len(available) < 2:
                raise ValueError("pinning the servers needs at least two CPUs: one for them, one for the client")
        return cls(frozenset({cpu}), available - {cpu})

    def describe(self) -> dict[str, list[int] | None]:
        return {
            "server": sorted(self.server) if self.server else None,
            "client": sorted(self.client) if self.client else None,
        }


@contextmanager
def children_on(cpus: frozenset[int] | None) -> Iterator[None]:
    """Processes started inside the block run on `cpus` (a child inherits its parent's affinity at fork, and each
    thread it starts inherits it in turn); None changes nothing."""
    if cpus is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
