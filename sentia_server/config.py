"""The server's one Settings object: every option, read from `SENTIA_*` variables and `.env`, checked at start."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from sentia_server.backup.settings import BackupSettings
from sentia_server.integrations.settings import (
    AmazonAdsSettings,
    AmazonSellingPartnerSettings,
    AnthropicSettings,
    OpenAISettings,
    ShopifySettings,
    UnleashedSettings,
    VendorSettings,
    XeroSettings,
)
from sentia_server.observability.settings import MetricsSettings
from sentia_server.security.encryption import (
    GENERATE_COMMAND,
    KEY_FILE_VARIABLE,
    KEYS_VARIABLE,
    Keyring,
    KeyringError,
    parse_keys,
)
from sentia_server.security.rate_limits import RateLimitText, ToolRateLimits
from sentia_server.security.threats.settings import ThreatSettings

MIN_JWT_SECRET_LENGTH = 32
MIN_JWT_SECRET_DISTINCT_CHARACTERS = 10
# Placeholder words seen in sample configurations; a secret containing one is guessable. Each is at least six
# letters long, so a random secret contains one by chance with negligible probability.
_KNOWN_PLACEHOLDERS = ("change", "secret", "fallback", "example", "default", "password", "sentia")


RANDOM_KEY_HINT = 'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TESTING = "testing"
    PRODUCTION = "production"


CommaList = Annotated[list[str], NoDecode]


def jwt_secret_weakness(secret: str) -> str | None:
    """Why `secret` is too weak to sign tokens with, or None when it is acceptable."""
    if len(secret) < MIN_JWT_SECRET_LENGTH:
        return f"it is {len(secret)} characters long; at least {MIN_JWT_SECRET_LENGTH} are required"
    if len(set(secret)) < MIN_JWT_SECRET_DISTINCT_CHARACTERS:
        return (
            f"it uses only {len(set(secret))} distinct characters; "
            f"at least {MIN_JWT_SECRET_DISTINCT_CHARACTERS} are required"
        )
    lowered = secret.lower()
    for word in _KNOWN_PLACEHOLDERS:
        if word in lowered:
            return f"it contains the placeholder word {word!r}"
    return None


class Settings(BaseSettings):
    """All configuration of the server. Field `x` is read from `SENTIA_X`; nested vendor fields use `__`."""

    model_config = SettingsConfigDict(
        env_prefix="SENTIA_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
        # A validation error must never echo a value back: it may be a secret.
        hide_input_in_errors=True,
    )

    environment: Environment = Environment.DEVELOPMENT

    # HTTP transport
    host: str = "127.0.0.1"
    port: int = Field(default=3001, ge=1, le=65535)
    mcp_path: str = Field(default="/mcp", pattern=r"^/[A-Za-z0-9/_-]*$")
    public_url: str | None = Field(
        default=None, description="The URL clients use to reach this server; defaults to http://host:port."
    )
    allowed_hosts: CommaList = Field(default_factory=lambda: ["127.0.0.1:*", "localhost:*", "[::1]:*"])
    allowed_origins: CommaList = Field(
        default_factory=lambda: ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    )
    max_request_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    http_keep_alive_seconds: int = Field(
        default=75,
        ge=1,
        le=3600,
        description="How long an idle client connection stays open. Longer than a proxy's upstream keep-alive "
        "(nginx: 60 s), or the proxy reuses connections this server is closing and its clients see errors.",
    )
    max_json_depth: int = Field(default=32, ge=4, le=256, description="Deepest nesting a JSON request body may have.")
    mcp_direct_tool_calls: bool = Field(
        default=True,
        description="Answer tools/call requests of the per-request protocol revision without the SDK's transport "
        "(same checks, same answers); off sends every request through the SDK.",
    )
    threats: ThreatSettings = Field(default_factory=ThreatSettings)

    # Storage and cache
    data_dir: Path = Path(".sentia")
    database_url: str | None = None
    auto_migrate: bool | None = Field(
        default=None, description="Apply migrations on start; defaults to on for the embedded SQLite database only."
    )
    redis_url: str | None = None
    cache_key_prefix: str = Field(default="sentia", pattern=r"^[A-Za-z0-9_.:-]+$")
    cache_max_entries: int = Field(default=10_000, ge=1)
    cache_ttl_short_seconds: int = Field(default=300, ge=1)
    cache_ttl_medium_seconds: int = Field(default=1800, ge=1)
    cache_ttl_long_seconds: int = Field(default=3600, ge=1)
    cache_redis_retry_seconds: float = Field(default=5.0, gt=0)
    cache_compress_min_bytes: int = Field(
        default=1024, ge=0, description="Cache values from this size up are stored zlib-compressed; 0 turns it off."
    )

    # Authentication
    jwt_secret: SecretStr | None = None
    jwt_public_key_file: Path | None = None
    jwt_issuer: str = "sentia-mcp-server"
    jwt_audience: str = "sentia-mcp"
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    jwt_jwks_url: str | None = Field(
        default=None, description="The identity provider's JWKS URL (RS256 keys chosen by `kid`)."
    )
    jwt_jwks_cache_seconds: int = Field(default=300, ge=10, le=86_400)
    authorization_servers: CommaList = Field(
        default_factory=list, description="Issuer URLs of the OAuth authorization servers whose tokens are accepted."
    )
    api_key_hash_key: SecretStr | None = Field(
        default=None, description="The HMAC key API keys are hashed with; required in production."
    )
    auth_lockout_attempts: int = Field(default=5, ge=1)
    auth_lockout_window_seconds: int = Field(default=900, ge=1)
    api_key: SecretStr | None = Field(
        default=None, description="The credential of the stdio transport (an API key or a JWT)."
    )
    api_key_default_ttl_days: int = Field(default=90, ge=1)
    api_key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="How long a verified API key is trusted without reading the database again; a key revoked by "
        "another process (CLI, other replica) stops working within this time, one revoked here at once. 0 disables.",
    )
    default_tenant: str = Field(default="default", pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    # Encryption of secrets at rest (vendor refresh tokens)
    encryption_keys: SecretStr | None = Field(
        default=None,
        description="Comma-separated key_id:base64(32 bytes) AES-256 keys; the first encrypts, all decrypt.",
    )
    encryption_key_file: Path | None = Field(
        default=None, description="A file holding the same list as SENTIA_ENCRYPTION_KEYS (one key a line allowed)."
    )

    # Tool results
    audit_flush_seconds: float = Field(
        default=0.25,
        ge=0,
        le=10,
        description="Tool-call audit records are written in batches this often, off the request path; 0 writes each "
        "record before the call returns.",
    )
    tool_response_budget_bytes: int = Field(
        default=200_000, ge=10_000, description="Largest structured result a list tool returns before trimming."
    )

    # Tool-call rate limits ("limits" notation, e.g. 120/minute), kept in Redis when SENTIA_REDIS_URL is set
    rate_limit_per_principal: RateLimitText = "120/minute"
    rate_limit_ai_tools: RateLimitText = "10/minute"
    rate_limit_write_tools: RateLimitText = "30/minute"
    rate_limit_tool_overrides: ToolRateLimits = Field(
        default_factory=dict, description='Per-tool limits as JSON, e.g. {"xero-get-invoices": "30/minute"}.'
    )

    # The database-query tool (admin only)
    database_query_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    database_query_max_rows: int = Field(default=1000, ge=1, le=100_000)

    # `sentia-server healthcheck`: the data directory's free space and the memory in use (of the container's
    # limit, else of the machine) that still count as healthy; 0 disables a disk threshold.
    healthcheck_disk_min_free_mb: int = Field(default=500, ge=0)
    healthcheck_disk_min_free_percent: float = Field(default=5.0, ge=0, le=100)
    healthcheck_memory_max_percent: float = Field(default=95.0, gt=0, le=100)

    # Encrypted backups (`sentia-server backup`)
    backup: BackupSettings = Field(default_factory=BackupSettings)

    # Metrics (docs/operations.md, "Metrics")
    metrics_scrape_token: SecretStr | None = Field(
        default=None,
        description="A token Prometheus may send as Authorization: Bearer to /api/metrics/prometheus (at least 32 "
        "characters); an operator or admin credential is accepted as well.",
    )
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)

    # Logging
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    # Vendors: each is reached only when its credentials are set (see README, "Real vendor accounts").
    xero: XeroSettings = Field(default_factory=XeroSettings)
    shopify: ShopifySettings = Field(default_factory=ShopifySettings)
    amazon: AmazonSellingPartnerSettings = Field(default_factory=AmazonSellingPartnerSettings)
    amazon_ads: AmazonAdsSettings = Field(default_factory=AmazonAdsSettings)
    unleashed: UnleashedSettings = Field(default_factory=UnleashedSettings)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    anthropic: AnthropicSettings = Field(default_factory=AnthropicSettings)

    @field_validator("allowed_hosts", "allowed_origins", "authorization_servers", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("SENTIA_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _known_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("SENTIA_REDIS_URL must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("jwt_jwks_url")
    @classmethod
    def _trusted_jwks_url(cls, value: str | None) -> str | None:
        if value is not None and not is_trusted_url(value):
            raise ValueError("SENTIA_JWT_JWKS_URL must be an https:// URL (http:// only for localhost)")
        return value

    @field_validator("authorization_servers")
    @classmethod
    def _trusted_authorization_servers(cls, value: list[str]) -> list[str]:
        for url in value:
            if not is_trusted_url(url):
                raise ValueError(
                    f"SENTIA_AUTHORIZATION_SERVERS: {url!r} is not an https:// issuer URL (http:// only for localhost)"
                )
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _valid_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                parse_keys(value.get_secret_value(), source=KEYS_VARIABLE)
            except KeyringError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("encryption_key_file")
    @classmethod
    def _valid_key_file(cls, value: Path | None) -> Path | None:
        if value is not None:
            try:
                Keyring.from_file(value)
            except KeyringError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("metrics_scrape_token")
    @classmethod
    def _strong_scrape_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("the scrape token needs at least 32 characters: generate one with `openssl rand -hex 32`")
        return value

    @model_validator(mode="after")
    def _check_security(self) -> Settings:
        if self.encryption_keys is not None and self.encryption_key_file is not None:
            raise ValueError(f"set {KEYS_VARIABLE} or {KEY_FILE_VARIABLE}, not both")
        if self.jwt_secret is not None:
            weakness = jwt_secret_weakness(self.jwt_secret.get_secret_value())
            if weakness:
                raise ValueError(f"SENTIA_JWT_SECRET is too weak: {weakness}. {RANDOM_KEY_HINT}")
        if self.jwt_public_key_file is not None and not self.jwt_public_key_file.is_file():
            raise ValueError(f"SENTIA_JWT_PUBLIC_KEY_FILE does not name a readable file: {self.jwt_public_key_file}")
        if self.jwt_public_key_file is not None and self.jwt_jwks_url is not None:
            raise ValueError("set SENTIA_JWT_PUBLIC_KEY_FILE or SENTIA_JWT_JWKS_URL, not both")
        if self.api_key_hash_key is not None:
            weakness = jwt_secret_weakness(self.api_key_hash_key.get_secret_value())
            if weakness:
                raise ValueError(f"SENTIA_API_KEY_HASH_KEY is too weak: {weakness}. {RANDOM_KEY_HINT}")
        if self.environment is Environment.PRODUCTION:
            if self.jwt_secret is None and self.jwt_public_key_file is None and self.jwt_jwks_url is None:
                raise ValueError(
                    "production needs a way to verify JWT bearer tokens: set SENTIA_JWT_SECRET (HS256, at least "
                    f"{MIN_JWT_SECRET_LENGTH} random characters), SENTIA_JWT_PUBLIC_KEY_FILE or SENTIA_JWT_JWKS_URL "
                    "(RS256)"
                )
            if self.api_key_hash_key is None:
                raise ValueError(
                    "production needs SENTIA_API_KEY_HASH_KEY, the key API keys are hashed with (the same on every "
                    f"replica). {RANDOM_KEY_HINT}"
                )
            if self.host not in ("127.0.0.1", "localhost", "::1") and self.allowed_hosts == Settings.model_fields[
                "allowed_hosts"
            ].get_default(call_default_factory=True):
                raise ValueError(
                    f"production listens on {self.host} but SENTIA_ALLOWED_HOSTS still lists only loopback names; "
                    "set it to the host names clients use (e.g. mcp.example.com,mcp.example.com:443)"
                )
            if self.xero.auth_flow == "authorization_code" and not self.encryption_configured:
                raise ValueError(
                    "production with SENTIA_XERO__AUTH_FLOW=authorization_code keeps Xero's refresh tokens in the "
                    f"database, encrypted: set {KEYS_VARIABLE} (or {KEY_FILE_VARIABLE}) to key_id:base64(32 random "
                    f"bytes); generate one with: {GENERATE_COMMAND}"
                )
        return self

    @property
    def encryption_configured(self) -> bool:
        return self.encryption_keys is not None or self.encryption_key_file is not None

    @property
    def encryption_keyring(self) -> Keyring | None:
        """The keys of SENTIA_ENCRYPTION_KEYS or SENTIA_ENCRYPTION_KEY_FILE, or None when neither is set."""
        if self.encryption_keys is not None:
            return Keyring.parse(self.encryption_keys.get_secret_value(), source=KEYS_VARIABLE)
        if self.encryption_key_file is not None:
            return Keyring.from_file(self.encryption_key_file)
        return None

    @cached_property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy async URL: the embedded SQLite file unless SENTIA_DATABASE_URL names another."""
        if self.database_url is None:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'sentia.db').resolve()}"
        return async_database_url(self.database_url)

    @property
    def uses_embedded_database(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def should_auto_migrate(self) -> bool:
        return self.uses_embedded_database if self.auto_migrate is None else self.auto_migrate

    @property
    def resolved_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def mcp_url(self) -> str:
        return f"{self.resolved_public_url}{self.mcp_path}"

    def vendor_settings(self) -> dict[str, VendorSettings]:
        """Every vendor's settings by the name used in status reports and env variables."""
        return {
            "xero": self.xero,
            "shopify": self.shopify,
            "amazon": self.amazon,
            "amazon_ads": self.amazon_ads,
            "unleashed": self.unleashed,
            "openai": self.openai,
            "anthropic": self.anthropic,
        }

    def cache_ttl_seconds(self, tier: str) -> int:
        """The TTL of a cache tier name (short, medium, long)."""
        ttl: int = getattr(self, f"cache_ttl_{tier}_seconds")
        return ttl


def is_trusted_url(url: str) -> bool:
    """An https URL with a host, or http on a loopback host (for local identity providers and tests)."""
    parsed = urlsplit(url)
    if not parsed.hostname or parsed.username or parsed.password:
        return False
    if parsed.scheme == "https":
        return True
    return parsed.scheme == "http" and parsed.netloc.rsplit(":", 1)[0] in _LOOPBACK_HOSTS


def async_database_url(url: str) -> str:
    """Map the URL forms operators write (postgres://, postgresql://, sqlite://) to async driver URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
    return url
