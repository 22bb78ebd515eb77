"""`ml-connector emulate anaplan`: serve the Anaplan emulator in the foreground."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ml_connector.emulators.anaplan import behaviours as behaviours_module
from ml_connector.emulators.anaplan.app import DEFAULT_PASSWORD, DEFAULT_USER, build_app
from ml_connector.emulators.anaplan.auth import DEFAULT_TOKEN_TTL
from ml_connector.emulators.anaplan.behaviours import BEHAVIOURS
from ml_connector.emulators.anaplan.models import DEFAULT_TASK_SECONDS
from ml_connector.emulators.anaplan.volume import add_lines
from ml_connector.emulators.common import serve_forever
from ml_connector.emulators.common.conformance import listing
from ml_connector.serving import usable_port


def register(app: typer.Typer) -> None:
    """Add the `anaplan` command to the `emulate` group."""

    @app.command("anaplan")
    def anaplan(
        host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8081,
        definition: Annotated[
            Path | None, typer.Option(help="Model definition file (YAML/JSON); default: the seeded FP&A.")
        ] = None,
        user: Annotated[str, typer.Option(help="Basic-auth user.")] = DEFAULT_USER,
        password: Annotated[str, typer.Option(help="Basic-auth password.")] = DEFAULT_PASSWORD,
        token_ttl: Annotated[float, typer.Option(help="Token lifetime, seconds (Anaplan: 2100).")] = DEFAULT_TOKEN_TTL,
        task_seconds: Annotated[float, typer.Option(help="How long each bulk task runs.")] = DEFAULT_TASK_SECONDS,
        cert_out: Annotated[
            Path | None, typer.Option(help="Directory for the CA certificate and private key (certificate auth).")
        ] = None,
        extra_lines: Annotated[
            int, typer.Option(min=0, help="Actuals cells to add to the first model (large-volume reads, exports).")
        ] = 0,
        seed: Annotated[
            int, typer.Option(help="Random seed for --extra-lines: the same seed gives the same cells.")
        ] = 0,
        list_behaviours: Annotated[
            bool,
            typer.Option(
                "--list-behaviours", help="Print the behaviours checked, their sources and assumptions; exit."
            ),
        ] = False,
    ) -> None:
        """Serve Anaplan's auth, OAuth and Integration APIs on one base URL; prints one JSON line first."""
        if list_behaviours:
            typer.echo(listing("anaplan", BEHAVIOURS, Path(behaviours_module.__file__).parent))
            return
        emulator = build_app(
            definition=definition, user=user, password=password, token_ttl=token_ttl, task_seconds=task_seconds
        )
        if extra_lines:
            try:
                add_lines(emulator.backend, extra_lines, seed)
            except ValueError as exc:
                raise typer.BadParameter(str(exc), param_hint="--extra-lines") from None
        port = usable_port(host, port)  # 0: any free port, named in the JSON line
        typer.echo(json.dumps(emulator.facts(f"http://{host}:{port}", cert_out) | {"extra_lines": extra_lines}))
        serve_forever(emulator, host, port)
