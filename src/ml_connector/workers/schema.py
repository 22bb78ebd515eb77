"""procrastinate's tables in the store's PostgreSQL database, set up by `ml-connector db upgrade`.

# ASSUMPTION: the schema is applied once, when its tables are missing. Moving to a procrastinate
# release with a newer schema means applying its SQL migrations (shipped in the package, see
# `SchemaManager.get_migrations_path()`), as procrastinate's own documentation describes.
"""

from __future__ import annotations

from procrastinate import App

from ml_connector.store.database import Store
from ml_connector.store.schema import has_table
from ml_connector.workers.app import queue_connector

MARKER_TABLE = "procrastinate_jobs"


def queue_schema_present(store: Store) -> bool:
    """Whether procrastinate's tables are in the store's database."""
    return store.is_postgres and has_table(store, MARKER_TABLE)


def apply_queue_schema(store: Store) -> bool:
    """Create procrastinate's tables if the store is PostgreSQL and they are missing; True if created."""
    if not store.is_postgres or queue_schema_present(store):
        return False
    app = App(connector=queue_connector(store.url, pool_size=1))
    with app.open():
        app.schema_manager.apply_schema()
    return True
