"""The runner follows `tools/list` pagination and runs every check on each listed tool."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sentia_testkit.scan.results import ScanReport
from sentia_testkit.scan.runner import ScanOptions, list_tools, scan_session

pytestmark = pytest.mark.anyio

SCHEMA = {"type": "object", "properties": {"on": {"type": "boolean", "description": "On."}}, "required": ["on"]}


def tool(name: str) -> SimpleNamespace:
    return SimpleNamespace(
        name=name, description="A switch.", input_schema=SCHEMA, output_schema=None, annotations=SimpleNamespace()
    )


class PagedSession:
    """Two pages of tools; every call answers with a clean validation error or an echo."""

    def __init__(self) -> None:
        self.cursors: list[str | None] = []

    async def list_tools(self, cursor: str | None = None) -> Any:
        self.cursors.append(cursor)
        if cursor is None:
            return SimpleNamespace(tools=[tool("first")], next_cursor="page-2")
        return SimpleNamespace(tools=[tool("second")], next_cursor=None)

    async def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        valid = isinstance((arguments or {}).get("on"), bool)
        text = "on" if valid else "on: a boolean is required"
        return SimpleNamespace(content=[SimpleNamespace(text=text)], is_error=not valid)


async def test_every_page_of_tools_is_listed():
    session = PagedSession()
    assert [found.name for found in await list_tools(session)] == ["first", "second"]
    assert session.cursors == [None, "page-2"]


async def test_every_check_runs_on_every_listed_tool():
    report = ScanReport("paged")
    await scan_session(PagedSession(), report, ScanOptions(max_examples=3, tools=("second",)))
    assert [(result.tool, result.check) for result in report.results] == [
        ("second", "definition"),
        ("second", "valid-input"),
        ("second", "invalid-input"),
        ("second", "security"),
    ]
    assert report.findings == []
    assert report.results[3].skipped == "the tool takes no free text"
