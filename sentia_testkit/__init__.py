"""The sentia testkit: a pytest plugin and quality gates for manufacturing services and MCP servers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sentia")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
