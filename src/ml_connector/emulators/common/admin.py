"""`EmulatorKit`: wraps an emulator's FastAPI app with faults, stats and the `/_emulator/` admin API.

Admin API (the same for every emulator):

- `GET  /_emulator/health`            → `{"status": "ok", "system": ...}`
- `POST /_emulator/reset`             → back to the seeded state, faults off, stats cleared
- `GET|PUT /_emulator/faults`         → see `FaultSettings`; `{"expire_tokens_now": true}` also expires
                                         every issued token at once
- `POST /_emulator/expire-tokens`     → every issued token expires now
- `GET  /_emulator/stats[?events=1]`  → requests by path and status, auth calls, busiest 60 s window

Each emulator adds its own read-outs (cells, journals, suppliers) on the router it gets from `router`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from ml_connector.emulators.common.faults import Faults, FaultSettings
from ml_connector.emulators.common.stats import RequestStats

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ADMIN_PREFIX = "/_emulator"


class DroppedConnection(Exception):  # noqa: N818 - it names what happens to the client
    """Raised after a partial response so uvicorn closes the socket: the client sees a broken answer."""


class EmulatorKit:
    """Fault injection and statistics around an emulator app, plus its admin router.

    `error_body(status, retry_after)` builds the emulated system's own error answer for injected
    faults, so a 429 from the Anaplan emulator looks like Anaplan's and one from Oracle like Oracle's.
    """

    def __init__(
        self,
        system: str,
        *,
        on_reset: Callable[[], None],
        on_expire_tokens: Callable[[], None],
        error_body: Callable[[int], tuple[bytes, str]] | None = None,
    ) -> None:
        self.system = system
        self.faults = Faults()
        self.stats = RequestStats()
        self._on_reset = on_reset
        self._on_expire_tokens = on_expire_tokens
        self._error_body = error_body or _plain_error
        self.router = APIRouter(prefix=ADMIN_PREFIX)
        self._add_routes()

    def install(self, app: FastAPI) -> ASGIApp:
        """Add the admin router to `app` and return the app wrapped in the fault/stats layer."""
        app.include_router(self.router)
        return self._wrap(app)

    def _add_routes(self) -> None:
        r = self.router

        @r.get("/health")
        def health() -> dict[str, str]:
            return {"status": "ok", "system": self.system}

        @r.post("/reset")
        def reset() -> dict[str, str]:
            self._on_reset()
            self.faults.reset()
            self.stats.reset()
            return {"status": "reset"}

        @r.get("/faults")
        def get_faults() -> dict[str, Any]:
            return self.faults.snapshot()

        @r.put("/faults")
        async def put_faults(request: Request) -> JSONResponse:
            body = await request.json() if await request.body() else {}
            if not isinstance(body, dict):
                return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
            if body.pop("expire_tokens_now", False):
                self._on_expire_tokens()
            try:
                settings = FaultSettings.model_validate(body)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            self.faults.configure(settings)
            return JSONResponse(self.faults.snapshot())

        @r.post("/expire-tokens")
        def expire_tokens() -> dict[str, str]:
            self._on_expire_tokens()
            return {"status": "expired"}

        @r.get("/stats")
        def stats(events: int = 0) -> dict[str, Any]:
            return self.stats.snapshot(with_events=bool(events))

    def _wrap(self, app: ASGIApp) -> ASGIApp:
        kit = self

        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
                await app(scope, receive, send)
                return
            started = time.time()
            status_seen = [0]

            async def send_recording(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status_seen[0] = int(message["status"])
                await send(message)

            decision = kit.faults.decide(scope["path"])
            try:
                if decision.delay:
                    await asyncio.sleep(decision.delay)
                if decision.drop:
                    status_seen[0] = 0
                    await _break_connection(send)
                if decision.status is not None:
                    status_seen[0] = decision.status
                    await _send_error(send, decision.status, decision.retry_after, kit._error_body)
                    return
                if decision.lose_response:
                    await app(scope, receive, _swallow)
                    status_seen[0] = 0
                    await _break_connection(send)
                await app(scope, receive, send_recording)
            finally:
                kit.stats.record(scope["method"], scope["path"], status_seen[0], started, time.time())

        return middleware


async def _swallow(message: Message) -> None:
    return None


async def _break_connection(send: Send) -> None:
    # Promise a body that never comes; raising makes uvicorn close the socket mid-answer.
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
    raise DroppedConnection("fault injection: connection dropped")


async def _send_error(
    send: Send, status: int, retry_after: int | None, error_body: Callable[[int], tuple[bytes, str]]
) -> None:
    body, content_type = error_body(status)
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _plain_error(status: int) -> tuple[bytes, str]:
    return (f'{{"status": {status}}}').encode(), "application/json"
