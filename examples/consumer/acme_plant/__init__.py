"""Acme Plant: order intake, stock tools over MCP, receivables from Xero and a small web front."""
