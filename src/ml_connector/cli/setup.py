"""`ml-connector init` and `ml-connector db upgrade`."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from ml_connector import config as config_module
from ml_connector.cli.context import AppContext
from ml_connector.cli.workers import upgrade_queue_schema
from ml_connector.errors import ConfigurationError, VaultError
from ml_connector.store import Store, upgrade
from ml_connector.store.database import shown_url
from ml_connector.vault import KEY_ENV, new_key_file, stored_credentials

db_app = typer.Typer(no_args_is_help=True, help="The store's database schema.")


def init(
    ctx: typer.Context,
    store_url: str = typer.Option("sqlite:///ml-connector.db", help="Database URL for the store."),
    key_file: str = typer.Option("ml-connector.key", help="Where to write the vault key (mode 0600)."),
) -> None:
    """Make a config skeleton, a vault key and the store's schema here.

    Checks first and writes last: a store that cannot be opened, or a missing key while the store holds
    secrets, stops it before any file is written."""
    app: AppContext = ctx.obj
    path = config_module.config_path(app.config_file)
    exists = path.exists()
    if exists:
        cfg = app.config()
        store_at, key_path = cfg.store_url, cfg.resolve(cfg.vault.key_file)
        _refuse_other_settings(ctx, path, store_url, key_file, store_at, key_path)
    else:
        store_at = config_module.resolve_sqlite_url(store_url, path.parent)
        key_path = Path(key_file).expanduser()
        key_path = key_path if key_path.is_absolute() else path.parent / key_path
    store = Store(store_at)
    try:
        store.check()
        held = stored_credentials(store)
    finally:
        store.dispose()
    if not key_path.exists() and not os.environ.get(KEY_ENV) and held:
        raise VaultError(
            f"the store holds the credentials of {held} connection(s), and their vault key {key_path} is missing",
            hint=f"Restore {key_path.name} from its backup (or set {KEY_ENV}); a new key could not read them. If "
            "the key is truly lost, remove each connection (`ml-connector connection remove NAME`) and add it "
            "again after `init`.",
        )
    if exists:
        typer.echo(f"kept the existing configuration {path}")
    else:
        path.write_text(config_module.skeleton(store_url, key_file), encoding="utf-8")
        typer.echo(f"wrote {path}")
    if key_path.exists():
        typer.echo(f"kept the existing vault key {key_path}")
    elif os.environ.get(KEY_ENV):
        typer.echo(f"{KEY_ENV} is set: no key file written")
    else:
        new_key_file(key_path)
        typer.echo(f"wrote the vault key {key_path} (mode 0600; back it up: stored secrets need it)")
    revision = upgrade(app.store(migrated=False))
    typer.echo(f"store {app.store(migrated=False).describe()} at schema {revision}")


def _refuse_other_settings(
    ctx: typer.Context, path: Path, store_url: str, key_file: str, store_at: str, key_path: Path
) -> None:
    """`--store-url` / `--key-file` given for a folder whose configuration names another store or key: init
    never rewrites an existing configuration, so say so (and what to do) before anything is touched."""

    def given(name: str) -> bool:
        source = ctx.get_parameter_source(name)  # Typer's own copy of Click's enum: compared by name
        return source is not None and source.name == "COMMANDLINE"

    wanted = config_module.resolve_sqlite_url(store_url, path.parent)
    if given("store_url") and wanted != store_at:
        raise ConfigurationError(
            f"{path} already exists and uses the store {shown_url(store_at)}; init keeps an existing "
            f"configuration, so --store-url {shown_url(wanted)} was not applied and nothing was changed",
            hint=f"To move to that store, set `url` under [store] in {path.name} (or ML_CONNECTOR_STORE_URL) and "
            "run `ml-connector db upgrade`; to set up a separate configuration, run "
            "`ml-connector --config NEW.toml init --store-url ...`.",
        )
    wanted_key = Path(key_file).expanduser()
    wanted_key = wanted_key if wanted_key.is_absolute() else path.parent / wanted_key
    if given("key_file") and wanted_key.resolve() != key_path.resolve():
        raise ConfigurationError(
            f"{path} already exists and keeps its vault key in {key_path}; init keeps an existing "
            f"configuration, so --key-file {wanted_key} was not applied and nothing was changed",
            hint=f"To move the key, move the file and set `key_file` under [vault] in {path.name} (the stored "
            "credentials need that same key); to set up a separate configuration, run "
            "`ml-connector --config NEW.toml init --key-file ...`.",
        )


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or migrate the store's tables (and, on PostgreSQL, the work queue's)."""
    app: AppContext = ctx.obj
    store = app.store(migrated=False)
    revision = upgrade(store)
    typer.echo(f"store {store.describe()} at schema {revision}")
    queue = upgrade_queue_schema(store)
    if queue:
        typer.echo(queue)
