"""Create or migrate the store's schema with Alembic (`ml-connector db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ml_connector.store.database import Store

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(store: Store, revision: str = "head") -> str:
    """Bring the schema up to `revision`; returns the revision now in place."""
    config = _config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revision(store) or ""


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def is_current(store: Store) -> bool:
    return current_revision(store) == head_revision()
