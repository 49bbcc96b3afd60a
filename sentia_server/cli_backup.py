"""`sentia-server backup create|list|verify|restore|prune`: encrypted backups of the database and configuration."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from sentia_server.auth.key_admin import cli_actor
from sentia_server.backup.catalogue import KINDS, Manifest
from sentia_server.backup.service import CREATABLE_KINDS, BackupError, BackupService
from sentia_server.observability.logging import configure_logging

EXIT_FAILED = 1


def _service() -> BackupService:
    # Imported here: cli.py registers this group, so importing it at module level would be circular.
    from sentia_server.cli import load_settings

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    return BackupService(settings, actor=cli_actor())


def _fail(message: str) -> NoReturn:
    click.echo(f"sentia-server: {message}", err=True)
    sys.exit(EXIT_FAILED)


def _guarded(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except BackupError as error:
        _fail(str(error))


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


@click.group()
def backup() -> None:
    """Encrypted, checksummed backups in SENTIA_BACKUP__DIR (default <data dir>/backups)."""


@backup.command("create")
@click.option("--kind", type=click.Choice(CREATABLE_KINDS), default="database", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.option(
    "--prune", "then_prune", is_flag=True, help="After a successful backup, delete expired ones (as `prune`)."
)
def create(kind: str, as_json: bool, then_prune: bool) -> None:
    """Dump the database (pg_dump or SQLite's backup API), or the non-secret settings, encrypted with the first
    key of SENTIA_ENCRYPTION_KEYS."""
    service = _service()
    manifest: Manifest = _guarded(lambda: asyncio.run(service.create(kind)))
    if then_prune:
        deleted = asyncio.run(service.prune())
        click.echo(f"pruned {len(deleted)} expired backup(s)", err=True)
    if as_json:
        click.echo(json.dumps(manifest.to_json(), indent=2, sort_keys=True))
        return
    rows = (
        f", {sum(manifest.row_counts.values())} row(s) in {len(manifest.row_counts)} table(s)"
        if manifest.kind == "database"
        else ""
    )
    click.echo(
        f"created {manifest.id}: {_size(manifest.size)}, key {manifest.key_id}{rows}, "
        f"{service.catalogue.backup_path(manifest.id)}"
    )


@backup.command("list")
@click.option("--kind", type=click.Choice(KINDS), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the manifests as a JSON array.")
def list_backups(kind: str | None, as_json: bool) -> None:
    """List the backups, oldest first."""
    service = _service()
    manifests, problems = service.entries()
    manifests = [manifest for manifest in manifests if kind is None or manifest.kind == kind]
    for problem in problems:
        click.echo(f"sentia-server: {problem}", err=True)
    if as_json:
        click.echo(json.dumps([manifest.to_json() for manifest in manifests], indent=2, sort_keys=True))
        return
    if not manifests:
        click.echo(f"no backups in {service.catalogue.directory}")
        return
    click.echo(f"{'ID':<40} {'CREATED (UTC)':<20} {'KIND':<14} {'SIZE':>10}  KEY  SOURCE")
    for manifest in manifests:
        click.echo(
            f"{manifest.id:<40} {manifest.created_at:%Y-%m-%d %H:%M:%S}  {manifest.kind:<14} "
            f"{_size(manifest.size):>10}  {manifest.key_id}  {manifest.source.get('url', '')}"
        )


@backup.command("verify")
@click.argument("backup_id", required=False)
@click.option("--all", "verify_all", is_flag=True, help="Verify every backup.")
def verify(backup_id: str | None, verify_all: bool) -> None:
    """Decrypt a backup completely and check its checksums, without restoring it. Exits 1 if any fails."""
    if (backup_id is None) == (not verify_all):
        raise click.UsageError("name one backup id, or pass --all")
    service = _service()
    if backup_id is not None:
        ids = [backup_id]
    else:
        manifests, problems = service.entries()
        ids = [manifest.id for manifest in manifests]
        for problem in problems:
            click.echo(f"sentia-server: {problem}", err=True)
    failed = 0
    for identifier in ids:
        result = service.verify(identifier)
        click.echo(f"{identifier}: {'ok' if result.ok else 'FAILED: ' + str(result.problem)}")
        failed += 0 if result.ok else 1
    if failed:
        _fail(f"{failed} of {len(ids)} backup(s) failed verification")


@backup.command("restore")
@click.argument("backup_id")
@click.option(
    "--target-url",
    envvar="SENTIA_RESTORE_TARGET_URL",
    default=None,
    help="The database to restore into (postgresql://… or sqlite:///…); keep its password in PGPASSWORD or "
    "~/.pgpass rather than here, where other users can see it.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="For a configuration backup: the file to write.",
)
@click.option("--force", is_flag=True, help="Restore into a database (or file) that is not empty.")
def restore(backup_id: str, target_url: str | None, output: Path | None, force: bool) -> None:
    """Restore a database backup into a new, empty database and compare its rows with the backup's counts; or
    write a configuration backup to a file. A damaged or altered backup is refused before anything is changed."""
    service = _service()
    report = _guarded(
        lambda: asyncio.run(service.restore(backup_id, target_url=target_url, output=output, force=force))
    )
    if not report.expected:
        click.echo(f"restored {report.backup_id} to {report.target}")
        return
    click.echo(
        f"restored {report.backup_id} into {report.target}: {len(report.expected)} table(s), "
        f"{sum(report.expected.values())} row(s) expected"
    )
    if report.mismatches:
        for mismatch in report.mismatches:
            click.echo(f"  {mismatch}", err=True)
        _fail(f"the restored database differs from the backup in {len(report.mismatches)} table(s)")
    click.echo("row counts match the backup in every table")


@backup.command("prune")
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def prune(dry_run: bool) -> None:
    """Delete backups older than their kind's retention (SENTIA_BACKUP__DATABASE_RETENTION_DAYS 30,
    …CONFIGURATION… 90, …LOGS… 7), always keeping the newest SENTIA_BACKUP__KEEP_LATEST of each kind."""
    service = _service()
    doomed = asyncio.run(service.prune(dry_run=dry_run))
    verb = "would delete" if dry_run else "deleted"
    for manifest in doomed:
        click.echo(f"{verb} {manifest.id} ({manifest.created_at:%Y-%m-%d})")
    click.echo(f"{verb} {len(doomed)} backup(s)")
