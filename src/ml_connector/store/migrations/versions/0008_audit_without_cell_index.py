"""audit records lose the (run_id, target_key) index: a run's lines land in every cell at once, so the
index took inserts all over itself (at 1M lines: 9 KB written per line and a third of the staging speed)

Revision ID: 0008_audit_without_cell_index
Revises: 0007_audit_staging

Records are moved by cell with one scan of the run's rows per group of cells (`AuditTrail.move_cells`).
"""

from __future__ import annotations

from alembic import op

revision = "0008_audit_without_cell_index"
down_revision = "0007_audit_staging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_audit_run_target", table_name="audit_records")


def downgrade() -> None:
    op.create_index("ix_audit_run_target", "audit_records", ["run_id", "target_key"], unique=False)
