"""The encrypted container: round trips of any size, and every way of altering, cutting or reordering it refused."""

from __future__ import annotations

import base64
import hashlib
import io
import struct
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentia_server.backup.format import (
    MAGIC,
    BackupFormatError,
    BackupHeader,
    BackupReader,
    BackupWriter,
    _associated_data,
)
from sentia_server.security.encryption import Keyring

KEY = bytes(range(32))
OTHER_KEY = bytes(range(32, 64))
KEYRING = Keyring([("k1", KEY)])
CHUNK = 64


def header(chunk_size: int = CHUNK, key_id: str = "k1") -> BackupHeader:
    return BackupHeader(
        backup_id="database-20260101T000000Z-abcdef",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        kind="database",
        dialect="sqlite",
        key_id=key_id,
        chunk_size=chunk_size,
        metadata={"row_counts": {"api_keys": 3}},
    )


def seal(data: bytes, chunk_size: int = CHUNK, pieces: int = 1) -> bytes:
    stream = io.BytesIO()
    writer = BackupWriter(stream, KEYRING, header(chunk_size))
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        writer.write(data[start : start + step])
    sealed = writer.close()
    assert sealed.plaintext_size == len(data)
    assert sealed.plaintext_sha256 == hashlib.sha256(data).hexdigest()
    return stream.getvalue()


def open_all(raw: bytes, keyring: Keyring = KEYRING) -> bytes:
    return b"".join(BackupReader(io.BytesIO(raw)).chunks(keyring))


def frames(raw: bytes) -> tuple[bytes, list[bytes]]:
    """The header part and each chunk frame of a sealed backup, as bytes."""
    (header_length,) = struct.unpack(">I", raw[9:13])
    start = 13 + header_length + 40
    parts = []
    position = start
    while position < len(raw):
        (length,) = struct.unpack(">I", raw[position : position + 4])
        parts.append(raw[position : position + 4 + 12 + length])
        position += 4 + 12 + length
    return raw[:start], parts


DATA = bytes(range(256)) * 2  # 512 bytes: 8 chunks of 64


def test_round_trip_keeps_header_and_data():
    raw = seal(DATA, pieces=7)
    reader = BackupReader(io.BytesIO(raw))
    assert reader.header == header()
    assert reader.plaintext_sha256 == hashlib.sha256(DATA).hexdigest()
    assert b"".join(reader.chunks(KEYRING)) == DATA
    assert len(frames(raw)[1]) == len(DATA) // CHUNK
    assert DATA[:CHUNK] not in raw


def test_empty_backup_round_trips_as_one_final_chunk():
    raw = seal(b"")
    assert len(frames(raw)[1]) == 1
    assert open_all(raw) == b""


@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=0, max_size=700), chunk_size=st.sampled_from([1, 7, 64, 128]), pieces=st.integers(1, 9))
def test_any_size_round_trips_across_chunk_boundaries(data: bytes, chunk_size: int, pieces: int):
    raw = seal(data, chunk_size, pieces)
    assert open_all(raw) == data
    assert len(frames(raw)[1]) == max(1, -(-len(data) // chunk_size))


def test_a_rotated_keyring_still_reads_backups_made_with_the_old_key():
    raw = seal(DATA)
    rotated = Keyring([("k2", OTHER_KEY), ("k1", KEY)])
    assert open_all(raw, rotated) == DATA


def refused(raw: bytes, message: str, keyring: Keyring = KEYRING) -> None:
    with pytest.raises(BackupFormatError, match=message):
        open_all(raw, keyring)


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (0, "not a Sentia backup"),
        (8, "format version"),
        (13 + 5, "header is corrupt|does not authenticate"),
    ],
)
def test_a_flipped_byte_in_the_preamble_or_header_is_refused(offset: int, message: str):
    raw = bytearray(seal(DATA))
    raw[offset] ^= 0x01
    refused(bytes(raw), message)


def test_a_changed_header_value_that_still_parses_is_refused():
    raw = seal(DATA)
    altered = raw.replace(b'"kind":"database"', b'"kind":"databasf"')
    assert altered != raw
    refused(altered, "chunk 0 .* does not authenticate")


def test_a_changed_checksum_in_the_header_is_refused():
    raw = bytearray(seal(DATA))
    head, _ = frames(bytes(raw))
    raw[len(head) - 40 + 5] ^= 0x80  # inside the plaintext SHA-256
    refused(bytes(raw), "chunk 7 .* does not authenticate")


@pytest.mark.parametrize("where", ["nonce", "ciphertext", "tag"])
def test_a_flipped_byte_in_a_chunk_is_refused(where: str):
    raw = seal(DATA)
    head, parts = frames(raw)
    frame = bytearray(parts[3])
    frame[{"nonce": 4, "ciphertext": 20, "tag": len(frame) - 1}[where]] ^= 0x01
    parts[3] = bytes(frame)
    refused(head + b"".join(parts), "chunk 3 .* does not authenticate")


def test_reordered_chunks_are_refused():
    head, parts = frames(seal(DATA))
    parts[1], parts[2] = parts[2], parts[1]
    refused(head + b"".join(parts), "chunk 1 .* does not authenticate")


def test_a_dropped_last_chunk_is_reported_as_truncation():
    head, parts = frames(seal(DATA))
    refused(head + b"".join(parts[:-1]), "truncated: it ends after chunk 6, before its final chunk")


def test_a_chunk_dropped_from_the_middle_is_refused():
    head, parts = frames(seal(DATA))
    refused(head + b"".join(parts[:2] + parts[3:]), "chunk 2 .* does not authenticate")


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (4, "not a Sentia backup"),
        (10, "ends inside the header"),
        (20, "ends inside the header"),
        (-3, "ends inside chunk 7"),
        (-30, "ends inside chunk 7"),
    ],
)
def test_a_truncated_file_is_refused(cut: int, message: str):
    raw = seal(DATA)
    refused(raw[:cut], message)


def test_a_file_cut_inside_a_frame_length_is_refused():
    head, parts = frames(seal(DATA))
    refused(head + parts[0] + parts[1][:2], "ends inside chunk 1")


def test_a_backup_without_chunks_is_refused():
    head, _ = frames(seal(DATA))
    refused(head, "holds no data")


def test_data_appended_after_the_final_chunk_is_refused():
    head, parts = frames(seal(DATA))
    refused(head + b"".join(parts) + parts[-1], "does not authenticate")


def test_an_impossible_chunk_length_is_refused():
    head, parts = frames(seal(DATA))
    refused(head + struct.pack(">I", 10_000) + parts[0][4:], "impossible length")


def test_an_unknown_key_id_is_refused_naming_the_key():
    refused(seal(DATA), "key 'k1', which is not among the configured keys", Keyring([("k2", KEY)]))


def test_the_wrong_key_under_the_same_id_is_refused():
    refused(seal(DATA), "chunk 0 .* does not authenticate under key 'k1'", Keyring([("k1", OTHER_KEY)]))


def test_an_oversized_header_is_refused():
    refused(MAGIC + struct.pack(">BI", 1, 2 * 1024 * 1024), "header is corrupt")


def test_a_header_with_an_impossible_chunk_size_is_refused():
    raw = header(chunk_size=CHUNK).to_bytes().replace(b'"chunk_size":64', b'"chunk_size":0')
    with pytest.raises(BackupFormatError, match="impossible chunk size"):
        BackupHeader.from_bytes(raw)


def test_a_checksum_that_does_not_match_the_authenticated_data_is_refused():
    # A writer that recorded a wrong checksum: every chunk authenticates, the checksum check still catches it.
    body = header().to_bytes()
    prefix = MAGIC + struct.pack(">BI", 1, len(body)) + body
    wrong_digest = hashlib.sha256(b"something else").digest()
    data = _associated_data(hashlib.sha256(prefix).digest(), 0, final=True, digest=wrong_digest, size=len(DATA[:10]))
    nonce = bytes(12)
    sealed = KEYRING.seal(nonce, DATA[:10], associated_data=data)
    raw = prefix + struct.pack(">32sQ", wrong_digest, 10) + struct.pack(">I", len(sealed)) + nonce + sealed
    refused(raw, "does not match its recorded SHA-256")


def test_the_writer_refuses_misuse():
    with pytest.raises(ValueError, match="first key"):
        BackupWriter(io.BytesIO(), KEYRING, header(key_id="k9"))
    with pytest.raises(ValueError, match="chunk size"):
        BackupWriter(io.BytesIO(), KEYRING, header(chunk_size=0))
    writer = BackupWriter(io.BytesIO(), KEYRING, header())
    writer.close()
    with pytest.raises(ValueError, match="already sealed"):
        writer.write(b"x")
    with pytest.raises(ValueError, match="already sealed"):
        writer.close()


def test_verify_reads_everything_and_keeps_nothing():
    raw = seal(DATA)
    BackupReader(io.BytesIO(raw)).verify(KEYRING)
    with pytest.raises(BackupFormatError):
        BackupReader(io.BytesIO(raw[:-1])).verify(KEYRING)


def test_keys_in_the_header_are_never_key_material():
    raw = seal(DATA)
    assert base64.b64encode(KEY) not in raw
    assert KEY not in raw
