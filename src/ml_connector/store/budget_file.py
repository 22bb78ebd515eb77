"""Where the tenants' request budgets are kept: a file of their own beside an SQLite store.

A token is taken in a short write transaction. In the store's own SQLite file that transaction
would queue behind whatever the store is writing (a run staging a batch holds the write lock for
its whole segment), so reading from an ERP in one thread would wait for writing in another. The
budgets therefore live in a sibling file, `<store stem>.budget<suffix>` (`ml-connector.db` →
`ml-connector.budget.db`), with its own lock and WAL journal, created on first use. It holds only
the buckets' current fill (no history): it may be deleted whenever no process runs on the store.

On PostgreSQL the buckets stay in the store's `budget_buckets` table: a row lock there blocks
nobody but another taker of the same tenant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from ml_connector.store.database import Store
from ml_connector.store.sqlite_setup import prepare_sqlite

_CREATE = (
    "CREATE TABLE IF NOT EXISTS budget_buckets "
    "(tenant VARCHAR(200) NOT NULL PRIMARY KEY, tokens FLOAT NOT NULL, counted_at FLOAT NOT NULL)"
)


def budget_file_path(store: Store) -> Path | None:
    """The budget file of an SQLite store; None for PostgreSQL or an in-memory SQLite store."""
    url = make_url(store.url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database)
    return database.with_name(f"{database.stem}.budget{database.suffix or '.db'}")


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL: a reader never waits; NORMAL: no fsync per token (a crash may forget the last few takes
    # of a bucket that refills within seconds anyway); busy timeout: takers queue, they do not fail.
    prepare_sqlite(dbapi_connection, _CREATE)


def budget_engine(store: Store) -> Engine:
    """The engine that keeps `store`'s buckets: its sibling file on SQLite, the store itself otherwise."""
    path = budget_file_path(store)
    if path is None:
        return store.engine
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _pragmas)
    return engine
