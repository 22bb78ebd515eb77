"""staging is the audit: staged lines and tombstones live on their audit record; ledger_staging goes

Revision ID: 0007_audit_staging
Revises: 0006_traffic

Data-preserving: a staged line left by a run that had not finished is copied onto the last audit record
of its run and source key (where the run's clean-up finds it, as before). A staged line with no such
record cannot be kept honestly, so the upgrade refuses and says what to do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ml_connector.errors import ConfigurationError

revision = "0007_audit_staging"
down_revision = "0006_traffic"
branch_labels = None
depends_on = None

WHERE = sa.text("ledger_op != ''")

ORPHANS = """
SELECT count(*) FROM ledger_staging s WHERE NOT EXISTS (
  SELECT 1 FROM audit_records a WHERE a.run_id = s.run_id AND a.source_key = s.source_key)
"""

COPY = """
UPDATE audit_records SET
  ledger_op = CASE WHEN (SELECT s.target_key FROM ledger_staging s
                         WHERE s.run_id = audit_records.run_id AND s.source_key = audit_records.source_key) = ''
                   THEN 'T' ELSE 'L' END,
  amount_micros = (SELECT s.amount_micros FROM ledger_staging s
                   WHERE s.run_id = audit_records.run_id AND s.source_key = audit_records.source_key),
  measure = (SELECT s.measure FROM ledger_staging s
             WHERE s.run_id = audit_records.run_id AND s.source_key = audit_records.source_key),
  currency = (SELECT s.currency FROM ledger_staging s
              WHERE s.run_id = audit_records.run_id AND s.source_key = audit_records.source_key),
  target_key = CASE WHEN (SELECT s.target_key FROM ledger_staging s
                          WHERE s.run_id = audit_records.run_id AND s.source_key = audit_records.source_key) = ''
                    THEN audit_records.target_key
                    ELSE (SELECT s.target_key FROM ledger_staging s
                          WHERE s.run_id = audit_records.run_id AND s.source_key = audit_records.source_key) END
WHERE id IN (SELECT max(a.id) FROM audit_records a JOIN ledger_staging s
             ON a.run_id = s.run_id AND a.source_key = s.source_key GROUP BY a.run_id, a.source_key)
"""


def upgrade() -> None:
    bind = op.get_bind()
    orphans = bind.execute(sa.text(ORPHANS)).scalar_one()
    if orphans:
        raise ConfigurationError(
            f"ledger_staging holds {orphans} staged line(s) with no audit record of their run; the upgrade to "
            "0007_audit_staging cannot keep them",
            hint="With the previous version, let each flow's next run clean up after its unfinished runs (or "
            "delete the ledger_staging rows of runs that are no longer running), then upgrade again.",
        )
    with op.batch_alter_table("audit_records") as batch:
        batch.add_column(sa.Column("first_state", sa.String(length=20), server_default="", nullable=False))
        batch.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("ledger_op", sa.String(length=1), server_default="", nullable=False))
        batch.add_column(sa.Column("amount_micros", sa.BigInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("measure", sa.String(length=50), server_default="", nullable=False))
        batch.add_column(sa.Column("currency", sa.String(length=20), server_default="", nullable=False))
    bind.execute(sa.text(COPY))
    op.create_index(
        "ix_audit_run_staging",
        "audit_records",
        ["run_id", "source_key"],
        unique=True,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )
    op.drop_index("ix_staging_run_target", table_name="ledger_staging")
    op.drop_table("ledger_staging")


def downgrade() -> None:
    op.create_table(
        "ledger_staging",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=False),
        sa.Column("flow", sa.String(length=100), nullable=False),
        sa.Column("target_key", sa.String(length=300), nullable=False),
        sa.Column("amount_micros", sa.BigInteger(), nullable=False),
        sa.Column("measure", sa.String(length=50), nullable=False),
        sa.Column("currency", sa.String(length=20), server_default="", nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "source_key", name=op.f("pk_ledger_staging")),
    )
    op.create_index("ix_staging_run_target", "ledger_staging", ["run_id", "target_key"], unique=False)
    op.drop_index("ix_audit_run_staging", table_name="audit_records")
    with op.batch_alter_table("audit_records") as batch:
        for column in ("currency", "measure", "amount_micros", "ledger_op", "read_at", "first_state"):
            batch.drop_column(column)
