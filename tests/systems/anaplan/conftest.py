from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.emulators.anaplan import AnaplanEmulator, build_app
from ml_connector.emulators.common import RunningServer, start_in_thread
from ml_connector.systems.anaplan import AnaplanClient, AnaplanSettings
from ml_connector.systems.anaplan.auth import KeptTokens

# The connection's retry options, short: the emulator answers at once.
FAST_RETRY = {"retry_max_wait_seconds": 0.05, "retry_after_max_seconds": 0.2, "retry_deadline_seconds": 30.0}


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AnaplanEmulator, RunningServer, dict[str, Any]]]:
    emulator = build_app(task_seconds=0.05)
    server = start_in_thread(emulator)
    facts = emulator.facts(server.url, cert_dir=tmp_path_factory.mktemp("certs"))
    yield emulator, server, facts
    server.stop()


@pytest.fixture()
def facts(served: tuple[AnaplanEmulator, RunningServer, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    emulator, server, facts = served
    with httpx.Client(base_url=server.url) as c:
        c.post("/_emulator/reset").raise_for_status()
    yield facts
    emulator.backend.wait_idle()


@pytest.fixture()
def admin(
    served: tuple[AnaplanEmulator, RunningServer, dict[str, Any]], facts: dict[str, Any]
) -> Iterator[httpx.Client]:
    """Plain HTTP to the emulator's `/_emulator/` admin API."""
    with httpx.Client(base_url=f"{served[1].url}/_emulator", timeout=10) as c:
        yield c


def base_settings(facts: dict[str, Any], **overrides: Any) -> AnaplanSettings:
    data: dict[str, Any] = {
        "auth_url": facts["auth_url"],
        "api_url": facts["api_url"],
        "oauth_url": facts["oauth_url"],
        "auth": "basic",
        "user": facts["user"],
        "password": facts["password"],
        "workspace": facts["workspace"],
        "model": facts["model"],
        "requests_per_minute": 60_000,
        "poll_initial_seconds": 0.02,
        "poll_max_seconds": 0.1,
        "task_timeout_seconds": 20,
        "chunk_size_mb": 1,
        "allow_any_url": True,
        **FAST_RETRY,
        **overrides,
    }
    return AnaplanSettings.parse(data)


@pytest.fixture()
def kept() -> Iterator[KeptTokens]:
    """The test's kept tokens (as one composition root holds them): each test starts without one."""
    tokens = KeptTokens()
    yield tokens
    tokens.close()


@pytest.fixture()
def make_client(facts: dict[str, Any], kept: KeptTokens) -> Iterator[Callable[..., AnaplanClient]]:
    made: list[AnaplanClient] = []

    def make(**overrides: Any) -> AnaplanClient:
        client = AnaplanClient(base_settings(facts, **overrides), kept_tokens=kept)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture()
def client(make_client: Callable[..., AnaplanClient]) -> AnaplanClient:
    return make_client()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
