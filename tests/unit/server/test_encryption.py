"""AES-256-GCM with named keys: round trips, every refusal, rotation, and key lists refused at settings time."""

from __future__ import annotations

import base64
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from sentia_server.cli import DEV_ENCRYPTION_KEY_FILE, ensure_dev_encryption_keys
from sentia_server.security.encryption import (
    GENERATE_COMMAND,
    DecryptionError,
    Keyring,
    KeyringError,
    generate_key_line,
    parse_keys,
    write_key_file,
)

K1 = base64.b64encode(bytes(range(32))).decode()
K2 = base64.b64encode(bytes(range(32, 64))).decode()
AD = b"vendor_tokens/xero/client-1/refresh_token"
STRONG_SECRET = "k3Jq9-Zp2Lw8Xv5Rt1Yb7Nc4Hm6Gd0Fs"
HASH_KEY = "Hq7-Wn3zLx8Kp2Rv5Tb9Mc1Jd6Fg4Ys0Ae"


def test_a_value_round_trips_and_names_its_key():
    keyring = Keyring.parse(f"k1:{K1}")
    token = keyring.encrypt(b"refresh-token-value", associated_data=AD)
    version, key_id, body = token.split(".")
    assert (version, key_id) == ("v1", "k1")
    assert "=" not in body and len(base64.urlsafe_b64decode(body + "==")) == 12 + len(b"refresh-token-value") + 16
    assert b"refresh-token-value" not in token.encode()
    assert keyring.decrypt(token, associated_data=AD) == b"refresh-token-value"
    assert keyring.key_id_of(token) == "k1"


def test_every_encryption_uses_a_fresh_nonce():
    keyring = Keyring.parse(f"k1:{K1}")
    tokens = {keyring.encrypt(b"same", associated_data=AD) for _ in range(20)}
    assert len(tokens) == 20
    assert len({token.split(".")[2][:16] for token in tokens}) == 20


def test_rotation_keeps_old_values_readable_and_encrypts_new_ones_with_the_new_key():
    old = Keyring.parse(f"k1:{K1}")
    before = old.encrypt(b"old secret", associated_data=AD)
    rotated = Keyring.parse(f"k2:{K2},k1:{K1}")
    assert rotated.primary_key_id == "k2" and rotated.key_ids == ("k2", "k1")
    assert rotated.decrypt(before, associated_data=AD) == b"old secret"
    after = rotated.encrypt(b"new secret", associated_data=AD)
    assert rotated.key_id_of(after) == "k2"
    with pytest.raises(DecryptionError, match=r"key 'k2', which is not among the configured keys \(k1\)"):
        old.decrypt(after, associated_data=AD)


def test_a_value_does_not_decrypt_for_other_associated_data_or_another_key_with_the_same_id():
    keyring = Keyring.parse(f"k1:{K1}")
    token = keyring.encrypt(b"secret", associated_data=AD)
    message = r"does not authenticate under key 'k1': it was altered, it belongs to another record"
    with pytest.raises(DecryptionError, match=message):
        keyring.decrypt(token, associated_data=b"vendor_tokens/xero/client-2/refresh_token")
    with pytest.raises(DecryptionError, match=message):
        Keyring.parse(f"k1:{K2}").decrypt(token, associated_data=AD)


def flip(token: str, index: int) -> str:
    version, key_id, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[index] ^= 0x01
    return f"{version}.{key_id}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


@pytest.mark.parametrize("index", [0, 11, 12, -1], ids=["nonce", "nonce-end", "ciphertext", "tag"])
def test_a_tampered_value_is_refused(index: int):
    keyring = Keyring.parse(f"k1:{K1}")
    token = keyring.encrypt(b"secret value", associated_data=AD)
    with pytest.raises(DecryptionError, match="it was altered"):
        keyring.decrypt(flip(token, index), associated_data=AD)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("plaintext", r"not an encrypted value \(expected v1.<key_id>.<data>\)"),
        ("v1.k1", "not an encrypted value"),
        ("v1..abc", "not an encrypted value"),
        ("v1.k1.abc.def", "not an encrypted value"),
        ("v2.k1.AAAA", "is in format 'v2'; this server reads 'v1'"),
        ("v1.k9.AAAA", r"key 'k9', which is not among the configured keys \(k1\); add that key"),
        ("v1.k1.AA+A", "not base64url"),
        ("v1.k1.AAAAA", "not base64url"),
        ("v1.k1.AAAA", "too short to be an encrypted value"),
    ],
)
def test_malformed_values_are_refused_with_a_reason(token: str, message: str):
    with pytest.raises(DecryptionError, match=message):
        Keyring.parse(f"k1:{K1}").decrypt(token, associated_data=AD)


def test_messages_and_repr_never_show_keys_or_plaintext():
    keyring = Keyring.parse(f"k1:{K1}")
    token = keyring.encrypt(b"the-plaintext", associated_data=AD)
    assert repr(keyring) == "Keyring(key_ids=['k1'])"
    with pytest.raises(DecryptionError) as refused:
        keyring.decrypt(token, associated_data=b"other")
    assert K1 not in str(refused.value) and "the-plaintext" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is set but lists no key"),
        (" , ", "is set but lists no key"),
        (K1, "entry 1 is not key_id:base64"),
        (f"bad id:{K1}", "entry 1 is not key_id:base64"),
        (f"k1:{K1},{'x' * 33}:{K1}", "entry 2 is not key_id:base64"),
        ("k1:not base64!", "key 'k1' is not valid base64"),
        ("k1:" + base64.b64encode(bytes(range(16))).decode(), "key 'k1' is 16 bytes long after base64 decoding"),
        (f"k1:{K1},k1:{K2}", "key id 'k1' appears twice"),
    ],
)
def test_bad_key_lists_are_refused_naming_the_setting_and_never_the_key(text: str, message: str):
    with pytest.raises(KeyringError, match=message) as refused:
        parse_keys(text)
    assert str(refused.value).startswith("SENTIA_ENCRYPTION_KEYS")
    assert K1 not in str(refused.value) and K2 not in str(refused.value)


def test_key_lists_may_span_lines_with_comments():
    keys = parse_keys(f"# rotated 2026-12\nk2:{K2}\n\nk1:{K1} ,\n")
    assert [key_id for key_id, _ in keys] == ["k2", "k1"]
    with pytest.raises(KeyringError, match="needs at least one key"):
        Keyring([])


def test_generated_keys_and_key_files(tmp_path: Path):
    line = generate_key_line("k7")
    assert Keyring.parse(line).primary_key_id == "k7"
    assert generate_key_line() != generate_key_line()
    with pytest.raises(KeyringError, match="a key id is 1 to 32 letters"):
        generate_key_line("no.dots")
    path = tmp_path / "keys" / "encryption.keys"
    write_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Keyring.from_file(path).primary_key_id == "k1"
    with pytest.raises(FileExistsError):
        write_key_file(path)
    with pytest.raises(KeyringError, match=r"SENTIA_ENCRYPTION_KEY_FILE \(.*missing\) cannot be read"):
        Keyring.from_file(tmp_path / "missing")


def test_the_documented_command_makes_a_valid_key():
    program, option, code = shlex.split(GENERATE_COMMAND)
    assert (program, option) == ("python", "-c")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert Keyring.parse(printed).primary_key_id == "k1"


class TestSettings:
    def test_keys_are_checked_when_settings_load(self, make_settings):
        settings = make_settings(encryption_keys=f"k2:{K2},k1:{K1}")
        keyring = settings.encryption_keyring
        assert keyring is not None and keyring.key_ids == ("k2", "k1")
        assert K1 not in repr(settings)
        with pytest.raises(ValidationError, match="SENTIA_ENCRYPTION_KEYS: key 'k1' is 16 bytes long") as refused:
            make_settings(encryption_keys="k1:" + base64.b64encode(b"0123456789abcdef").decode())
        assert "MDEyMzQ1" not in str(refused.value)

    def test_keys_may_come_from_a_file_but_not_from_both(self, make_settings, tmp_path: Path):
        path = tmp_path / "encryption.keys"
        path.write_text(f"k1:{K1}\n")
        keyring = make_settings(encryption_key_file=path).encryption_keyring
        assert keyring is not None and keyring.primary_key_id == "k1"
        with pytest.raises(ValidationError, match="set SENTIA_ENCRYPTION_KEYS or SENTIA_ENCRYPTION_KEY_FILE, not both"):
            make_settings(encryption_key_file=path, encryption_keys=f"k1:{K1}")
        path.write_text("k1:short")
        with pytest.raises(ValidationError, match=r"SENTIA_ENCRYPTION_KEY_FILE \(.*\): key 'k1' is not valid base64"):
            make_settings(encryption_key_file=path)
        assert make_settings().encryption_keyring is None

    def test_production_refuses_the_authorization_code_flow_without_keys(self, make_settings):
        xero = {"auth_flow": "authorization_code"}
        with pytest.raises(
            ValidationError,
            match=r"production with SENTIA_XERO__AUTH_FLOW=authorization_code keeps Xero's refresh tokens in the "
            r"database, encrypted: set SENTIA_ENCRYPTION_KEYS \(or SENTIA_ENCRYPTION_KEY_FILE\)",
        ):
            make_settings(environment="production", jwt_secret=STRONG_SECRET, api_key_hash_key=HASH_KEY, xero=xero)
        settings = make_settings(
            environment="production",
            jwt_secret=STRONG_SECRET,
            api_key_hash_key=HASH_KEY,
            xero=xero,
            encryption_keys=f"k1:{K1}",
        )
        assert settings.encryption_configured
        assert (
            make_settings(
                environment="production", jwt_secret=STRONG_SECRET, api_key_hash_key=HASH_KEY
            ).encryption_keyring
            is None
        )
        assert make_settings(xero=xero).encryption_keyring is None  # development may start without keys

    def test_the_dev_command_creates_a_key_file_once_and_keeps_configured_keys(self, make_settings, capsys):
        settings = make_settings()
        created = ensure_dev_encryption_keys(settings)
        path = settings.data_dir / DEV_ENCRYPTION_KEY_FILE
        assert created.encryption_key_file == path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "created development encryption keys" in capsys.readouterr().err
        first = path.read_text()
        again = ensure_dev_encryption_keys(settings)
        assert again.encryption_key_file == path and path.read_text() == first
        assert capsys.readouterr().err == ""
        configured = make_settings(encryption_keys=f"k1:{K1}")
        assert ensure_dev_encryption_keys(configured) is configured


def test_the_operations_guide_shows_the_command_that_is_tested():
    guide = (Path(__file__).resolve().parents[3] / "docs" / "operations.md").read_text(encoding="utf-8")
    assert f"`{GENERATE_COMMAND}`" in guide
