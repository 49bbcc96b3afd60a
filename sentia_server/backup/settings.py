"""Where backups are kept, how long, and which PostgreSQL client tools make them (`SENTIA_BACKUP__<FIELD>`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.backup.format import DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES


class BackupSettings(BaseModel):
    """Retention follows the recovery policy in docs/operations.md: database 30 days, configuration 90, logs 7."""

    model_config = ConfigDict(extra="forbid")

    dir: Path | None = Field(default=None, description="Where backups are written; defaults to <data dir>/backups.")
    database_retention_days: int = Field(default=30, ge=1)
    configuration_retention_days: int = Field(default=90, ge=1)
    logs_retention_days: int = Field(default=7, ge=1)
    keep_latest: int = Field(
        default=1, ge=0, description="The newest backups of each kind that prune keeps whatever their age."
    )
    chunk_bytes: int = Field(default=DEFAULT_CHUNK_BYTES, ge=4096, le=MAX_CHUNK_BYTES)
    pg_dump: str = Field(default="pg_dump", description="The pg_dump executable (a name on PATH or a path).")
    pg_restore: str = Field(default="pg_restore", description="The pg_restore executable (a name on PATH or a path).")
    timeout_seconds: float = Field(default=3600.0, gt=0, description="Longest a pg_dump or pg_restore run may take.")

    def directory(self, data_dir: Path) -> Path:
        return self.dir if self.dir is not None else data_dir / "backups"

    def retention_days(self) -> dict[str, int]:
        return {
            "database": self.database_retention_days,
            "configuration": self.configuration_retention_days,
            "logs": self.logs_retention_days,
        }
