"""Manufacturing tools: quality records (create and list, kept in the server's database) and working capital
(the cash conversion cycle from the books). `group` holds them all; each module adds its tools to it on import."""

from sentia_server.tools.manufacturing import quality, working_capital
from sentia_server.tools.manufacturing.common import group

__all__ = ["group", "quality", "working_capital"]
