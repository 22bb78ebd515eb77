"""Fault injection: 429 storms, 5xx, slow answers, dropped connections, lost responses.

Faults are either rates (each request draws once) or counts (`next_429: 3` fails exactly the next
three requests), so tests can be deterministic. Admin paths (`/_emulator/`) are never faulted.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field


class FaultSettings(BaseModel):
    """The body of `PUT /_emulator/faults`. Every field is optional; omitted fields reset to off."""

    rate_429: float = Field(0.0, ge=0, le=1, description="share of requests answered 429 with Retry-After")
    rate_429_no_retry_after: float = Field(0.0, ge=0, le=1, description="share answered 429 without it")
    retry_after_seconds: int = Field(1, ge=0, le=3600)
    rate_5xx: float = Field(0.0, ge=0, le=1)
    status_5xx: int = Field(503, ge=500, le=599)
    slow_rate: float = Field(0.0, ge=0, le=1)
    slow_seconds: float = Field(0.0, ge=0, le=120)
    drop_rate: float = Field(0.0, ge=0, le=1, description="connection closed before the request is handled")
    lost_response_rate: float = Field(
        0.0, ge=0, le=1, description="request handled, then the connection closed before the answer"
    )
    next_429: int = Field(0, ge=0)
    next_5xx: int = Field(0, ge=0)
    next_drop: int = Field(0, ge=0)
    next_lost_response: int = Field(0, ge=0)
    path_contains: str | None = Field(None, description="only requests whose path contains this are faulted")
    seed: int | None = None


@dataclass
class Decision:
    """What to do with one request."""

    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    lose_response: bool = False


@dataclass
class Faults:
    """Thread-safe fault state shared by the middleware and the admin API."""

    settings: FaultSettings = field(default_factory=FaultSettings)
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._rng = random.Random(settings.seed)  # noqa: S311 - fault draws, not security

    def reset(self) -> None:
        self.configure(FaultSettings())

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self.settings.model_dump()

    def decide(self, path: str) -> Decision:
        with self._lock:
            s = self.settings
            if s.path_contains and s.path_contains not in path:
                return Decision()
            decision = Decision()
            if s.slow_rate and self._rng.random() < s.slow_rate:
                decision.delay = s.slow_seconds
            if s.next_drop > 0:
                s.next_drop -= 1
                decision.drop = True
            elif s.drop_rate and self._rng.random() < s.drop_rate:
                decision.drop = True
            elif s.next_429 > 0:
                s.next_429 -= 1
                decision.status, decision.retry_after = 429, s.retry_after_seconds
            elif s.next_5xx > 0:
                s.next_5xx -= 1
                decision.status = s.status_5xx
            elif s.rate_429 and self._rng.random() < s.rate_429:
                decision.status, decision.retry_after = 429, s.retry_after_seconds
            elif s.rate_429_no_retry_after and self._rng.random() < s.rate_429_no_retry_after:
                decision.status = 429
            elif s.rate_5xx and self._rng.random() < s.rate_5xx:
                decision.status = s.status_5xx
            elif s.next_lost_response > 0:
                s.next_lost_response -= 1
                decision.lose_response = True
            elif s.lost_response_rate and self._rng.random() < s.lost_response_rate:
                decision.lose_response = True
            return decision
