"""The Sentia Manufacturing MCP server: governed, audited access to a manufacturer's business systems."""

__version__ = "0.1.0"
