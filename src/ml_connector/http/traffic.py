"""`Traffic`: the requests this process sent, by system and outcome, counted in memory and handed to a
sink (the composition root's: the store) at most every `every` seconds and when the process closes.

A request's outcome is its status class ("2xx", "4xx", "5xx"), "429" on its own (rate limiting is
what an operator watches), or "network" when no answer came. Counting never fails a request: a sink
that raises keeps the counts for the next hand-over.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

Sink = Callable[[Mapping[tuple[str, str], int]], None]  # (system, outcome) -> requests


def outcome(status: int | None) -> str:
    if status is None:
        return "network"
    if status == 429:
        return "429"
    return f"{status // 100}xx"


class Traffic:
    def __init__(self, sink: Sink | None = None, every: float = 10.0, clock: Callable[[], float] = time.monotonic):
        self._sink = sink
        self._every = every
        self._clock = clock
        self._counts: Counter[tuple[str, str]] = Counter()
        self._guard = threading.Lock()
        self._handed_at = clock()

    def request(self, system: str, status: int | None) -> None:
        with self._guard:
            self._counts[(system, outcome(status))] += 1
            due = self._sink is not None and self._clock() - self._handed_at >= self._every
        if due:
            self.flush()

    def flush(self) -> None:
        """Hand the counts so far to the sink (kept if it fails)."""
        if self._sink is None:
            return
        with self._guard:
            counts, self._counts = self._counts, Counter()
            self._handed_at = self._clock()
        if not counts:
            return
        try:
            self._sink(counts)
        except Exception as exc:  # noqa: BLE001 - counting must never fail the request it counts
            log.warning("could not record request counts, keeping them for later: %s", exc)
            with self._guard:
                self._counts.update(counts)

    def pending(self) -> dict[tuple[str, str], int]:
        """The counts not handed over yet."""
        with self._guard:
            return dict(self._counts)
