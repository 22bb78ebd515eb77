from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ml_connector.emulators.common import RunningServer, start_in_thread
from ml_connector.emulators.infor.app import InforApp, build_app, write_ionapi
from ml_connector.emulators.infor.tokens import Credentials

CREDS = Credentials()
TI = CREDS.tenant


@dataclass
class Infor:
    """A running emulator plus an authenticated client on `iu/ti`."""

    server: RunningServer
    app: InforApp
    api: httpx.Client
    admin: httpx.Client

    @property
    def iu(self) -> str:
        return self.server.url

    @property
    def token_url(self) -> str:
        return f"{self.iu}/{TI}/as/token.oauth2"

    def login(self) -> str:
        r = httpx.post(
            self.token_url,
            data={
                "grant_type": "password",
                "username": CREDS.service_key,
                "password": CREDS.service_secret,
                "client_id": CREDS.client_id,
                "client_secret": CREDS.client_secret,
            },
        )
        r.raise_for_status()
        token: str = r.json()["access_token"]
        return token

    def authorize(self) -> None:
        self.api.headers["Authorization"] = f"Bearer {self.login()}"


@pytest.fixture(scope="module")
def running() -> Iterator[tuple[RunningServer, InforApp]]:
    app = build_app(gateway_timeout=1.0)
    server = start_in_thread(app)
    yield server, app
    server.stop()


@pytest.fixture()
def infor(running: tuple[RunningServer, InforApp]) -> Iterator[Infor]:
    server, app = running
    with httpx.Client(base_url=server.url, timeout=10) as admin:
        admin.post("/_emulator/reset").raise_for_status()
        with httpx.Client(base_url=f"{server.url}/{TI}", timeout=10) as api:
            emu = Infor(server, app, api, admin)
            emu.authorize()
            yield emu


@pytest.fixture()
def ionapi_file(infor: Infor, tmp_path: Path) -> Path:
    return write_ionapi(tmp_path / "acme.ionapi", infor.iu)
