"""`ml-connector user add|remove|list`: who may sign in to the web console that `serve` runs.

The password is read from standard input when it is not a terminal (one line), or prompted for twice
without echo; only its argon2 hash reaches the store."""

from __future__ import annotations

import sys

import typer

from ml_connector.accounts import Accounts, Role
from ml_connector.cli.context import AppContext
from ml_connector.errors import ConfigurationError

app = typer.Typer(no_args_is_help=True, help="Users of the web console.")


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The user name to sign in with."),
    role: Role = typer.Option(Role.VIEWER, "--role", help="viewer reads; operator also fixes mappings and replays."),
) -> None:
    """Add a console user, or set a user's new password and role (which also lifts a lock-out)."""
    app_ctx: AppContext = ctx.obj
    password = _password()
    if not password:
        raise ConfigurationError("the password is empty", hint="Type the password, or pipe it on standard input.")
    created = Accounts(app_ctx.store()).add(name, password, role)
    typer.echo(f"user {name} ({role.value}) {'added' if created else 'updated'}")


@app.command("remove")
def remove(ctx: typer.Context, name: str = typer.Argument(..., help="The user to remove.")) -> None:
    """Remove a console user; its open sessions end at their next request."""
    app_ctx: AppContext = ctx.obj
    if not Accounts(app_ctx.store()).remove(name):
        raise ConfigurationError(f"no console user {name!r}", hint="`ml-connector user list` shows the users.")
    typer.echo(f"user {name} removed")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the console users and their roles."""
    app_ctx: AppContext = ctx.obj
    for name, role in Accounts(app_ctx.store()).list():
        typer.echo(f"{name}\t{role}")
