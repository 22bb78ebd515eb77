"""The store: runs, per-record audit, watermarks, mappings, vault ciphertext, leases, budgets.

SQLite by default, PostgreSQL for many machines; one code path through SQLAlchemy, Alembic migrations.
"""

from __future__ import annotations

from ml_connector.store.database import Store, make_engine
from ml_connector.store.schema import upgrade

__all__ = ["Store", "make_engine", "upgrade"]
