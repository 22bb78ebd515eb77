"""ledger cells: a GL cell names its entity and currency; every staged and loaded line its currency

Stored GL keys of three parts (`GL|account|cost center|period`) become five
(`GL||account|cost center|period|`: no entity, no currency column), the form a flow that maps neither
writes, so lines loaded before keep their cells.

Revision ID: 0004_ledger_cells
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_ledger_cells"
down_revision = "0003_return_journals"
branch_labels = None
depends_on = None

TABLES = ("ledger_lines", "ledger_staging", "audit_records")
ESCAPE = "\\"


def _separators(text: str) -> int:
    """Unescaped `|` in `text` (frozen here: the key code may change, this migration may not)."""
    count, index = 0, 0
    while index < len(text):
        if text[index] == ESCAPE and text[index + 1 : index + 2] in (ESCAPE, "|"):
            index += 2
            continue
        count += text[index] == "|"
        index += 1
    return count


def _rewrite(old_parts: int, new: str) -> None:
    bind = op.get_bind()
    for table in TABLES:
        rows = bind.execute(
            sa.text(f"SELECT DISTINCT target_key FROM {table} WHERE target_key LIKE 'GL|%'")  # noqa: S608
        ).scalars()
        for key in list(rows):
            if _separators(key) != old_parts:
                continue
            rest = key[len("GL|") :]
            changed = "GL||" + rest + "|" if new == "five" else _three(rest)
            if changed is None:
                continue
            bind.execute(
                sa.text(f"UPDATE {table} SET target_key = :new WHERE target_key = :old"),  # noqa: S608
                {"new": changed, "old": key},
            )


def _three(rest: str) -> str | None:
    # `|account|cost center|period|` back to `GL|account|cost center|period`, only for an empty entity
    # and currency (a cell with either cannot be written in the old form).
    if rest.startswith("|") and rest.endswith("|") and not rest.endswith(ESCAPE + "|"):
        return "GL|" + rest[1:-1]
    return None


def upgrade() -> None:
    for table in ("ledger_lines", "ledger_staging"):
        op.add_column(table, sa.Column("currency", sa.String(length=20), nullable=False, server_default=""))
    _rewrite(3, "five")


def downgrade() -> None:
    _rewrite(5, "three")
    for table in ("ledger_staging", "ledger_lines"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("currency")
