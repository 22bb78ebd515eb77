"""`ml-connector ping` and `discover`: is a connection alive, and what does it hold?"""

from __future__ import annotations

import json

import typer

from ml_connector.cli.context import AppContext, flow_context
from ml_connector.pings import ping as ping_connection
from ml_connector.systems.anaplan.discovery import tree_lines


def ping(ctx: typer.Context, connection: str = typer.Argument(..., help="A connection's name.")) -> None:
    """Authenticate and read one small thing; say plainly what failed."""
    app: AppContext = ctx.obj
    section = app.config().connection(connection)
    answer = ping_connection(app.config(), flow_context(app).clients, app.store(), app.root().redactor, connection)
    typer.echo(f"{connection} ({section.system}): {answer}")


def discover(ctx: typer.Context, connection: str = typer.Argument(..., help="A connection's name.")) -> None:
    """Print what the connection can see: names and ids (Anaplan), ledgers and companies (ERPs)."""
    app: AppContext = ctx.obj
    section = app.config().connection(connection)
    clients = flow_context(app).clients
    if section.system == "anaplan":
        for line in tree_lines(clients.anaplan(connection).discover()):
            typer.echo(line)
    else:
        typer.echo(json.dumps(clients.erp(connection).discover(), indent=2, default=str))
