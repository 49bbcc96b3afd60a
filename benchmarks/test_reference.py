"""The reference workload: fixed pure-Python work that every other median is divided by (docs/gates.md)."""

from __future__ import annotations

import hashlib

# 2,000 distinct integers in a scrambled but fixed order (multiplication modulo a prime).
_VALUES = [(n * 7_919) % 1_000_003 for n in range(1, 2_001)]


def reference_workload(values: list[int]) -> str:
    """Sort by a Python key function, format and hash: interpreter work that does not depend on this project."""
    ordered = sorted(values, key=lambda value: (value % 97, value))
    return hashlib.sha256(",".join(map(str, ordered)).encode()).hexdigest()


def test_reference(benchmark):
    digest = benchmark(reference_workload, _VALUES)
    assert digest == reference_workload(sorted(_VALUES))
