"""Flow lanes: one queue of fires per flow, drained by a small pool of worker threads.

Flows run side by side (up to `workers` at once); the fires of one flow run one after another, so a
flow never has two runs going or a second waiting on the first's lease while holding a worker. The
workers are daemon threads: a process told to stop is never held open by a run that will not end
(such a run is resumable, see `shutdown`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable

from ml_connector.service.catchup import Fire

log = logging.getLogger("ml_connector.service.lanes")


class FlowLanes:
    """Runs each `Fire` with `execute`, one at a time per flow."""

    def __init__(self, workers: int, execute: Callable[[Fire], None]) -> None:
        self._execute = execute
        self._queues: dict[str, deque[Fire]] = {}
        self._running: dict[str, Fire] = {}
        self._active: set[str] = set()  # flows handed to a worker (queued or running)
        self._ready: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._guard = threading.Condition()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"flow-worker-{n}", daemon=True) for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def busy(self, flow: str) -> bool:
        """A run of `flow` is going or waiting."""
        with self._guard:
            return flow in self._active

    def running(self) -> list[Fire]:
        with self._guard:
            return list(self._running.values())

    def submit(self, fires: list[Fire]) -> None:
        with self._guard:
            if self._closed:
                return
            for fire in fires:
                self._queues.setdefault(fire.flow, deque()).append(fire)
                if fire.flow not in self._active:
                    self._active.add(fire.flow)
                    self._ready.put(fire.flow)

    def close(self) -> list[Fire]:
        """Take no more fires; drop (and return) those not started. Running ones go on."""
        with self._guard:
            self._closed = True
            dropped = [fire for lane in self._queues.values() for fire in lane]
            for lane in self._queues.values():
                lane.clear()
            self._guard.notify_all()
        for _ in self._threads:
            self._ready.put(None)
        return dropped

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no flow has a run going or waiting; False if `timeout` ran out first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._guard:
            while self._active:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._guard.wait(remaining)
            return True

    def _work(self) -> None:
        while True:
            flow = self._ready.get()
            if flow is None:
                return
            while True:
                with self._guard:
                    lane = self._queues.get(flow)
                    if not lane:
                        self._active.discard(flow)
                        self._guard.notify_all()
                        break
                    fire = lane.popleft()
                    self._running[flow] = fire
                try:
                    self._execute(fire)
                except BaseException:  # noqa: BLE001 - a worker must outlive any one run
                    log.exception("the run of %s for %s ended with an error", flow, fire.scheduled_at)
                finally:
                    with self._guard:
                        self._running.pop(flow, None)
