"""The configuration backup's content: the effective settings, never a secret, no password in any URL."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from sentia_server.backup.configuration import configuration_document
from sentia_server.config import Settings

KEYS = "k1:" + base64.b64encode(bytes(range(32))).decode()
JWT = "k3Jq9-Zp2Lw8Xv5Rt1Yb7Nc4Hm6Gd0Fs"


def test_secrets_are_named_never_included(make_settings: Callable[..., Settings]):
    settings = make_settings(
        encryption_keys=KEYS,
        jwt_secret=JWT,
        database_url="postgresql://sentia:hunter2-pw@db.internal:5432/sentia",
        redis_url="redis://:redis-pw@cache:6379/0",
        xero={"client_id": "xero-app", "client_secret": "xero-secret-value"},
    )
    document = configuration_document(settings, alembic_revision="0004", head_revision="0004")
    text = json.dumps(document)
    for secret in ("hunter2-pw", "redis-pw", JWT, KEYS.split(":", 1)[1], "xero-secret-value"):
        assert secret not in text
    assert {"encryption_keys", "jwt_secret", "xero.client_secret"} <= set(document["secrets_set"])
    assert document["settings"]["database_url"] == "postgresql://sentia@db.internal:5432/sentia"
    assert document["settings"]["redis_url"] == "redis://@cache:6379/0"
    assert document["settings"]["xero"]["client_id"] == "xero-app"
    assert document["settings"]["environment"] == "development"
    assert document["settings"]["data_dir"] == str(settings.data_dir)
    assert document["settings"]["backup"]["database_retention_days"] == 30
    assert document["alembic_revision"] == "0004"
    assert isinstance(document["settings"]["allowed_hosts"], list)


def test_text_that_only_looks_like_a_url_is_kept(make_settings: Callable[..., Settings]):
    settings = make_settings(rate_limit_tool_overrides={"xero-get-invoices": "30/minute"})
    document = configuration_document(settings, alembic_revision=None, head_revision="0004")
    assert document["settings"]["rate_limit_tool_overrides"] == {"xero-get-invoices": "30/minute"}
    assert document["settings"]["public_url"] is None
