"""Request statistics: counts by path and status, auth calls, and the busiest 60-second window."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestStats:
    """Counts every non-admin request. `max_per_60s` is the most requests seen in any 60 s window."""

    window_seconds: float = 60.0
    by_path: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    auth_calls: int = 0
    total: int = 0
    max_per_window: int = 0
    _times: deque[float] = field(default_factory=deque)
    _events: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, path: str, status: int, started: float, ended: float) -> None:
        with self._lock:
            self.total += 1
            self.by_path[(method, path, status)] += 1
            self._times.append(started)
            while self._times and self._times[0] <= started - self.window_seconds:
                self._times.popleft()
            self.max_per_window = max(self.max_per_window, len(self._times))
            self._events.append({"method": method, "path": path, "status": status, "start": started, "end": ended})

    def record_auth(self) -> None:
        with self._lock:
            self.auth_calls += 1

    def reset(self) -> None:
        with self._lock:
            self.by_path.clear()
            self.auth_calls = 0
            self.total = 0
            self.max_per_window = 0
            self._times.clear()
            self._events.clear()

    def snapshot(self, with_events: bool = False) -> dict[str, Any]:
        with self._lock:
            requests: dict[str, dict[str, int]] = {}
            for (method, path, status), count in sorted(self.by_path.items()):
                requests.setdefault(f"{method} {path}", {})[str(status)] = count
            out: dict[str, Any] = {
                "total": self.total,
                "auth_calls": self.auth_calls,
                "max_requests_per_60s": self.max_per_window,
                "requests": requests,
                "now": time.time(),
            }
            if with_events:
                out["events"] = list(self._events)
            return out
