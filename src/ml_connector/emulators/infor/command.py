"""`ml-connector emulate infor`: serve the Infor emulator in the foreground and write a matching `.ionapi`."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from ml_connector.emulators.common import serve_forever
from ml_connector.emulators.common.conformance import listing
from ml_connector.emulators.infor import behaviours as behaviours_module
from ml_connector.emulators.infor.app import build_app, write_ionapi
from ml_connector.emulators.infor.behaviours import BEHAVIOURS
from ml_connector.emulators.infor.tokens import Credentials
from ml_connector.emulators.infor.volume import add_lines
from ml_connector.serving import usable_port

_DEFAULTS = Credentials()


def register(app: typer.Typer) -> None:
    """Add the `infor` command to the `emulate` group."""

    @app.command("infor")
    def infor(
        host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on (0 = a free one).")] = 0,
        ionapi_out: Annotated[
            Path | None, typer.Option("--ionapi-out", help="Where to write the .ionapi file.")
        ] = None,
        token_ttl: Annotated[
            int, typer.Option(min=1, help="Access-token lifetime in seconds (default 2 hours).")
        ] = 7200,
        logins_per_minute: Annotated[int, typer.Option(min=1, help="Service-account logins allowed per minute.")] = 20,
        refresh_tokens: Annotated[
            bool, typer.Option("--refresh-tokens/--no-refresh-tokens", help="Issue refresh tokens.")
        ] = True,
        tenant: Annotated[str, typer.Option(help="Tenant id (ti).")] = _DEFAULTS.tenant,
        client_id: Annotated[str, typer.Option(help="Client id (ci).")] = _DEFAULTS.client_id,
        client_secret: Annotated[str, typer.Option(help="Client secret (cs).")] = _DEFAULTS.client_secret,
        service_key: Annotated[str, typer.Option(help="Service account access key (saak).")] = _DEFAULTS.service_key,
        service_secret: Annotated[
            str, typer.Option(help="Service account secret key (sask).")
        ] = _DEFAULTS.service_secret,
        extra_lines: Annotated[int, typer.Option(min=0, help="Posted GL lines to add to the seed (volume tests).")] = 0,
        seed: Annotated[
            int, typer.Option(help="Random seed for --extra-lines: the same seed gives the same lines.")
        ] = 0,
        list_behaviours: Annotated[
            bool,
            typer.Option(
                "--list-behaviours", help="Print the behaviours checked, their sources and assumptions; exit."
            ),
        ] = False,
    ) -> None:
        """Run the Infor ION API gateway emulator (M3, CSI, FSM) with the seeded Acme Components company."""
        if list_behaviours:
            typer.echo(listing("infor", BEHAVIOURS, Path(behaviours_module.__file__).parent))
            return
        creds = Credentials(
            tenant=tenant,
            client_name=f"ML_CONNECTOR_{tenant}",
            client_id=client_id,
            client_secret=client_secret,
            service_key=service_key,
            service_secret=service_secret,
        )
        port = usable_port(host, port)
        iu = f"http://{host}:{port}"
        path = ionapi_out or Path(tempfile.gettempdir()) / f"ml-connector-infor-{port}.ionapi"
        write_ionapi(path, iu, creds)
        app_ = build_app(
            creds, token_ttl=token_ttl, logins_per_minute=logins_per_minute, issue_refresh_tokens=refresh_tokens
        )
        if extra_lines:
            add_lines(app_.backend, extra_lines, seed)
        facts = {
            "system": "infor",
            "base_url": f"{iu}/{tenant}",
            "iu": iu,
            "ti": tenant,
            "token_url": f"{iu}/{tenant}/as/token.oauth2",
            "revoke_url": f"{iu}/{tenant}/as/revoke_token.oauth2",
            "ionapi": str(path.resolve()),
            "client_id": client_id,
            "client_secret": client_secret,
            "saak": service_key,
            "sask": service_secret,
            "admin_url": f"{iu}/_emulator",
            "extra_lines": extra_lines,
            "mongoose_configs": [tenant] + [f"{tenant}_{d}" for d in app_.backend.division_codes()],
        }
        typer.echo(json.dumps(facts), nl=True)
        serve_forever(app_, host, port)
