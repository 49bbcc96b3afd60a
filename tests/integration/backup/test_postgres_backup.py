"""PostgreSQL: pg_dump into an encrypted backup and pg_restore into a fresh database reproduce every row; a
tampered backup, a non-empty target and unsuitable client tools are refused without changing anything."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.backup_data import KEYS, RecordingAudit, all_rows, seed

from sentia_server.backup.catalogue import file_sha256
from sentia_server.backup.dumps import postgres_is_empty
from sentia_server.backup.service import BackupError, BackupService
from sentia_server.cli import main
from sentia_server.config import Settings
from sentia_server.storage.audit_events import Action, Outcome
from sentia_testkit.services.postgres import temporary_database

pytestmark = pytest.mark.anyio


@pytest.fixture
def target_url(sentia_postgres_server) -> Iterator[str]:
    """A second fresh database (unique name, dropped afterwards) to restore into."""
    with temporary_database(sentia_postgres_server.url) as url:
        yield url


@pytest.fixture
def service(backup_settings: Callable[..., Settings], postgres_url: str) -> tuple[BackupService, RecordingAudit]:
    audit = RecordingAudit()
    return BackupService(backup_settings(database_url=postgres_url), actor="cli:test", audit=audit), audit


async def test_backup_and_restore_reproduce_every_row(service, postgres_url: str, target_url: str):
    backup, audit = service
    await seed(postgres_url, executions=2500)
    manifest = await backup.create("database")
    assert manifest.source == {"url": postgres_url, "dialect": "postgresql"}
    assert manifest.row_counts["tool_executions"] == 2500
    assert manifest.row_counts["alembic_version"] == 1
    assert backup.verify(manifest.id).ok

    report = await backup.restore(manifest.id, target_url=target_url)

    assert report.mismatches == []
    assert report.found == manifest.row_counts
    assert await all_rows(target_url) == await all_rows(postgres_url)
    assert [(r.action, r.outcome) for r in audit.records] == [
        (Action.BACKUP_CREATE, Outcome.SUCCESS),
        (Action.BACKUP_RESTORE, Outcome.SUCCESS),
    ]


async def test_a_tampered_backup_is_refused_and_the_target_stays_empty(service, postgres_url, target_url):
    backup, audit = service
    await seed(postgres_url, executions=50)
    manifest = await backup.create("database")
    path = backup.catalogue.backup_path(manifest.id)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(BackupError, match="does not match the SHA-256 in its manifest"):
        await backup.restore(manifest.id, target_url=target_url)
    # Also with a manifest that was updated to match: the encryption itself refuses the altered chunk.
    backup.catalogue.save(replace(manifest, sha256=file_sha256(path)))
    with pytest.raises(BackupError, match="does not authenticate"):
        await backup.restore(manifest.id, target_url=target_url)
    assert (await all_rows_or_none(target_url)) is None
    assert audit.records[-1].outcome is Outcome.FAILURE


async def all_rows_or_none(url: str):
    return None if await postgres_is_empty(url) else "not empty"


async def test_a_non_empty_target_needs_force(service, postgres_url, target_url):
    backup, _ = service
    await seed(postgres_url, executions=20)
    manifest = await backup.create("database")
    await seed(target_url, executions=5)
    with pytest.raises(BackupError, match="is not empty: restore into a new database, or pass --force"):
        await backup.restore(manifest.id, target_url=target_url)
    report = await backup.restore(manifest.id, target_url=target_url, force=True)
    assert report.mismatches == []
    assert await all_rows(target_url) == await all_rows(postgres_url)


async def test_a_sqlite_target_for_a_postgresql_backup_is_refused(service, postgres_url, tmp_path: Path):
    backup, _ = service
    await seed(postgres_url, executions=1)
    manifest = await backup.create("database")
    with pytest.raises(BackupError, match="holds a postgresql database and cannot be restored into a sqlite"):
        await backup.restore(manifest.id, target_url=f"sqlite:///{tmp_path / 'x.db'}")


def fake(tmp_path: Path, name: str, body: str) -> str:
    script = tmp_path / name
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


async def test_an_older_pg_dump_than_the_server_is_refused(backup_settings, postgres_url, tmp_path: Path):
    old = fake(tmp_path, "pg_dump", 'echo "pg_dump (PostgreSQL) 9.6.24"\n')
    settings = backup_settings(database_url=postgres_url, backup={"dir": tmp_path / "b", "pg_dump": old})
    backup = BackupService(settings, actor="cli:test", audit=RecordingAudit())
    with pytest.raises(BackupError, match=r"pg_dump 9 cannot dump a PostgreSQL \d+ server: install the PostgreSQL"):
        await backup.create("database")
    assert list((tmp_path / "b").iterdir()) == []


async def test_a_failing_pg_dump_leaves_no_backup_behind(backup_settings, postgres_url, tmp_path: Path):
    failing = fake(
        tmp_path,
        "pg_dump",
        'case "$1" in --version) echo "pg_dump (PostgreSQL) 99.0";; *) echo "pg_dump: error: disk full" >&2; '
        "exit 1;; esac\n",
    )
    settings = backup_settings(database_url=postgres_url, backup={"dir": tmp_path / "b", "pg_dump": failing})
    audit = RecordingAudit()
    backup = BackupService(settings, actor="cli:test", audit=audit)
    with pytest.raises(BackupError, match="pg_dump exited with status 1: pg_dump: error: disk full"):
        await backup.create("database")
    assert list((tmp_path / "b").iterdir()) == []
    assert audit.records[-1].outcome is Outcome.FAILURE


async def test_a_pg_dump_that_hangs_is_stopped(backup_settings, postgres_url, tmp_path: Path):
    slow = fake(
        tmp_path, "pg_dump", 'case "$1" in --version) echo "pg_dump (PostgreSQL) 99.0";; *) exec sleep 30;; esac\n'
    )
    settings = backup_settings(
        database_url=postgres_url, backup={"dir": tmp_path / "b", "pg_dump": slow, "timeout_seconds": 0.5}
    )
    backup = BackupService(settings, actor="cli:test", audit=RecordingAudit())
    with pytest.raises(BackupError, match=r"did not finish within 0\.5 seconds"):
        await backup.create("database")


async def test_restore_tool_problems_are_refused_before_touching_the_target(
    backup_settings, postgres_url, target_url, tmp_path: Path
):
    await seed(postgres_url, executions=1)
    made = BackupService(backup_settings(database_url=postgres_url), actor="cli:test", audit=RecordingAudit())
    manifest = await made.create("database")
    old = fake(tmp_path, "pg_restore", 'echo "pg_restore (PostgreSQL) 9.6"\n')
    settings = backup_settings(database_url=postgres_url, backup={"dir": made.catalogue.directory, "pg_restore": old})
    backup = BackupService(settings, actor="cli:test", audit=RecordingAudit())
    with pytest.raises(BackupError, match=r"made by pg_dump \d+; pg_restore 9 cannot read it"):
        await backup.restore(manifest.id, target_url=target_url)
    failing = fake(
        tmp_path,
        "pg_restore2",
        'case "$1" in --version) echo "pg_restore (PostgreSQL) 99.0";; *) cat >/dev/null; '
        'echo "pg_restore: error: could not execute query" >&2; exit 1;; esac\n',
    )
    settings = backup_settings(
        database_url=postgres_url, backup={"dir": made.catalogue.directory, "pg_restore": failing}
    )
    backup = BackupService(settings, actor="cli:test", audit=RecordingAudit())
    with pytest.raises(BackupError, match="pg_restore exited with status 1: pg_restore: error: could not execute"):
        await backup.restore(manifest.id, target_url=target_url)
    assert await all_rows_or_none(target_url) is None


async def test_an_unreachable_database_is_reported(backup_settings, tmp_path: Path):
    settings = backup_settings(database_url="postgresql://nobody:pw@127.0.0.1:1/none")
    backup = BackupService(settings, actor="cli:test", audit=RecordingAudit())
    with pytest.raises(BackupError, match=r"cannot connect to postgresql://nobody:\*\*\*@127.0.0.1:1/none") as caught:
        await backup.create("database")
    assert ":pw@" not in str(caught.value)


async def test_a_restore_stopped_midway_keeps_nothing(backup_settings, postgres_url, target_url, tmp_path: Path):
    await seed(postgres_url, executions=20_000)
    made = BackupService(
        backup_settings(database_url=postgres_url, backup={"dir": tmp_path / "b", "chunk_bytes": 4096}),
        actor="cli:test",
        audit=RecordingAudit(),
    )
    manifest = await made.create("database")
    assert manifest.plaintext_size > 256 * 1024  # more than a pipe holds: the writes must wait for the reader
    version = 'case "$1" in --version) echo "pg_restore (PostgreSQL) 99.0"; exit 0;; esac\n'
    closes_early = fake(
        tmp_path, "pg_restore", version + 'exec 0<&-; sleep 0.2; echo "pg_restore: error: stopped" >&2; exit 1\n'
    )
    hangs = fake(tmp_path, "pg_restore-hangs", version + "exec sleep 30\n")
    for tool, message in ((closes_early, "pg_restore: error: stopped"), (hangs, "did not finish within 0.5 seconds")):
        settings = backup_settings(
            database_url=postgres_url, backup={"dir": tmp_path / "b", "pg_restore": tool, "timeout_seconds": 0.5}
        )
        backup = BackupService(settings, actor="cli:test", audit=RecordingAudit())
        with pytest.raises(BackupError, match=message):
            await backup.restore(manifest.id, target_url=target_url)
    assert await all_rows_or_none(target_url) is None


def test_the_cli_backs_up_and_restores_postgresql(
    make_settings, postgres_url: str, target_url: str, tmp_path: Path, monkeypatch
):

    make_settings()  # clears the developer's SENTIA_* variables
    monkeypatch.chdir(tmp_path)
    asyncio.run(seed(postgres_url, executions=500))
    env = {
        "SENTIA_DATA_DIR": str(tmp_path / "data"),
        "SENTIA_DATABASE_URL": postgres_url,
        "SENTIA_ENCRYPTION_KEYS": KEYS,
        "SENTIA_LOG_LEVEL": "WARNING",
    }
    runner = CliRunner()
    created = runner.invoke(main, ["backup", "create", "--json"], env=env, catch_exceptions=False)
    assert created.exit_code == 0, created.output
    manifest = json.loads(created.stdout)
    assert manifest["source"]["dialect"] == "postgresql"
    restored = runner.invoke(
        main, ["backup", "restore", manifest["id"], "--target-url", target_url], env=env, catch_exceptions=False
    )
    assert restored.exit_code == 0, restored.output
    assert "row counts match the backup in every table" in restored.stdout
    source = asyncio.run(all_rows(postgres_url))
    assert [row[6] for row in source["audit_events"][1:]] == ["backup.create", "backup.restore"]
    source["audit_events"] = source["audit_events"][:1]
    assert asyncio.run(all_rows(target_url)) == source
