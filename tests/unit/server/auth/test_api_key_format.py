from __future__ import annotations

import pytest

from sentia_server.auth.api_keys import looks_like_api_key, split_key

VALID = "sentia_0123456789abcdef_" + "s" * 43


@pytest.mark.parametrize(
    "token",
    [
        "sentia_0123456789ABCDEF_" + "s" * 43,  # upper-case key id
        "sentia_0123456789abcde_" + "s" * 43,  # short key id
        "sentia_0123456789abcdef_" + "s" * 31,  # short secret
        "other_0123456789abcdef_" + "s" * 43,
        "sentia_0123456789abcdef",
    ],
)
def test_malformed_keys_are_not_split(token: str):
    assert split_key(token) is None


def test_well_formed_key_splits_into_id_and_secret():
    assert split_key(VALID) == ("0123456789abcdef", "s" * 43)
    assert looks_like_api_key(VALID)
    assert not looks_like_api_key("eyJhbGciOi.x.y")
