"""ledger staging

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_staging",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=False),
        sa.Column("flow", sa.String(length=100), nullable=False),
        sa.Column("target_key", sa.String(length=300), nullable=False),
        sa.Column("amount_micros", sa.BigInteger(), nullable=False),
        sa.Column("measure", sa.String(length=50), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "source_key", name=op.f("pk_ledger_staging")),
    )
    op.create_index("ix_staging_run_target", "ledger_staging", ["run_id", "target_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_staging_run_target", table_name="ledger_staging")
    op.drop_table("ledger_staging")
