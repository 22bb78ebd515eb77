from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from ml_connector.emulators.common import RunningServer, start_in_thread
from ml_connector.emulators.oracle import build_app
from ml_connector.http import BudgetRegistry
from ml_connector.systems.oracle import OracleClient, OracleSettings

CLIENT_ID, CLIENT_SECRET = "acme-eu-integration", "acme-eu-client-secret"
USER, PASSWORD = "ACME.INTEGRATION", "Welcome1!"
SCOPE = "urn:opc:resource:fa:instanceid=300000001234567urn:opc:resource:consumer::all"
# The connection's retry options, short: the emulator answers at once.
FAST_RETRY = {
    "retry_attempts": 7,
    "retry_max_wait_seconds": 0.05,
    "retry_after_max_seconds": 0.2,
    "retry_deadline_seconds": 30.0,
}


@pytest.fixture(scope="package")
def server() -> Iterator[RunningServer]:
    running = start_in_thread(build_app(token_ttl=3, ess_seconds=0.2))
    yield running
    running.stop()


@pytest.fixture()
def admin(server: RunningServer) -> Iterator[httpx.Client]:
    """The emulator's admin API; the emulator is reset before each test."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.post("/_emulator/reset").raise_for_status()
        yield client
        client.put("/_emulator/faults", json={}).raise_for_status()


def settings_for(server: RunningServer, **overrides: Any) -> OracleSettings:
    data: dict[str, Any] = {
        "pod_url": server.url,
        "allow_any_url": True,
        "auth": "oauth",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "token_url": f"{server.url}/oauth2/v1/token",
        "scope": SCOPE,
        "ledger_name": "Acme EU Ledger",
        "requests_per_minute": 100_000,
        "fixed_segments": {1: "300"},
        "ess_poll_seconds": 0.05,
        "ess_timeout_seconds": 10,
        **FAST_RETRY,
    }
    data.update(overrides)
    return OracleSettings.parse(data)


@pytest.fixture()
def make_client(server: RunningServer, admin: httpx.Client) -> Iterator[Callable[..., OracleClient]]:
    made: list[OracleClient] = []
    budgets = BudgetRegistry()  # the test's, as one composition root holds them

    def make(**overrides: Any) -> OracleClient:
        client = OracleClient(settings_for(server, **overrides), budgets=budgets)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture()
def oracle(make_client: Callable[..., OracleClient]) -> OracleClient:
    return make_client()
