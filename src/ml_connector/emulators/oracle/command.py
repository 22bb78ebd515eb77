"""`ml-connector emulate oracle`: serve the Oracle Fusion emulator in the foreground."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ml_connector.emulators.common import serve_forever
from ml_connector.emulators.common.conformance import listing
from ml_connector.emulators.oracle import behaviours as behaviours_module
from ml_connector.emulators.oracle.app import build_emulator
from ml_connector.emulators.oracle.behaviours import BEHAVIOURS
from ml_connector.emulators.oracle.tokens import Credentials
from ml_connector.emulators.oracle.volume import add_lines
from ml_connector.serving import usable_port

_DEFAULT = Credentials()


def register(app: typer.Typer) -> None:
    """Add the `oracle` command to the `emulate` group."""

    @app.command("oracle")
    def oracle(
        host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
        port: int = typer.Option(8300, help="Port to listen on."),
        client_id: str = typer.Option(_DEFAULT.client_id, help="OAuth client id of the confidential app."),
        client_secret: str = typer.Option(_DEFAULT.client_secret, help="OAuth client secret."),
        user: str = typer.Option(_DEFAULT.user, help="Fusion user for Basic auth and JWT assertions."),
        password: str = typer.Option(_DEFAULT.password, help="Password of that user."),
        token_ttl: int = typer.Option(3600, help="Access token lifetime in seconds (expires_in)."),
        ess_seconds: float = typer.Option(0.5, help="How long an ESS job (journal import) stays RUNNING."),
        extra_lines: int = typer.Option(0, min=0, help="Posted journal lines to add to the seed (volume tests)."),
        seed: int = typer.Option(0, help="Random seed for --extra-lines: the same seed gives the same lines."),
        list_behaviours: bool = typer.Option(
            False, "--list-behaviours", help="Print the behaviours checked, their sources and assumptions; exit."
        ),
    ) -> None:
        """Run the Oracle Fusion Cloud ERP emulator (seeded with Acme Components Europe)."""
        if list_behaviours:
            typer.echo(listing("oracle", BEHAVIOURS, Path(behaviours_module.__file__).parent))
            return
        creds = Credentials(client_id, client_secret, user, password, _DEFAULT.instance_id)
        port = usable_port(host, port)  # 0: any free port, named in the JSON line
        emulator = build_emulator(creds, token_ttl, ess_seconds)
        if extra_lines:
            add_lines(emulator.backend, extra_lines, seed)
        base = f"http://{host}:{port}"
        facts = {
            "system": "oracle",
            "base_url": base,
            "rest_url": f"{base}/fscmRestApi/resources/11.13.18.05",
            "token_url": f"{base}/oauth2/v1/token",
            "scope": creds.scope,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "user": creds.user,
            "password": creds.password,
            "token_ttl": token_ttl,
            "admin_url": f"{base}/_emulator",
            "extra_lines": extra_lines,
        }
        typer.echo(json.dumps(facts), nl=True)
        serve_forever(emulator.asgi, host, port)
