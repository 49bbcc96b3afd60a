"""Claude tools: sales performance, financial analysis, business reports, inventory optimisation, competitive
analysis and strategic planning. The server computes every figure (from Shopify, Xero or the caller's data); Claude
writes the narrative and recommendations as a structured answer. `group` holds them all."""

from sentia_server.tools.anthropic import competition, financial, inventory, planning, reports, sales
from sentia_server.tools.anthropic.common import group

__all__ = ["competition", "financial", "group", "inventory", "planning", "reports", "sales"]
