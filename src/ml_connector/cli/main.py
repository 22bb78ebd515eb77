"""The `ml-connector` command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ml_connector import __version__, logs
from ml_connector.cli import connection, demo, emulate, flows, mapping, serve, setup, systems, users, workers
from ml_connector.cli.context import AppContext
from ml_connector.cli.errors import ConnectorGroup


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


app = typer.Typer(
    cls=ConnectorGroup,
    no_args_is_help=True,
    help="Moves finance data between ERPs (Infor, Oracle) and Anaplan.",
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ml-connector {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    config: Path | None = typer.Option(
        None, "--config", "-c", help="The TOML file (default ml-connector.toml, or $ML_CONNECTOR_CONFIG)."
    ),
    log_level: LogLevel = typer.Option(
        LogLevel.WARNING, "--log-level", case_sensitive=False, help="Log level of the JSON logs on stderr."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """ml-connector: ERP actuals into Anaplan, approved plans back into the ERP."""
    app_ctx = AppContext(config_file=config)
    logs.configure(log_level.value, redact=app_ctx.redact)
    ctx.obj = app_ctx
    ctx.call_on_close(app_ctx.close)


app.command("init")(setup.init)
app.add_typer(setup.db_app, name="db")
app.add_typer(connection.app, name="connection")
app.add_typer(emulate.app, name="emulate")
app.add_typer(mapping.app, name="mapping")
app.add_typer(users.app, name="user")
app.command("ping")(systems.ping)
app.command("discover")(systems.discover)
app.command("run")(flows.run)
app.command("runs")(flows.runs)
app.command("audit")(flows.audit)
app.command("replay")(flows.replay)
app.command("reconcile")(flows.reconcile_command)
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.command("worker")(workers.worker)
app.command("enqueue")(workers.enqueue)
