"""docs/secrets-management.md names only commands and settings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from sentia_server.cli import main
from sentia_server.config import Settings

DOC = (Path(__file__).resolve().parents[3] / "docs" / "secrets-management.md").read_text()


def commands() -> set[str]:
    names = set()
    for name, command in main.commands.items():
        names.add(name)
        if isinstance(command, click.Group):
            names.update(f"{name} {sub}" for sub in command.commands)
    return names


@pytest.mark.parametrize("named", sorted(set(re.findall(r"sentia-server ([a-z-]+(?: [a-z-]+)?)", DOC))))
def test_every_command_named_exists(named: str):
    first = named.split()[0]
    expected = named if isinstance(main.commands.get(first), click.Group) else first
    assert expected in commands(), f"`sentia-server {named}` is not a command"


@pytest.mark.parametrize("variable", sorted(set(re.findall(r"SENTIA_([A-Z_]+[A-Z])\b", DOC))))
def test_every_setting_named_exists(variable: str):
    field = variable.lower().split("__")[0]
    assert field in Settings.model_fields, f"SENTIA_{variable} is not a setting"


def test_the_rotation_steps_name_the_rotation_commands():
    for command in ("keys rotate-encryption", "keys rotate <key id>", "keys revoke <key id>", "keys list"):
        assert f"sentia-server {command}" in DOC
