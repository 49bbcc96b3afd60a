"""Create, verify, restore and prune backups: the dumps, the encrypted container and the catalogue put together,
with each create, restore and prune recorded in the audit trail."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import structlog
from sqlalchemy.exc import SQLAlchemyError

from sentia_server.backup.catalogue import Catalogue, CatalogueError, Manifest, file_sha256, new_id
from sentia_server.backup.configuration import configuration_document
from sentia_server.backup.dumps import (
    DumpError,
    DumpInfo,
    database_exists,
    dialect_of,
    display_url,
    dump_postgres,
    postgres_is_empty,
    postgres_row_counts,
    restore_postgres,
    restore_sqlite,
    snapshot_sqlite,
    sqlite_is_empty,
    sqlite_path,
    sqlite_row_counts,
)
from sentia_server.backup.format import BackupFormatError, BackupHeader, BackupReader, BackupWriter, Sealed
from sentia_server.backup.retention import expired
from sentia_server.config import Settings
from sentia_server.security.encryption import GENERATE_COMMAND, KEY_FILE_VARIABLE, KEYS_VARIABLE, Keyring
from sentia_server.storage.audit_events import Action, AuditRecord, AuditTrail, Outcome
from sentia_server.storage.database import Database
from sentia_server.storage.migrate import current_revision, head_revision
from sentia_server.storage.tables import utcnow

log = structlog.get_logger(__name__)

CREATABLE_KINDS = ("database", "configuration")
_COPY_BYTES = 1024 * 1024


class BackupError(Exception):
    """A backup operation failed; the message says why, never a secret."""


class AuditSink(Protocol):
    async def record(self, entry: AuditRecord) -> None: ...


class ServerAudit:
    """Records in the server's own `audit_events`; when that database cannot be reached the event is still logged."""

    def __init__(self, settings: Settings) -> None:
        self._url = settings.resolved_database_url

    async def record(self, entry: AuditRecord) -> None:
        if not database_exists(self._url):
            log.warning("audit event not stored", action=entry.action.value, error="database does not exist")
            return
        database = Database(self._url)
        try:
            await AuditTrail(database).record(entry)
        except (SQLAlchemyError, OSError) as error:
            log.warning("audit event not stored", action=entry.action.value, error=type(error).__name__)
        finally:
            await database.aclose()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    backup_id: str
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class RestoreReport:
    backup_id: str
    target: str
    expected: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)

    @property
    def mismatches(self) -> list[str]:
        return [
            f"{table}: {count} row(s) in the backup, {self.found.get(table, 'no table')} after restore"
            for table, count in sorted(self.expected.items())
            if self.found.get(table) != count
        ]


class BackupService:
    def __init__(
        self,
        settings: Settings,
        *,
        actor: str,
        audit: AuditSink | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._settings = settings
        self._options = settings.backup
        self._actor = actor
        self._audit: AuditSink = audit if audit is not None else ServerAudit(settings)
        self._clock = clock
        self.catalogue = Catalogue(self._options.directory(settings.data_dir))

    def keyring(self) -> Keyring:
        keyring = self._settings.encryption_keyring
        if keyring is None:
            raise BackupError(
                f"backups are encrypted and no encryption key is configured: set {KEYS_VARIABLE} (or "
                f"{KEY_FILE_VARIABLE}) to key_id:base64(32 random bytes); generate one with: {GENERATE_COMMAND}"
            )
        return keyring

    # create ---------------------------------------------------------------------------------------------------

    async def create(self, kind: str = "database") -> Manifest:
        if kind not in CREATABLE_KINDS:
            raise BackupError(f"cannot create a backup of kind {kind!r}: choose one of {', '.join(CREATABLE_KINDS)}")
        keyring = self.keyring()
        created_at = self._clock()
        backup_id = new_id(kind, created_at)
        path = self.catalogue.backup_path(backup_id)
        partial = path.with_name(path.name + ".partial")
        url = self._settings.resolved_database_url
        source: dict[str, Any] = {"url": display_url(url), "dialect": dialect_of(url)}
        try:
            self.catalogue.ensure()
            with _private_file(partial) as stream:
                sealed, header = await self._write(kind, stream, keyring, backup_id, created_at, url)
            os.replace(partial, path)
        except (DumpError, BackupFormatError, OSError) as error:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            await self._record(Action.BACKUP_CREATE, Outcome.FAILURE, backup_id, {"kind": kind})
            raise BackupError(f"backup {backup_id} failed: {error}") from None
        manifest = Manifest(
            id=backup_id,
            created_at=created_at,
            kind=kind,
            size=path.stat().st_size,
            sha256=file_sha256(path),
            key_id=keyring.primary_key_id,
            source=source,
            plaintext_sha256=sealed.plaintext_sha256,
            plaintext_size=sealed.plaintext_size,
            row_counts=dict(header.metadata.get("row_counts", {})),
        )
        self.catalogue.save(manifest)
        detail = {"kind": kind, "size": manifest.size, "key_id": manifest.key_id}
        await self._record(Action.BACKUP_CREATE, Outcome.SUCCESS, backup_id, detail)
        return manifest

    async def _write(
        self, kind: str, stream: BinaryIO, keyring: Keyring, backup_id: str, created_at: datetime, url: str
    ) -> tuple[Sealed, BackupHeader]:
        def header_for(dialect: str, metadata: dict[str, Any]) -> BackupHeader:
            return BackupHeader(
                backup_id=backup_id,
                created_at=created_at,
                kind=kind,
                dialect=dialect,
                key_id=keyring.primary_key_id,
                chunk_size=self._options.chunk_bytes,
                metadata=metadata,
            )

        if kind == "configuration":
            document = configuration_document(
                self._settings, alembic_revision=await self._revision(url), head_revision=head_revision()
            )
            header = header_for("json", {})
            writer = BackupWriter(stream, keyring, header)
            writer.write(json.dumps(document, indent=2, sort_keys=True).encode("utf-8"))
            return writer.close(), header
        if dialect_of(url) == "postgresql":
            writers: list[tuple[BackupWriter, BackupHeader]] = []

            def open_sink(info: DumpInfo) -> Callable[[bytes], None]:
                header = header_for("postgresql", {"row_counts": info.row_counts, **info.details})
                writers.append((BackupWriter(stream, keyring, header), header))
                return writers[0][0].write

            async with self._time_limit("pg_dump"):
                await dump_postgres(
                    url,
                    open_sink,
                    pg_dump=self._options.pg_dump,
                    setting="SENTIA_BACKUP__PG_DUMP",
                )
            writer, header = writers[0]
            return writer.close(), header
        with tempfile.TemporaryDirectory(dir=self.catalogue.directory, prefix=".work-") as work:
            snapshot = Path(work) / "snapshot.db"
            info = snapshot_sqlite(sqlite_path(url), snapshot)
            header = header_for("sqlite", {"row_counts": info.row_counts, **info.details})
            writer = BackupWriter(stream, keyring, header)
            with snapshot.open("rb") as source:
                while block := source.read(_COPY_BYTES):
                    writer.write(block)
            return writer.close(), header

    async def _revision(self, url: str) -> str | None:
        if not database_exists(url):
            return None
        database = Database(url)
        try:
            return await current_revision(database)
        except (SQLAlchemyError, OSError) as error:
            log.warning("migration revision not read", error=type(error).__name__)
            return None
        finally:
            await database.aclose()

    # list and verify ------------------------------------------------------------------------------------------

    def entries(self) -> tuple[list[Manifest], list[str]]:
        return self.catalogue.entries()

    def verify(self, backup_id: str) -> VerifyResult:
        """Check the file against its manifest and decrypt it completely, keeping nothing."""
        try:
            manifest = self.catalogue.load(backup_id)
            self._open_verified(manifest, self.keyring())
        except (BackupError, CatalogueError, BackupFormatError) as error:
            return VerifyResult(backup_id, str(error))
        return VerifyResult(backup_id)

    def _open_verified(self, manifest: Manifest, keyring: Keyring) -> BackupHeader:
        path = self.catalogue.backup_path(manifest.id)
        if not path.is_file():
            raise BackupError(f"the backup file {path.name} is missing")
        if file_sha256(path) != manifest.sha256:
            raise BackupError(
                f"the backup file {path.name} does not match the SHA-256 in its manifest: it was damaged or altered"
            )
        with path.open("rb") as stream:
            reader = BackupReader(stream)
            header = reader.header
            recorded = (header.backup_id, header.kind, header.key_id, reader.plaintext_sha256)
            if (
                recorded != (manifest.id, manifest.kind, manifest.key_id, manifest.plaintext_sha256)
                or dict(header.metadata.get("row_counts", {})) != manifest.row_counts
            ):
                raise BackupError(f"the manifest of {manifest.id} does not describe its backup file: one was altered")
            reader.verify(keyring)
        return header

    def _chunks(self, manifest: Manifest, keyring: Keyring) -> Iterator[bytes]:
        with self.catalogue.backup_path(manifest.id).open("rb") as stream:
            yield from BackupReader(stream).chunks(keyring)

    # restore --------------------------------------------------------------------------------------------------

    async def restore(
        self, backup_id: str, *, target_url: str | None = None, output: Path | None = None, force: bool = False
    ) -> RestoreReport:
        """Restore a database backup into `target_url`, or write a configuration backup to `output`. The whole
        backup is authenticated first: a damaged one changes nothing."""
        try:
            manifest = self.catalogue.load(backup_id)
            keyring = self.keyring()
            header = self._open_verified(manifest, keyring)
            if manifest.kind == "configuration":
                report = self._restore_configuration(manifest, keyring, output, force)
            else:
                report = await self._restore_database(manifest, header, keyring, target_url, force)
        except (BackupError, CatalogueError, BackupFormatError, DumpError, OSError) as error:
            await self._record(Action.BACKUP_RESTORE, Outcome.FAILURE, backup_id, {"reason": type(error).__name__})
            raise BackupError(f"restore of {backup_id} failed: {error}") from None
        outcome = Outcome.PARTIAL if report.mismatches else Outcome.SUCCESS
        detail = {"into": report.target, "mismatched_tables": len(report.mismatches)}
        await self._record(Action.BACKUP_RESTORE, outcome, backup_id, detail)
        return report

    def _restore_configuration(
        self, manifest: Manifest, keyring: Keyring, output: Path | None, force: bool
    ) -> RestoreReport:
        if output is None:
            raise BackupError("a configuration backup is restored to a file: pass --output PATH")
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
        try:
            descriptor = os.open(output, flags, 0o600)
        except FileExistsError:
            raise BackupError(f"{output} exists: choose another path, or pass --force to overwrite it") from None
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in self._chunks(manifest, keyring):
                handle.write(chunk)
        return RestoreReport(manifest.id, str(output))

    async def _restore_database(
        self, manifest: Manifest, header: BackupHeader, keyring: Keyring, target_url: str | None, force: bool
    ) -> RestoreReport:
        if target_url is None:
            raise BackupError("a database backup needs a target: pass --target-url postgresql://… or sqlite:///…")
        dialect = dialect_of(target_url)
        if dialect != header.dialect:
            raise BackupError(
                f"the backup holds a {header.dialect} database and cannot be restored into a {dialect} database"
            )
        expected = dict(header.metadata.get("row_counts", {}))
        if dialect == "postgresql":
            if not force and not await postgres_is_empty(target_url):
                raise BackupError(
                    f"the target database {display_url(target_url)} is not empty: restore into a new database, "
                    "or pass --force to replace the objects the backup holds"
                )
            async with self._time_limit("pg_restore"):
                await restore_postgres(
                    target_url,
                    self._chunks(manifest, keyring),
                    pg_restore=self._options.pg_restore,
                    setting="SENTIA_BACKUP__PG_RESTORE",
                    clean=force,
                    dump_major=int(header.metadata.get("dump_tool_major", 0)),
                )
            found = await postgres_row_counts(target_url)
        else:
            target = sqlite_path(target_url)
            if not force and not sqlite_is_empty(target):
                raise BackupError(
                    f"the target database {target} is not empty: restore into a new file, or pass --force to replace it"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".sentia-restore-") as work:
                snapshot = Path(work) / "snapshot.db"
                with _private_file(snapshot) as handle:
                    for chunk in self._chunks(manifest, keyring):
                        handle.write(chunk)
                restore_sqlite(snapshot, target)
            found = sqlite_row_counts(target)
        return RestoreReport(manifest.id, display_url(target_url), expected, found)

    # prune ----------------------------------------------------------------------------------------------------

    async def prune(self, *, dry_run: bool = False) -> list[Manifest]:
        """Delete the backups past their retention (see retention.py); with `dry_run`, only say which."""
        manifests, _ = self.catalogue.entries()
        doomed = expired(
            manifests,
            now=self._clock(),
            retention_days=self._options.retention_days(),
            keep_latest=self._options.keep_latest,
        )
        if dry_run:
            return doomed
        for manifest in doomed:
            self.catalogue.remove(manifest.id)
        if doomed:
            detail = {"deleted": len(doomed), "ids": [manifest.id for manifest in doomed][:50]}
            await self._record(Action.BACKUP_PRUNE, Outcome.SUCCESS, str(self.catalogue.directory), detail)
        return doomed

    @contextlib.asynccontextmanager
    async def _time_limit(self, tool: str) -> AsyncIterator[None]:
        seconds = self._options.timeout_seconds
        try:
            async with asyncio.timeout(seconds):
                yield
        except TimeoutError:
            raise DumpError(
                f"{tool} did not finish within {seconds:g} seconds (SENTIA_BACKUP__TIMEOUT_SECONDS); it was stopped"
            ) from None

    async def _record(self, action: Action, outcome: Outcome, target: str, detail: dict[str, Any]) -> None:
        log.info(action.value, outcome=outcome.value, backup=target, actor=self._actor, detail=detail)
        await self._audit.record(
            AuditRecord(action=action, outcome=outcome, actor=self._actor, target=target, detail=detail)
        )


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    """A new file only its owner can read (mode 0600), for encrypted backups and decrypted snapshots alike."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w+b") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
