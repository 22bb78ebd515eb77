from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.emulators.common import RunningServer, start_in_thread
from ml_connector.emulators.infor.app import InforApp, build_app, write_ionapi
from ml_connector.http import RetrySettings
from ml_connector.systems.infor import InforClient, InforSettings, IonApiCredentials

# The connection's retry options, short: the emulator answers at once.
FAST_RETRY = {"retry_max_wait_seconds": 0.05, "retry_after_max_seconds": 0.2, "retry_deadline_seconds": 20.0}
# The same patience for sessions a test builds by hand.
FAST = RetrySettings.model_validate(FAST_RETRY).retry_policy


class Emulator:
    """A running Infor emulator with its admin API."""

    def __init__(self, server: RunningServer, app: InforApp, ionapi: Path) -> None:
        self.server = server
        self.app = app
        self.ionapi = ionapi
        self.admin = httpx.Client(base_url=f"{server.url}/_emulator", timeout=10)
        self.clients: list[InforClient] = []

    def put(self, path: str, body: dict[str, Any]) -> None:
        self.admin.put(path, json=body).raise_for_status()

    def post(self, path: str) -> None:
        self.admin.post(path).raise_for_status()

    def stats(self) -> dict[str, Any]:
        body: dict[str, Any] = self.admin.get("stats").json()
        return body

    def journals(self) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = self.admin.get("journals").json()
        return body

    def settings(self, product: str, **extra: Any) -> InforSettings:
        base: dict[str, Any] = {"company": "100", "divisions": ("US1", "MX1", "US2")}
        if product == "csi":
            base = {"mongoose_config": "ACME_TST_US1", "csi_site": "US1"}
        if product == "fsm":
            base = {"company": "100"}
        values: dict[str, Any] = {
            "credentials": IonApiCredentials.from_file(self.ionapi),
            "product": product,
            "allow_any_url": True,
            "history_from": "2025-01-01",
            "page_size": 200,
            "requests_per_minute": 100_000,
            **FAST_RETRY,
        }
        return InforSettings(**(values | base | extra))

    def client(self, product: str, **extra: Any) -> InforClient:
        client = InforClient(self.settings(product, **extra))
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.session.close()
        self.admin.close()


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, InforApp, Path]]:
    app = build_app(gateway_timeout=1.0)
    server = start_in_thread(app)
    ionapi = write_ionapi(tmp_path_factory.mktemp("infor") / "acme.ionapi", server.url)
    yield server, app, ionapi
    server.stop()


@pytest.fixture
def emulator(emulator_server: tuple[RunningServer, InforApp, Path]) -> Iterator[Emulator]:
    server, app, ionapi = emulator_server
    emu = Emulator(server, app, ionapi)
    emu.post("reset")
    emu.put("faults", {})
    yield emu
    emu.put("faults", {})
    emu.post("reset")
    emu.close()
