"""The backup directory: one encrypted file and one JSON manifest per backup, written atomically, mode 0600.

The manifest records the file's own SHA-256, so a copy damaged in storage is found without the encryption key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

KINDS = ("database", "configuration", "logs")
BACKUP_SUFFIX = ".sbk"
MANIFEST_SUFFIX = ".json"
_ID = re.compile(r"^(database|configuration|logs)-\d{8}T\d{6}Z-[0-9a-f]{6}$")


class CatalogueError(Exception):
    """A backup id is unknown or malformed, or a manifest cannot be read."""


@dataclass(frozen=True, slots=True)
class Manifest:
    id: str
    created_at: datetime
    kind: str
    size: int
    sha256: str
    key_id: str
    source: dict[str, Any]
    plaintext_sha256: str
    plaintext_size: int
    row_counts: dict[str, int] = field(default_factory=dict)
    format_version: int = 1

    @property
    def file_name(self) -> str:
        return self.id + BACKUP_SUFFIX

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["created_at"] = self.created_at.isoformat()
        document["file"] = self.file_name
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Manifest:
        created_at = datetime.fromisoformat(document["created_at"])
        if created_at.tzinfo is None:
            raise ValueError("created_at has no time zone")
        return cls(
            id=validate_id(str(document["id"])),
            created_at=created_at,
            kind=str(document["kind"]),
            size=int(document["size"]),
            sha256=str(document["sha256"]),
            key_id=str(document["key_id"]),
            source=dict(document["source"]),
            plaintext_sha256=str(document["plaintext_sha256"]),
            plaintext_size=int(document["plaintext_size"]),
            row_counts={str(name): int(count) for name, count in dict(document.get("row_counts", {})).items()},
            format_version=int(document.get("format_version", 1)),
        )


def validate_id(backup_id: str) -> str:
    if not _ID.match(backup_id):
        raise CatalogueError(
            f"{backup_id!r} is not a backup id (expected e.g. database-20260101T023000Z-1a2b3c; see `backup list`)"
        )
    return backup_id


def new_id(kind: str, created_at: datetime) -> str:
    return f"{kind}-{created_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


class Catalogue:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def ensure(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    def backup_path(self, backup_id: str) -> Path:
        return self.directory / (validate_id(backup_id) + BACKUP_SUFFIX)

    def manifest_path(self, backup_id: str) -> Path:
        return self.directory / (validate_id(backup_id) + MANIFEST_SUFFIX)

    def save(self, manifest: Manifest) -> None:
        """Write the manifest next to its backup, atomically (a reader never sees half a manifest)."""
        path = self.manifest_path(manifest.id)
        partial = path.with_name(path.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(manifest.to_json(), handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(partial, path)

    def load(self, backup_id: str) -> Manifest:
        path = self.manifest_path(backup_id)
        if not path.is_file():
            raise CatalogueError(f"no backup {backup_id} in {self.directory} (see `backup list`)")
        return self._read(path)

    def _read(self, path: Path) -> Manifest:
        try:
            return Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, CatalogueError) as error:
            raise CatalogueError(f"the manifest {path.name} cannot be read: {type(error).__name__}") from None

    def entries(self) -> tuple[list[Manifest], list[str]]:
        """Every backup, oldest first, and a message for each manifest that cannot be read."""
        manifests: list[Manifest] = []
        problems: list[str] = []
        if not self.directory.is_dir():
            return manifests, problems
        for path in sorted(self.directory.glob("*" + MANIFEST_SUFFIX)):
            try:
                manifests.append(self._read(path))
            except CatalogueError as error:
                problems.append(str(error))
        manifests.sort(key=lambda manifest: (manifest.created_at, manifest.id))
        return manifests, problems

    def remove(self, backup_id: str) -> None:
        """Delete the manifest first, then the file, so a listed backup always has its file."""
        self.manifest_path(backup_id).unlink(missing_ok=True)
        self.backup_path(backup_id).unlink(missing_ok=True)
