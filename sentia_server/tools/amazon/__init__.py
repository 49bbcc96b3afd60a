"""Amazon tools: Selling Partner API orders, products, inventory, reports and listings, and Amazon Ads data.

Each tool calls Amazon through `sentia_server.integrations.amazon`; figures such as order totals, stock summaries
and advertising ratios are computed from the data Amazon returned, never assumed. `group` holds them all.
"""

from sentia_server.tools.amazon import advertising, inventory, listings, orders, products, reports
from sentia_server.tools.amazon.common import group

__all__ = ["advertising", "group", "inventory", "listings", "orders", "products", "reports"]
