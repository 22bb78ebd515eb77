"""When to retry a request, and how long to wait first (tenacity does the looping).

Retried: 429, 502, 503, 504, connection and read failures. Only for idempotent requests, unless the
caller says a write is safe to repeat (it carries its own idempotency key, or is looked up first).
The wait is exponential with full jitter and a cap; a `Retry-After` (seconds or HTTP date) wins.
How patient to be is a setting of each connection (`RetrySettings`, part of every system's settings).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from pydantic import BaseModel, Field

RETRIABLE_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how patiently to retry. `cap` bounds one wait, `deadline` the whole call."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    deadline: float = 300.0
    max_retry_after: float = 120.0


class RetrySettings(BaseModel):
    """The retry options of a connection; every system's settings have them (tests and the demo shorten them)."""

    # Retries of a failed request (429, 502-504, a network error) after its first try; 0: never retry.
    retry_attempts: int = Field(5, ge=0, le=50)
    # The longest wait between two tries, in seconds (the waits double from 0.5 s, with jitter, up to it).
    retry_max_wait_seconds: float = Field(30.0, gt=0, le=3600)
    # The longest wait a server's Retry-After is obeyed for, in seconds (a longer one is cut to this).
    retry_after_max_seconds: float = Field(120.0, ge=0, le=3600)
    # The time after which a request is not tried again, in seconds, however many retries are left.
    retry_deadline_seconds: float = Field(300.0, gt=0, le=86_400)

    @property
    def retry_policy(self) -> RetryPolicy:
        cap = self.retry_max_wait_seconds
        return RetryPolicy(
            attempts=self.retry_attempts + 1,
            base=min(RetryPolicy.base, cap),
            cap=cap,
            deadline=self.retry_deadline_seconds,
            max_retry_after=self.retry_after_max_seconds,
        )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header, in either of its two forms; None if absent or bad."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def is_retriable(method: str, status: int | None, *, network_error: bool, safe_to_repeat: bool | None) -> bool:
    """Whether a failed attempt should be tried again.

    A network error or 5xx on a non-idempotent write might have been applied: it is repeated only when
    the caller vouches (`safe_to_repeat=True`). A 429 means the request was refused, not applied, so
    it is always safe to repeat.
    """
    if status == 429:
        return True
    if not network_error and status not in RETRIABLE_STATUSES:
        return False
    idempotent = method.upper() in IDEMPOTENT_METHODS if safe_to_repeat is None else safe_to_repeat
    return idempotent


def backoff_seconds(
    policy: RetryPolicy, attempt: int, retry_after: float | None, rng: random.Random | None = None
) -> float:
    """Wait before attempt `attempt + 1` (attempt counts from 1). Full jitter under an exponential cap."""
    if retry_after is not None:
        return min(retry_after, policy.max_retry_after)
    ceiling = min(policy.cap, policy.base * 2.0 ** min(attempt - 1, 30))
    draw: float = rng.random() if rng is not None else random.random()  # noqa: S311 - jitter, not security
    return ceiling * (0.5 + draw / 2)
