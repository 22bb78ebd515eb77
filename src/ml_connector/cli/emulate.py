"""`ml-connector emulate SYSTEM`: run one of the bundled emulators in the foreground.

Each emulator package registers its own command here through `register(app)`.
"""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Run a local emulator of Anaplan, Infor or Oracle.")
