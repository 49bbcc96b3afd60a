"""The `sentia-server` commands operators use: keys, tokens, migrations, health checks, configuration errors."""

from __future__ import annotations

import jwt
from support.processes import create_key, free_port, http_server, run_cli

SECRET = "Wm4-Tq8zPx2Ln7Rk5Vb9Hc1Jd6Fg3Ys0"


def test_keys_create_list_revoke(env):
    key = create_key(env, role="viewer", tenant="globex")
    key_id = key.split("_")[1]
    listed = run_cli("keys", "list", env=env)
    assert key_id in listed.stdout
    assert "active" in listed.stdout and "role=viewer" in listed.stdout and "tenant=globex" in listed.stdout
    assert key not in listed.stdout
    assert run_cli("keys", "revoke", key_id, env=env).stdout.strip() == f"revoked {key_id}"
    assert "revoked" in run_cli("keys", "list", env=env).stdout
    again = run_cli("keys", "revoke", key_id, env=env)
    assert again.returncode == 1
    assert f"no active key with id {key_id}" in again.stderr


def test_keys_create_prints_the_key_once_and_rejects_unknown_roles(embedded_env):
    created = run_cli("keys", "create", "--role", "manager", env=embedded_env)
    assert created.returncode == 0
    assert created.stdout.startswith("sentia_")
    assert "cannot be shown again" in created.stderr
    bad = run_cli("keys", "create", "--role", "root", env=embedded_env)
    assert bad.returncode == 2
    assert "'root' is not one of 'viewer', 'operator', 'manager', 'admin'" in bad.stderr


def test_token_mints_a_jwt_with_the_required_claims(embedded_env):
    env = {**embedded_env, "SENTIA_JWT_SECRET": SECRET}
    result = run_cli("token", "--subject", "dana", "--role", "manager", "--tenant", "acme", env=env)
    assert result.returncode == 0, result.stderr
    claims = jwt.decode(result.stdout.strip(), SECRET, algorithms=["HS256"], audience="sentia-mcp")
    assert {key: claims[key] for key in ("sub", "role", "tenant", "iss")} == {
        "sub": "dana",
        "role": "manager",
        "tenant": "acme",
        "iss": "sentia-mcp-server",
    }
    assert claims["exp"] - claims["iat"] == 3600
    refused = run_cli("token", "--subject", "x", "--role", "admin", env=embedded_env)
    assert refused.returncode == 1
    assert "SENTIA_JWT_SECRET is not set" in refused.stderr


def test_production_start_without_jwt_secret_says_why(embedded_env):
    result = run_cli("serve", "--transport", "http", env={**embedded_env, "SENTIA_ENVIRONMENT": "production"})
    assert result.returncode == 2
    assert "SENTIA_ENVIRONMENT" not in result.stdout
    assert "configuration error" in result.stderr
    assert "production needs a way to verify JWT bearer tokens: set SENTIA_JWT_SECRET" in result.stderr


def test_weak_jwt_secret_is_refused_and_not_echoed(embedded_env):
    weak = "production-jwt-secret-change-this"
    result = run_cli("serve", "--transport", "http", env={**embedded_env, "SENTIA_JWT_SECRET": weak})
    assert result.returncode == 2
    assert "SENTIA_JWT_SECRET is too weak" in result.stderr
    assert weak not in result.stderr


def test_bad_setting_names_the_variable(embedded_env):
    result = run_cli("serve", "--transport", "http", env={**embedded_env, "SENTIA_PORT": "seventy"})
    assert result.returncode == 2
    assert "SENTIA_PORT: Input should be a valid integer" in result.stderr


def test_unreachable_database_is_a_clear_startup_error(embedded_env):
    env = {
        **embedded_env,
        "SENTIA_DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/none",
        "SENTIA_AUTO_MIGRATE": "true",
    }
    result = run_cli("serve", "--transport", "http", env=env)
    assert result.returncode == 3
    assert "cannot start: cannot use the database postgresql+asyncpg://nobody@127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr


def test_healthcheck_against_a_running_server_and_against_nothing(embedded_env, tmp_path):
    with http_server(embedded_env, tmp_path) as server:
        healthy = run_cli("healthcheck", "--url", server.base_url, env=embedded_env)
    assert healthy.returncode == 0
    assert healthy.stdout.strip() == f"ok: {server.base_url}"
    down = run_cli("healthcheck", "--url", f"http://127.0.0.1:{free_port()}", "--timeout", "2", env=embedded_env)
    assert down.returncode == 1
    assert "did not answer: ConnectError" in down.stderr


def test_version(embedded_env):
    from sentia_server import __version__

    assert run_cli("--version", env=embedded_env).stdout.strip() == f"sentia-server, version {__version__}"
