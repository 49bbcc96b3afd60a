"""`sentia-server backup create|list|verify|restore|prune` end to end on an embedded database in tmp_path."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.backup_data import KEYS, all_rows, seed

from sentia_server.backup import service as service_module
from sentia_server.cli import main
from sentia_server.config import Settings


@pytest.fixture
def cli(make_settings: Callable[..., Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`cli(*args)`: run a backup command with a key, data in tmp_path/data and backups in tmp_path/backups."""
    make_settings()  # clears the developer's SENTIA_* variables
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENTIA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SENTIA_ENCRYPTION_KEYS", KEYS)
    monkeypatch.setenv("SENTIA_LOG_LEVEL", "WARNING")

    def run(*args: str, **env: str) -> Any:
        return CliRunner().invoke(main, ["backup", *args], env=env, catch_exceptions=False)

    return run


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'data' / 'sentia.db'}"
    (tmp_path / "data").mkdir()
    asyncio.run(seed(url, executions=120))
    return url


def backups(cli) -> list[dict[str, Any]]:
    listed = cli("list", "--json")
    assert listed.exit_code == 0, listed.output
    return json.loads(listed.stdout)


def test_create_list_verify_restore(cli, database: str, tmp_path: Path):
    empty = cli("list")
    assert empty.exit_code == 0
    assert "no backups in" in empty.stdout

    created = cli("create")
    assert created.exit_code == 0, created.output
    assert "key k1, 129 row(s) in 8 table(s)" in created.stdout
    config = cli("create", "--kind", "configuration", "--json")
    assert json.loads(config.stdout)["kind"] == "configuration"

    listed = backups(cli)
    assert [entry["kind"] for entry in listed] == ["database", "configuration"]
    database_id = listed[0]["id"]
    assert listed[0]["row_counts"]["tool_executions"] == 120
    table = cli("list", "--kind", "database")
    assert database_id in table.stdout
    assert listed[1]["id"] not in table.stdout
    assert table.stdout.startswith("ID")

    verified = cli("verify", "--all")
    assert verified.exit_code == 0, verified.output
    assert f"{database_id}: ok" in verified.stdout

    target = tmp_path / "restored.db"
    restored = cli("restore", database_id, "--target-url", f"sqlite:///{target}")
    assert restored.exit_code == 0, restored.output
    assert "row counts match the backup in every table" in restored.stdout
    source = asyncio.run(all_rows(database))
    # The backups and the restore were audited in the source after the snapshot was taken.
    assert [row[6] for row in source["audit_events"][1:]] == ["backup.create", "backup.create", "backup.restore"]
    source["audit_events"] = source["audit_events"][:1]
    assert asyncio.run(all_rows(f"sqlite:///{target}")) == source

    again = cli("restore", database_id, SENTIA_RESTORE_TARGET_URL=f"sqlite:///{target}")
    assert again.exit_code == 1
    assert "is not empty" in again.stderr

    written = cli("restore", listed[1]["id"], "--output", str(tmp_path / "settings.json"))
    assert written.exit_code == 0, written.output
    assert "restored" in written.stdout
    assert "settings" in json.loads((tmp_path / "settings.json").read_text())


def test_a_tampered_backup_fails_verify_and_restore(cli, database: str, tmp_path: Path):
    cli("create")
    [entry] = backups(cli)
    path = tmp_path / "data" / "backups" / entry["file"]
    raw = bytearray(path.read_bytes())
    raw[200] ^= 0xFF
    path.write_bytes(bytes(raw))
    (tmp_path / "data" / "backups" / "database-20200101T000000Z-000000.json").write_text("{")

    verified = cli("verify", "--all")
    assert verified.exit_code == 1
    assert "FAILED: the backup file" in verified.stdout
    assert "1 of 1 backup(s) failed verification" in verified.stderr
    assert "cannot be read" in verified.stderr
    assert "cannot be read" in cli("list").stderr

    target = tmp_path / "restored.db"
    restored = cli("restore", entry["id"], "--target-url", f"sqlite:///{target}")
    assert restored.exit_code == 1
    assert "restore of" in restored.stderr
    assert not target.exists()


def test_usage_errors_are_clear(cli, database: str):
    assert cli("verify").exit_code == 2
    assert "name one backup id, or pass --all" in cli("verify", "x", "--all").output
    bad = cli("verify", "nonsense")
    assert bad.exit_code == 1
    assert "not a backup id" in bad.stdout
    no_key = cli("create", SENTIA_ENCRYPTION_KEYS="")
    assert no_key.exit_code != 0
    bad_setting = cli("list", SENTIA_BACKUP__DATABASE_RETENTION_DAYS="0")
    assert bad_setting.exit_code == 2
    assert "SENTIA_BACKUP_DATABASE_RETENTION_DAYS" in bad_setting.stderr


def test_prune_deletes_only_what_retention_allows(cli, database: str, tmp_path: Path):
    for _ in range(3):
        assert cli("create").exit_code == 0
    entries = backups(cli)
    directory = tmp_path / "data" / "backups"
    old = datetime.now(UTC) - timedelta(days=40)
    for entry in entries[:2]:  # age the two oldest by editing their manifests
        manifest = directory / f"{entry['id']}.json"
        document = json.loads(manifest.read_text())
        document["created_at"] = old.isoformat()
        manifest.write_text(json.dumps(document))

    scheduled = cli("create", "--prune", "--json", SENTIA_BACKUP__DATABASE_RETENTION_DAYS="60")
    assert scheduled.exit_code == 0
    assert "pruned 0 expired backup(s)" in scheduled.stderr
    entries = backups(cli)
    assert len(entries) == 4
    dry = cli("prune", "--dry-run")
    assert dry.exit_code == 0
    assert "would delete 2 backup(s)" in dry.stdout
    assert len(backups(cli)) == 4
    pruned = cli("prune")
    assert f"deleted {entries[0]['id']}" in pruned.stdout
    assert "deleted 2 backup(s)" in pruned.stdout
    kept = [entry["id"] for entry in entries[2:]]
    assert [entry["id"] for entry in backups(cli)] == kept
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        name for backup_id in kept for name in (f"{backup_id}.json", f"{backup_id}.sbk")
    )


def test_a_mismatched_restore_exits_non_zero(cli, database: str, tmp_path: Path, monkeypatch):
    cli("create")
    [entry] = backups(cli)
    monkeypatch.setattr(service_module, "sqlite_row_counts", lambda path: {})
    restored = cli("restore", entry["id"], "--target-url", f"sqlite:///{tmp_path / 'r.db'}")
    assert restored.exit_code == 1
    assert "api_keys: 3 row(s) in the backup, no table after restore" in restored.stderr
    assert "differs from the backup in" in restored.stderr
