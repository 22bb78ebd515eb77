"""Run an ASGI app (an emulator, the dashboard) under uvicorn: in a thread of this process or in the foreground."""

from __future__ import annotations

import errno
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

from ml_connector.errors import ConfigurationError


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


def usable_port(host: str, port: int, option: str = "--port") -> int:
    """`port` if this process can listen on it at `host` (0: a free one), else a clear error saying why."""
    if not 0 <= port <= 65535:
        raise ConfigurationError(
            f"{option} {port} is not a port number", hint="Give a port from 1 to 65535, or 0 for a free one."
        )
    if port == 0:
        return free_port(host)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            busy = exc.errno == errno.EADDRINUSE
            raise ConfigurationError(
                f"cannot listen on {host}:{port}: "
                + ("another program already uses that port" if busy else (exc.strerror or str(exc))),
                hint=f"Pick another {option} (or 0 for a free one)"
                + ("." if busy else f", or check that {host} is an address of this machine."),
            ) from None
    return port


def start_in_thread(
    app: Any, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0, tls: tuple[str, str] | None = None
) -> RunningServer:
    """Start `app` (an emulator, the console) in a daemon thread and return once it accepts connections
    (over HTTPS with `tls`: (certificate file, key file))."""
    port = usable_port(host, port)
    server = uvicorn.Server(_config(app, host, port, tls))
    thread = threading.Thread(target=server.run, name=f"emulator:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ConfigurationError(
                f"the server did not start on {host}:{port}", hint="Pick another port, or see the log above."
            )
        time.sleep(0.01)
    scheme = "https" if tls else "http"
    return RunningServer(host=host, port=port, server=server, thread=thread, scheme=scheme)


def serve_forever(app: Any, host: str, port: int) -> None:
    """Serve in the foreground until interrupted (the `ml-connector emulate` commands)."""
    uvicorn.Server(_config(app, host, port)).run()
