"""ai_usage (tokens and cost of each model call) and quality_records (inspections of lots).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sentia_server.storage.tables import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_usage",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("principal_subject", sa.String(length=200), nullable=False),
        sa.Column("tool", sa.String(length=100), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage")),
    )
    op.create_index("ix_ai_usage_tenant_occurred_at", "ai_usage", ["tenant", "occurred_at"])
    op.create_table(
        "quality_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("work_order", sa.String(length=64), nullable=False),
        sa.Column("lot_number", sa.String(length=64), nullable=False),
        sa.Column("product_sku", sa.String(length=64), nullable=False),
        sa.Column("inspector", sa.String(length=100), nullable=False),
        sa.Column("inspected_at", UTCDateTime(), nullable=False),
        sa.Column("measurements", sa.JSON(), nullable=False),
        sa.Column("overall_result", sa.String(length=8), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_records")),
    )
    op.create_index("ix_quality_records_tenant_inspected_at", "quality_records", ["tenant", "inspected_at"])
    op.create_index("ix_quality_records_tenant_work_order", "quality_records", ["tenant", "work_order"])


def downgrade() -> None:
    op.drop_index("ix_quality_records_tenant_work_order", table_name="quality_records")
    op.drop_index("ix_quality_records_tenant_inspected_at", table_name="quality_records")
    op.drop_table("quality_records")
    op.drop_index("ix_ai_usage_tenant_occurred_at", table_name="ai_usage")
    op.drop_table("ai_usage")
