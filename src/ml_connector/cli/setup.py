"""`ml-connector init` and `ml-connector db upgrade`."""

from __future__ import annotations

import os

import typer

from ml_connector import config as config_module
from ml_connector.cli.context import AppContext
from ml_connector.cli.workers import upgrade_queue_schema
from ml_connector.store import Store, upgrade
from ml_connector.vault import KEY_ENV, new_key_file

db_app = typer.Typer(no_args_is_help=True, help="The store's database schema.")


def init(
    ctx: typer.Context,
    store_url: str = typer.Option("sqlite:///ml-connector.db", help="Database URL for the store."),
    key_file: str = typer.Option("ml-connector.key", help="Where to write the vault key (mode 0600)."),
) -> None:
    """Make a config skeleton, a vault key and the store's schema here."""
    app: AppContext = ctx.obj
    path = config_module.config_path(app.config_file)
    if path.exists():
        typer.echo(f"kept the existing configuration {path}")
    else:
        path.write_text(config_module.skeleton(store_url, key_file), encoding="utf-8")
        typer.echo(f"wrote {path}")
    cfg = app.config()
    key_path = cfg.resolve(cfg.vault.key_file)
    if key_path.exists():
        typer.echo(f"kept the existing vault key {key_path}")
    elif os.environ.get(KEY_ENV):
        typer.echo(f"{KEY_ENV} is set: no key file written")
    else:
        new_key_file(key_path)
        typer.echo(f"wrote the vault key {key_path} (mode 0600; back it up: stored secrets need it)")
    revision = upgrade(app.store(migrated=False))
    typer.echo(f"store {_describe(app.store(migrated=False))} at schema {revision}")


def _describe(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=True)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or migrate the store's tables (and, on PostgreSQL, the work queue's)."""
    app: AppContext = ctx.obj
    store = app.store(migrated=False)
    revision = upgrade(store)
    typer.echo(f"store {_describe(store)} at schema {revision}")
    queue = upgrade_queue_schema(store)
    if queue:
        typer.echo(queue)
