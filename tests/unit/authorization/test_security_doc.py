"""The "Authorization" section of docs/security.md: its samples run, and its tables match the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sentia_server.auth.permissions import ROLE_ORDER, Permission, permissions_of
from sentia_server.config import Settings

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"
SECTION = "## Authorization"
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section() -> str:
    text = DOC.read_text()
    start = text.index(SECTION)
    following = text.find("\n## ", start + len(SECTION))
    return text[start : following if following != -1 else len(text)]


def test_the_python_samples_run():
    samples = [body for language, body in _FENCE.findall(section()) if language == "python"]
    assert samples
    for sample in samples:
        exec(compile(sample, str(DOC), "exec"), {})


def test_the_role_table_lists_what_each_role_adds():
    rows = {
        match.group(1): set(re.findall(r"`([a-z]+:[a-z]+)`", match.group(2)))
        for match in re.finditer(r"^\| (viewer|operator|manager|admin) \| (.*?) \|", section(), re.MULTILINE)
    }
    below: frozenset[Permission] = frozenset()
    for role in ROLE_ORDER:
        assert rows[role.value] == {permission.value for permission in permissions_of(role) - below}, role
        below = permissions_of(role)
    assert set().union(*rows.values()) == {permission.value for permission in Permission}


def test_every_setting_named_exists_with_the_documented_default():
    named = set(re.findall(r"`SENTIA_([A-Z_]+)`", section()))
    fields = {name.upper() for name in Settings.model_fields}
    vendor_fields = {"OPENAI__MAX_CONCURRENT_CALLS", "ANTHROPIC__MAX_CONCURRENT_CALLS", "OPENAI__REQUESTS_PER_MINUTE"}
    assert named - fields == vendor_fields
    documented = re.findall(r"^\| `SENTIA_([A-Z_]+)` \| `([^`]+)` \|", section(), re.MULTILINE)
    assert len(documented) == 4
    for setting, default in documented:
        field = Settings.model_fields[setting.lower()]
        actual = field.get_default(call_default_factory=True)
        assert actual == (json.loads(default) if default.startswith("{") else default), setting
