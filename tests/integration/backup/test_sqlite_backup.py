"""The embedded SQLite database and configuration backups through the service: round trips, refusals, retention
with a fixed clock, and the audit trail in the server's own database."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.backup_data import RecordingAudit, all_rows, seed

from sentia_server.backup import service as service_module
from sentia_server.backup.catalogue import file_sha256
from sentia_server.backup.service import BackupError, BackupService, ServerAudit
from sentia_server.config import Settings
from sentia_server.storage.audit_events import Action, AuditRecord, AuditTrail, Outcome
from sentia_server.storage.database import Database

pytestmark = pytest.mark.anyio


@pytest.fixture
async def settings(backup_settings: Callable[..., Settings]) -> Settings:
    built = backup_settings()
    await seed(built.resolved_database_url, executions=400)
    return built


def service(settings: Settings, clock: Callable[[], datetime] | None = None) -> tuple[BackupService, RecordingAudit]:
    audit = RecordingAudit()
    if clock is None:
        return BackupService(settings, actor="cli:test", audit=audit), audit
    return BackupService(settings, actor="cli:test", audit=audit, clock=clock), audit


async def test_sqlite_round_trip_reproduces_every_row(settings: Settings, tmp_path: Path):
    backup, audit = service(settings)
    manifest = await backup.create()
    assert manifest.kind == "database"
    assert manifest.row_counts["tool_executions"] == 400
    path = backup.catalogue.backup_path(manifest.id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"user-1" not in path.read_bytes()
    assert [p.name for p in backup.catalogue.directory.iterdir() if p.name.startswith(".")] == []
    target = tmp_path / "restored" / "sentia.db"
    report = await backup.restore(manifest.id, target_url=f"sqlite:///{target}")
    assert report.mismatches == []
    assert await all_rows(f"sqlite:///{target}") == await all_rows(settings.resolved_database_url)
    assert [r.action for r in audit.records] == [Action.BACKUP_CREATE, Action.BACKUP_RESTORE]


async def test_restore_refuses_a_non_empty_file_without_force(settings: Settings, tmp_path: Path):
    backup, _ = service(settings)
    manifest = await backup.create()
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    await backup.restore(manifest.id, target_url=target)
    with pytest.raises(BackupError, match="is not empty: restore into a new file, or pass --force"):
        await backup.restore(manifest.id, target_url=target)
    assert (await backup.restore(manifest.id, target_url=target, force=True)).mismatches == []
    with pytest.raises(BackupError, match="needs a target: pass --target-url"):
        await backup.restore(manifest.id)
    with pytest.raises(BackupError, match="holds a sqlite database and cannot be restored into a postgresql"):
        await backup.restore(manifest.id, target_url="postgresql://u@127.0.0.1:1/x")


async def test_a_restore_whose_rows_differ_is_reported(settings: Settings, tmp_path: Path, monkeypatch):
    backup, audit = service(settings)
    manifest = await backup.create()
    monkeypatch.setattr(service_module, "sqlite_row_counts", lambda path: {"tool_executions": 1})
    report = await backup.restore(manifest.id, target_url=f"sqlite:///{tmp_path / 'r.db'}")
    assert "tool_executions: 400 row(s) in the backup, 1 after restore" in report.mismatches
    assert "api_keys: 3 row(s) in the backup, no table after restore" in report.mismatches
    assert audit.records[-1].outcome is Outcome.PARTIAL


async def test_verify_finds_every_kind_of_damage(settings: Settings):
    backup, _ = service(settings)
    manifest = await backup.create()
    path = backup.catalogue.backup_path(manifest.id)
    original = path.read_bytes()
    assert backup.verify(manifest.id).ok

    path.write_bytes(original[:-100])
    result = backup.verify(manifest.id)
    assert not result.ok
    assert "does not match the SHA-256 in its manifest" in str(result.problem)
    backup.catalogue.save(replace(manifest, sha256=file_sha256(path)))
    assert "truncated" in str(backup.verify(manifest.id).problem)

    path.write_bytes(original)
    backup.catalogue.save(replace(manifest, row_counts={"api_keys": 99}))
    assert "does not describe its backup file" in str(backup.verify(manifest.id).problem)

    path.unlink()
    assert "is missing" in str(backup.verify(manifest.id).problem)
    assert "no backup" in str(backup.verify("database-20200101T000000Z-000000").problem)
    assert "not a backup id" in str(backup.verify("../../etc/passwd").problem)


async def test_a_backup_made_before_a_key_rotation_still_restores(settings: Settings, backup_settings, tmp_path):
    backup, _ = service(settings)
    manifest = await backup.create()
    old_keys = settings.encryption_keys
    assert old_keys is not None
    rotated = backup_settings(encryption_keys="k2:" + "A" * 43 + "=," + old_keys.get_secret_value())
    later, _ = service(rotated)
    assert later.verify(manifest.id).ok
    newer = await later.create()
    assert newer.key_id == "k2"
    without_old, _ = service(backup_settings(encryption_keys="k2:" + "A" * 43 + "="))
    assert "not among the configured keys" in str(without_old.verify(manifest.id).problem)
    assert (await later.restore(manifest.id, target_url=f"sqlite:///{tmp_path / 'r.db'}")).mismatches == []


async def test_no_backup_without_an_encryption_key(backup_settings):
    settings = backup_settings(encryption_keys=None)
    backup, _ = service(settings)
    with pytest.raises(BackupError, match="no encryption key is configured: set SENTIA_ENCRYPTION_KEYS"):
        await backup.create()
    with pytest.raises(BackupError, match="cannot create a backup of kind 'logs'"):
        await backup.create("logs")


async def test_a_missing_sqlite_database_is_reported_and_leaves_nothing(backup_settings):
    settings = backup_settings()
    backup, audit = service(settings)
    with pytest.raises(BackupError, match="does not exist: nothing to back up"):
        await backup.create()
    assert list(backup.catalogue.directory.iterdir()) == []
    assert audit.records[-1].outcome is Outcome.FAILURE


async def test_configuration_backup_holds_settings_without_secrets(settings: Settings, tmp_path: Path):
    backup, _ = service(settings)
    manifest = await backup.create("configuration")
    assert manifest.row_counts == {}
    output = tmp_path / "settings.json"
    with pytest.raises(BackupError, match="restored to a file: pass --output"):
        await backup.restore(manifest.id)
    report = await backup.restore(manifest.id, output=output)
    assert report.target == str(output)
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    document = json.loads(output.read_text())
    assert document["alembic_revision"] == document["code_head_revision"]
    assert "encryption_keys" in document["secrets_set"]
    assert "encryption_keys" not in document["settings"]
    with pytest.raises(BackupError, match="exists: choose another path, or pass --force"):
        await backup.restore(manifest.id, output=output)
    output.write_text("old")
    await backup.restore(manifest.id, output=output, force=True)
    assert json.loads(output.read_text()) == document


async def test_configuration_backup_without_a_database_records_no_revision(backup_settings, tmp_path: Path):
    backup, _ = service(backup_settings())
    manifest = await backup.create("configuration")
    await backup.restore(manifest.id, output=tmp_path / "c.json")
    assert json.loads((tmp_path / "c.json").read_text())["alembic_revision"] is None
    unreachable, _ = service(backup_settings(database_url="postgresql://u:pw@127.0.0.1:1/none"))
    manifest = await unreachable.create("configuration")
    await unreachable.restore(manifest.id, output=tmp_path / "d.json")
    assert json.loads((tmp_path / "d.json").read_text())["alembic_revision"] is None


async def test_prune_applies_each_kinds_retention_with_a_fixed_clock(settings: Settings):
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    backup, audit = service(settings, clock=lambda: now[0])
    first = await backup.create()
    config = await backup.create("configuration")
    now[0] += timedelta(days=31)
    second = await backup.create()
    assert [m.id for m in await backup.prune(dry_run=True)] == [first.id]
    assert backup.catalogue.backup_path(first.id).exists()
    assert audit.records[-1].action is Action.BACKUP_CREATE
    assert [m.id for m in await backup.prune()] == [first.id]
    assert not backup.catalogue.backup_path(first.id).exists()
    assert audit.records[-1].action is Action.BACKUP_PRUNE
    now[0] += timedelta(days=60)
    assert await backup.prune() == []  # the newest of each kind is kept however old
    manifests, _ = backup.entries()
    assert [m.id for m in manifests] == [config.id, second.id]


async def test_events_are_recorded_in_the_servers_audit_trail(settings: Settings, backup_settings):
    backup = BackupService(settings, actor="cli:test")
    manifest = await backup.create()
    database = Database(settings.resolved_database_url)
    try:
        events = await AuditTrail(database).recent(action=Action.BACKUP_CREATE)
    finally:
        await database.aclose()
    assert [(e.target, e.actor, e.outcome) for e in events] == [(manifest.id, "cli:test", "success")]
    # Without the server's database the event is logged, not stored, and the command still works.
    missing = backup_settings(data_dir=settings.data_dir / "elsewhere")
    await ServerAudit(missing).record(events_record())
    unreachable = backup_settings(database_url="postgresql://u:pw@127.0.0.1:1/none")
    await ServerAudit(unreachable).record(events_record())


def events_record():
    return AuditRecord(action=Action.BACKUP_PRUNE, outcome=Outcome.SUCCESS, actor="cli:test")


async def test_an_unwritable_backup_directory_is_reported(backup_settings, tmp_path: Path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    backup, _ = service(backup_settings(backup={"dir": blocker / "backups"}))
    with pytest.raises(BackupError, match=r"failed: .*not-a-directory"):
        await backup.create("configuration")
