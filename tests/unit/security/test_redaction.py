"""Redaction of known secret values, credential shapes and sensitive keys, in text, structures and stdlib records."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretBytes, SecretStr

from sentia_server.config import Settings
from sentia_server.security.redaction import (
    REDACTED,
    REDACTOR,
    RedactedEvent,
    RedactingFilter,
    SecretRedactor,
    register_secrets,
    secret_values,
)


@pytest.fixture
def redactor() -> SecretRedactor:
    return SecretRedactor()


def test_known_values_are_redacted_wherever_they_appear(redactor: SecretRedactor):
    redactor.add(["hunter2-secret-value", "abc"])
    assert redactor.redact_text("x=hunter2-secret-value;y") == f"x={REDACTED};y"
    assert (
        redactor.redact_text("abc is too short to be redacted by value") == "abc is too short to be redacted by value"
    )


def test_the_longest_known_value_wins(redactor: SecretRedactor):
    redactor.add(["prefix-secret", "prefix-secret-and-more"])
    assert redactor.redact_text("prefix-secret-and-more") == REDACTED


def test_values_can_be_forgotten(redactor: SecretRedactor):
    redactor.add(["forgettable-secret"])
    redactor.clear()
    assert redactor.redact_text("forgettable-secret") == "forgettable-secret"


@pytest.mark.parametrize(
    "credential",
    [
        "Bearer abc.def-ghi",
        "basic dXNlcjpwYXNzd29yZA==",
        "sentia_0123456789abcdef_" + "Zk3" * 15,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl",
        "shpat_0123456789abcdef0123456789abcdef",
        "sk-proj-ABCDEFGHIJKLMNOPQRSTUV",
        "sk-ant-api03-ABCDEFGHIJKLMNOPQRST",
        "Atzr|IwEBIExampleRefreshToken123456",
    ],
)
def test_credentials_are_recognised_by_their_shape(redactor: SecretRedactor, credential: str):
    assert redactor.redact_text(f"sent {credential} to the vendor") == f"sent {REDACTED} to the vendor"


def test_passwords_in_urls_are_redacted(redactor: SecretRedactor):
    text = redactor.redact_text("connecting to postgresql://sentia:pa55w0rd@db:5432/sentia")
    assert text == f"connecting to postgresql://{REDACTED}@db:5432/sentia"


def test_structures_are_redacted_by_key_and_by_value(redactor: SecretRedactor):
    redactor.add(["planted-secret-1"])
    value = {
        "headers": {"Authorization": "anything", "Cookie": "c=1", "accept": "json"},
        "access_token": "x",
        "refresh_token": None,
        "input_tokens": 120,
        "items": ("planted-secret-1", 3, {"client_secret": "y"}),
        "tags": {"planted-secret-1"},
        "model_secret": SecretStr("z"),
        "raw": SecretBytes(b"z"),
    }
    assert redactor.redact(value) == {
        "headers": {"Authorization": REDACTED, "Cookie": REDACTED, "accept": "json"},
        "access_token": REDACTED,
        "refresh_token": None,
        "input_tokens": 120,
        "items": [REDACTED, 3, {"client_secret": REDACTED}],
        "tags": [REDACTED],
        "model_secret": REDACTED,
        "raw": REDACTED,
    }


def test_secret_values_of_the_settings_include_nested_vendor_secrets(make_settings):
    settings: Settings = make_settings(
        jwt_secret="Vq7-Ls2pXw9Kd4Rm8Tz1Bn6Hc3Jf5Gy0-planted",
        database_url="postgresql://sentia:db-pass-planted@db/sentia",
        xero={"client_id": "id", "client_secret": "xero-secret-planted"},
        shopify={"shops": {"main": {"shop_domain": "acme.myshopify.com", "access_token": "shop-token-planted"}}},
    )
    values = secret_values(settings)
    for planted in (
        "Vq7-Ls2pXw9Kd4Rm8Tz1Bn6Hc3Jf5Gy0-planted",
        "db-pass-planted",
        "xero-secret-planted",
        "shop-token-planted",
    ):
        assert planted in values


def test_secret_values_walk_lists_and_bytes():
    class Inner(BaseModel):
        token: SecretBytes

    class Outer(BaseModel):
        inners: list[Inner]
        url: str

    values = secret_values(
        Outer(inners=[Inner(token=SecretBytes(b"bytes-secret"))], url="redis://:r3dis-pw@cache:6379")
    )
    assert values == ["bytes-secret", "r3dis-pw"]


def test_registered_settings_are_redacted_from_every_log_line(make_settings):
    register_secrets(make_settings(xero={"client_id": "id", "client_secret": "registered-xero-secret"}))
    assert REDACTOR.redact_text("secret registered-xero-secret leaked") == f"secret {REDACTED} leaked"


def record(msg: object, *args: object, **extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("lib", logging.WARNING, __file__, 1, msg, args or None, None)
    for name, value in extra.items():
        setattr(entry, name, value)
    return entry


def test_the_logging_filter_redacts_the_merged_message_and_extras():
    entry = record("token %s for %s", "Bearer abcdefgh", "user", api_key="k", note="Bearer ijklmnop")
    assert RedactingFilter().filter(entry) is True
    assert (entry.getMessage(), entry.args) == (f"token {REDACTED} for user", None)
    assert (entry.api_key, entry.note) == (REDACTED, REDACTED)  # type: ignore[attr-defined]


def test_the_logging_filter_survives_arguments_that_do_not_fit():
    entry = record("%d items", "Bearer abcdefgh")
    RedactingFilter().filter(entry)
    assert entry.getMessage() == f"%d items ('{REDACTED}',)"


def test_the_logging_filter_redacts_structlog_events_in_place():
    entry = record({"event": "x", "password": "p"})
    RedactingFilter().filter(entry)
    assert entry.msg == {"event": "x", "password": REDACTED}


def test_events_the_structlog_chain_redacted_are_not_redacted_again():
    from sentia_server.observability.logging import redact_secrets

    event = redact_secrets(None, "info", {"event": "x", "password": "p", "note": "Bearer abcdefgh"})
    assert isinstance(event, RedactedEvent)
    assert event == {"event": "x", "password": REDACTED, "note": REDACTED}
    entry = record(event)
    event["marker"] = "left as it is"  # not touched again: the filter passes the chain's own output through
    RedactingFilter().filter(entry)
    assert entry.msg is event


def test_the_filter_is_attached_to_the_server_handler():
    import structlog

    from sentia_server.observability.logging import configure_logging

    configure_logging("INFO", "json")
    try:
        [handler] = logging.getLogger().handlers
        assert any(isinstance(f, RedactingFilter) for f in handler.filters)
    finally:
        logging.getLogger().handlers.clear()
        structlog.reset_defaults()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter2 at x", f"password={REDACTED} at x"),
        ('{"access_token": "abc123", "n": 1}', f'{{"access_token": "{REDACTED}", "n": 1}}'),
        ("client_secret: s3cr3t", f"client_secret: {REDACTED}"),
        ("api-key=zzz&x=1", f"api-key={REDACTED}&x=1"),
        ("max_tokens=100, token_count: 5", "max_tokens=100, token_count: 5"),
    ],
)
def test_secrets_assigned_in_free_text_lose_their_value_not_their_name(
    redactor: SecretRedactor, text: str, expected: str
):
    assert redactor.redact_text(text) == expected


def test_each_entry_of_a_secret_list_is_secret_on_its_own():
    from sentia_server.security.encryption import generate_key_line

    class Keys(BaseModel):
        keys: SecretStr

    first, second = generate_key_line("k1"), generate_key_line("k2")
    values = secret_values(Keys(keys=SecretStr(f"{first},{second}")))
    assert first.split(":")[1] in values and second.split(":")[1] in values
    assert "k1" not in values


def test_the_keys_of_an_encryption_key_file_are_secret(make_settings, tmp_path: Path):
    from sentia_server.security.encryption import write_key_file

    path = tmp_path / "keys"
    write_key_file(path)
    material = path.read_text().strip().split(":", 1)[1]
    assert material in secret_values(make_settings(encryption_key_file=path))


def test_an_unreadable_key_file_adds_nothing(tmp_path: Path):
    class Holder(BaseModel):
        encryption_key_file: Path

    assert secret_values(Holder(encryption_key_file=tmp_path / "missing")) == []


def test_every_record_is_redacted_when_it_is_created():
    from sentia_server.security.redaction import install_record_factory

    original = logging.getLogRecordFactory()
    try:
        install_record_factory()
        installed = logging.getLogRecordFactory()
        install_record_factory()
        assert logging.getLogRecordFactory() is installed
        entry = logging.getLogger("any.library").makeRecord(
            "any.library", logging.INFO, "f", 1, "sent %s", ("Bearer abcdefgh",), None
        )
        assert entry.getMessage() == f"sent {REDACTED}"
    finally:
        logging.setLogRecordFactory(original)
