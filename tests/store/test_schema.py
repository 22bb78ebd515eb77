from __future__ import annotations

from sqlalchemy import inspect

from ml_connector.errors import ConfigurationError
from ml_connector.store import Store, upgrade
from ml_connector.store.schema import head_revision, is_current

TABLES = {
    "credentials",
    "runs",
    "audit_records",
    "audit_events",
    "ledger_lines",
    "watermarks",
    "mappings",
    "leases",
    "budget_buckets",
    "schedule_state",
}


def test_sqlite_schema_is_migrated(store: Store) -> None:
    assert TABLES <= set(inspect(store.engine).get_table_names())
    assert is_current(store)
    assert upgrade(store) == head_revision()  # idempotent


def test_postgres_schema_is_migrated(pg_store: Store) -> None:
    assert pg_store.is_postgres
    assert TABLES <= set(inspect(pg_store.engine).get_table_names())
    assert is_current(pg_store)


def test_bad_store_url_is_a_clear_error() -> None:
    for url in ("not a url", "mysql://x@y/z"):
        try:
            Store(url)
        except ConfigurationError as exc:
            assert "store URL" in str(exc)
        else:
            raise AssertionError(f"{url} accepted")
