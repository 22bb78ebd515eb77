"""A process's reserve of request tokens taken from a shared bucket in blocks.

Asking a shared bucket (a database row) for every request costs a transaction per request. A
`TokenReserve` takes several tokens in one go and hands them out to the process's threads without
asking again. Reserved tokens are only good for `hold` seconds after they left the bucket: a request
sent on one is then at most `hold` seconds later than its token, and the bucket accounts for that in
its shape (`bucket_shape(..., hold=...)`), so the tenant's limit holds for all processes together.

The block follows the process's own demand: it starts at one token and is sized to about half of
`hold` at the rate the process used its last block, never above `max_block`. A process that sends
one request now and then takes one token at a time and wastes none; a busy one takes a transaction
per block instead of per request.

    reserve = TokenReserve(take_from_bucket, max_block=4, hold=1.0)
    wait = reserve.try_acquire()     # 0: send now; > 0: seconds until the bucket has a token
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Long enough for a busy process to spend a block, short enough to cost the tenant about 1.6 % of
# its refill at 60/min (60.5 s of refill spread over 61.5 s).
RESERVE_HOLD_SECONDS = 1.0


@dataclass(frozen=True)
class Grant:
    """What the shared bucket gave: `count` tokens taken at `at` (the reserve's clock), or none and
    the seconds `wait` until one is due."""

    count: int
    wait: float
    at: float


def max_block(capacity: float, refill: float) -> int:
    """The largest block worth taking: about half a second of refill, at least 1, at most the burst."""
    return max(1, min(int(capacity), int(refill * 0.5)))


class TokenReserve:
    """Tokens taken in blocks by `take(want)` and handed out locally until they are `hold` s old.

    Thread-safe: the threads of one process share the reserve, and one of them refills it while the
    others wait for the lock (they would need the refill anyway).
    """

    def __init__(
        self,
        take: Callable[[int], Grant],
        *,
        max_block: int,
        hold: float = RESERVE_HOLD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._take = take
        self.max_block = max(1, max_block)
        self.hold = hold
        self._clock = clock
        self._lock = threading.Lock()
        self._left = 0
        self._expires = 0.0
        self._taken_at = 0.0
        self._block = 0
        self._want = 1
        self.blocks_taken = 0  # store transactions that gave tokens, for measurements

    def try_acquire(self) -> float:
        """Take a token and return 0, or return the seconds until the shared bucket has one."""
        with self._lock:
            now = self._clock()
            if self._left > 0 and now < self._expires:
                self._left -= 1
                return 0.0
            if self._block:  # the last block is spent or expired: size the next one once
                self._want = self._next_want(now)
                self._block = self._left = 0
            grant = self._take(self._want)
            if grant.count < 1:
                return grant.wait
            self.blocks_taken += 1
            self._block = grant.count
            self._left = grant.count - 1
            self._taken_at = grant.at
            self._expires = grant.at + self.hold
            return 0.0

    def _next_want(self, now: float) -> int:
        """About half a hold's worth of tokens at the rate the last block was spent."""
        used = self._block - self._left
        if self._left > 0:  # it expired unspent: what was used in one hold is the demand
            rate = used / self.hold
        else:
            rate = used / max(now - self._taken_at, 1e-3)
        return max(1, min(self.max_block, math.ceil(rate * self.hold / 2)))
