from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from ml_connector.emulators.common import RunningServer, start_in_thread
from ml_connector.emulators.oracle import build_app

CLIENT_ID, CLIENT_SECRET = "acme-eu-integration", "acme-eu-client-secret"
USER, PASSWORD = "ACME.INTEGRATION", "Welcome1!"
SCOPE = "urn:opc:resource:fa:instanceid=300000001234567urn:opc:resource:consumer::all"
REST = "/fscmRestApi/resources/11.13.18.05"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture(scope="package")
def server() -> Iterator[RunningServer]:
    running = start_in_thread(build_app())
    yield running
    running.stop()


@pytest.fixture()
def raw(server: RunningServer) -> Iterator[httpx.Client]:
    """A client with no credentials; the emulator is reset before each test."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.post("/_emulator/reset").raise_for_status()
        yield client


@pytest.fixture()
def api(raw: httpx.Client) -> httpx.Client:
    """A client that authenticates with Basic auth as the seeded Fusion user."""
    raw.headers["Authorization"] = basic(USER, PASSWORD)
    return raw
