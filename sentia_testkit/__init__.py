"""The sentia testkit: a pytest plugin and quality gates for manufacturing services and MCP servers."""

from importlib.metadata import version

__version__ = version("sentia")
