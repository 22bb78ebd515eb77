"""`ml-connector connection add|list|remove`: endpoints go to the TOML file, secrets to the vault.

Secrets are never taken from the command line (argv is visible to every user of the machine): each
`--secret NAME` is read from the environment (`ML_CONNECTOR_SECRET_<NAME>`), from standard input
(`NAME=value` lines) when it is not a terminal, or prompted for without echo.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ml_connector import config as config_module
from ml_connector.cli.context import AppContext
from ml_connector.config import SYSTEMS
from ml_connector.errors import ConfigurationError
from ml_connector.systems.infor import IonApiCredentials

app = typer.Typer(no_args_is_help=True, help="Connections to Anaplan, Infor and Oracle.")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def parse_options(pairs: list[str]) -> dict[str, str | int | bool]:
    options: dict[str, str | int | bool] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(f"--set {pair!r} is not KEY=VALUE", hint="Write e.g. --set api_url=https://...")
        options[key.strip()] = _typed(value.strip())
    return options


def _typed(value: str) -> str | int | bool:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value.isdigit():
        return int(value)
    return value


def read_secrets(names: list[str]) -> dict[str, str]:
    """Each named secret from the environment, stdin (NAME=value lines) or a hidden prompt."""
    secrets: dict[str, str] = {}
    piped: dict[str, str] = {}
    if names and not sys.stdin.isatty():
        for line in sys.stdin.read().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                piped[key.strip()] = value.strip()
    for name in names:
        value = os.environ.get(f"ML_CONNECTOR_SECRET_{name.upper()}") or piped.get(name)
        if value is None:
            if not sys.stdin.isatty():
                raise ConfigurationError(
                    f"secret {name!r} was not given",
                    hint=f"Pipe '{name}=...' on standard input or set ML_CONNECTOR_SECRET_{name.upper()}.",
                )
            value = typer.prompt(name, hide_input=True)
        if not value:
            raise ConfigurationError(f"secret {name!r} is empty", hint="Give the secret's value.")
        secrets[name] = value
    return secrets


def read_secret_files(pairs: list[str]) -> dict[str, str]:
    """NAME=PATH pairs: each file's content (a PEM key, a certificate) becomes a secret."""
    secrets: dict[str, str] = {}
    for pair in pairs:
        name, sep, path = pair.partition("=")
        file = Path(path.strip()).expanduser()
        if not sep or not name.strip():
            raise ConfigurationError(
                f"--secret-file {pair!r} is not NAME=PATH", hint="Write e.g. private_key_pem=key.pem"
            )
        if not file.is_file():
            raise ConfigurationError(f"--secret-file {name}: no file at {file}", hint="Give the path of the file.")
        secrets[name.strip()] = file.read_text(encoding="utf-8")
    return secrets


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The connection's name, used by flows."),
    system: str = typer.Option(..., help="anaplan, infor or oracle."),
    set_: list[str] = typer.Option([], "--set", help="A non-secret setting KEY=VALUE (repeatable)."),
    secret: list[str] = typer.Option([], "--secret", help="The NAME of a secret to store (repeatable)."),
    secret_file: list[str] = typer.Option(
        [], "--secret-file", help="NAME=PATH: store a file's content as a secret, e.g. private_key_pem=key.pem."
    ),
    expires_on: str | None = typer.Option(None, help="When the credential expires (YYYY-MM-DD), for alerts."),
) -> None:
    """Add a connection: settings to the config file, secrets (prompted, piped or from files) to the vault."""
    app_ctx: AppContext = ctx.obj
    if not NAME_PATTERN.match(name):
        raise ConfigurationError(
            f"connection name {name!r} is not allowed", hint="Use letters, digits, '-' and '_' (up to 100)."
        )
    if system not in SYSTEMS:
        raise ConfigurationError(f"unknown system {system!r}", hint=f"Use one of: {', '.join(SYSTEMS)}.")
    options = parse_options(set_)
    expiry = _date(expires_on)
    cfg = app_ctx.config()
    secrets = {**read_secrets(secret), **read_secret_files(secret_file)}
    if name not in cfg.connections:
        config_module.append_connection(cfg.path, name, system, options)
    elif options:
        raise ConfigurationError(
            f"connection {name!r} is already in {cfg.path}",
            hint="Edit its settings in the file; `connection add` without --set only (re)stores its secrets.",
        )
    if secrets:
        app_ctx.vault().put(name, system, secrets, expires_on=expiry)
    typer.echo(f"connection {name} ({system}) saved; {len(secrets)} secret(s) stored encrypted")


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ConfigurationError(f"--expires-on {value!r} is not a date", hint="Write YYYY-MM-DD.") from None


@app.command("import-ionapi")
def import_ionapi(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The connection's name."),
    file: Path = typer.Argument(..., help="The .ionapi file downloaded from Infor ION API."),
    product: str = typer.Option("m3", help="m3, csi or fsm."),
    set_: list[str] = typer.Option([], "--set", help="A non-secret setting KEY=VALUE (repeatable)."),
    expires_on: str | None = typer.Option(None, help="When the client secret expires (YYYY-MM-DD), for alerts."),
) -> None:
    """Store an Infor `.ionapi` file in the vault (its secrets never land anywhere in plain text)."""
    app_ctx: AppContext = ctx.obj
    credentials = IonApiCredentials.from_file(file)
    cfg = app_ctx.config()
    options = {"product": product, **parse_options(set_)}
    if name not in cfg.connections:
        config_module.append_connection(cfg.path, name, "infor", options)
    app_ctx.vault().put(name, "infor", credentials.to_vault(), expires_on=_date(expires_on))
    typer.echo(
        f"connection {name} (infor {product}, tenant {credentials.tenant}) saved; the .ionapi secrets are in the vault"
    )
    typer.echo(f"you may now delete {file}: ml-connector no longer needs it")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List connections, their system and whether their secrets are stored."""
    app_ctx: AppContext = ctx.obj
    cfg = app_ctx.config()
    stored = {name: expires for name, _system, expires in app_ctx.vault().entries()}
    table = Table("name", "system", "settings", "secrets", "expires")
    for name, section in sorted(cfg.connections.items()):
        settings = ", ".join(f"{k}={v}" for k, v in section.options().items())
        expiry = stored.get(name)
        table.add_row(
            name,
            section.system,
            settings,
            "stored" if name in stored else "missing",
            expiry.date().isoformat() if expiry else "",
        )
    Console(width=160).print(table)


@app.command("remove")
def remove(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """Remove a connection's table from the config file and its secrets from the vault."""
    app_ctx: AppContext = ctx.obj
    cfg = app_ctx.config()
    cfg.connection(name)
    removed_secrets = app_ctx.vault().remove(name)
    text = cfg.path.read_text(encoding="utf-8")
    kept: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            skipping = header in (f"[connections.{name}]", f'[connections."{name}"]')
        if not skipping:
            kept.append(line)
    cfg.path.write_text("".join(kept), encoding="utf-8")
    typer.echo(f"connection {name} removed{' with its secrets' if removed_secrets else ''}")
