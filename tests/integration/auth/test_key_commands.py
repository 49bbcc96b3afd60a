"""`sentia-server keys create|rotate|revoke|rotate-encryption`: what they print, what they change, what they audit."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from sentia_server.auth.key_admin import cli_actor
from sentia_server.cli import main
from sentia_server.config import Settings
from sentia_server.runtime import Runtime, open_runtime
from sentia_server.security.encryption import Keyring
from sentia_server.storage.audit_events import Action
from sentia_server.storage.tables import VendorToken
from sentia_server.storage.vendor_tokens import TokenValues, VendorTokenRepository

T = TypeVar("T")
K1 = "k1:" + base64.b64encode(b"1" * 32).decode()
K2 = "k2:" + base64.b64encode(b"2" * 32).decode()
K0 = "k0:" + base64.b64encode(b"0" * 32).decode()


@pytest.fixture
def cli(make_settings: Callable[..., Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`cli(*args, **env)`: run a command against an embedded database in tmp_path."""
    make_settings()  # clears the developer's SENTIA_* variables
    monkeypatch.setenv("SENTIA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SENTIA_AUTO_MIGRATE", "true")

    def run(*args: str, **env: str) -> Any:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run


def with_runtime(action: Callable[[Runtime], Coroutine[Any, Any, T]], **overrides: Any) -> T:
    async def run() -> T:
        async with open_runtime(Settings(_env_file=None, **overrides)) as runtime:
            return await action(runtime)

    return asyncio.run(run())


def audited(action: Action) -> list[Any]:
    return with_runtime(lambda runtime: runtime.audit.recent(action=action))


def test_create_prints_the_key_once_and_audits_who_created_it(cli):
    created = cli("keys", "create", "--role", "operator", "--name", "ci")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("sentia_")
    (event,) = audited(Action.API_KEY_CREATE)
    assert (event.actor, event.target, event.outcome) == (cli_actor(), f"api-key:{token.split('_')[1]}", "success")
    assert event.detail["role"] == "operator"
    assert token not in repr(event.detail)


def test_rotate_replaces_the_key_and_revokes_the_old_one_now(cli):
    old = cli("keys", "create", "--role", "manager", "--name", "dashboard").stdout.strip()
    old_id = old.split("_")[1]
    rotated = cli("keys", "rotate", old_id)
    assert rotated.exit_code == 0, rotated.output
    new = rotated.stdout.strip()
    assert new.startswith("sentia_") and new != old
    assert "stops working now" in rotated.stderr
    listed = cli("keys", "list").stdout
    assert f"{old_id}  revoked" in listed
    assert f"{new.split('_')[1]}  active   role=manager" in listed and "dashboard" in listed
    (event,) = audited(Action.API_KEY_ROTATE)
    assert (event.target, event.outcome, event.detail["new_key_id"]) == (
        f"api-key:{old_id}",
        "success",
        new.split("_")[1],
    )


def test_rotate_with_grace_keeps_the_old_key_working_for_that_long(cli):
    old = cli("keys", "create", "--role", "viewer").stdout.strip()
    rotated = cli("keys", "rotate", old.split("_")[1], "--grace-hours", "6")
    assert rotated.exit_code == 0
    assert "stops working at" in rotated.stderr
    principal = with_runtime(lambda runtime: runtime.api_keys.authenticate(old))
    assert principal is not None
    info = with_runtime(lambda runtime: runtime.api_keys.get(old.split("_")[1]))
    assert info.expires_at is not None
    assert timedelta(hours=5, minutes=59) < info.expires_at - datetime.now(UTC) <= timedelta(hours=6)


def test_rotating_or_revoking_an_unknown_key_fails_and_is_audited(cli):
    rotated = cli("keys", "rotate", "ffffffffffffffff")
    revoked = cli("keys", "revoke", "ffffffffffffffff")
    assert rotated.exit_code == revoked.exit_code == 1
    assert "no active key with id ffffffffffffffff" in rotated.stderr
    assert [e.outcome for e in audited(Action.API_KEY_ROTATE)] == ["failure"]
    assert [e.detail for e in audited(Action.API_KEY_REVOKE)] == [{"reason": "no_active_key"}]


def test_revoke_is_audited(cli):
    token = cli("keys", "create", "--role", "viewer").stdout.strip()
    assert cli("keys", "revoke", token.split("_")[1]).exit_code == 0
    (event,) = audited(Action.API_KEY_REVOKE)
    assert (event.outcome, event.actor) == ("success", cli_actor())


def store_tokens(keys: str, account: str) -> None:
    async def save(runtime: Runtime) -> None:
        repository = VendorTokenRepository(runtime.database, Keyring.parse(keys))
        now = datetime.now(UTC)
        values = TokenValues(
            access_token=f"access-{account}", refresh_token=f"refresh-{account}", expires_at=now, obtained_at=now
        )
        await repository.replace("xero", account, values)

    with_runtime(save)


def stored_rows() -> list[tuple[str, str, int]]:
    async def read(runtime: Runtime) -> list[tuple[str, str, int]]:
        async with runtime.database.session() as session:
            rows = (await session.scalars(select(VendorToken).order_by(VendorToken.id))).all()
            return [(row.account_key, row.key_id, row.version) for row in rows]

    return with_runtime(read)


def test_rotate_encryption_reencrypts_once_and_keeps_what_it_cannot_read(cli):
    store_tokens(K1, "app-1")
    store_tokens(K1, "app-2")
    first = cli("keys", "rotate-encryption", SENTIA_ENCRYPTION_KEYS=f"{K2},{K1}")
    assert first.exit_code == 0, first.output
    assert "re-encrypted 2 row(s) under key k2; 0 already under it; 0 could not be read" in first.stdout
    assert [(account, key_id) for account, key_id, _ in stored_rows()] == [("app-1", "k2"), ("app-2", "k2")]
    assert [version for *_, version in stored_rows()] == [1, 1]

    async def load(runtime: Runtime) -> TokenValues | None:
        stored = await VendorTokenRepository(runtime.database, Keyring.parse(K2)).load("xero", "app-1")
        return stored.values if stored else None

    values = with_runtime(load)
    assert values is not None and values.refresh_token == "refresh-app-1"

    again = cli("keys", "rotate-encryption", SENTIA_ENCRYPTION_KEYS=f"{K2},{K1}")
    assert "re-encrypted 0 row(s) under key k2; 2 already under it" in again.stdout

    store_tokens(K0, "app-3")
    partial = cli("keys", "rotate-encryption", SENTIA_ENCRYPTION_KEYS=f"{K2},{K1}")
    assert partial.exit_code == 1
    assert "1 could not be read" in partial.stdout
    assert "xero app-3: the value was encrypted with key 'k0'" in partial.stderr
    assert stored_rows()[-1][:2] == ("app-3", "k0")
    outcomes = [(e.outcome, e.target, e.detail) for e in audited(Action.ENCRYPTION_ROTATE)]
    assert outcomes[0] == ("partial", "key:k2", {"reencrypted": 0, "current": 2, "errors": 1})
    assert [outcome for outcome, *_ in outcomes] == ["partial", "success", "success"]


def test_rotate_encryption_needs_keys(cli):
    refused = cli("keys", "rotate-encryption")
    assert refused.exit_code == 1
    assert "set SENTIA_ENCRYPTION_KEYS (or SENTIA_ENCRYPTION_KEY_FILE) first" in refused.stderr


def test_the_actor_names_the_os_user_or_says_unknown(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("getpass.getuser", lambda: "dana")
    assert cli_actor() == "cli:dana"

    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_user)
    assert cli_actor() == "cli:unknown"


def test_token_refuses_to_mint_in_production(cli):
    result = cli(
        "token",
        "--subject",
        "x",
        "--role",
        "admin",
        SENTIA_ENVIRONMENT="production",
        SENTIA_JWT_SECRET="Zq8vN3xK7pW2mR9tY4bH6cJ1fL5sD0gA8eU3iO7nM2w",
        SENTIA_API_KEY_HASH_KEY="hK4nP9sW2xQ7vB5mT1cR8yL3fJ6dG0aE9uZ2iN7oS4w",
    )
    assert result.exit_code == 1
    assert "refusing to mint tokens in production; use your identity provider" in result.stderr
    assert result.stdout == ""
