from __future__ import annotations

from pathlib import Path

import pytest

from sentia_testkit.gates.config import ConfigError, GatesConfig, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    return path


def test_defaults_are_the_documented_thresholds(tmp_path: Path):
    config = load_config(tmp_path / "absent.toml")
    assert (config.coverage.lines, config.coverage.functions, config.coverage.branches, config.coverage.statements) == (
        90,
        85,
        80,
        90,
    )
    assert config.coverage.per_file
    assert config.coverage.loosenings() == []
    assert config.tolerate_unavailable == {}


def test_loosening_a_threshold_needs_a_reason(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"coverage thresholds below the defaults \(branches\) need loosened_reason"):
        load_config(write(tmp_path, "[tool.sentia.gates.coverage]\nbranches = 70\n"))
    config = load_config(
        write(tmp_path, '[tool.sentia.gates.coverage]\nbranches = 70\nloosened_reason = "legacy parser module"\n')
    )
    assert config.coverage.loosenings() == [
        "global branches threshold 70% is below the default 80%: legacy parser module"
    ]


def test_turning_off_per_file_thresholds_is_a_loosening(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"\(per_file = false\) need loosened_reason"):
        load_config(write(tmp_path, "[tool.sentia.gates.coverage]\nper_file = false\n"))


def test_raising_a_threshold_needs_no_reason(tmp_path: Path):
    config = load_config(write(tmp_path, "[tool.sentia.gates.coverage]\nlines = 95\n"))
    assert config.coverage.lines == 95


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[[tool.sentia.gates.coverage.overrides]]\npath = "a.py"\nlines = 50\n',
            r"overrides\.0\.reason\]: Field required",
        ),
        ('[[tool.sentia.gates.coverage.overrides]]\npath = "a.py"\nreason = "x"\n', "at least 10 characters"),
        ('[tool.sentia.gates]\ntolerate_unavailable = { speed = "we have no speed gate" }\n', "unknown gate 'speed'"),
        ('[tool.sentia.gates]\ntolerate_unavailable = { load = "soon" }\n', "needs a reason of at least 10"),
        (
            "[tool.sentia.gates.coverage]\nlines = 120\n",
            r"coverage\.lines\]: Input should be less than or equal to 100",
        ),
        ("[tool.sentia.gates]\ncoverge = {}\n", r"\[tool\.sentia\.gates\.coverge\]: Extra inputs are not permitted"),
        ("[tool.sentia.gates\n", "pyproject.toml: "),
    ],
)
def test_invalid_configuration_names_the_key(tmp_path: Path, toml: str, message: str):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, toml))


def test_overrides_and_tolerances_are_kept_with_their_reasons():
    config = GatesConfig.model_validate(
        {
            "tolerate_unavailable": {"load": "no load profile exists for this service yet"},
            "coverage": {"overrides": [{"path": "app/legacy.py", "lines": 60, "reason": "generated parser"}]},
        }
    )
    assert config.coverage.overrides[0].reason == "generated parser"
    assert config.tolerate_unavailable["load"].startswith("no load profile")


def test_advisory_database_location_can_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SENTIA_GATES_ADVISORY_DB", raising=False)
    path = write(tmp_path, '[tool.sentia.gates.dependencies]\nadvisory_db = "../shared/advisory-db"\n')
    assert load_config(path).dependencies.advisory_db == "../shared/advisory-db"
    monkeypatch.setenv("SENTIA_GATES_ADVISORY_DB", "/srv/advisory-db")
    assert load_config(path).dependencies.advisory_db == "/srv/advisory-db"
