"""The scan package loads its runner (and the testkit extras behind it) only when the runner is asked for."""

from __future__ import annotations

import pytest

from sentia_testkit import scan


def test_the_runner_names_come_from_the_runner_module():
    from sentia_testkit.scan import runner

    assert (scan.ScanOptions, scan.run_scan, scan.scan) == (runner.ScanOptions, runner.run_scan, runner.scan)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        scan.__getattr__("nothing")
