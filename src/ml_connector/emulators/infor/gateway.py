"""The ION API gateway in front of the product APIs: bearer check (401), quota (429), target timeout (504).

Only paths under `/{ti}/` other than the authorization server `/{ti}/as/` pass through it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from ml_connector.emulators.infor.exceptions import gateway_error
from ml_connector.emulators.infor.tokens import TokenStore

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class GatewaySettings(BaseModel):
    """Body of `PUT /_emulator/gateway`: slow target answers and a tenant quota."""

    target_delay_seconds: float = Field(0.0, ge=0, le=600, description="how long the product API takes")
    target_delay_count: int = Field(0, ge=0, description="requests that are slow; 0 = every request")
    path_contains: str | None = None
    # Documented default 60 s, raisable by policy to 300 s; tests set it to a second or two.
    timeout_seconds: float = Field(60.0, gt=0, le=300)
    # ASSUMPTION: the quota is off unless set; Infor's quotas are per-API admin policies (the tenant's 3,000/min peak
    # is a usage entitlement).
    calls_per_minute: int | None = Field(None, ge=1, description="quota policy: more calls per minute get 429")


@dataclass
class GatewayState:
    """Thread-safe holder of `GatewaySettings` and the quota window."""

    settings: GatewaySettings = field(default_factory=GatewaySettings)
    _calls: deque[float] = field(default_factory=deque)
    _slow_left: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, settings: GatewaySettings) -> None:
        with self._lock:
            self.settings = settings
            self._slow_left = settings.target_delay_count
            self._calls.clear()

    def delay_for(self, path: str) -> float:
        with self._lock:
            s = self.settings
            if not s.target_delay_seconds or (s.path_contains and s.path_contains not in path):
                return 0.0
            if s.target_delay_count:
                if self._slow_left <= 0:
                    return 0.0
                self._slow_left -= 1
            return s.target_delay_seconds

    def over_quota(self) -> int:
        """Seconds to wait if this call exceeds the quota, else 0 (and the call is counted)."""
        with self._lock:
            limit = self.settings.calls_per_minute
            if limit is None:
                return 0
            now = time.monotonic()
            while self._calls and self._calls[0] <= now - 60:
                self._calls.popleft()
            if len(self._calls) >= limit:
                return max(1, int(self._calls[0] + 60 - now) + 1)
            self._calls.append(now)
            return 0


class GatewayMiddleware:
    """ASGI middleware in front of the product routes (inside the admin kit, so its answers are counted)."""

    def __init__(self, app: ASGIApp, tenant: str, tokens: TokenStore, state: GatewayState) -> None:
        self.app, self.tokens, self.state = app, tokens, state
        self.api_prefix, self.auth_prefix = f"/{tenant}/", f"/{tenant}/as/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.api_prefix) or path.startswith(self.auth_prefix):
            await self.app(scope, receive, send)
            return
        if not self.tokens.valid(_bearer(scope)):
            # ASSUMPTION: the 401 carries an RFC 6750 Bearer challenge; the docs give only the status and its meaning.
            await gateway_error(401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})(scope, receive, send)
            return
        wait = self.state.over_quota()
        if wait:
            # ASSUMPTION: no Infor source mentions Retry-After; the emulator sends it (seconds until the quota window
            # frees) since community clients honour it when present.
            await gateway_error(429, {"Retry-After": str(wait)})(scope, receive, send)
            return
        delay = self.state.delay_for(path)
        timeout = self.state.settings.timeout_seconds
        if delay and delay >= timeout:
            # ASSUMPTION: the gateway gives up on the target but does not cancel it.
            # The target still does the work (a write lands); only the answer is lost behind a 504.
            task = asyncio.ensure_future(self.app(scope, receive, _discard))
            await asyncio.sleep(timeout)
            await task
            await gateway_error(504)(scope, receive, send)
            return
        if delay:
            await asyncio.sleep(delay)
        await self.app(scope, receive, send)


def _bearer(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            text: str = value.decode("latin-1")
            if text[:7].lower() == "bearer ":
                return text[7:].strip()
    return ""


async def _discard(message: Message) -> None:
    return None
