"""The package exports the matchers and the leak check without importing them until they are used."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sentia_testkit
from sentia_testkit.matchers import IsManufacturingOrder
from sentia_testkit.memory import assert_no_leak


def test_the_names_resolve_to_the_modules_objects():
    assert sentia_testkit.IsManufacturingOrder is IsManufacturingOrder
    assert sentia_testkit.assert_no_leak is assert_no_leak


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'IsWidget'"):
        _ = sentia_testkit.IsWidget


def test_loading_the_plugin_imports_none_of_them():
    script = (
        "import sys, sentia_testkit.plugin, sentia_testkit.data; "
        "print(sorted(name for name in ('dirty_equals', 'hypothesis', 'faker', 'sentia_server.domain') "
        "if name in sys.modules))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"HYPOTHESIS_NO_PLUGINS": "1", "PATH": ""},
    )
    assert ran.stdout.strip() == "[]"
