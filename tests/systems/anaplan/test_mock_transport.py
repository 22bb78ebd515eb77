"""Answers the emulator does not give: 409 on a task start, a dump that is gone (via `transport=`)."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.errors import TaskFailedError
from ml_connector.systems.anaplan import AnaplanClient, AnaplanSettings

from .conftest import FAST_RETRY

WS, MODEL, TASK = (
    "8a81b09d5e8c6f27015ea9c4f2a4001f",
    "4C2A9E7B1D5F48A3B6E0C9D8F7A61B52",
    "1B1D84DDD53847BAA621810B593C3FC1",
)
W = f"/2/0/workspaces/{WS}/models/{MODEL}"
OK = {"code": 200, "message": "Success"}


class FakeAnaplan:
    def __init__(self) -> None:
        self.busy_answers = 2
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        self.calls.append(f"{method} {path}")
        if path == "/token/authenticate":
            info = {
                "tokenValue": "tok-value-123",
                "expiresAt": 9_999_999_999_999,
                "tokenId": "x",
                "refreshTokenId": "y",
            }
            return httpx.Response(201, json={"status": "SUCCESS", "tokenInfo": info})
        if path == "/2/0/workspaces":
            return self.page("workspaces", [{"id": WS, "name": "Acme Finance", "active": True}])
        if path == f"/2/0/workspaces/{WS}/models":
            return self.page("models", [{"id": MODEL, "name": "FP&A"}])
        if path == f"{W}/imports":
            item = {"id": "112000000003", "name": "Load Actuals", "importDataSourceId": "113000000003"}
            return self.page("imports", [item])
        if path == f"{W}/files":
            return self.page("files", [{"id": "113000000003", "name": "actuals.csv", "chunkCount": 0}])
        if path == f"{W}/files/113000000003" and method == "POST":
            return httpx.Response(200, json={"status": OK, "file": {"id": "113000000003", "chunkCount": 1}})
        if path.startswith(f"{W}/files/113000000003/chunks/"):
            return httpx.Response(204)
        if path == f"{W}/imports/112000000003/tasks" and method == "GET":
            return self.page("tasks", [])
        if path == f"{W}/imports/112000000003/tasks" and method == "POST":
            if self.busy_answers:
                self.busy_answers -= 1
                body = {"status": {"code": 409, "message": "Model is busy"}, "path": path, "timestamp": "t"}
                return httpx.Response(409, json=body)
            return httpx.Response(200, json={"status": OK, "task": {"taskId": TASK, "taskState": "NOT_STARTED"}})
        if path == f"{W}/imports/112000000003/tasks/{TASK}":
            values = ["moduleName", "Actuals", "successRowCount", "1", "failedCount", "1", "totalRowCount", "2"]
            result = {"successful": True, "failureDumpAvailable": True, "details": [{"values": values}]}
            return httpx.Response(
                200, json={"status": OK, "task": {"taskId": TASK, "taskState": "COMPLETE", "result": result}}
            )
        body = {"status": {"code": 404, "message": "Not Found"}, "path": path, "timestamp": "t"}
        return httpx.Response(404, content=json.dumps(body))

    @staticmethod
    def page(key: str, items: list[dict[str, Any]]) -> httpx.Response:
        paging = {"currentPageSize": len(items), "totalSize": len(items), "offset": 0}
        return httpx.Response(200, json={"meta": {"paging": paging}, "status": OK, key: items})


def mock_settings(**overrides: Any) -> AnaplanSettings:
    return AnaplanSettings.parse(
        {
            "auth_url": "https://auth.anaplan.com",
            "api_url": "https://api.anaplan.com/2/0",
            "user": "someone@acme.example",
            "password": "Mock-Password-9",
            "requests_per_minute": 60_000,
            "poll_initial_seconds": 0.01,
            "poll_max_seconds": 0.02,
            **FAST_RETRY,
            **overrides,
        }
    )


def test_busy_start_waits_and_a_lost_dump_fails_verification(tmp_path: Path) -> None:
    fake = FakeAnaplan()
    settings = mock_settings()
    path = tmp_path / "a.csv"
    path.write_text("GL Account,Cost Center,Period,Amount\n4000,1100,Jan 27,1\n9999,1100,Jan 27,2\n")
    with AnaplanClient(settings, transport=httpx.MockTransport(fake), sleep=lambda s: None) as client:
        outcome = client.load(client.model("Acme Finance", "FP&A"), "Load Actuals", path, rows_sent=2)
    assert fake.calls.count(f"POST {W}/imports/112000000003/tasks") == 3  # two 409s waited out
    assert outcome.dump_missing and outcome.rejected == []
    with pytest.raises(TaskFailedError, match="failure dump but it could not be read"):
        outcome.verify(2)


def test_upload_streams_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        for _ in range(8):
            out.write(os.urandom(500_000).hex().encode())  # 8 MB that gzip cannot shrink much
    fake = FakeAnaplan()
    settings = mock_settings(chunk_size_mb=1, gzip=True)
    with AnaplanClient(settings, transport=httpx.MockTransport(fake)) as client:
        ref = client.model("Acme Finance", "FP&A")
        tracemalloc.start()
        try:
            result = client.upload(ref, "actuals.csv", path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.chunks == 8
    assert peak < 4_500_000  # a chunk or two in memory, never the 8 MB file
