"""`ml-connector emulate SYSTEM`: run one of the bundled emulators in the foreground.

Each emulator package registers its own command here through `register(app)`.
"""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Run a local emulator of Anaplan, Infor or Oracle.")

from ml_connector.emulators.anaplan.command import register as register_anaplan  # noqa: E402

register_anaplan(app)

from ml_connector.emulators.infor.command import register as register_infor  # noqa: E402

register_infor(app)

from ml_connector.emulators.oracle.command import register as register_oracle  # noqa: E402

register_oracle(app)
