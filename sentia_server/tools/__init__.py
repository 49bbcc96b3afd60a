"""MCP tools, one module per group. Each tool is a typed input model, a permission, a cache tier and a function."""
