"""Service fixtures: a config with scheduled flows, a fake runner that records runs in the store, a local
webhook receiver and a local SMTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from ml_connector.config import Config
from ml_connector.engine.runs import RunInfo, RunLog
from ml_connector.engine.states import RunState
from ml_connector.flows.context import Progress
from ml_connector.store import Store

CONNECTIONS = {
    "anaplan": {"system": "anaplan", "user": "x@acme.example", "auth": "oauth"},
    "infor": {"system": "infor"},
}


def make_config(
    path: Path, flows: dict[str, dict[str, Any]], connections: dict[str, Any] | None = None, **sections: Any
) -> Config:
    full = {
        name: {"kind": "reference", "source": "infor", "target": "anaplan", "model": "FP&A", **flow}
        for name, flow in flows.items()
    }
    every = {**CONNECTIONS, **(connections or {})}
    return Config.model_validate({"connections": every, "flows": full, "path": path, **sections})


@dataclass
class FakeRunner:
    """Stands in for `run_flow`: a real run row per call, a pause, and the state asked for."""

    store: Store
    seconds: float = 0.0
    state: RunState = RunState.SUCCEEDED
    counts: dict[str, int] = field(default_factory=dict)
    calls: list[tuple[str, str, float, float]] = field(default_factory=list)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, flow: str, trigger: str, progress: Progress) -> RunInfo:
        runs = RunLog(self.store)
        run_id = runs.start(flow, trigger=trigger)
        began = time.monotonic()
        progress.stage("working")
        deadline = began + self.seconds
        while time.monotonic() < deadline:
            time.sleep(0.01)
            progress.advance(1)
        with self._guard:
            self.calls.append((flow, trigger, began, time.monotonic()))
        info = runs.finish(run_id, self.state, error="boom" if self.state == RunState.FAILED else "")
        return RunInfo(**{**info.__dict__, "counts": self.counts or info.counts})


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class WebhookReceiver:
    """A local incoming-webhook endpoint: keeps each JSON body; answers `status`."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                receiver.bodies.append({"content_type": self.headers.get("Content-Type"), **body})
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook/T000/B000/secretpart"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox(Message):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


@pytest.fixture()
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture()
def smtp() -> Iterator[tuple[Controller, Mailbox]]:
    box = Mailbox()
    with socket.socket() as probe:  # aiosmtpd needs a real port number to check that it listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, box
    controller.stop()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
