"""return journals: what each return flow posted, intends to post or waits on, per reference

Revision ID: 0003_return_journals
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_return_journals"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "return_journals",
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("flow", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reverses", sa.String(length=100), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("document_id", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_return_journals")),
    )
    op.create_index("ix_return_journals_period", "return_journals", ["flow", "version", "period"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_return_journals_period", table_name="return_journals")
    op.drop_table("return_journals")
