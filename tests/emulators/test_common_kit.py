from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from ml_connector.emulators.common import EmulatorKit, RunningServer, start_in_thread


@pytest.fixture()
def served() -> Iterator[tuple[RunningServer, list[str]]]:
    events: list[str] = []
    app = FastAPI()

    @app.post("/write")
    def write() -> dict[str, int]:
        events.append("write")
        return {"n": len(events)}

    kit = EmulatorKit("test", on_reset=lambda: events.clear(), on_expire_tokens=lambda: events.append("exp"))
    server = start_in_thread(kit.install(app))
    yield server, events
    server.stop()


def test_counted_faults_then_success(served: tuple[RunningServer, list[str]]) -> None:
    server, events = served
    with httpx.Client(base_url=server.url) as c:
        c.put("/_emulator/faults", json={"next_429": 2, "retry_after_seconds": 7}).raise_for_status()
        first = c.post("/write")
        assert first.status_code == 429 and first.headers["retry-after"] == "7"
        assert c.post("/write").status_code == 429
        assert c.post("/write").json() == {"n": 1}
        stats = c.get("/_emulator/stats").json()
        assert stats["total"] == 3
        assert stats["requests"]["POST /write"] == {"200": 1, "429": 2}
        assert stats["max_requests_per_60s"] == 3


def test_lost_response_applies_the_write_but_breaks_the_answer(served: tuple[RunningServer, list[str]]) -> None:
    server, events = served
    with httpx.Client(base_url=server.url) as c:
        c.put("/_emulator/faults", json={"next_lost_response": 1}).raise_for_status()
        with pytest.raises(httpx.RemoteProtocolError):
            c.post("/write")
        assert events == ["write"]


def test_drop_does_not_apply_the_write(served: tuple[RunningServer, list[str]]) -> None:
    server, events = served
    with httpx.Client(base_url=server.url) as c:
        c.put("/_emulator/faults", json={"next_drop": 1}).raise_for_status()
        with pytest.raises(httpx.RemoteProtocolError):
            c.post("/write")
        assert events == []


def test_reset_and_expire_hooks(served: tuple[RunningServer, list[str]]) -> None:
    server, events = served
    with httpx.Client(base_url=server.url) as c:
        c.put("/_emulator/faults", json={"expire_tokens_now": True}).raise_for_status()
        assert events == ["exp"]
        c.post("/_emulator/reset").raise_for_status()
        assert events == []
        assert c.get("/_emulator/health").json() == {"status": "ok", "system": "test"}
        assert c.put("/_emulator/faults", json={"rate_429": 3}).status_code == 400
