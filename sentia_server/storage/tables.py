"""The tables. Change them only together with a new migration in `migrations/versions/`."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ApiKey(Base):
    """An API key: only a hash of the key is kept; the key itself is shown once, when it is created."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    hash_scheme: Mapped[str] = mapped_column(String(16), default="sha256")
    name: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ToolExecution(Base):
    """One tool call: who, what, how it ended and how long it took. Never arguments, results or secrets."""

    __tablename__ = "tool_executions"
    __table_args__ = (
        Index("ix_tool_executions_tenant_occurred_at", "tenant", "occurred_at"),
        Index("ix_tool_executions_tool_occurred_at", "tool", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(64))
    principal_subject: Mapped[str] = mapped_column(String(200))
    principal_role: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    auth_method: Mapped[str] = mapped_column(String(16))
    transport: Mapped[str] = mapped_column(String(16))
    tool: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24))
    duration_ms: Mapped[float] = mapped_column(Float)
    error_class: Mapped[str | None] = mapped_column(String(100))


class VendorToken(Base):
    """The OAuth tokens of one vendor account (a Xero app: vendor "xero", account key = its client id). Tokens are
    kept encrypted (AES-256-GCM, `key_id` names the key); `version` grows by one on every save, which replaces a
    row only if it still has the version the writer read, so two replicas refreshing at once cannot both win."""

    __tablename__ = "vendor_tokens"
    __table_args__ = (UniqueConstraint("vendor", "account_key", name="uq_vendor_tokens_vendor_account_key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    vendor: Mapped[str] = mapped_column(String(32))
    account_key: Mapped[str] = mapped_column(String(200))
    tenant: Mapped[str | None] = mapped_column(String(64))
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    obtained_at: Mapped[datetime] = mapped_column(UTCDateTime())
    scope: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer)


class AiUsage(Base):
    """One model call made by an AI tool: which provider and model, the tokens it used and what they cost, priced
    with the per-model prices in the settings at the time of the call."""

    __tablename__ = "ai_usage"
    __table_args__ = (Index("ix_ai_usage_tenant_occurred_at", "tenant", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(64))
    tenant: Mapped[str] = mapped_column(String(64))
    principal_subject: Mapped[str] = mapped_column(String(200))
    tool: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(100))
    input_tokens: Mapped[int] = mapped_column(Integer)
    output_tokens: Mapped[int] = mapped_column(Integer)
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(14, 6))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    outcome: Mapped[str] = mapped_column(String(24))


class QualityRecordRow(Base):
    """An inspection of a lot against its specification. The measurements (characteristic, nominal, tolerance,
    unit, measured values) are kept as JSON; each result and the overall result are derived from the values when
    the record is created, never typed in."""

    __tablename__ = "quality_records"
    __table_args__ = (
        Index("ix_quality_records_tenant_inspected_at", "tenant", "inspected_at"),
        Index("ix_quality_records_tenant_work_order", "tenant", "work_order"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64))
    work_order: Mapped[str] = mapped_column(String(64))
    lot_number: Mapped[str] = mapped_column(String(64))
    product_sku: Mapped[str] = mapped_column(String(64))
    inspector: Mapped[str] = mapped_column(String(100))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    measurements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    overall_result: Mapped[str] = mapped_column(String(8))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Base):
    """An authentication or administrative action: who (or which client, when nobody authenticated), what, on
    what, and how it ended. Tool calls are audited in `tool_executions`. Details never hold secrets or tokens."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_action_occurred_at", "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    """The principal's subject, or `cli:<user>` for a command, or `anonymous` for a failed authentication."""
    tenant: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    """e.g. auth.failure, auth.lockout, api_key.create, api_key.rotate, api_key.revoke, encryption.rotate."""
    target: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(24))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SecurityEvent(Base):
    """Something that looks like an attack or abuse: a suspicious pattern in input, a burst of failed
    authentications, one principal sweeping many tools, a request spike. The matched value itself is not kept."""

    __tablename__ = "security_events"
    __table_args__ = (
        Index("ix_security_events_occurred_at", "occurred_at"),
        Index("ix_security_events_type_occurred_at", "event_type", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(48))
    severity: Mapped[str] = mapped_column(String(16))
    principal_subject: Mapped[str | None] = mapped_column(String(200))
    tenant: Mapped[str | None] = mapped_column(String(64))
    tool: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(200))
    """Where the pattern was found, e.g. `arguments.notes` or `body.name`."""
    client_address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
