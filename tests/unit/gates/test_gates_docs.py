"""Every configuration sample in docs/gates.md is a valid [tool.sentia.gates] section."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from sentia_testkit.gates.config import GatesConfig

DOC = (Path(__file__).resolve().parents[3] / "docs" / "gates.md").read_text()
SAMPLES = re.findall(r"```toml\n(.*?)```", DOC, flags=re.DOTALL)


def test_the_page_has_configuration_samples():
    assert len(SAMPLES) >= 2


@pytest.mark.parametrize("sample", SAMPLES)
def test_each_sample_validates(sample: str):
    section = tomllib.loads(sample)["tool"]["sentia"]["gates"]
    GatesConfig.model_validate(section)
