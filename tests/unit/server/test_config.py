from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from sentia_server.config import Environment, Settings, async_database_url, jwt_secret_weakness

STRONG_SECRET = "k3Jq9-Zp2Lw8Xv5Rt1Yb7Nc4Hm6Gd0Fs"
HASH_KEY = "Hq7-Wn3zLx8Kp2Rv5Tb9Mc1Jd6Fg4Ys0Ae"


def test_defaults_run_anywhere(make_settings):
    settings = make_settings()
    assert settings.environment is Environment.DEVELOPMENT
    assert settings.mcp_url == "http://127.0.0.1:3001/mcp"
    assert settings.resolved_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.uses_embedded_database and settings.should_auto_migrate
    assert settings.redis_url is None


def test_reads_prefixed_environment_and_comma_lists(make_settings, monkeypatch):
    monkeypatch.setenv("SENTIA_PORT", "4100")
    monkeypatch.setenv("SENTIA_ALLOWED_HOSTS", "mcp.example.com, mcp.example.com:443")
    monkeypatch.setenv("SENTIA_XERO__CLIENT_ID", "abc")
    settings = make_settings()
    assert settings.port == 4100
    assert settings.allowed_hosts == ["mcp.example.com", "mcp.example.com:443"]
    assert settings.xero.client_id == "abc"
    assert settings.xero.missing_settings() == ["SENTIA_XERO__CLIENT_SECRET"]


def test_reads_dotenv_file(tmp_path: Path, make_settings):
    env_file = tmp_path / ".env"
    env_file.write_text("SENTIA_PORT=4200\nSENTIA_DEFAULT_TENANT=acme\n")
    settings = Settings(_env_file=env_file, data_dir=tmp_path)
    assert (settings.port, settings.default_tenant) == (4200, "acme")


def test_production_without_jwt_key_refuses_and_says_why(make_settings):
    with pytest.raises(
        ValidationError, match="production needs a way to verify JWT bearer tokens: set SENTIA_JWT_SECRET"
    ):
        make_settings(environment="production")


def test_production_with_strong_secret_starts(make_settings):
    settings = make_settings(environment="production", jwt_secret=STRONG_SECRET, api_key_hash_key=HASH_KEY)
    assert settings.jwt_secret is not None
    assert STRONG_SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("short-but-random-Zq8", "is 20 characters long; at least 32 are required"),
        ("ab" * 20, "uses only 2 distinct characters"),
        ("production-jwt-secret-change-this-now", "placeholder word 'change'"),
        ("fallback-dev-Qz81-Lm27-Xw93-Kp46-Rt", "placeholder word 'fallback'"),
    ],
)
def test_weak_jwt_secret_refused_in_any_environment(make_settings, secret: str, reason: str):
    with pytest.raises(ValidationError, match="SENTIA_JWT_SECRET is too weak") as raised:
        make_settings(jwt_secret=secret)
    assert reason in str(raised.value)
    assert secret not in str(raised.value)


def test_strong_secret_has_no_weakness():
    assert jwt_secret_weakness(STRONG_SECRET) is None


def test_production_bound_publicly_needs_allowed_hosts(make_settings):
    with pytest.raises(ValidationError, match="set it to the host names clients use"):
        make_settings(environment="production", jwt_secret=STRONG_SECRET, api_key_hash_key=HASH_KEY, host="0.0.0.0")
    settings = make_settings(
        environment="production",
        jwt_secret=STRONG_SECRET,
        api_key_hash_key=HASH_KEY,
        host="0.0.0.0",
        allowed_hosts="mcp.example.com",
    )
    assert settings.allowed_hosts == ["mcp.example.com"]


def test_missing_public_key_file_is_named(make_settings, tmp_path: Path):
    with pytest.raises(ValidationError, match="SENTIA_JWT_PUBLIC_KEY_FILE does not name a readable file"):
        make_settings(jwt_public_key_file=tmp_path / "absent.pem")


@pytest.mark.parametrize(
    ("url", "message"),
    [("mysql://db/x", "must be a sqlite:// or postgresql:// URL"), ("http://cache", "must be a redis://")],
)
def test_unknown_url_schemes_are_refused(make_settings, url: str, message: str):
    field = "database_url" if "mysql" in url else "redis_url"
    with pytest.raises(ValidationError, match=message):
        make_settings(**{field: url})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("sqlite:///tmp/x.db", "sqlite+aiosqlite:///tmp/x.db"),
        ("postgresql+asyncpg://h/db", "postgresql+asyncpg://h/db"),
    ],
)
def test_database_urls_map_to_async_drivers(given: str, expected: str):
    assert async_database_url(given) == expected


def test_postgres_is_not_migrated_automatically_unless_asked(make_settings):
    assert not make_settings(database_url="postgresql://h/db").should_auto_migrate
    assert make_settings(database_url="postgresql://h/db", auto_migrate=True).should_auto_migrate


def test_cache_tiers_and_public_url(make_settings):
    settings = make_settings(host="::1", port=3005, cache_ttl_short_seconds=60)
    assert settings.resolved_public_url == "http://[::1]:3005"
    assert [settings.cache_ttl_seconds(t) for t in ("short", "medium", "long")] == [60, 1800, 3600]
    assert make_settings(public_url="https://mcp.example.com/").mcp_url == "https://mcp.example.com/mcp"


def test_every_vendor_reports_what_is_missing(make_settings):
    vendors = make_settings().vendor_settings()
    assert set(vendors) == {"xero", "shopify", "amazon", "amazon_ads", "unleashed", "openai", "anthropic"}
    assert all(not settings.configured and settings.missing_settings() for settings in vendors.values())
    assert make_settings(openai={"api_key": "sk-test"}).openai.configured
