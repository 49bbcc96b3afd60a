"""AES-256-GCM for secrets kept at rest (vendor refresh tokens), with named keys so that keys can be rotated.

Keys come from `SENTIA_ENCRYPTION_KEYS` (or the file named by `SENTIA_ENCRYPTION_KEY_FILE`): a comma-separated list
of `key_id:base64(32 random bytes)`. The first key encrypts; every key decrypts, so a new key is rotated in by
putting it first and the old one is removed once nothing encrypted with it remains. An encrypted value names its
key: `v1.<key_id>.<base64url(nonce | ciphertext and tag)>`, with a fresh random 96-bit nonce per value. The
associated data binds a value to the record it belongs to, so a value copied to another record does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEYS_VARIABLE = "SENTIA_ENCRYPTION_KEYS"
KEY_FILE_VARIABLE = "SENTIA_ENCRYPTION_KEY_FILE"
GENERATE_COMMAND = "python -c \"import base64,os;print('k1:'+base64.b64encode(os.urandom(32)).decode())\""
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class KeyringError(ValueError):
    """The configured keys cannot be used; the message names the setting and the key, never key material."""


class DecryptionError(Exception):
    """A value cannot be decrypted. The message says why, never the value, the plaintext or a key."""


def _entries(text: str) -> list[str]:
    """Entries separated by commas or line breaks; blank entries and `#` comment lines are ignored."""
    lines = (line.strip() for line in text.splitlines())
    joined = ",".join(line for line in lines if line and not line.startswith("#"))
    return [entry.strip() for entry in joined.split(",") if entry.strip()]


def parse_keys(text: str, *, source: str = KEYS_VARIABLE) -> list[tuple[str, bytes]]:
    """The `(key_id, key)` pairs of a key list, first (encrypting) key first. `source` names the setting in errors."""
    keys: list[tuple[str, bytes]] = []
    fix = f"each entry is key_id:base64(32 random bytes); generate one with: {GENERATE_COMMAND}"
    for position, entry in enumerate(_entries(text), start=1):
        key_id, separator, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not separator or not _KEY_ID.match(key_id):
            raise KeyringError(
                f"{source}: entry {position} is not key_id:base64 with a key id of 1 to 32 letters, digits, "
                f"'-' or '_'; {fix}"
            )
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyringError(f"{source}: key {key_id!r} is not valid base64; {fix}") from None
        if len(key) != KEY_BYTES:
            raise KeyringError(
                f"{source}: key {key_id!r} is {len(key)} bytes long after base64 decoding; AES-256 needs "
                f"{KEY_BYTES}; {fix}"
            )
        if any(known == key_id for known, _ in keys):
            raise KeyringError(f"{source}: key id {key_id!r} appears twice; give every key its own id")
        keys.append((key_id, key))
    if not keys:
        raise KeyringError(f"{source} is set but lists no key; {fix}")
    return keys


class Keyring:
    """The encryption keys of the server: the first encrypts, all decrypt. Its repr shows key ids only."""

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        if not keys:
            raise KeyringError(f"a keyring needs at least one key; set {KEYS_VARIABLE}")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys}
        self.primary_key_id = keys[0][0]

    @classmethod
    def parse(cls, text: str, *, source: str = KEYS_VARIABLE) -> Keyring:
        return cls(parse_keys(text, source=source))

    @classmethod
    def from_file(cls, path: Path) -> Keyring:
        source = f"{KEY_FILE_VARIABLE} ({path})"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise KeyringError(f"{source} cannot be read: {type(error).__name__}") from None
        return cls.parse(text, source=source)

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._ciphers)

    def __repr__(self) -> str:
        return f"Keyring(key_ids={list(self._ciphers)!r})"

    def encrypt(self, plaintext: bytes, *, associated_data: bytes) -> str:
        """`v1.<key_id>.<base64url(nonce | ciphertext)>` under the first key, authenticated with `associated_data`."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.primary_key_id].encrypt(nonce, plaintext, associated_data)
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
        return f"{FORMAT_VERSION}.{self.primary_key_id}.{body}"

    def decrypt(self, token: str, *, associated_data: bytes) -> bytes:
        """The plaintext of `token`; DecryptionError when it is malformed, names an unknown key, was altered, or
        was encrypted for other associated data."""
        version, key_id, body = _split(token)
        if version != FORMAT_VERSION:
            raise DecryptionError(f"the value is in format {version!r}; this server reads {FORMAT_VERSION!r}")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(
                f"the value was encrypted with key {key_id!r}, which is not among the configured keys "
                f"({', '.join(self._ciphers)}); add that key to {KEYS_VARIABLE} after the current one"
            )
        raw = _base64url(body)
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionError("the value is too short to be an encrypted value; it was truncated or altered")
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data)
        except InvalidTag:
            raise DecryptionError(
                f"the value does not authenticate under key {key_id!r}: it was altered, it belongs to another "
                "record, or the key with that id is not the key that encrypted it"
            ) from None

    def seal(self, nonce: bytes, plaintext: bytes, *, associated_data: bytes) -> bytes:
        """Raw AES-256-GCM (ciphertext and tag) under the first key, for formats that frame the nonce and key id
        themselves (encrypted backups)."""
        return self._ciphers[self.primary_key_id].encrypt(nonce, plaintext, associated_data)

    def unseal(self, key_id: str, nonce: bytes, sealed: bytes, *, associated_data: bytes) -> bytes:
        """The plaintext of `seal`'s output under key `key_id`; DecryptionError when the key is not configured or
        the data does not authenticate."""
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(
                f"the data was encrypted with key {key_id!r}, which is not among the configured keys "
                f"({', '.join(self._ciphers)}); add that key to {KEYS_VARIABLE} after the current one"
            )
        try:
            return cipher.decrypt(nonce, sealed, associated_data)
        except InvalidTag:
            raise DecryptionError(f"the data does not authenticate under key {key_id!r}") from None

    def key_id_of(self, token: str) -> str:
        """The id of the key that encrypted `token` (without decrypting it)."""
        return _split(token)[1]


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise DecryptionError("the value is not an encrypted value (expected v1.<key_id>.<data>)")
    version, key_id, body = parts
    return version, key_id, body


def _base64url(body: str) -> bytes:
    if not _BASE64URL.match(body):
        raise DecryptionError("the encrypted data is not base64url; the value was altered")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("the encrypted data is not base64url; the value was altered") from None


def generate_key_line(key_id: str = "k1") -> str:
    """A new `key_id:base64` entry for SENTIA_ENCRYPTION_KEYS."""
    if not _KEY_ID.match(key_id):
        raise KeyringError("a key id is 1 to 32 letters, digits, '-' or '_'")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode('ascii')}"


def write_key_file(path: Path, key_id: str = "k1") -> None:
    """Create `path` (mode 0600) holding one new key; never overwrites an existing file (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(generate_key_line(key_id) + "\n")
