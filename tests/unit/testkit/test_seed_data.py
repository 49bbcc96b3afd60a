from __future__ import annotations

import json

import pytest

from sentia_testkit.simulators.seed_data import SEED_ROOT, seed_dir


@pytest.mark.parametrize("vendor", ["xero", "shopify", "amazon", "unleashed"])
def test_every_simulated_vendor_has_committed_seed_data(vendor: str):
    files = sorted(seed_dir(vendor).glob("*.json"))
    assert files, f"no seed data in {seed_dir(vendor)}"
    for path in files:
        assert json.loads(path.read_text(encoding="utf-8"))


def test_the_package_seed_folder_is_the_repository_fixtures_folder():
    assert SEED_ROOT.resolve().name == "fixtures"
