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
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from ml_connector import config as config_module
from ml_connector.cli.context import AppContext
from ml_connector.cli.display import plain
from ml_connector.config import SYSTEMS
from ml_connector.connections import checked_options
from ml_connector.errors import ConfigurationError
from ml_connector.systems.infor import IonApiCredentials

app = typer.Typer(no_args_is_help=True, help="Connections to Anaplan, Infor and Oracle.")
PRODUCTS = ("m3", "csi", "fsm")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def parse_options(system: str, pairs: list[str], given: dict[str, str] | None = None) -> dict[str, Any]:
    """The `--set KEY=VALUE` pairs (after `given`), each checked against the `system` connection's
    settings and typed as its field is; every problem refused at once, before anything is written."""
    options: dict[str, str] = dict(given or {})
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(f"--set {pair!r} is not KEY=VALUE", hint="Write e.g. --set api_url=https://...")
        options[key.strip()] = value.strip()
    values, problems = checked_options(system, options)
    if problems:
        raise ConfigurationError(
            f"--set for the {system} connection: " + "; ".join(problems) + "; nothing was stored",
            hint="Correct the values (see the README's Configuration section) and run the command again.",
        )
    return values


SECRET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def check_secret_names(names: list[str]) -> None:
    """`--secret` takes a name; a value typed there is refused without being repeated anywhere."""
    for position, name in enumerate(names, start=1):
        if "=" in name:
            raise ConfigurationError(
                f"--secret number {position} holds '=': --secret takes only the secret's NAME (e.g. --secret "
                "password), never its value; nothing was stored and the value is not shown",
                hint="Run it again with --secret NAME and give the value at the prompt, on standard input "
                "(NAME=value) or in ML_CONNECTOR_SECRET_<NAME>. A value typed on a command line can be in your "
                "shell history: change that password if others can read it.",
            )
        if not SECRET_NAME.match(name):
            raise ConfigurationError(
                f"--secret number {position} is not a secret name (letters, digits and '_', up to 64)",
                hint="Name the secret as the system's settings do, e.g. password or client_secret.",
            )


def read_secrets(names: list[str]) -> dict[str, str]:
    """Each named secret from the environment, stdin (NAME=value lines) or a hidden prompt."""
    check_secret_names(names)
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
    options = parse_options(system, set_)
    expiry = _date(expires_on)
    cfg = app_ctx.config()
    existing = cfg.connections.get(name)
    if existing is not None and existing.system != system:
        raise ConfigurationError(
            f"connection {name!r} is {existing.system} in {cfg.path}, not {system}; nothing was stored",
            hint=f"Give --system {existing.system} to store its secrets again, or choose another name.",
        )
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
    if product not in PRODUCTS:
        raise ConfigurationError(
            f"--product {product!r} is not an Infor product line ml-connector reads",
            hint=f"Use one of: {', '.join(PRODUCTS)} (M3, CloudSuite Industrial / SyteLine, CloudSuite Financials).",
        )
    credentials = IonApiCredentials.from_file(file)
    cfg = app_ctx.config()
    options = parse_options("infor", set_, {"product": product})
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
            plain(name),
            section.system,
            plain(settings),
            "stored" if name in stored else "missing",
            expiry.date().isoformat() if expiry else "",
        )
    Console(width=160, emoji=False, highlight=False).print(table)


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    force: bool = typer.Option(False, "--force", help="Remove it even though flows use it."),
) -> None:
    """Remove a connection's table (and its sub-tables) from the config file and its secrets from the vault."""
    app_ctx: AppContext = ctx.obj
    cfg = app_ctx.config()
    cfg.connection(name)
    users = sorted(f for f, flow in cfg.flows.items() if name in (flow.source, flow.target))
    if users and not force:
        raise ConfigurationError(
            f"connection {name!r} is used by {len(users)} flow(s): {', '.join(users)}; nothing was removed",
            hint="Point those flows at another connection (or remove them) first, or give --force.",
        )
    removed_secrets = app_ctx.vault().remove(name)
    text = cfg.path.read_text(encoding="utf-8")
    kept: list[str] = []
    skipping = False
    own = (f"connections.{name}", f'connections."{name}"')
    for line in text.splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            table = header.strip("[]").strip()
            skipping = any(table == t or table.startswith(t + ".") for t in own)
        if not skipping:
            kept.append(line)
    cfg.path.write_text("".join(kept), encoding="utf-8")
    typer.echo(f"connection {name} removed{' with its secrets' if removed_secrets else ''}")
