"""Engines and sessions for the store, on SQLite (default) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ml_connector.errors import ConfigurationError, StoreError
from ml_connector.store.sqlite_setup import prepare_sqlite


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while a writer commits; the busy timeout makes writers wait, not fail.
    prepare_sqlite(dbapi_connection, "PRAGMA foreign_keys=ON")


def make_engine(url: str) -> Engine:
    """An engine for `url` (`sqlite:///file.db` or `postgresql+psycopg://...`), with a clear error if bad."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"store URL {url!r} is not a database URL",
            hint="Use sqlite:///path/to/ml-connector.db or postgresql+psycopg://user@host/db.",
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise ConfigurationError(
        f"store URL {url!r} names the {parsed.get_backend_name()} database, which is not supported",
        hint="Use SQLite (the default) or PostgreSQL.",
    )


class Store:
    """The engine and a session factory; `session()` is a unit of work that commits on success."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def describe(self) -> str:
        """The URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def check(self) -> None:
        """Open the database once; a store that cannot be used is a `StoreError` that says why."""
        where = self.describe()
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
                if not self.is_postgres:
                    connection.exec_driver_sql("SELECT count(*) FROM sqlite_master")
        except DBAPIError as exc:
            message, hint = store_problem(where, str(exc.orig))
            raise StoreError(message, hint=hint) from None

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def queue_conninfo(store_url: str) -> str:
    """The libpq URI of the store's database, for procrastinate's psycopg pool.

    >>> queue_conninfo("postgresql+psycopg://mlc:secret@db.internal:5432/mlc?sslmode=require")
    'postgresql://mlc:secret@db.internal:5432/mlc?sslmode=require'
    """
    try:
        url = make_url(store_url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"store URL {store_url!r} is not a database URL", hint="Use postgresql+psycopg://user@host/db."
        ) from exc
    if url.get_backend_name() != "postgresql":
        raise ConfigurationError(
            f"workers need PostgreSQL as the store; the store is {url.get_backend_name()}",
            hint="Set [store] url (or ML_CONNECTOR_STORE_URL) to postgresql+psycopg://user@host/db, "
            "then run `ml-connector db upgrade`.",
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def shown_url(url: str) -> str:
    """A store URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a URL that cannot be read)"


def store_problem(where: str, detail: str) -> tuple[str, str]:
    """(what is wrong, what to do) for a database that did not open."""
    first = detail.strip().splitlines()[0] if detail.strip() else "no detail"
    if "does not exist" in detail and "database" in detail:
        return (
            f"the store's database does not exist: {where}",
            "Create it first (e.g. `createdb NAME` on the server), or set [store] url to an existing database.",
        )
    if "file is not a database" in detail or "malformed" in detail:
        return (
            f"the store file is not an SQLite database (or is damaged): {where}",
            "Point [store] url at the right file, or restore the file from its backup.",
        )
    if "unable to open database file" in detail:
        return (
            f"the store file cannot be opened: {where}",
            "Check that its folder exists and is writable (paths in the config are relative to its folder).",
        )
    if "password authentication failed" in detail or "role" in detail and "does not exist" in detail:
        return (
            f"the store's database refused the login: {where} ({first})",
            "Check the user and password in [store] url (or ML_CONNECTOR_STORE_URL).",
        )
    return (
        f"the store's database cannot be reached: {where} ({first})",
        "Check that the server runs and that [store] url (or ML_CONNECTOR_STORE_URL) names it.",
    )
