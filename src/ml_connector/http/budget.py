"""Request budgets: one per tenant, shared by every flow and thread that talks to it.

A budget of N requests per minute is a token bucket whose burst plus one minute of refill equals N,
so no 60-second window ever holds more than N requests (a plain bucket of capacity N could let 2N
through a window). `SqlTokenBucket` in `ml_connector.store.budget` keeps the same bucket in the
database, for processes and machines that share a tenant.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from ml_connector.errors import RetriableError


class RequestBudget(Protocol):
    """Anything that hands out permission to send one request."""

    def acquire(self, timeout: float | None = None) -> None:
        """Block until one request may be sent; raise `RetriableError` after `timeout` seconds."""


def bucket_shape(per_minute: int, burst: int | None = None, hold: float = 0.0) -> tuple[float, float]:
    """(capacity, refill per second) such that no 60 s window exceeds `per_minute` requests.

    `hold`: how long a token may be kept after it left the bucket before its request is sent (a
    process's reserve, see `ml_connector.http.reserve`). Requests sent in a 60 s window then drew
    their tokens in a window of 60 + `hold` s, so the refill is spread over that much longer.
    """
    if per_minute < 1:
        raise ValueError("a request budget needs at least 1 request per minute")
    capacity = float(burst if burst is not None else max(1, per_minute // 10))
    capacity = min(capacity, float(per_minute))
    # 60.5 rather than 60: clocks and float sums must not let one extra request into a window.
    span = 60.5 + max(0.0, hold)
    refill = max(per_minute - capacity, 0.0) / span
    if refill == 0:
        # per_minute == burst: spread it out instead of one burst a minute.
        capacity, refill = 1.0, max(per_minute - 1, 1) / span
    return capacity, refill


def refill_state(tokens: float, last: float, now: float, capacity: float, refill: float) -> float:
    """Tokens in the bucket at `now`. Pure, so the in-memory and SQL buckets agree."""
    return min(capacity, tokens + max(0.0, now - last) * refill)


def wait_for_token(
    try_acquire: Callable[[], float],
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    timeout: float | None,
    describe: str,
) -> None:
    """The acquire loop every bucket shares: take a token, or sleep until one is due, within `timeout`."""
    deadline = None if timeout is None else clock() + timeout
    while True:
        wait = try_acquire()
        if wait <= 0:
            return
        if deadline is not None and clock() + wait > deadline:
            raise RetriableError(
                f"request budget of {describe} exhausted for longer than {timeout:.0f} s",
                hint="Raise the connection's requests_per_minute if the tenant allows it, or run later.",
            )
        sleep(wait)


class TokenBucket:
    """A thread-safe in-process token bucket."""

    def __init__(
        self,
        per_minute: int,
        burst: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.capacity, self.refill = bucket_shape(per_minute, burst)
        self._tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def try_acquire(self) -> float:
        """Take a token and return 0, or return the seconds until one is due."""
        with self._lock:
            now = self._clock()
            self._tokens = refill_state(self._tokens, self._last, now, self.capacity, self.refill)
            self._last = now
            # The epsilon stops a float residue (0.9999999) from asking for a wait too small to pass.
            if self._tokens >= 1.0 - 1e-9:
                self._tokens = max(0.0, self._tokens - 1.0)
                return 0.0
            return (1.0 - self._tokens) / self.refill

    def acquire(self, timeout: float | None = None) -> None:
        wait_for_token(self.try_acquire, self._clock, self._sleep, timeout, f"{self.per_minute}/min")


class BudgetRegistry:
    """Budgets by tenant key, so every client of one tenant draws from one bucket.

    One registry belongs to one composition root (`ml_connector.root`); `factory` decides for good what
    kind of bucket it makes: in-process (`TokenBucket`, the default) or kept in the store
    (`ml_connector.store.budget.sql_budget_factory`, for workers on several machines).
    """

    def __init__(self, factory: Callable[[str, int], RequestBudget] | None = None) -> None:
        self._budgets: dict[str, RequestBudget] = {}
        self._lock = threading.Lock()
        self._factory: Callable[[str, int], RequestBudget] = factory or (
            lambda _key, per_minute: TokenBucket(per_minute)
        )

    def get(self, tenant: str, per_minute: int) -> RequestBudget:
        with self._lock:
            budget = self._budgets.get(tenant)
            if budget is None:
                budget = self._factory(tenant, per_minute)
                self._budgets[tenant] = budget
            return budget
