"""Manifests on disk and the retention policy, with a fixed clock."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sentia_server.backup.catalogue import Catalogue, CatalogueError, Manifest, file_sha256, new_id, validate_id
from sentia_server.backup.retention import expired
from sentia_server.backup.settings import BackupSettings

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def manifest(kind: str = "database", age_days: float = 0, suffix: str = "000000") -> Manifest:
    created_at = NOW - timedelta(days=age_days)
    return Manifest(
        id=f"{kind}-{created_at:%Y%m%dT%H%M%SZ}-{suffix}",
        created_at=created_at,
        kind=kind,
        size=10,
        sha256="ab" * 32,
        key_id="k1",
        source={"url": "sqlite:///x.db", "dialect": "sqlite"},
        plaintext_sha256="cd" * 32,
        plaintext_size=5,
        row_counts={"api_keys": 2},
    )


def test_ids_are_well_formed_and_anything_else_is_refused():
    backup_id = new_id("database", NOW)
    assert validate_id(backup_id) == backup_id
    assert backup_id.startswith("database-20260601T120000Z-")
    for bad in ("../etc/passwd", "database-2026-x", "other-20260601T120000Z-abcdef", ""):
        with pytest.raises(CatalogueError, match="not a backup id"):
            validate_id(bad)


def test_save_and_load_round_trip_with_private_files(tmp_path: Path):
    catalogue = Catalogue(tmp_path / "backups")
    catalogue.ensure()
    saved = manifest()
    catalogue.save(saved)
    path = catalogue.manifest_path(saved.id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(catalogue.directory.stat().st_mode) == 0o700
    assert catalogue.load(saved.id) == saved
    assert json.loads(path.read_text())["file"] == saved.id + ".sbk"


def test_entries_are_oldest_first_and_unreadable_manifests_are_reported(tmp_path: Path):
    catalogue = Catalogue(tmp_path)
    assert Catalogue(tmp_path / "missing").entries() == ([], [])
    newer, older = manifest(age_days=1, suffix="000001"), manifest(age_days=3, suffix="000002")
    catalogue.save(newer)
    catalogue.save(older)
    (tmp_path / "database-20260101T000000Z-ffffff.json").write_text("{not json")
    document = older.to_json() | {"created_at": "2026-01-01T00:00:00"}
    document["id"] = "database-20260101T000000Z-eeeeee"
    (tmp_path / "database-20260101T000000Z-eeeeee.json").write_text(json.dumps(document))
    manifests, problems = catalogue.entries()
    assert manifests == [older, newer]
    assert len(problems) == 2
    assert all("cannot be read" in problem for problem in problems)


def test_unknown_backups_and_removal(tmp_path: Path):
    catalogue = Catalogue(tmp_path)
    with pytest.raises(CatalogueError, match="no backup database-20260101T000000Z-abcdef"):
        catalogue.load("database-20260101T000000Z-abcdef")
    saved = manifest()
    catalogue.save(saved)
    catalogue.backup_path(saved.id).write_bytes(b"data")
    assert file_sha256(catalogue.backup_path(saved.id)) == (
        "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7"
    )
    catalogue.remove(saved.id)
    assert list(tmp_path.iterdir()) == []


def test_expired_follows_each_kinds_retention_and_keeps_the_newest():
    days = BackupSettings().retention_days()
    assert days == {"database": 30, "configuration": 90, "logs": 7}
    backups = [
        manifest("database", 0.5, "000001"),
        manifest("database", 29.9, "000002"),
        manifest("database", 30.1, "000003"),
        manifest("configuration", 89, "000004"),
        manifest("configuration", 91, "000005"),
        manifest("logs", 8, "000006"),
        manifest("logs", 6, "000007"),
    ]
    doomed = expired(backups, now=NOW, retention_days=days, keep_latest=1)
    assert [m.id[-6:] for m in doomed] == ["000005", "000003", "000006"]


def test_the_newest_backups_of_a_kind_survive_however_old():
    old = [manifest("database", 100, "000001"), manifest("database", 200, "000002")]
    assert expired(old, now=NOW, retention_days={"database": 30}, keep_latest=1) == [old[1]]
    assert expired(old, now=NOW, retention_days={"database": 30}, keep_latest=0) == [old[1], old[0]]
    assert expired(old, now=NOW, retention_days={"configuration": 1}, keep_latest=0) == []


def test_backup_directory_defaults_under_the_data_dir(tmp_path: Path):
    assert BackupSettings().directory(tmp_path) == tmp_path / "backups"
    assert BackupSettings(dir=tmp_path / "elsewhere").directory(tmp_path) == tmp_path / "elsewhere"
