"""What the manufacturing tools share: their tool group and the repositories they read and write."""

from __future__ import annotations

from sentia_server.storage.quality_records import QualityRecordRepository
from sentia_server.tools.context import ToolContext
from sentia_server.tools.registry import ToolCategory, ToolGroup

group = ToolGroup(ToolCategory.MANUFACTURING)


def quality_records(ctx: ToolContext) -> QualityRecordRepository:
    return QualityRecordRepository(ctx.runtime.database)
