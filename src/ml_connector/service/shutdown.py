"""A clean stop: stop scheduling, let runs finish within a grace period, then stop them at a safe point.

A run is stopped only where its flow reports progress (between reading, staging and loading), never
inside a commit: `ServiceStopping` raised there makes the flow discard what it staged and mark the run
`interrupted`; its watermark never moved, so the next run (the service resumes it on start) reads the
same records again. A run that does not reach a safe point before the process ends stays `running` and
is closed as `interrupted` by the next run of its flow: nothing is lost either way.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

from ml_connector.flows.context import Progress, SilentProgress


class ServiceStopping(BaseException):  # noqa: N818 - a signal to unwind, like KeyboardInterrupt
    """Raised inside a run at its next safe point once the stop's grace period has run out.

    A `BaseException`, so that no `except Exception` in a flow mistakes it for a failure of the run.
    """


class StopFlag:
    """`stopping`: no new runs start. `abort`: running runs stop at their next safe point."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.abort = threading.Event()


class StoppableProgress:
    """The progress a service run reports to: it raises `ServiceStopping` once the stop is aborting."""

    def __init__(self, flag: StopFlag, inner: Progress | None = None) -> None:
        self._flag = flag
        self._inner = inner or SilentProgress()

    def _check(self) -> None:
        if self._flag.abort.is_set():
            raise ServiceStopping("the service is stopping; the run is interrupted at a safe point")

    def stage(self, text: str) -> None:
        self._check()
        self._inner.stage(text)

    def advance(self, records: int) -> None:
        self._check()
        self._inner.advance(records)


def on_stop_signals(stop: Callable[[int], None]) -> Callable[[], None]:
    """Call `stop(signum)` on SIGTERM and SIGINT (main thread only); returns a function that undoes it."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def handler(signum: int, frame: FrameType | None) -> None:
        stop(signum)

    for sig in previous:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
