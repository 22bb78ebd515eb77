"""The `ml-connector` command line."""

from __future__ import annotations

import typer

from ml_connector import __version__
from ml_connector.cli import emulate

app = typer.Typer(no_args_is_help=True, help="Moves finance data between ERPs and Anaplan.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ml-connector {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """ml-connector: ERP actuals into Anaplan, approved plans back into the ERP."""


app.add_typer(emulate.app, name="emulate")
