"""`ml-connector emulate SYSTEM`: run one of the bundled emulators in the foreground.

Each emulator package registers its own command through `register(app)` in its `command` module.
That module is imported only when its command is asked for (click's lazily loaded subcommands):
the emulators are web applications, and no other `ml-connector` command should pay for loading
them, in start-up time or in memory.
"""

from __future__ import annotations

import importlib

import typer
from typer.core import TyperCommand, TyperGroup

# The command name and the module whose `register(app)` adds it.
_EMULATORS = {
    "anaplan": "ml_connector.emulators.anaplan.command",
    "infor": "ml_connector.emulators.infor.command",
    "oracle": "ml_connector.emulators.oracle.command",
}


class EmulatorGroup(TyperGroup):
    """The `emulate` group: its commands are loaded on first use."""

    # typer.Context: Typer carries its own copy of Click, whose Context it does not export.
    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(_EMULATORS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | None:  # type: ignore[override]
        module = _EMULATORS.get(cmd_name)
        if module is None:
            return None
        one = typer.Typer()
        importlib.import_module(module).register(one)
        command = typer.main.get_command(one)  # a Typer of one command is that command
        if not isinstance(command, TyperCommand):  # pragma: no cover - register() adds exactly one command
            raise TypeError(f"{module}.register added more than one command")
        return command


app = typer.Typer(cls=EmulatorGroup, no_args_is_help=True, help="Run a local emulator of Anaplan, Infor or Oracle.")
