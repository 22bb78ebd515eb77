"""Create or migrate the store's schema with Alembic (`ml-connector db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect

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


def downgrade(store: Store, revision: str) -> str:
    """Take the schema back down to `revision`; returns the revision now in place."""
    config = _config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    return current_revision(store) or ""


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def unknown_revision(store: Store) -> str | None:
    """The store's schema revision when this version's migrations do not know it (a newer version set the
    store up, or it was changed by hand); None when it is known or the store has none yet."""
    revision = current_revision(store)
    if revision is None:
        return None
    script = ScriptDirectory.from_config(_config())
    try:
        script.get_revision(revision)
    except CommandError:
        return revision
    return None


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def is_current(store: Store) -> bool:
    return current_revision(store) == head_revision()


def has_table(store: Store, name: str) -> bool:
    """Whether the store's database has a table `name` (e.g. one another tool's schema made)."""
    return inspect(store.engine).has_table(name)
