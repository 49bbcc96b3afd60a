"""The encrypted backup container: a header, then AES-256-GCM chunks, so that a dump of any size is encrypted
and decrypted in constant memory.

Layout (integers big-endian):

    magic "SENTIABK" | version u8 | header length u32 | header JSON | plaintext SHA-256 (32) | plaintext size u64
    then chunks:  sealed length u32 | nonce (12) | ciphertext and tag

Every chunk's associated data binds it to the header (its SHA-256), to its position and to whether it is the
last chunk, so a changed header, reordered or dropped chunks and a cut-off file fail authentication. The last
chunk also binds the plaintext checksum and size, which are only known once the data has been written.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from sentia_server.security.encryption import NONCE_BYTES, TAG_BYTES, DecryptionError, Keyring

MAGIC = b"SENTIABK"
FORMAT_VERSION = 1
DEFAULT_CHUNK_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 1024 * 1024
MAX_CHUNK_BYTES = 64 * 1024 * 1024
_DOMAIN = b"sentia-backup/1"
_PREAMBLE = struct.Struct(">8sBI")
_DIGEST = struct.Struct(">32sQ")
_FRAME = struct.Struct(">I")


class BackupFormatError(Exception):
    """A backup cannot be read: not a backup, truncated, altered, or encrypted with a key that is not configured."""


@dataclass(frozen=True, slots=True)
class BackupHeader:
    """What a backup holds; authenticated by every chunk, so it cannot be changed without detection."""

    backup_id: str
    created_at: datetime
    kind: str
    dialect: str
    key_id: str
    chunk_size: int = DEFAULT_CHUNK_BYTES
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        document = {
            "backup_id": self.backup_id,
            "created_at": self.created_at.isoformat(),
            "kind": self.kind,
            "dialect": self.dialect,
            "key_id": self.key_id,
            "chunk_size": self.chunk_size,
            "metadata": dict(self.metadata),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> BackupHeader:
        try:
            document = json.loads(raw.decode("utf-8"))
            header = cls(
                backup_id=str(document["backup_id"]),
                created_at=datetime.fromisoformat(document["created_at"]),
                kind=str(document["kind"]),
                dialect=str(document["dialect"]),
                key_id=str(document["key_id"]),
                chunk_size=int(document["chunk_size"]),
                metadata=dict(document["metadata"]),
            )
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise BackupFormatError("the backup header is corrupt: the file was altered") from None
        if not 1 <= header.chunk_size <= MAX_CHUNK_BYTES:
            raise BackupFormatError("the backup header names an impossible chunk size: the file was altered")
        return header


@dataclass(frozen=True, slots=True)
class Sealed:
    """The checksum and size of the plaintext a finished backup holds."""

    plaintext_sha256: str
    plaintext_size: int


def _associated_data(header_hash: bytes, index: int, *, final: bool, digest: bytes = b"", size: int = 0) -> bytes:
    tail = _DIGEST.pack(digest, size) if final else b""
    return _DOMAIN + header_hash + struct.pack(">QB", index, 1 if final else 0) + tail


class BackupWriter:
    """Encrypts what is written to it into `stream` (which must be seekable), one chunk at a time."""

    def __init__(self, stream: BinaryIO, keyring: Keyring, header: BackupHeader) -> None:
        if header.key_id != keyring.primary_key_id:
            raise ValueError("the header must name the keyring's first key, which encrypts")
        if not 1 <= header.chunk_size <= MAX_CHUNK_BYTES:
            raise ValueError(f"chunk size must be between 1 and {MAX_CHUNK_BYTES} bytes")
        self._stream = stream
        self._keyring = keyring
        self._chunk_size = header.chunk_size
        raw_header = header.to_bytes()
        prefix = _PREAMBLE.pack(MAGIC, FORMAT_VERSION, len(raw_header)) + raw_header
        self._header_hash = hashlib.sha256(prefix).digest()
        stream.write(prefix)
        self._digest_offset = stream.tell()
        stream.write(_DIGEST.pack(bytes(32), 0))
        self._buffer = bytearray()
        self._hash = hashlib.sha256()
        self._size = 0
        self._index = 0
        self._closed = False

    def write(self, data: bytes) -> None:
        if self._closed:
            raise ValueError("the backup is already sealed")
        self._hash.update(data)
        self._size += len(data)
        self._buffer += data
        # A full chunk is written only once more data follows it: the last chunk must carry the final flag.
        while len(self._buffer) > self._chunk_size:
            self._write_chunk(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]

    def close(self) -> Sealed:
        """Write the last chunk and the plaintext checksum; the backup is complete afterwards."""
        if self._closed:
            raise ValueError("the backup is already sealed")
        self._closed = True
        digest = self._hash.digest()
        self._write_chunk(bytes(self._buffer), final=True, digest=digest)
        self._buffer.clear()
        end = self._stream.tell()
        self._stream.seek(self._digest_offset)
        self._stream.write(_DIGEST.pack(digest, self._size))
        self._stream.seek(end)
        self._stream.flush()
        return Sealed(digest.hex(), self._size)

    def _write_chunk(self, plaintext: bytes, *, final: bool, digest: bytes = b"") -> None:
        nonce = os.urandom(NONCE_BYTES)
        data = _associated_data(self._header_hash, self._index, final=final, digest=digest, size=self._size)
        sealed = self._keyring.seal(nonce, plaintext, associated_data=data)
        self._stream.write(_FRAME.pack(len(sealed)) + nonce + sealed)
        self._index += 1


def _read_exactly(stream: BinaryIO, size: int, where: str) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise BackupFormatError(f"the backup is truncated: it ends inside {where}")
    return data


class BackupReader:
    """Reads and authenticates a backup. `chunks()` yields plaintext as it is authenticated and raises
    BackupFormatError at the first problem; callers that must not act on a partial stream verify first."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        preamble = stream.read(_PREAMBLE.size)
        if len(preamble) < len(MAGIC) or preamble[: len(MAGIC)] != MAGIC:
            raise BackupFormatError("not a Sentia backup (the file does not start with the backup signature)")
        if len(preamble) != _PREAMBLE.size:
            raise BackupFormatError("the backup is truncated: it ends inside the header")
        _, version, header_length = _PREAMBLE.unpack(preamble)
        if version != FORMAT_VERSION:
            raise BackupFormatError(f"the backup is in format version {version}; this server reads {FORMAT_VERSION}")
        if header_length > MAX_HEADER_BYTES:
            raise BackupFormatError("the backup header is corrupt: the file was altered")
        raw_header = _read_exactly(stream, header_length, "the header")
        self.header = BackupHeader.from_bytes(raw_header)
        self._header_hash = hashlib.sha256(preamble + raw_header).digest()
        digest, size = _DIGEST.unpack(_read_exactly(stream, _DIGEST.size, "the header"))
        self.plaintext_sha256: str = digest.hex()
        self.plaintext_size: int = size
        self._digest = digest

    def chunks(self, keyring: Keyring) -> Iterator[bytes]:
        """The plaintext, chunk by chunk, each authenticated before it is yielded; the checksum is checked last."""
        hasher = hashlib.sha256()
        total = 0
        index = 0
        frame = self._read_frame(index)
        if frame is None:
            raise BackupFormatError("the backup is truncated: it holds no data")
        while frame is not None:
            following = self._read_frame(index + 1)
            plaintext = self._open(keyring, index, frame, final=following is None)
            hasher.update(plaintext)
            total += len(plaintext)
            yield plaintext
            frame = following
            index += 1
        if total != self.plaintext_size or hasher.digest() != self._digest:
            raise BackupFormatError("the backup's content does not match its recorded SHA-256 checksum")

    def verify(self, keyring: Keyring) -> None:
        """Authenticate every chunk and check the checksum, keeping nothing."""
        for _ in self.chunks(keyring):
            pass

    def _read_frame(self, index: int) -> tuple[bytes, bytes] | None:
        length_bytes = self._stream.read(_FRAME.size)
        if not length_bytes:
            return None
        if len(length_bytes) != _FRAME.size:
            raise BackupFormatError(f"the backup is truncated: it ends inside chunk {index}")
        (length,) = _FRAME.unpack(length_bytes)
        if not TAG_BYTES <= length <= self.header.chunk_size + TAG_BYTES:
            raise BackupFormatError(f"chunk {index} of the backup has an impossible length: the file was altered")
        nonce = _read_exactly(self._stream, NONCE_BYTES, f"chunk {index}")
        return nonce, _read_exactly(self._stream, length, f"chunk {index}")

    def _open(self, keyring: Keyring, index: int, frame: tuple[bytes, bytes], *, final: bool) -> bytes:
        nonce, sealed = frame
        data = _associated_data(self._header_hash, index, final=final, digest=self._digest, size=self.plaintext_size)
        try:
            return keyring.unseal(self.header.key_id, nonce, sealed, associated_data=data)
        except DecryptionError as error:
            if self.header.key_id not in keyring.key_ids:
                raise BackupFormatError(f"the backup cannot be decrypted: {error}") from None
            if final and self._authenticates(keyring, index, frame):
                raise BackupFormatError(
                    f"the backup is truncated: it ends after chunk {index}, before its final chunk"
                ) from None
            raise BackupFormatError(
                f"chunk {index} of the backup does not authenticate under key {self.header.key_id!r}: the file was "
                "altered or its chunks reordered, or the configured key with that id is not the one that encrypted it"
            ) from None

    def _authenticates(self, keyring: Keyring, index: int, frame: tuple[bytes, bytes]) -> bool:
        nonce, sealed = frame
        try:
            keyring.unseal(
                self.header.key_id,
                nonce,
                sealed,
                associated_data=_associated_data(self._header_hash, index, final=False),
            )
        except DecryptionError:
            return False
        return True
