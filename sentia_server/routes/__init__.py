"""HTTP routes beside the MCP endpoint."""
