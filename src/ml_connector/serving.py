"""Run an ASGI app (an emulator, the dashboard) under uvicorn: in a thread of this process or in the foreground."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn


@dataclass
class RunningServer:
    """An emulator listening on `host:port` in a thread of this process; `stop()` shuts it down."""

    host: str
    port: int
    server: uvicorn.Server
    thread: threading.Thread
    scheme: str = "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _config(app: Any, host: str, port: int, tls: tuple[str, str] | None = None) -> uvicorn.Config:
    # One worker, no access log: an emulator keeps its own stats of what it was asked.
    cert, key = tls if tls else (None, None)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ssl_certfile=cert,
        ssl_keyfile=key,
    )


def start_in_thread(
    app: Any, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0, tls: tuple[str, str] | None = None
) -> RunningServer:
    """Start `app` in a daemon thread and return once it accepts connections (over HTTPS with `tls`:
    (certificate file, key file))."""
    port = port or free_port(host)
    server = uvicorn.Server(_config(app, host, port, tls))
    thread = threading.Thread(target=server.run, name=f"emulator:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"emulator did not start on {host}:{port}")
        time.sleep(0.01)
    scheme = "https" if tls else "http"
    return RunningServer(host=host, port=port, server=server, thread=thread, scheme=scheme)


def serve_forever(app: Any, host: str, port: int) -> None:
    """Serve in the foreground until interrupted (the `ml-connector emulate` commands)."""
    uvicorn.Server(_config(app, host, port)).run()
