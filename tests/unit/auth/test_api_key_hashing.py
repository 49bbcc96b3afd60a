"""The keyed hash of API keys: which key it uses, where that key comes from, and the older unkeyed scheme."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import pytest

from sentia_server.auth.api_keys import (
    HASH_KEY_FILE,
    HASH_SCHEME,
    LEGACY_HASH_SCHEME,
    ApiKeyHasher,
    HashKeyError,
    legacy_hash,
)

TOKEN = "sentia_0123456789abcdef_" + "s" * 43
HASH_KEY = "Hq7-Wn3zLx8Kp2Rv5Tb9Mc1Jd6Fg4Ys0Ae"


def test_the_configured_key_is_the_hmac_key(make_settings):
    hasher = ApiKeyHasher.from_settings(make_settings(api_key_hash_key=HASH_KEY))
    expected = hmac.new(HASH_KEY.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
    assert hasher.digest(TOKEN) == expected
    assert hasher.digest(TOKEN) != legacy_hash(TOKEN)
    assert HASH_KEY not in repr(hasher)


def test_without_a_configured_key_a_private_key_file_is_created_once(make_settings, tmp_path: Path):
    settings = make_settings()
    first = ApiKeyHasher.from_settings(settings).digest(TOKEN)
    path = settings.data_dir / HASH_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ApiKeyHasher.from_settings(settings).digest(TOKEN) == first
    assert ApiKeyHasher(key_file=tmp_path / "elsewhere" / HASH_KEY_FILE).digest(TOKEN) != first


@pytest.mark.parametrize(
    ("content", "problem"),
    [("not base64 at all!", "cannot be read: Error"), ("c2hvcnQ=", "fewer than 32 bytes"), (b"\xff\xfe", "cannot")],
)
def test_an_unusable_key_file_is_named_without_its_content(tmp_path: Path, content: str | bytes, problem: str):
    path = tmp_path / HASH_KEY_FILE
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(HashKeyError, match=problem) as raised:
        ApiKeyHasher(key_file=path).digest(TOKEN)
    assert str(path) in str(raised.value)
    assert "c2hvcnQ" not in str(raised.value)


def test_a_hasher_needs_a_key():
    with pytest.raises(HashKeyError, match="SENTIA_API_KEY_HASH_KEY"):
        ApiKeyHasher()


def test_matching_compares_under_the_row_scheme_only():
    hasher = ApiKeyHasher(HASH_KEY.encode())
    assert hasher.matches(hasher.digest(TOKEN), HASH_SCHEME, TOKEN)
    assert hasher.matches(legacy_hash(TOKEN), LEGACY_HASH_SCHEME, TOKEN)
    assert not hasher.matches(legacy_hash(TOKEN), HASH_SCHEME, TOKEN)
    assert not hasher.matches(hasher.digest(TOKEN), LEGACY_HASH_SCHEME, TOKEN)
    assert not hasher.matches(hasher.digest(TOKEN), "bcrypt", TOKEN)
    assert not hasher.matches(hasher.digest(TOKEN), HASH_SCHEME, TOKEN + "x")


class TestSettings:
    def test_a_weak_hash_key_is_refused_and_not_echoed(self, make_settings):
        with pytest.raises(ValueError, match="SENTIA_API_KEY_HASH_KEY is too weak") as raised:
            make_settings(api_key_hash_key="short")
        assert "'short'" not in str(raised.value)

    def test_production_needs_a_hash_key(self, make_settings):
        secret = "Vq7-Ls2pXw9Kd4Rm8Tz1Bn6Hc3Jf5Gy0"
        with pytest.raises(ValueError, match="production needs SENTIA_API_KEY_HASH_KEY"):
            make_settings(environment="production", jwt_secret=secret)
        assert make_settings(environment="production", jwt_secret=secret, api_key_hash_key=HASH_KEY).api_key_hash_key
