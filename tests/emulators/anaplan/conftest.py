from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ml_connector.emulators.anaplan import AnaplanEmulator, build_app
from ml_connector.emulators.common import RunningServer, start_in_thread

WS = "8a81b09d5e8c6f27015ea9c4f2a4001f"
FPA = "4C2A9E7B1D5F48A3B6E0C9D8F7A61B52"
SANDBOX = "9E1B6D3F0A2C4E58B7D9F1A3C5E70D24"


@pytest.fixture(scope="session")
def served() -> Iterator[tuple[AnaplanEmulator, RunningServer]]:
    emulator = build_app(task_seconds=0.05)
    server = start_in_thread(emulator)
    yield emulator, server
    server.stop()


@pytest.fixture()
def emu(served: tuple[AnaplanEmulator, RunningServer]) -> Iterator[AnaplanEmulator]:
    emulator, server = served
    with httpx.Client(base_url=server.url) as c:
        c.post("/_emulator/reset").raise_for_status()
        c.put("/_emulator/settings", json={"task_seconds": 0.05, "token_ttl": 2100, "cell_write_limit": 100000})
    yield emulator
    emulator.backend.wait_idle()


@pytest.fixture()
def http(served: tuple[AnaplanEmulator, RunningServer], emu: AnaplanEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served[1].url, timeout=10) as c:
        yield c


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def login(http: httpx.Client, emu: AnaplanEmulator) -> dict[str, str]:
    resp = http.post("/token/authenticate", headers=basic(emu.backend.creds.user, emu.backend.creds.password))
    assert resp.status_code == 201, resp.text
    return {"Authorization": "AnaplanAuthToken " + resp.json()["tokenInfo"]["tokenValue"]}


@pytest.fixture()
def api(http: httpx.Client, emu: AnaplanEmulator) -> httpx.Client:
    """A client already logged in, with base `/2/0`-relative helpers via full paths."""
    http.headers.update(login(http, emu))
    return http


def model_path(model_id: str = FPA, workspace: bool = True) -> str:
    return f"/2/0/workspaces/{WS}/models/{model_id}" if workspace else f"/2/0/models/{model_id}"


def wait_task(api: httpx.Client, path: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        task: dict[str, Any] = api.get(path).json()["task"]
        if task["taskState"] in ("COMPLETE", "CANCELLED"):
            return task
        time.sleep(0.02)
    raise AssertionError(f"task {path} did not finish")


def run_action(
    api: httpx.Client, kind: str, object_id: str, model_id: str = FPA, workspace: bool = True
) -> dict[str, Any]:
    base = f"{model_path(model_id, workspace)}/{kind}/{object_id}/tasks"
    resp = api.post(base, json={"localeName": "en_US"})
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["task"]["taskId"]
    return wait_task(api, f"{base}/{task_id}")


def upload(api: httpx.Client, file_id: str, content: bytes, model_id: str = FPA, workspace: bool = True) -> None:
    base = f"{model_path(model_id, workspace)}/files/{file_id}"
    assert api.post(base, json={"chunkCount": 1}).status_code == 200
    put = api.put(f"{base}/chunks/0", content=content, headers={"Content-Type": "application/octet-stream"})
    assert put.status_code == 204, put.text
