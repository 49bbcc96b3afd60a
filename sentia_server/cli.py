"""`sentia-server`: serve, migrate, manage API keys, mint development tokens, check health, run the local stack."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Coroutine
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from pydantic import ValidationError

from sentia_server import __version__
from sentia_server.auth.jwt_tokens import TokenRejected, mint_token
from sentia_server.auth.key_admin import KeyAdministration, cli_actor
from sentia_server.auth.principal import Principal, Role
from sentia_server.cli_backup import backup
from sentia_server.config import Environment, Settings
from sentia_server.healthcheck import emit as emit_healthcheck
from sentia_server.healthcheck import run_healthcheck
from sentia_server.observability.logging import configure_logging
from sentia_server.runtime import Runtime, StartupError, open_runtime
from sentia_server.security.encryption import KEY_FILE_VARIABLE, KEYS_VARIABLE, write_key_file
from sentia_server.security.key_rotation import rotate_encryption

P = ParamSpec("P")
R = TypeVar("R")

EXIT_CONFIG_ERROR = 2
EXIT_STARTUP_ERROR = 3
DEV_KEY_FILE = "dev-api-key"
DEV_ENCRYPTION_KEY_FILE = "encryption.keys"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and `.env`; a bad value exits with a message naming the variable."""
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as error:
        click.echo("sentia-server: configuration error:", err=True)
        for detail in error.errors(include_url=False, include_input=False):
            field = "_".join(str(part) for part in detail["loc"]).upper()
            name = f"SENTIA_{field}" if field else "settings"
            click.echo(f"  {name}: {detail['msg'].removeprefix('Value error, ')}", err=True)
        sys.exit(EXIT_CONFIG_ERROR)


def _run(coroutine_function: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, R]:
    """Run an async command; a StartupError ends it with its message and exit code 3, never a traceback."""

    @wraps(coroutine_function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return asyncio.run(coroutine_function(*args, **kwargs))
        except StartupError as error:
            click.echo(f"sentia-server: cannot start: {error}", err=True)
            sys.exit(EXIT_STARTUP_ERROR)

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="sentia-server")
def main() -> None:
    """The Sentia Manufacturing MCP server. Settings come from SENTIA_* environment variables and .env."""


main.add_command(backup)


@main.command()
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True)
@click.option("--host", default=None, help="HTTP bind address [default: SENTIA_HOST or 127.0.0.1]")
@click.option("--port", type=int, default=None, help="HTTP port [default: SENTIA_PORT or 3001]")
def serve(transport: str, host: str | None, port: int | None) -> None:
    """Serve MCP on stdio (for Claude Desktop) or Streamable HTTP."""
    settings = load_settings(host=host, port=port)
    configure_logging(settings.log_level, settings.log_format)
    if transport == "stdio":
        _run(_serve_stdio)(settings)
    else:
        _serve_http(settings)


async def _serve_stdio(settings: Settings) -> None:
    from sentia_server.mcp import build_mcp_server

    if settings.api_key is None:
        raise StartupError(
            "the stdio transport needs a credential: set SENTIA_API_KEY to an API key "
            "(create one with `sentia-server keys create --role operator`)"
        )
    credential = settings.api_key.get_secret_value()
    async with open_runtime(settings) as runtime:
        if await runtime.credentials.authenticate(credential) is None:
            raise StartupError("SENTIA_API_KEY is not a valid API key or JWT (unknown, expired or revoked)")

        async def resolve_principal() -> Principal | None:
            # Checked on every call, so a revoked key stops working without a restart.
            return await runtime.credentials.authenticate(credential)

        server = build_mcp_server(runtime, transport="stdio", resolve_principal=resolve_principal)
        await server.run_stdio_async()


async def _preflight(settings: Settings) -> None:
    async with open_runtime(settings):
        pass


def uvicorn_implementations() -> tuple[str, str]:
    """uvloop and httptools when installed (the server extra brings them): the faster event loop and HTTP parser;
    the standard asyncio loop and h11 otherwise, so the server still runs where they cannot be built."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") is not None else "h11"
    return loop, http


def _serve_http(settings: Settings) -> None:
    import uvicorn

    from sentia_server.app import create_app
    from sentia_server.http_server import FrozenStartupServer

    # Start once before uvicorn so that a startup problem ends with its message, not a server traceback.
    _run(_preflight)(settings)
    loop, http = uvicorn_implementations()
    config = uvicorn.Config(
        create_app(settings),
        loop=loop,
        http=http,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_keep_alive=settings.http_keep_alive_seconds,
    )
    FrozenStartupServer(config).run()


@main.command()
def migrate() -> None:
    """Apply pending database migrations (SENTIA_DATABASE_URL, or the embedded SQLite file)."""
    settings = load_settings(auto_migrate=True)
    configure_logging(settings.log_level, settings.log_format)

    async def run() -> None:
        async with open_runtime(settings) as runtime:
            click.echo(f"database {runtime.database.display_url} is up to date")

    _run(run)()


@main.group()
def keys() -> None:
    """Create, list, rotate and revoke API keys; re-encrypt stored secrets under the current encryption key."""


@keys.command("create")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--tenant", default=None, help="[default: SENTIA_DEFAULT_TENANT]")
@click.option("--name", default=None, help="A label to recognise the key by.")
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None, help="[default: 90]")
def keys_create(role: str, tenant: str | None, name: str | None, expires_in_days: int | None) -> None:
    """Create a key and print it. It is shown only this once: only its hash is stored."""
    settings = load_settings()

    async def run(runtime: Runtime) -> None:
        days = expires_in_days or settings.api_key_default_ttl_days
        issued = await KeyAdministration(runtime.api_keys, runtime.audit, cli_actor()).create(
            role=Role(role), tenant=tenant or settings.default_tenant, name=name, ttl=timedelta(days=days)
        )
        click.echo(issued.token)
        click.echo(
            f"key id {issued.key_id}, role {issued.role.value}, tenant {issued.tenant}, "
            f"expires {issued.expires_at:%Y-%m-%d}. Store it now: it cannot be shown again.",
            err=True,
        )

    _with_runtime(settings, run)


@keys.command("list")
def keys_list() -> None:
    """List keys (never the keys themselves)."""
    settings = load_settings()

    async def run(runtime: Runtime) -> None:
        for info in await runtime.api_keys.list():
            expires = f"{info.expires_at:%Y-%m-%d}" if info.expires_at else "never"
            click.echo(
                f"{info.key_id}  {info.state:<8} role={info.role.value:<8} tenant={info.tenant}  "
                f"created={info.created_at:%Y-%m-%d} expires={expires}  {info.name or ''}".rstrip()
            )

    _with_runtime(settings, run)


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id; it stops working at once."""
    settings = load_settings()

    async def run(runtime: Runtime) -> None:
        if not await KeyAdministration(runtime.api_keys, runtime.audit, cli_actor()).revoke(key_id):
            click.echo(f"sentia-server: no active key with id {key_id}", err=True)
            sys.exit(1)
        click.echo(f"revoked {key_id}")

    _with_runtime(settings, run)


@keys.command("rotate")
@click.argument("key_id")
@click.option(
    "--grace-hours",
    type=click.IntRange(min=0, max=24 * 30),
    default=0,
    show_default=True,
    help="How long the old key keeps working; 0 revokes it now.",
)
def keys_rotate(key_id: str, grace_hours: int) -> None:
    """Replace a key with a new one of the same role, tenant and name, printed once."""
    settings = load_settings()

    async def run(runtime: Runtime) -> None:
        grace = timedelta(hours=grace_hours) if grace_hours else None
        rotated = await KeyAdministration(runtime.api_keys, runtime.audit, cli_actor()).rotate(key_id, grace=grace)
        if rotated is None:
            click.echo(f"sentia-server: no active key with id {key_id}", err=True)
            sys.exit(1)
        click.echo(rotated.issued.token)
        ends = "now" if grace is None else f"at {rotated.previous_ends_at:%Y-%m-%d %H:%M} UTC"
        click.echo(
            f"key id {rotated.issued.key_id} replaces {key_id} (which stops working {ends}); "
            f"expires {rotated.issued.expires_at:%Y-%m-%d}. Store it now: it cannot be shown again.",
            err=True,
        )

    _with_runtime(settings, run)


@keys.command("rotate-encryption")
def keys_rotate_encryption() -> None:
    """Re-encrypt every stored secret under the first key of SENTIA_ENCRYPTION_KEYS (run after adding a new key
    in front); values under a key that is no longer configured are listed and left as they are."""
    settings = load_settings()

    async def run(runtime: Runtime) -> None:
        keyring = settings.encryption_keyring
        if keyring is None:
            click.echo(f"sentia-server: set {KEYS_VARIABLE} (or {KEY_FILE_VARIABLE}) first", err=True)
            sys.exit(1)
        report = await rotate_encryption(runtime.database, keyring, runtime.audit, cli_actor())
        click.echo(
            f"re-encrypted {report.reencrypted} row(s) under key {keyring.primary_key_id}; "
            f"{report.current} already under it; {len(report.errors)} could not be read"
        )
        for error in report.errors:
            click.echo(f"  {error}", err=True)
        if report.errors:
            sys.exit(1)

    _with_runtime(settings, run)


def _with_runtime(settings: Settings, action: Callable[[Runtime], Coroutine[Any, Any, None]]) -> None:
    configure_logging("WARNING", settings.log_format)

    async def run() -> None:
        async with open_runtime(settings) as runtime:
            await action(runtime)

    _run(run)()


@main.command()
@click.option("--subject", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--tenant", default=None, help="[default: SENTIA_DEFAULT_TENANT]")
@click.option("--ttl-minutes", type=click.IntRange(min=1, max=24 * 60), default=60, show_default=True)
def token(subject: str, role: str, tenant: str | None, ttl_minutes: int) -> None:
    """Mint an HS256 JWT for development and tests (needs SENTIA_JWT_SECRET)."""
    settings = load_settings()
    if settings.environment is Environment.PRODUCTION:
        click.echo("sentia-server: refusing to mint tokens in production; use your identity provider", err=True)
        sys.exit(1)
    try:
        click.echo(
            mint_token(
                settings,
                subject=subject,
                role=Role(role),
                tenant=tenant or settings.default_tenant,
                ttl=timedelta(minutes=ttl_minutes),
            )
        )
    except TokenRejected as error:
        click.echo(f"sentia-server: {error}", err=True)
        sys.exit(1)


@main.command()
@click.option("--url", default=None, help="Base URL of the server [default: SENTIA_PUBLIC_URL or http://host:port]")
@click.option("--timeout", type=float, default=5.0, show_default=True, help="Seconds each check may take.")
@click.option("--json", "as_json", is_flag=True, help="Print the result of every check as one JSON object.")
def healthcheck(url: str | None, timeout: float, as_json: bool) -> None:
    """Check the running server's readiness, and the database, cache, disk and memory from here; exit 1 with one
    line per failed check."""
    settings = load_settings()
    base = (url or settings.resolved_public_url).rstrip("/")
    report = asyncio.run(run_healthcheck(settings, base, timeout))
    sys.exit(emit_healthcheck(report, base, as_json=as_json, echo=click.echo))


@main.command()
def dev() -> None:
    """Run the local development stack: migrate, make sure a development API key exists, print how to connect,
    and serve MCP over HTTP."""
    settings = load_settings()
    if settings.environment is Environment.PRODUCTION:
        click.echo("sentia-server: `dev` is for local development; use `serve` in production", err=True)
        sys.exit(1)
    configure_logging(settings.log_level, "console")
    settings = ensure_dev_encryption_keys(settings)
    api_key = _run(_ensure_dev_key)(settings)
    click.echo(connection_banner(settings, api_key))
    _serve_http(settings)


def ensure_dev_encryption_keys(settings: Settings) -> Settings:
    """Settings with encryption keys: the configured ones, else `<data dir>/encryption.keys`, created with one new
    key (mode 0600) the first time, so that a standard Xero app can be connected locally."""
    if settings.encryption_configured:
        return settings
    key_file = settings.data_dir / DEV_ENCRYPTION_KEY_FILE
    if not key_file.is_file():
        write_key_file(key_file)
        click.echo(f"sentia-server: created development encryption keys in {key_file}", err=True)
    return settings.model_copy(update={"encryption_key_file": key_file})


async def _ensure_dev_key(settings: Settings) -> str:
    """The key in `<data dir>/dev-api-key` if it still works, else a new admin key written there (mode 0600)."""
    key_file = settings.data_dir / DEV_KEY_FILE
    async with open_runtime(settings.model_copy(update={"auto_migrate": True})) as runtime:
        if key_file.is_file():
            existing = key_file.read_text().strip()
            if await runtime.api_keys.authenticate(existing) is not None:
                return existing
        issued = await runtime.api_keys.create(
            role=Role.ADMIN,
            tenant=settings.default_tenant,
            name="development",
            ttl=timedelta(days=settings.api_key_default_ttl_days),
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(issued.token + "\n")
    return issued.token


def connection_banner(settings: Settings, api_key: str) -> str:
    """How to connect to the local stack: the MCP URL, the key, and a Claude Desktop configuration."""
    executable = Path(sys.executable).with_name("sentia-server")
    claude_desktop = {
        "mcpServers": {
            "sentia": {
                "command": str(executable),
                "args": ["serve", "--transport", "stdio"],
                "env": {"SENTIA_API_KEY": api_key, "SENTIA_DATA_DIR": str(settings.data_dir.resolve())},
            }
        }
    }
    return "\n".join(
        [
            "",
            "Sentia MCP server (development)",
            f"  MCP endpoint (Streamable HTTP): {settings.mcp_url}",
            f"  Development API key (admin):    {api_key}",
            "  Send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
            f"  Health: {settings.resolved_public_url}/health/ready",
            "",
            "Claude Desktop (claude_desktop_config.json):",
            json.dumps(claude_desktop, indent=2),
            "",
        ]
    )
