"""Locust building blocks for load-testing an MCP server: users, named shapes and pass thresholds.

Importing this package imports Locust, which patches the standard library for gevent; import it from a locustfile,
not from code that runs under asyncio.
"""

from __future__ import annotations

from typing import Any

from sentia_testkit.load.mcp import McpUser, ToolCall, classify
from sentia_testkit.load.options import add_options
from sentia_testkit.load.rest import Endpoint, MetricsScraper, RestUser
from sentia_testkit.load.select import select_shape
from sentia_testkit.load.shapes import SHAPES, Stage, StagedShape
from sentia_testkit.load.thresholds import Thresholds, broken_thresholds, check_thresholds

__all__ = [
    "SHAPES",
    "Endpoint",
    "McpUser",
    "MetricsScraper",
    "RestUser",
    "Stage",
    "StagedShape",
    "Thresholds",
    "ToolCall",
    "add_options",
    "broken_thresholds",
    "check_thresholds",
    "classify",
    "install",
    "select_shape",
]


def install(events: Any) -> None:
    """Register the options (--mcp-token, --threshold-*) and the threshold check with Locust's `events`."""
    events.init_command_line_parser.add_listener(add_options)
    events.quitting.add_listener(check_thresholds)
