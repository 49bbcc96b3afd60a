"""Connection settings of each vendor, and whether enough of them are set to call the vendor.

Every vendor is reached through a base URL that defaults to the vendor's production endpoint and can be pointed
at a simulator. Secrets are `SecretStr`, so they never appear in a repr, a log line or a status report.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class VendorSettings(BaseModel):
    """Common behaviour: a vendor is configured when every field in `required_fields` is set."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    env_name: ClassVar[str] = ""
    required_fields: ClassVar[tuple[str, ...]] = ()

    def missing_settings(self) -> list[str]:
        """The environment variables still to set before this vendor can be called."""
        return [
            f"SENTIA_{self.env_name}__{name.upper()}"
            for name in self.required_fields
            if getattr(self, name) in (None, "", {})
        ]

    @property
    def configured(self) -> bool:
        return not self.missing_settings()


class XeroSettings(VendorSettings):
    """Xero Accounting API through an OAuth 2.0 app (custom connection or authorization code)."""

    env_name: ClassVar[str] = "XERO"
    required_fields: ClassVar[tuple[str, ...]] = ("client_id", "client_secret")
    client_id: str | None = None
    client_secret: SecretStr | None = None
    auth_flow: Literal["client_credentials", "authorization_code"] = Field(
        default="client_credentials",
        description="client_credentials for a Custom Connection; authorization_code for a standard app whose "
        "refresh token is kept in the token store.",
    )
    redirect_uri: str | None = None
    scopes: str = (
        "accounting.transactions.read accounting.reports.read accounting.contacts.read accounting.settings.read"
    )
    api_base_url: str = "https://api.xero.com"
    identity_base_url: str = "https://identity.xero.com"
    authorize_url: str = "https://login.xero.com/identity/connect/authorize"


class ShopifyShopSettings(BaseModel):
    """One Shopify shop: its myshopify.com domain and either an Admin API access token (a custom app's `shpat_`
    token) or the client ID and secret of an app in the shop's organisation, exchanged for 24-hour tokens through
    the client credentials grant."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    shop_domain: str = Field(pattern=r"^[A-Za-z0-9.-]+(:\d+)?$", examples=["sentia-uk.myshopify.com"])
    access_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None

    @model_validator(mode="after")
    def _one_credential(self) -> ShopifyShopSettings:
        if self.access_token is None and (self.client_id is None or self.client_secret is None):
            raise ValueError("a Shopify shop needs access_token, or client_id and client_secret")
        return self


class ShopifySettings(VendorSettings):
    """Shopify GraphQL Admin API, pinned to one stable version, for one or more shops keyed by a short name."""

    env_name: ClassVar[str] = "SHOPIFY"
    required_fields: ClassVar[tuple[str, ...]] = ("shops",)
    api_version: str = Field(default="2026-10", pattern=r"^\d{4}-(01|04|07|10)$")
    shops: dict[str, ShopifyShopSettings] = Field(default_factory=dict)
    base_url: str | None = Field(
        default=None,
        description="Overrides https://{shop_domain} (simulators); may contain {shop_domain} to serve several shops.",
    )


class AmazonSellingPartnerSettings(VendorSettings):
    """Amazon Selling Partner API, authorised by a Login with Amazon refresh token."""

    env_name: ClassVar[str] = "AMAZON"
    required_fields: ClassVar[tuple[str, ...]] = ("lwa_client_id", "lwa_client_secret", "refresh_token", "seller_id")
    lwa_client_id: str | None = None
    lwa_client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    seller_id: str | None = None
    region: Literal["na", "eu", "fe"] = Field(
        default="eu", description="SP-API region of the seller's marketplaces: eu (uk, de), na (us, ca) or fe."
    )
    endpoint_url: str | None = Field(default=None, description="Overrides the regional endpoint (simulators).")
    lwa_url: str = Field(
        default="https://api.amazon.com/auth/o2/token",
        description="Login with Amazon token endpoint; a simulator's is <simulator URL>/auth/o2/token.",
    )


class AmazonAdsSettings(VendorSettings):
    """Amazon Ads API (Sponsored Products), authorised by a Login with Amazon refresh token."""

    env_name: ClassVar[str] = "AMAZON_ADS"
    required_fields: ClassVar[tuple[str, ...]] = ("client_id", "client_secret", "refresh_token", "profile_id")
    client_id: str | None = None
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    profile_id: str | None = Field(default=None, description="Advertising profile (one per marketplace) to call.")
    region: Literal["na", "eu", "fe"] = Field(default="eu", description="Amazon Ads region of the profile.")
    endpoint_url: str | None = Field(default=None, description="Overrides the regional endpoint (simulators).")
    lwa_url: str = Field(
        default="https://api.amazon.com/auth/o2/token",
        description="Login with Amazon token endpoint; a simulator's is <simulator URL>/auth/o2/token.",
    )


class UnleashedSettings(VendorSettings):
    """Unleashed inventory API: every request signed with HMAC-SHA256 of its query string."""

    env_name: ClassVar[str] = "UNLEASHED"
    required_fields: ClassVar[tuple[str, ...]] = ("api_id", "api_key")
    api_id: str | None = None
    api_key: SecretStr | None = None
    base_url: str = "https://api.unleashedsoftware.com"
    client_type: str = "sentia/sentia-mcp-server"


class ModelPrice(BaseModel):
    """What one model costs, in US dollars per million tokens, as the vendor's price list states it."""

    model_config = ConfigDict(extra="forbid")

    input_per_million: Decimal = Field(ge=0, le=10_000, description="USD per million input (prompt) tokens.")
    output_per_million: Decimal = Field(ge=0, le=10_000, description="USD per million output tokens.")


class AiModelSettings(VendorSettings):
    """What the OpenAI and Anthropic settings share: the model and its limits, timeouts, retries, concurrency and
    prices. A model without a price is still usable; its calls are recorded at cost 0 with a note, never with a
    guessed price."""

    model: str = Field(min_length=1, max_length=100, description="The model every AI tool of this vendor calls.")
    max_tokens: int = Field(default=4096, ge=256, le=128_000, description="Most output tokens one answer may use.")
    timeout: float = Field(default=120.0, gt=0, le=900, description="Seconds to wait for one answer.")
    max_retries: int = Field(
        default=2, ge=0, le=6, description="Retries after a 429, a 5xx or a timeout (ours; the SDK's are off)."
    )
    max_concurrent_calls: int = Field(
        default=4, ge=1, le=64, description="Model calls of this vendor running at once in one server process."
    )
    requests_per_minute: int = Field(
        default=60, ge=1, le=100_000, description="Client-side limit of model calls per minute and tenant."
    )
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict,
        description='Prices by model name, e.g. {"<model>": {"input_per_million": 2.5, "output_per_million": 10}}.',
    )


class OpenAISettings(AiModelSettings):
    """OpenAI API through the official SDK (Chat Completions with Structured Outputs)."""

    env_name: ClassVar[str] = "OPENAI"
    required_fields: ClassVar[tuple[str, ...]] = ("api_key",)
    api_key: SecretStr | None = None
    base_url: str = "https://api.openai.com/v1"
    organization: str | None = None
    project: str | None = None
    model: str = Field(default="gpt-5.4-mini", min_length=1, max_length=100)
    temperature: float | None = Field(
        default=None,
        ge=0,
        le=2,
        description="Sampling temperature; unset sends none, so the model's default applies (reasoning models "
        "accept no other value).",
    )


class AnthropicSettings(AiModelSettings):
    """Anthropic Messages API through the official SDK (tool use with an input schema). There is no temperature:
    API version 2026-10-21, which the SDK sends, refuses every sampling parameter; `effort` is the knob it offers."""

    env_name: ClassVar[str] = "ANTHROPIC"
    required_fields: ClassVar[tuple[str, ...]] = ("api_key",)
    api_key: SecretStr | None = None
    base_url: str = "https://api.anthropic.com"
    model: str = Field(default="claude-sonnet-4-6", min_length=1, max_length=100)
    effort: Literal["low", "medium", "high", "xhigh", "max"] | None = Field(
        default=None, description="output_config.effort; unset sends none, so the model's default applies."
    )
