"""Vendor clients, one package per vendor. They know nothing of MCP, auth or tools."""
