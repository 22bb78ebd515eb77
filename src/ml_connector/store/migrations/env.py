"""Alembic environment: migrates the store URL handed over by `ml_connector.store.schema.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ml_connector.store.models import Base

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connectable = config.attributes.get("connection")
if connectable is None:
    raise RuntimeError("run migrations through `ml-connector db upgrade`")
run(connectable)
